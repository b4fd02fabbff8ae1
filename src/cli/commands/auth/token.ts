import { Command } from "commander";
import type { CliContext } from "../../context.js";
import { runToken } from "./token-run.js";

/** `hf auth token`: print the active token (for scripts); dist/hf.cjs answers the common case itself. */
export function createCommand(ctx: CliContext): Command {
  return new Command("token")
    .description("Print the active token (the only command that prints one); for scripts: $(hf auth token)")
    .action(() => runToken(ctx));
}
