// Helpers shared by the `hf cache` commands (not a command: the registry never loads this file).
import { resolve } from "node:path";
import { formatSize } from "../../../cache/format.js";
import type { CachePlan } from "../../../cache/plan.js";
import { isRepoType, parseRepoTypeWord, type RepoType } from "../../../common/repo.js";
import { HfUsageError } from "../../../errors.js";
import type { CliContext } from "../../context.js";

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
