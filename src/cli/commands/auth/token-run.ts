// `hf auth token` without commander: run-cli.ts calls `runToken` directly for the exact argv
// `auth token`, so scripts doing `$(hf auth token)` pay for node, the config and two small file
// reads only (bench/auth-cold-start.mjs measures it).
import { resolveToken } from "../../../auth/resolve-token.js";
import { NOT_LOGGED_IN } from "../../../auth/whoami.js";
import { NotLoggedInError } from "../../../errors.js";
import type { CliContext } from "../../context.js";

/**
 * Prints the active token (the only command that ever prints one), in every output format, as
 * Python's `hf auth token`. A token file holding an OAuth token near expiry is refreshed first.
 *
 * @example hf auth token   # hf_****...
 */
export async function runToken(ctx: CliContext): Promise<void> {
  const r = await resolveToken({ token: true, onWarning: (m) => ctx.out.warn(m) }, ctx.config);
  if (!r) throw new NotLoggedInError(NOT_LOGGED_IN, { remedy: "hf auth login" });
  // Written raw, on purpose: Output would redact it.
  ctx.out.stdout.write(`${r.token}\n`);
}
