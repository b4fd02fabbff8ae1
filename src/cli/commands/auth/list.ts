import { Command } from "commander";
import { resolveToken } from "../../../auth/resolve-token.js";
import { listStoredTokens, type StoredToken } from "../../../auth/token-store.js";
import { maskToken } from "../../../common/mask-token.js";
import type { CliContext } from "../../context.js";
import type { View } from "../../exporter.js";
import { renderTable } from "../../table.js";
import { envName, warner } from "./auth-shared.js";

/** `hf auth list` (alias `hf auth ls`): saved tokens with masked values and the active marker. */
export function createCommand(ctx: CliContext): Command {
  return new Command("list")
    .alias("ls")
    .description("List saved tokens (masked), marking the active one with *")
    .action(async () => {
      await run(ctx);
    });
}

function formatExpiry(t: StoredToken, nowSec: number): string {
  if (t.expiresAt === undefined) return "";
  const d = new Date(t.expiresAt * 1000);
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  return t.expiresAt < nowSec ? `${day} (expired)` : day;
}

/** One saved token as `hf auth list` shows it: never the value, only its masked form. */
export interface ListedToken {
  name: string;
  /** `hf_****wxyz`, or undefined when the section has no token. */
  masked: string | undefined;
  active: boolean;
  /** Unix seconds (OAuth tokens). */
  expiresAt: number | undefined;
  /** `2026-01-31`, `2026-01-31 (expired)`, or "". */
  expires: string;
}

export interface AuthListResult {
  tokens: ListedToken[];
  /** Whether any section has an `expires_at` key (the table then has an expires column). */
  withExpiry: boolean;
}

export const authListView: View<AuthListResult> = {
  json: (r) =>
    r.tokens.map((t) => ({
      name: t.name,
      token: t.masked ?? null,
      active: t.active,
      expires_at: t.expiresAt ?? null,
    })),
  quiet: (r) => r.tokens.map((t) => t.name),
  human: (r) => {
    if (r.tokens.length === 0) return undefined;
    const headers = [" ", "name", "token", ...(r.withExpiry ? ["expires"] : [])];
    const rows = r.tokens.map((t) => [
      t.active ? "*" : " ",
      t.name,
      t.masked ?? "<not set>",
      ...(r.withExpiry ? [t.expires] : []),
    ]);
    return renderTable(headers, rows).text;
  },
};

export async function run(ctx: CliContext): Promise<AuthListResult> {
  const { out, config } = ctx;
  // As Python: resolve first (this may refresh an OAuth token and rewrite the files).
  const current = await resolveToken({ token: true, onWarning: warner(ctx), config });
  const tokens = await listStoredTokens({ config, onWarning: warner(ctx) });
  const envActive = current?.source.kind === "env" ? current : undefined;
  const nowSec = Date.now() / 1000;
  const result: AuthListResult = {
    tokens: tokens.map((t) => ({
      name: t.name,
      masked: t.token ? maskToken(t.token) : undefined,
      active: current !== undefined && t.token === current.token,
      expiresAt: t.expiresAt,
      expires: formatExpiry(t, nowSec),
    })),
    withExpiry: tokens.some((t) => t.hasExpiresKey),
  };
  ctx.exporter.write(authListView, result);

  if (tokens.length === 0) {
    out.info(
      envActive ? "No stored access tokens found." : "No access tokens found. Log in with: hf auth login",
    );
  }
  if (envActive) {
    out.warn(
      `${envName(envActive)} is set and is the active token, whatever is saved here. Unset it to use a saved token: unset ${envName(envActive)}`,
    );
  } else if (tokens.length > 0 && !result.tokens.some((t) => t.active)) {
    out.warn(
      "No active token is set and no HF_TOKEN variable is found. Use `hf auth login` or `hf auth switch` to choose one.",
    );
  }
  return result;
}
