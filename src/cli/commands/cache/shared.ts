// Helpers shared by the `hf cache` commands (not a command: the registry never loads this file).
import { resolve } from "node:path";
import { formatSize } from "../../../cache/format.js";
import type { CachePlan } from "../../../cache/plan.js";
import { isRepoType, parseRepoTypeWord, type RepoType } from "../../../common/repo.js";
import { HfUsageError } from "../../../errors.js";
import type { CliContext } from "../../context.js";
import { type RenderedTable, renderTable } from "../../table.js";

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

/** Terminal width as Python's `shutil.get_terminal_size()`: $COLUMNS, the TTY, else 80. */
function terminalWidth(ctx: CliContext): number {
  const c = Number.parseInt(ctx.env.COLUMNS ?? "", 10);
  if (c > 0) return c;
  const cols = (ctx.out.stdout as { columns?: number }).columns;
  return cols && cols > 0 ? cols : 80;
}

/**
 * Python's human table (`cli/_output.py::Output.table`): SCREAMING_SNAKE headers, cells on one
 * line, shrunk to the terminal width unless `noTruncate` (cli/table.ts renders it).
 */
export function humanTable(
  ctx: CliContext,
  headers: string[],
  rows: string[][],
  options: { right?: string[]; noTruncate?: boolean } = {},
): RenderedTable {
  return renderTable(
    headers.map((h) => h.toUpperCase()),
    rows.map((r) => r.map((c) => c.replace(/\s+/g, " ").trim())),
    {
      right: options.right?.map((h) => h.toUpperCase()),
      width: options.noTruncate ? undefined : terminalWidth(ctx),
    },
  );
}

/** RFC 4180 CSV: a header row, then one row per item; lists joined with a space. */
export function renderCsv(headers: string[], rows: unknown[][]): string {
  const cell = (v: unknown) => {
    const s = Array.isArray(v) ? v.join(" ") : v === undefined || v === null ? "" : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [headers, ...rows].map((r) => r.map(cell).join(",")).join("\n");
}

/**
 * Python's `out.result(message, **data)`: human `✓ message` then `  key: value` lines; quiet the
 * first value; json our own object (bytes as numbers).
 */
export function printResult(
  ctx: CliContext,
  message: string,
  human: Record<string, string | number | boolean>,
  json: Record<string, unknown>,
): void {
  const fmt = ctx.formatHint;
  if (ctx.format === "json") {
    ctx.out.json(json);
    return;
  }
  if (ctx.format === "quiet") {
    const first = Object.values(human)[0];
    if (first !== undefined) ctx.out.result(pyStr(first));
    return;
  }
  if (fmt === "agent") {
    ctx.out.result(
      Object.entries(human)
        .map(([k, v]) => `${k}=${pyStr(v)}`)
        .join(" "),
    );
    return;
  }
  const lines = [ctx.out.paint("green", `✓ ${message}`)];
  for (const [k, v] of Object.entries(human)) lines.push(`  ${k}: ${pyStr(v)}`);
  ctx.out.result(lines.join("\n"));
}

function pyStr(v: string | number | boolean): string {
  return typeof v === "boolean" ? (v ? "True" : "False") : String(v);
}

/** Free text on stdout in human/agent mode only (Python's `out.text`). */
export function text(ctx: CliContext, line: string): void {
  if (ctx.format === "human") ctx.out.result(line);
}

/** The plan's selection as Python prints it (`print_cache_selected_revisions`). */
export function printSelection(ctx: CliContext, plan: CachePlan): void {
  for (const { repo, revisions, entireRepo } of plan.selected) {
    if (entireRepo) {
      text(ctx, `  - ${repo.id} (entire repo)`);
      continue;
    }
    text(ctx, `  - ${repo.id}:`);
    for (const rev of revisions) {
      text(ctx, `      ${rev.commit} [${rev.refs.join(" ") || "(detached)"}] ${formatSize(rev.size)}`);
    }
  }
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
