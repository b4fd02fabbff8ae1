import { Command } from "commander";
import { HfUsageError } from "../../errors.js";
import type { CliContext } from "../context.js";
import { run as runRm } from "./cache/rm.js";

/**
 * The guide's `huggingface-cli delete-cache`, in its non-interactive form: the targets are given on
 * the command line and it runs `hf cache rm` (one-line note). Python's version opened a TUI to pick
 * revisions; here `hf cache ls --revisions` lists them.
 */
export function createCommand(ctx: CliContext): Command {
  return new Command("delete-cache")
    .description("Legacy name of 'hf cache rm' (targets on the command line)")
    .argument("[targets...]", "model/org/name, a revision hash, or hf://... (see hf cache rm --help)")
    .option("--dir <dir>", "cache directory (default: HF_HUB_CACHE)")
    .option("--cache-dir <dir>", "same as --dir")
    .option("--repo-type <type>", "type for targets given as org/name")
    .option("-y, --yes", "do not ask for confirmation")
    .option("--dry-run", "show what would be deleted, delete nothing")
    .option("--disable-tui", "accepted for compatibility (there is no TUI)")
    .action(
      async (
        targets: string[],
        opts: { dir?: string; cacheDir?: string; repoType?: string; yes?: boolean; dryRun?: boolean },
      ) => {
        ctx.out.info(
          "Note: 'delete-cache' is deprecated; use 'hf cache rm TARGET...' (same plan and prompt).",
        );
        if (targets.length === 0) {
          throw new HfUsageError("delete-cache needs the revisions or repos to delete on the command line.", {
            remedy:
              "hf cache ls --revisions  (then: hf delete-cache <revision_hash>... or hf cache rm model/org/name)",
          });
        }
        await runRm(ctx, targets, {
          cacheDir: opts.cacheDir ?? opts.dir,
          repoType: opts.repoType,
          yes: opts.yes,
          dryRun: opts.dryRun,
        });
      },
    );
}
