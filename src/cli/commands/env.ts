import { Command } from "commander";
import { collectEnvInfo, type EnvInfo, formatEnvInfo } from "../../doctor/env-info.js";
import type { CliContext } from "../context.js";
import type { View } from "../exporter.js";

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
    .action(async () => {
      await run(ctx);
    });
}

/**
 * The facts as one JSON object, else Python's `- key: value` text (also with -q). The text holds
 * only masked tokens; the exporter's redaction also masks a token pasted into another setting.
 */
export const envView: View<EnvInfo> = {
  json: (info) => info,
  human: (info) => formatEnvInfo(info).join("\n"),
  quiet: (info) => formatEnvInfo(info).join("\n"),
};

export async function run(ctx: CliContext): Promise<EnvInfo> {
  const info = await collectEnvInfo({ config: ctx.config, cwd: ctx.cwd });
  ctx.exporter.write(envView, info);
  return info;
}
