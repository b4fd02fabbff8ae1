import { Command } from "commander";
import { formatSize } from "../../../cache/format.js";
import { executePlan, planRemoval } from "../../../cache/plan.js";
import { scanCache } from "../../../cache/scan.js";
import { HfUsageError } from "../../../errors.js";
import type { CliContext } from "../../context.js";
import { resultView, textView, type View } from "../../exporter.js";
import { cacheDirOf, confirmOrRefuse, parseRepoType, planJson, selectionLines } from "./shared.js";

export interface RmOptions {
  cacheDir?: string | undefined;
  repoType?: string | undefined;
  yes?: boolean | undefined;
  dryRun?: boolean | undefined;
}

/**
 * `hf cache rm TARGET...`: plan, show, confirm, delete (Python 1.33's `hf cache rm`, same output).
 * Targets: `model/org/name` (or `org/name` with `--repo-type`), `hf://` repo or file URIs, a
 * 40-hex revision, or a file path inside a snapshot.
 */
export async function run(ctx: CliContext, targets: string[], options: RmOptions): Promise<void> {
  if (targets.length === 0) {
    throw new HfUsageError("Nothing to remove: give at least one target.", {
      remedy:
        "hf cache rm model/org/name  (ids from 'hf cache ls', revisions from 'hf cache ls --revisions')",
    });
  }
  const scan = await scanCache({ cacheDir: cacheDirOf(ctx, options.cacheDir) });
  const plan = planRemoval(scan, targets, { repoType: parseRepoType(options.repoType) });
  if (plan.missing.length) {
    const byId = new Map(scan.repos.map((r) => [r.repoId.toLowerCase(), r.id]));
    ctx.out.warn(`Could not find in cache:\n${plan.missing.map((m) => `  - ${m}`).join("\n")}`);
    // `org/name` without a type is "not found" in Python too; say which id would have matched.
    const guesses = plan.missing.map((m) => byId.get(m.toLowerCase())).filter((g) => g !== undefined);
    if (guesses.length)
      ctx.out.hint(`repo ids take their type: hf cache rm ${guesses.join(" ")}  (or pass --repo-type)`);
  }
  const size = formatSize(plan.freedBytes);
  const { exporter } = ctx;

  if (plan.files.length) {
    exporter.write(textView, [
      `About to delete ${plan.files.length} file(s) totalling ${size}.`,
      ...plan.files.map((f) => `  - ${f.label}`),
    ]);
    if (options.dryRun) {
      exporter.write(resultView, {
        message: "Dry run: no files were deleted.",
        fields: { dry_run: true, files: plan.files.length, size },
        json: { dry_run: true, files: plan.files.length, size: plan.freedBytes, ...planJson(plan) },
      });
      return;
    }
    if (!(await confirmOrRefuse(ctx, "Proceed with deletion?", Boolean(options.yes)))) return aborted(ctx);
    const done = await executePlan(plan);
    exporter.write(resultView, {
      message: `Deleted ${plan.files.length} file(s); freed ${formatSize(done.freedBytes)}.`,
      fields: { files_deleted: plan.files.length, freed: formatSize(done.freedBytes) },
      json: { files_deleted: plan.files.length, freed: done.freedBytes, ...planJson(plan) },
    });
    return;
  }

  if (plan.counts.revisions === 0) {
    exporter.write(nothingView, {
      dry_run: Boolean(options.dryRun),
      repos: 0,
      revisions: 0,
      size: 0,
      ...planJson(plan),
    });
    return;
  }
  const parts: string[] = [];
  if (plan.counts.repos) parts.push(`${plan.counts.repos} repo(s)`);
  if (plan.counts.partialRevisions) parts.push(`${plan.counts.partialRevisions} revision(s)`);
  exporter.write(textView, [
    `About to delete ${parts.join(" and ")} totalling ${size}.`,
    ...selectionLines(plan),
  ]);
  if (options.dryRun) {
    exporter.write(resultView, {
      message: "Dry run: no files were deleted.",
      fields: { dry_run: true, repos: plan.counts.repos, revisions: plan.counts.revisions, size },
      json: {
        dry_run: true,
        repos: plan.counts.repos,
        revisions: plan.counts.revisions,
        size: plan.freedBytes,
        ...planJson(plan),
      },
    });
    return;
  }
  if (!(await confirmOrRefuse(ctx, "Proceed with deletion?", Boolean(options.yes)))) return aborted(ctx);
  const done = await executePlan(plan);
  exporter.write(resultView, {
    message: `Deleted ${plan.counts.repos} repo(s) and ${plan.counts.revisions} revision(s); freed ${formatSize(done.freedBytes)}.`,
    fields: {
      repos_deleted: plan.counts.repos,
      revisions_deleted: plan.counts.revisions,
      freed: formatSize(done.freedBytes),
    },
    json: {
      repos_deleted: plan.counts.repos,
      revisions_deleted: plan.counts.revisions,
      freed: done.freedBytes,
      ...planJson(plan),
    },
  });
}

/** Targets that select nothing: a sentence for people, the (empty) plan for scripts. */
const nothingView: View<Record<string, unknown>> = {
  human: () => "Nothing to delete.",
  json: (plan) => plan,
};

function aborted(ctx: CliContext): void {
  ctx.out.info("Aborted: nothing was deleted.");
  ctx.exitCode = 1;
}

export function createCommand(ctx: CliContext): Command {
  return new Command("rm")
    .description("Remove cached repositories, revisions or files")
    .argument(
      "<targets...>",
      "model/org/name, a revision hash, hf://[models/]org/name[/file], or a snapshot file path",
    )
    .option("--cache-dir <dir>", "cache directory (default: HF_HUB_CACHE)")
    .option("--repo-type <type>", "type for targets given as org/name (model, dataset, space)")
    .option("-y, --yes", "do not ask for confirmation")
    .option("--dry-run", "show what would be deleted, delete nothing")
    .addHelpText(
      "after",
      [
        "",
        "Without -y it asks on a terminal; elsewhere (pipes, CI) it refuses with exit 2.",
        "",
        "Examples:",
        "  hf cache rm model/acme/tiny-model --dry-run",
        "  hf cache rm acme/tiny-dataset --repo-type dataset -y",
        "  hf cache rm <revision_hash> -y",
        "  hf cache rm hf://models/acme/tiny-model/config.json -y",
      ].join("\n"),
    )
    .action(async (targets: string[], opts: RmOptions) => run(ctx, targets, opts));
}
