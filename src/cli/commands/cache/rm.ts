import { Command } from "commander";
import { formatSize } from "../../../cache/format.js";
import { planRemoval } from "../../../cache/plan.js";
import { scanCache } from "../../../cache/scan.js";
import { HfUsageError } from "../../../errors.js";
import type { CliContext } from "../../context.js";
import { cacheDirOf, confirmAndDelete, nothingToDelete, parseRepoType, selectionLines } from "./shared.js";

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
  if (plan.files.length) {
    const n = plan.files.length;
    await confirmAndDelete(
      ctx,
      plan,
      {
        about: [
          `About to delete ${n} file(s) totalling ${size}.`,
          ...plan.files.map((f) => `  - ${f.label}`),
        ],
        question: "Proceed with deletion?",
        what: `${n} file(s)`,
        counts: { files: n },
        deleted: { files_deleted: n },
      },
      options,
    );
    return;
  }
  const { repos, revisions, partialRevisions } = plan.counts;
  if (revisions === 0) {
    nothingToDelete(ctx, plan, "Nothing to delete.", { repos: 0, revisions: 0 }, options.dryRun);
    return;
  }
  const parts: string[] = [];
  if (repos) parts.push(`${repos} repo(s)`);
  if (partialRevisions) parts.push(`${partialRevisions} revision(s)`);
  await confirmAndDelete(
    ctx,
    plan,
    {
      about: [`About to delete ${parts.join(" and ")} totalling ${size}.`, ...selectionLines(plan)],
      question: "Proceed with deletion?",
      what: `${repos} repo(s) and ${revisions} revision(s)`,
      counts: { repos, revisions },
      deleted: { repos_deleted: repos, revisions_deleted: revisions },
    },
    options,
  );
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
