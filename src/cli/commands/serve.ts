import { Command } from "commander";
import type { CliContext } from "../context.js";

/** Placeholder until the local Hub server lands. */
export function createCommand(ctx: CliContext): Command {
  return new Command("serve").description("Run a local Hugging Face Hub").action(() => {
    ctx.out.error("hf serve is not built yet.");
    ctx.exitCode = 1;
  });
}
