import { Command } from "commander";
import { resolveToken } from "../../../auth/resolve-token.js";
import { NotLoggedInError } from "../../../errors.js";
import type { CliContext } from "../../context.js";

/**
 * `hf auth token`: print the active token (for scripts). dist/hf.cjs answers the common case itself
 * (token-fast.ts); this command runs for the rest (no token, a broken file, an OAuth refresh due).
 */
export function createCommand(ctx: CliContext): Command {
  return new Command("token")
    .description("Print the active token (the only command that prints one); for scripts: $(hf auth token)")
    .action(() => run(ctx));
}

/**
 * Prints the active token (the only command that ever prints one), in every output format, as
 * Python's `hf auth token`. A token file holding an OAuth token near expiry is refreshed first.
 *
 * @example hf auth token   # hf_****...
 */
export async function run(ctx: CliContext): Promise<void> {
  const r = await resolveToken({ token: true, onWarning: (m) => ctx.out.warn(m), config: ctx.config });
  if (!r) throw new NotLoggedInError(); // worded by the CLI's error table
  // Written raw, on purpose: Output would redact it.
  ctx.out.stdout.write(`${r.token}\n`);
}
