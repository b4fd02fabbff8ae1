import { Command } from "commander";
import { redactTokens } from "../../common/mask-token.js";
import { collectEnvInfo, formatEnvInfo } from "../../doctor/env-info.js";
import type { CliContext } from "../context.js";

/**
 * `hf env`: versions, resolved paths and the variable that chose each, the endpoint, every HF_*
 * setting (raw and effective), the token (masked) and its source, git credential helpers and proxy
 * variables. Python's `hf env` is the model (`utils/_runtime.py::dump_environment_info`): plain
 * `- key: value` lines to paste in an issue. Never prints a token.
 */
export function createCommand(ctx: CliContext): Command {
  return new Command("env")
    .description("Print the environment: versions, paths, endpoint, HF_* settings, token source (masked)")
    .addHelpText("after", "\nExamples:\n  hf env\n  hf env --format json")
    .action(() => run(ctx));
}

export async function run(ctx: CliContext): Promise<void> {
  const info = await collectEnvInfo(ctx.config, ctx.cwd);
  if (ctx.out.format === "json") {
    ctx.out.json(info);
    return;
  }
  // The text holds only masked tokens; redactTokens also masks a token pasted into another setting.
  ctx.out.result(redactTokens(formatEnvInfo(info).join("\n")));
}
