import { Command } from "commander";
import { describeTokenSource, listTokenSources, resolveToken } from "../../../auth/resolve-token.js";
import { describeRole, tokenNameFor, whoami } from "../../../auth/whoami.js";
import { DEFAULT_ENDPOINT } from "../../../config/index.js";
import { NotLoggedInError } from "../../../errors.js";
import { createHubClient } from "../../../http/hub-client.js";
import type { CliContext } from "../../context.js";
import type { View } from "../../exporter.js";
import { warner } from "./auth-shared.js";

/**
 * `hf auth whoami`: who the active token belongs to, its name and role, and where it came from
 * (like `gh auth status`), with warnings when a higher-priority source hides the saved login and
 * when a write token is used where a read token would do.
 */
export function createCommand(ctx: CliContext): Command {
  return new Command("whoami")
    .description("Show the user, orgs, token name, role and where the token comes from")
    .action(async () => {
      await run(ctx);
    });
}

/** Who the active token belongs to, as `hf auth whoami` shows it. */
export interface WhoamiResult {
  user: string;
  fullname: string | undefined;
  orgs: string[];
  tokenName: string | undefined;
  role: string | undefined;
  /** Where the token came from ("HF_TOKEN environment variable"). */
  source: string;
  /** Shown only when it is not the default Hub. */
  endpoint: string | undefined;
}

export const whoamiView: View<WhoamiResult> = {
  json: (r) => ({
    user: r.user,
    fullname: r.fullname ?? null,
    orgs: r.orgs.length ? r.orgs.join(",") : null,
    token_name: r.tokenName ?? null,
    role: r.role ?? null,
    source: r.source,
    endpoint: r.endpoint ?? null,
  }),
  quiet: (r) => r.user,
  human: (r, style) => {
    const rows: [string, string | undefined][] = [
      ["user", r.user],
      ["fullname", r.fullname],
      ["orgs", r.orgs.join(",") || undefined],
      ["token", r.tokenName],
      ["role", r.role],
      ["source", r.source],
      ["endpoint", r.endpoint],
    ];
    return [
      `${style.paint("green", "✓")} Logged in`,
      ...rows.filter(([, v]) => v !== undefined).map(([k, v]) => `  ${k}: ${v}`),
    ];
  },
};

export async function run(ctx: CliContext): Promise<WhoamiResult> {
  const { out, config } = ctx;
  const r = await resolveToken({ token: true, onWarning: warner(ctx), config });
  if (!r) throw new NotLoggedInError(); // worded by the CLI's error table
  const source = describeTokenSource(r.source);
  const client = createHubClient({ config, token: r.token, tokenSource: r.source });
  const info = await whoami(client);
  const result: WhoamiResult = {
    user: info.name,
    fullname: info.fullname,
    orgs: info.orgs.map((o) => o.name),
    tokenName:
      info.auth?.accessToken?.displayName ?? (info.auth?.accessToken ? undefined : tokenNameFor(info)),
    role: describeRole(info),
    source,
    endpoint: config.endpoint !== DEFAULT_ENDPOINT ? config.endpoint : undefined,
  };
  ctx.exporter.write(whoamiView, result);

  // The OIDC exchange wins over every stored token: say which ones it hides (HF_TOKEN left in a CI
  // job's secrets, say), and how to use them instead.
  if (r.source.kind === "oidc") {
    const hidden = await listTokenSources(config);
    if (hidden.length > 0) {
      out.warn(
        `${source} takes precedence over ${hidden.map((h) => `the ${describeTokenSource(h.source)}`).join(" and ")}. Unset it to use that token: unset HF_OIDC_RESOURCE`,
      );
    }
  } else if (r.source.kind !== "file") {
    // A variable (or argument) that hides a saved login: say which, and how to use the saved one.
    const saved = (await listTokenSources(config)).find((s) => s.source.kind === "file");
    if (saved && saved.token !== r.token) {
      const name = r.source.kind === "env" ? r.source.name : "--token";
      out.warn(
        `${source} takes precedence over your saved login (${describeTokenSource(saved.source)}).${
          r.source.kind === "env" ? ` Unset it to use the saved token: unset ${name}` : ""
        }`,
      );
    }
  }
  if (info.auth?.accessToken?.role === "write") {
    out.warn(
      `This is a write token; downloading and reading only need a read token. Use a read token for everyday work to limit the damage if it leaks (${config.endpoint}/settings/tokens).`,
    );
  }
  return result;
}
