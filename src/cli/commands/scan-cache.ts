import { Command } from "commander";
import type { CliContext } from "../context.js";
import { run as runLs } from "./cache/ls.js";

/**
 * The guide's `huggingface-cli scan-cache` / `hf scan-cache`: `hf cache ls` with a one-line note.
 * Old flags: `--dir` = `--cache-dir`, `-v` = `--revisions`.
 */
export function createCommand(ctx: CliContext): Command {
  return new Command("scan-cache")
    .description("Legacy name of 'hf cache ls'")
    .option("--dir <dir>", "cache directory (default: HF_HUB_CACHE)")
    .option("--cache-dir <dir>", "same as --dir")
    .option(
      "-v, --verbose",
      "one row per revision (hf cache ls --revisions)",
      (_v: string, n: number) => n + 1,
      0,
    )
    .option("--revisions", "one row per revision")
    .action(async (opts: { dir?: string; cacheDir?: string; verbose: number; revisions?: boolean }) => {
      ctx.out.info("Note: 'scan-cache' is deprecated; use 'hf cache ls' (same output).");
      await runLs(ctx, {
        cacheDir: opts.cacheDir ?? opts.dir,
        revisions: Boolean(opts.revisions) || opts.verbose > 0,
      });
    });
}
