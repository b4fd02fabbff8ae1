import { Command } from "commander";
import { maskToken } from "../../../auth/mask-token.js";
import { resolveToken } from "../../../auth/resolve-token.js";
import { listStoredTokens, type StoredToken } from "../../../auth/token-store.js";
import type { CliContext } from "../../context.js";
import { renderTable } from "../../table.js";
import { envName, warner } from "./auth-shared.js";

/** `hf auth list` (alias `hf auth ls`): saved tokens with masked values and the active marker. */
export function createCommand(ctx: CliContext): Command {
  return new Command("list")
    .alias("ls")
    .description("List saved tokens (masked), marking the active one with *")
    .action(() => run(ctx));
}

function formatExpiry(t: StoredToken, nowSec: number): string {
  if (t.expiresAt === undefined) return "";
  const d = new Date(t.expiresAt * 1000);
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  return t.expiresAt < nowSec ? `${day} (expired)` : day;
}

export async function run(ctx: CliContext): Promise<void> {
  const { out, config } = ctx;
  // As Python: resolve first (this may refresh an OAuth token and rewrite the files).
  const current = await resolveToken({ token: true, onWarning: warner(ctx) }, config);
  const tokens = await listStoredTokens(config, warner(ctx));
  const envActive = current?.source.kind === "env" ? current : undefined;
  const nowSec = Date.now() / 1000;

  if (out.format === "json") {
    out.json(
      tokens.map((t) => ({
        name: t.name,
        token: t.token ? maskToken(t.token) : null,
        active: current !== undefined && t.token === current.token,
        expires_at: t.expiresAt ?? null,
      })),
    );
  } else if (out.format === "quiet") {
    for (const t of tokens) out.result(t.name);
  } else if (tokens.length > 0) {
    const withExpiry = tokens.some((t) => t.hasExpiresKey);
    const headers = [" ", "name", "token", ...(withExpiry ? ["expires"] : [])];
    const rows = tokens.map((t) => [
      current !== undefined && t.token === current.token ? "*" : " ",
      t.name,
      t.token ? maskToken(t.token) : "<not set>",
      ...(withExpiry ? [formatExpiry(t, nowSec)] : []),
    ]);
    out.human(renderTable(headers, rows).text);
  }

  if (tokens.length === 0) {
    out.info(
      envActive ? "No stored access tokens found." : "No access tokens found. Log in with: hf auth login",
    );
  }
  if (envActive) {
    out.warn(
      `${envName(envActive)} is set and is the active token, whatever is saved here. Unset it to use a saved token: unset ${envName(envActive)}`,
    );
  } else if (tokens.length > 0 && !tokens.some((t) => current !== undefined && t.token === current.token)) {
    out.warn(
      "No active token is set and no HF_TOKEN variable is found. Use `hf auth login` or `hf auth switch` to choose one.",
    );
  }
}
