import { Command } from "commander";
import { approveGitCredential } from "../../../auth/git-credential.js";
import { listStoredTokens, switchToken, unknownTokenName } from "../../../auth/token-store.js";
import { HfUsageError } from "../../../errors.js";
import type { CliContext } from "../../context.js";
import { plainView, type View } from "../../exporter.js";
import { isInteractive, reportGitHelpers, shadowingVariable, warner } from "./auth-shared.js";

export interface SwitchOptions {
  tokenName?: string | undefined;
  addToGitCredential?: boolean | undefined;
}

/** `hf auth switch [--token-name N]`: make a saved token the active one (no network check, as Python). */
export function createCommand(ctx: CliContext): Command {
  return new Command("switch")
    .description("Make a saved token the active one (asks which on a terminal when --token-name is omitted)")
    .option("--token-name <name>", "the saved token to activate (see hf auth list)")
    .option("--add-to-git-credential", "also store it in your git credential helper")
    .addHelpText("after", "\nExamples:\n  hf auth switch\n  hf auth switch --token-name work-read")
    .action((opts: SwitchOptions) => run(ctx, opts));
}

/** The saved token made active, and the file it now sits in. */
export const switchedView: View<{ name: string; tokenPath: string }> = {
  json: (r) => ({ active: r.name, token_path: r.tokenPath }),
  quiet: (r) => r.name,
  human: (r) => `Switched to '${r.name}'. The current active token is: ${r.name}`,
};

export async function run(ctx: CliContext, opts: SwitchOptions): Promise<void> {
  const { out, config } = ctx;
  const tokens = await listStoredTokens({ config, onWarning: warner(ctx) });
  const names = tokens.map((t) => t.name);
  let name = opts.tokenName;
  if (name === undefined) {
    if (names.length === 0) {
      out.warn("No stored tokens found. Please log in first: hf auth login");
      ctx.exporter.write(plainView, "No token name provided. Aborting.");
      return;
    }
    if (!isInteractive(ctx)) {
      throw new HfUsageError(
        `Use --token-name to select a token in non-interactive mode. Saved tokens: ${names.join(", ")}.`,
        {
          remedy: `hf auth switch --token-name ${names[0]}`,
        },
      );
    }
    const { select } = await import("@inquirer/prompts");
    name = await select(
      { message: "Select a token to switch to:", choices: names.map((n) => ({ name: n, value: n })) },
      { input: ctx.stdin, output: out.stdout } as never,
    );
  }
  if (!names.includes(name)) throw unknownTokenName(config, name, names);
  if (opts.addToGitCredential) {
    const token = tokens.find((t) => t.name === name)?.token ?? "";
    const helpers = await approveGitCredential(config.endpoint, token.trim(), {
      env: config.env,
      cwd: ctx.cwd,
    });
    reportGitHelpers(ctx, helpers);
  }
  await switchToken({ config, name: name });
  out.info(`Your token has been saved to ${config.tokenPath}`);
  ctx.exporter.write(switchedView, { name, tokenPath: config.tokenPath });
  const shadow = await shadowingVariable(ctx);
  if (shadow) {
    out.warn(`${shadow} is set and will override the token you just switched to. Unset it: unset ${shadow}`);
  }
}
