import { Command } from "commander";
import { logout } from "../../../auth/login.js";
import { resolveToken } from "../../../auth/resolve-token.js";
import { listStoredTokens, unknownTokenName } from "../../../auth/token-store.js";
import type { CliContext } from "../../context.js";
import type { View } from "../../exporter.js";
import { shadowingVariable, warner } from "./auth-shared.js";

export interface LogoutOptions {
  tokenName?: string | undefined;
}

/**
 * `hf auth logout [--token-name N]` (Python `_login.py::logout`): removes the saved token(s) and the
 * git credential; says when an environment variable still provides a token.
 */
export function createCommand(ctx: CliContext): Command {
  return new Command("logout")
    .description("Log out: remove the active token (or one saved token) and the git credential")
    .option("--token-name <name>", "remove only this saved token (see hf auth list)")
    .action((opts: LogoutOptions) => run(ctx, opts));
}

/** What `hf auth logout` did. */
export interface LogoutReport {
  /** False when there was nothing to log out from. */
  loggedOut: boolean;
  /** The one saved token removed (`--token-name`), or undefined for all of them. */
  tokenName: string | undefined;
  /** An environment variable that still provides a token. */
  stillLoggedInBy: string | undefined;
}

const loggedOutText = (r: LogoutReport) =>
  !r.loggedOut
    ? undefined
    : r.tokenName !== undefined
      ? `Successfully logged out from access token: ${r.tokenName}.`
      : "Successfully logged out from all access tokens.";

/** The same sentence in human and quiet mode (Python prints it either way). */
export const logoutView: View<LogoutReport> = {
  json: (r) =>
    r.loggedOut
      ? { logged_out: true, token_name: r.tokenName ?? null, still_logged_in_by: r.stillLoggedInBy ?? null }
      : { logged_out: false, reason: "not_logged_in" },
  human: loggedOutText,
  quiet: loggedOutText,
};

export async function run(ctx: CliContext, opts: LogoutOptions): Promise<void> {
  const { out, config } = ctx;
  const stored = await listStoredTokens({ config, onWarning: warner(ctx) });
  const current = await resolveToken({ token: true, onWarning: warner(ctx), config }).catch(() => undefined);
  if (opts.tokenName !== undefined && !stored.some((t) => t.name === opts.tokenName)) {
    throw unknownTokenName(
      config,
      opts.tokenName,
      stored.map((t) => t.name),
    );
  }
  if (current === undefined && stored.length === 0) {
    ctx.exporter.write(logoutView, { loggedOut: false, tokenName: undefined, stillLoggedInBy: undefined });
    out.warn("Not logged in!");
    return;
  }
  const result = await logout({ config, tokenName: opts.tokenName, cwd: ctx.cwd });
  if (opts.tokenName !== undefined && result.wasActive)
    out.warn(`Active token '${opts.tokenName}' has been deleted.`);
  const shadow = await shadowingVariable(ctx);
  ctx.exporter.write(logoutView, {
    loggedOut: true,
    tokenName: opts.tokenName,
    stillLoggedInBy: shadow,
  });
  if (shadow) {
    out.warn(
      `The saved token${opts.tokenName === undefined ? "s were" : " was"} deleted, but you are still logged in: ${shadow} is set. To log out completely: unset ${shadow}`,
    );
  }
}
