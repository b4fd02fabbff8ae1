// Helpers shared by the `hf cache` commands (not a command: the registry never loads this file).
import { resolve } from "node:path";
import { formatSize } from "../../../cache/format.js";
import { type CachePlan, executePlan } from "../../../cache/plan.js";
import { isRepoType, parseRepoTypeWord, type RepoType } from "../../../common/repo.js";
import { HfUsageError } from "../../../errors.js";
import type { CliContext } from "../../context.js";
import { resultView, textView } from "../../exporter.js";

/** `--cache-dir`, else the configured hub cache (HF_HUB_CACHE > HUGGINGFACE_HUB_CACHE > HF_HOME/hub). */
export function cacheDirOf(ctx: CliContext, option: string | undefined): string {
  return resolve(ctx.cwd, option ?? ctx.config.hubCache);
}

/** `--repo-type`: model, dataset or space, singular or plural, any case. */
export function parseRepoType(value: string | undefined): RepoType | undefined {
  if (value === undefined) return undefined;
  const v = parseRepoTypeWord(value);
  if (v === undefined || !isRepoType(v)) {
    throw new HfUsageError(`Invalid repo type '${value}'.`, {
      remedy: "use --repo-type model, dataset or space",
    });
  }
  return v;
}

/** RFC 4180 CSV: a header row, then one row per item; lists joined with a space. */
export function renderCsv(headers: string[], rows: unknown[][]): string {
  const cell = (v: unknown) => {
    const s = Array.isArray(v) ? v.join(" ") : v === undefined || v === null ? "" : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [headers, ...rows].map((r) => r.map(cell).join(",")).join("\n");
}

/** The plan's selection as Python prints it (`print_cache_selected_revisions`), one line each. */
export function selectionLines(plan: CachePlan): string[] {
  const lines: string[] = [];
  for (const { repo, revisions, entireRepo } of plan.selected) {
    if (entireRepo) {
      lines.push(`  - ${repo.id} (entire repo)`);
      continue;
    }
    lines.push(`  - ${repo.id}:`);
    for (const rev of revisions) {
      lines.push(`      ${rev.commit} [${rev.refs.join(" ") || "(detached)"}] ${formatSize(rev.size)}`);
    }
  }
  return lines;
}

/** The plan as JSON (bytes as numbers), for `--format json` and scripts. */
export function planJson(plan: CachePlan): Record<string, unknown> {
  return {
    selected: plan.selected.map((s) => ({
      id: s.repo.id,
      repo_id: s.repo.repoId,
      repo_type: s.repo.repoType,
      entire_repo: s.entireRepo,
      revisions: s.revisions.map((r) => ({ revision: r.commit, refs: r.refs, size: r.size })),
    })),
    files: plan.files.map((f) => f.label),
    incomplete_files: plan.incomplete.map((f) => ({ path: f.path, size: f.size })),
    incomplete_in_use: plan.incompleteInUse.map((f) => ({ path: f.path, size: f.size })),
    missing: plan.missing,
  };
}

/**
 * Asks before deleting. `-y` skips it; on a terminal it asks (default No); anywhere else it refuses
 * with a usage error (exit 2): a script must say `-y` explicitly, and a pipe cannot answer.
 */
export async function confirmOrRefuse(ctx: CliContext, message: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (ctx.format !== "human" || !ctx.stdin.isTTY) {
    throw new HfUsageError(
      `${message} Refusing to delete without confirmation: not an interactive terminal.`,
      {
        remedy: "add -y (--yes) to delete without asking, or --dry-run to only see the plan",
      },
    );
  }
  const { confirm } = await import("@inquirer/prompts");
  return confirm(
    { message, default: false },
    { input: ctx.stdin as NodeJS.ReadableStream, output: ctx.out.stdout as NodeJS.WritableStream },
  );
}

/**
 * Nothing to delete: Python's sentence for people; for scripts the (empty) plan with zero counts.
 *
 * @example nothingToDelete(ctx, plan, "Nothing to delete.", { repos: 0, revisions: 0 }, false)
 */
export function nothingToDelete(
  ctx: CliContext,
  plan: CachePlan,
  sentence: string,
  counts: Record<string, number>,
  dryRun: boolean | undefined,
): void {
  ctx.exporter.write(
    {
      human: () => sentence,
      json: () => ({ dry_run: Boolean(dryRun), ...counts, size: 0, ...planJson(plan) }),
    },
    undefined,
  );
}

/** What a deletion is, in the words `hf cache rm` and `hf cache prune` print. */
export interface Deletion {
  /** "About to delete …" and the selection under it (human only). */
  about: string[];
  /** The confirmation question. */
  question: string;
  /** What goes, for "Deleted <what>; freed 1.2K.". */
  what: string;
  /** The dry run's counts (`files`, or `repos` and `revisions`, ...), in print order. */
  counts: Record<string, number>;
  /** The same once deleted (`files_deleted`, ...). */
  deleted: Record<string, number>;
  /** Python's always-zero shared-blob counts, which prune prints in its human forms. */
  sharedBlobs?: boolean | undefined;
}

/**
 * The rest of `hf cache rm` / `prune` once the plan is made: show it, then stop (`--dry-run`), or
 * confirm, execute and report the bytes freed, as Python's `out.result` does in each format.
 *
 * @example
 * await confirmAndDelete(ctx, plan, { about, question: "Proceed?", what: "2 file(s)",
 *   counts: { files: 2 }, deleted: { files_deleted: 2 } }, { yes: true });
 */
export async function confirmAndDelete(
  ctx: CliContext,
  plan: CachePlan,
  d: Deletion,
  options: { yes?: boolean | undefined; dryRun?: boolean | undefined },
): Promise<void> {
  const { exporter } = ctx;
  exporter.write(textView, d.about);
  const shared = (key: string) => (d.sharedBlobs ? { [key]: 0 } : {});
  if (options.dryRun) {
    exporter.write(resultView, {
      message: "Dry run: no files were deleted.",
      fields: { dry_run: true, ...d.counts, ...shared("shared_blobs"), size: formatSize(plan.freedBytes) },
      json: { dry_run: true, ...d.counts, size: plan.freedBytes, ...planJson(plan) },
    });
    return;
  }
  if (!(await confirmOrRefuse(ctx, d.question, Boolean(options.yes)))) {
    ctx.out.info("Aborted: nothing was deleted.");
    ctx.exitCode = 1;
    return;
  }
  const done = await executePlan(plan);
  const freed = formatSize(done.freedBytes);
  exporter.write(resultView, {
    message: `Deleted ${d.what}; freed ${freed}.`,
    fields: { ...d.deleted, ...shared("shared_blobs_deleted"), freed },
    json: { ...d.deleted, freed: done.freedBytes, ...planJson(plan) },
  });
}
