import { Command } from "commander";
import { formatSize } from "../../../cache/format.js";
import { planPrune } from "../../../cache/plan.js";
import { scanCache } from "../../../cache/scan.js";
import type { CliContext } from "../../context.js";
import { cacheDirOf, confirmAndDelete, nothingToDelete, selectionLines } from "./shared.js";

export interface PruneOptions {
  cacheDir?: string | undefined;
  yes?: boolean | undefined;
  dryRun?: boolean | undefined;
}

/** Python's `_prune_summary`: "1 unreferenced revision(s) and 2 incomplete download(s)". */
function summary(revisions: number, incomplete: number): string {
  const parts: string[] = [];
  if (revisions) parts.push(`${revisions} unreferenced revision(s)`);
  if (incomplete) parts.push(`${incomplete} incomplete download(s)`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : parts.join("");
}

/**
 * `hf cache prune`: detached revisions (no ref points to them) and partial downloads no live
 * process is writing (Python deletes every `*.incomplete`; we keep the ones in use).
 */
export async function run(ctx: CliContext, options: PruneOptions): Promise<void> {
  const scan = await scanCache({ cacheDir: cacheDirOf(ctx, options.cacheDir) });
  const plan = planPrune(scan);
  for (const f of plan.incompleteInUse)
    ctx.out.info(`Keeping ${f.path}: a download in progress is writing it.`);
  const revisions = plan.counts.revisions;
  const incomplete = plan.incomplete.length;
  if (revisions === 0 && incomplete === 0) {
    nothingToDelete(
      ctx,
      plan,
      "No unreferenced revisions, incomplete downloads or shared blobs found. Nothing to prune.",
      { revisions: 0, incomplete: 0 },
      options.dryRun,
    );
    return;
  }
  const what = summary(revisions, incomplete);
  await confirmAndDelete(
    ctx,
    plan,
    {
      about: [`About to delete ${what} (${formatSize(plan.freedBytes)} total).`, ...selectionLines(plan)],
      question: "Proceed?",
      what,
      counts: { revisions, incomplete },
      deleted: { revisions_deleted: revisions, incomplete_deleted: incomplete },
      sharedBlobs: true,
    },
    options,
  );
}

export function createCommand(ctx: CliContext): Command {
  return new Command("prune")
    .description("Remove detached revisions and stale incomplete downloads from the cache")
    .option("--cache-dir <dir>", "cache directory (default: HF_HUB_CACHE)")
    .option("-y, --yes", "do not ask for confirmation")
    .option("--dry-run", "show what would be deleted, delete nothing")
    .addHelpText(
      "after",
      [
        "",
        "Partial downloads that a running download holds (its lock is live) are kept.",
        "Without -y it asks on a terminal; elsewhere (pipes, CI) it refuses with exit 2.",
        "",
        "Examples:",
        "  hf cache prune --dry-run",
        "  hf cache prune -y",
      ].join("\n"),
    )
    .action(async (opts: PruneOptions) => run(ctx, opts));
}
