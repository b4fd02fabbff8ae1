import { Command, Option } from "commander";
import { formatSize, formatTimeSince, parseDuration, parseSize } from "../../../cache/format.js";
import { type CachedRepoInfo, type CachedRevisionInfo, scanCache } from "../../../cache/scan.js";
import { HfUsageError } from "../../../errors.js";
import type { CliContext } from "../../context.js";
import type { HumanStyle, View } from "../../exporter.js";
import { renderTable } from "../../table.js";
import { cacheDirOf, renderCsv } from "./shared.js";

export interface LsOptions {
  cacheDir?: string | undefined;
  revisions?: boolean | undefined;
  filter?: string[] | undefined;
  sort?: string | undefined;
  limit?: string | number | undefined;
  showWarnings?: boolean | undefined;
  truncate?: boolean | undefined;
}

type Entry = [CachedRepoInfo, CachedRevisionInfo | undefined];
type FilterFn = (repo: CachedRepoInfo, rev: CachedRevisionInfo | undefined, nowSec: number) => boolean;

const FILTER_RE = /^(?<key>[a-zA-Z_]+)\s*(?<op>==|!=|>=|<=|>|<|=)\s*(?<value>.+)$/s;
const FILTER_KEYS = ["accessed", "modified", "refs", "size", "type"];
const SORT_KEYS = ["accessed", "modified", "name", "size"];

function compare(left: number, op: string, right: number): boolean {
  switch (op) {
    case "=":
      return left === right;
    case "!=":
      return left !== right;
    case ">":
      return left > right;
    case "<":
      return left < right;
    case ">=":
      return left >= right;
    default:
      return left <= right;
  }
}

/**
 * `key op value` filters of `hf cache ls` (`cli/cache.py::compile_cache_filter`): `size>1GB`,
 * `accessed>7d` (age), `modified<30d`, `type=dataset`, `refs=main`. Errors are usage errors.
 */
export function compileFilter(expr: string): FilterFn {
  const m = FILTER_RE.exec(expr.trim());
  if (!m?.groups) throw new HfUsageError(`Invalid value: Invalid filter expression: '${expr}'.`);
  const key = (m.groups.key as string).toLowerCase();
  const op = m.groups.op as string;
  const value = (m.groups.value as string).trim();
  if (op === "==") {
    throw new HfUsageError(
      `Invalid value: Unsupported operator '${op}' in filter '${expr}'. Must be one of ['=', '!=', '>', '<', '>=', '<='].`,
    );
  }
  if (!FILTER_KEYS.includes(key)) {
    throw new HfUsageError(
      `Invalid value: Unsupported filter key '${key}' in '${expr}'. Must be one of [${FILTER_KEYS.map((k) => `'${k}'`).join(", ")}].`,
    );
  }
  const parse = (fn: (v: string) => number) => {
    try {
      return fn(value);
    } catch (e) {
      throw new HfUsageError(`Invalid value: ${(e as Error).message}`);
    }
  };
  if (key === "size") {
    const threshold = parse(parseSize);
    return (repo, rev) => compare(rev ? rev.size : repo.size, op, threshold);
  }
  if (key === "accessed" || key === "modified") {
    const seconds = parse(parseDuration);
    return (repo, rev, now) => {
      const t = key === "accessed" ? repo.lastAccessed : rev ? rev.lastModified : repo.lastModified;
      return compare(now - t.getTime() / 1000, op, seconds);
    };
  }
  if (op !== "=")
    throw new HfUsageError(`Invalid value: Only '=' is supported for '${key}' filters. Got '${op}'.`);
  const expected = value.toLowerCase();
  if (key === "type") return (repo) => repo.repoType === expected;
  return (repo, rev) => (rev ? rev.refs : repo.refs).some((r) => r.toLowerCase() === expected);
}

/** `--sort key[:asc|:desc]`: name ascending by default, the others descending (newest/biggest first). */
export function compileSort(expr: string): (a: Entry, b: Entry) => number {
  const m = /^([a-z_]+)(?::(asc|desc))?$/.exec(expr.trim().toLowerCase());
  if (!m || !SORT_KEYS.includes(m[1] as string)) {
    throw new HfUsageError(
      `Invalid value for '--sort': '${expr}' is not one of ${SORT_KEYS.flatMap((k) => [
        k,
        `${k}:asc`,
        `${k}:desc`,
      ])
        .map((k) => `'${k}'`)
        .join(", ")}.`,
    );
  }
  const key = m[1] as string;
  const desc = (m[2] ?? (key === "name" ? "asc" : "desc")) === "desc";
  const value = ([repo, rev]: Entry): number | string => {
    if (key === "name") return repo.id.toLowerCase();
    if (key === "size") return rev ? rev.size : repo.size;
    if (key === "accessed") return repo.lastAccessed.getTime();
    return (rev ? rev.lastModified : repo.lastModified).getTime();
  };
  // Stable, as Python's list.sort(reverse=True) is (equal keys keep their order).
  return (a, b) => {
    const va = value(a);
    const vb = value(b);
    const c = va < vb ? -1 : va > vb ? 1 : 0;
    return desc ? -c : c;
  };
}

/** Column names of the table and of agent mode's TSV (as Python's `hf cache ls` prints them). */
function humanHeaders(revisions: boolean | undefined): string[] {
  return revisions
    ? ["id", "revision", "size", "last_modified", "refs"]
    : ["id", "size", "last_accessed", "last_modified", "refs"];
}

/** One row of the table or the TSV: sizes and ages as people read them; `refs` renders the ref list. */
function humanRow(
  repo: CachedRepoInfo,
  rev: CachedRevisionInfo | undefined,
  nowMs: number,
  refs: (list: string[]) => string,
): string[] {
  return rev
    ? [
        repo.id,
        rev.commit,
        formatSize(rev.size),
        formatTimeSince(rev.lastModified.getTime(), nowMs),
        refs(rev.refs),
      ]
    : [
        repo.id,
        formatSize(repo.size),
        formatTimeSince(repo.lastAccessed.getTime(), nowMs),
        formatTimeSince(repo.lastModified.getTime(), nowMs),
        refs(repo.refs),
      ];
}

/** What `hf cache ls` found, after filters, sort and limit. */
export interface CacheListing {
  /** One per repo, or per revision with `--revisions`. */
  entries: Entry[];
  revisions: boolean;
  noTruncate: boolean;
  nowMs: number;
  /** Python's closing line: repos, revisions and bytes on disk of what is listed. */
  summary: { repos: number; revisions: number; bytes: number };
}

const CSV_HEADERS = {
  repos: [
    "id",
    "repo_id",
    "repo_type",
    "size",
    "nb_files",
    "last_accessed",
    "last_modified",
    "refs",
    "repo_path",
  ],
  revisions: [
    "id",
    "repo_id",
    "repo_type",
    "revision",
    "size",
    "nb_files",
    "last_modified",
    "refs",
    "snapshot_path",
  ],
};

function summaryLine(l: CacheListing, style: HumanStyle): string {
  const { repos, revisions, bytes } = l.summary;
  return style.paint(
    "bold",
    `\nFound ${repos} repo(s) for a total of ${revisions} revision(s) and ${formatSize(bytes)} on disk.`,
  );
}

/**
 * The listing: Python's table and closing line (human), TSV with Python reprs (agent), ids or
 * commits (quiet), sizes in bytes and ISO 8601 times (json), a spreadsheet (csv).
 */
export const listingView: View<CacheListing> = {
  json: (l) =>
    l.entries.map(([repo, rev]) =>
      rev
        ? {
            id: repo.id,
            repo_id: repo.repoId,
            repo_type: repo.repoType,
            revision: rev.commit,
            snapshot_path: rev.snapshotPath,
            size: rev.size,
            nb_files: rev.nbFiles,
            last_modified: rev.lastModified.toISOString(),
            refs: rev.refs,
          }
        : {
            id: repo.id,
            repo_id: repo.repoId,
            repo_type: repo.repoType,
            repo_path: repo.repoPath,
            size: repo.size,
            nb_files: repo.nbFiles,
            last_accessed: repo.lastAccessed.toISOString(),
            last_modified: repo.lastModified.toISOString(),
            refs: repo.refs,
            revisions: repo.revisions.map((r) => r.commit),
          },
    ),
  quiet: (l) => l.entries.map(([repo, rev]) => (rev ? rev.commit : repo.id)),
  csv: (l) =>
    renderCsv(
      l.revisions ? CSV_HEADERS.revisions : CSV_HEADERS.repos,
      l.entries.map(([repo, rev]) =>
        rev
          ? [
              repo.id,
              repo.repoId,
              repo.repoType,
              rev.commit,
              rev.size,
              rev.nbFiles,
              rev.lastModified.toISOString(),
              rev.refs,
              rev.snapshotPath,
            ]
          : [
              repo.id,
              repo.repoId,
              repo.repoType,
              repo.size,
              repo.nbFiles,
              repo.lastAccessed.toISOString(),
              repo.lastModified.toISOString(),
              repo.refs,
              repo.repoPath,
            ],
      ),
    ),
  agent: (l, style) => {
    if (l.entries.length === 0) return "No results found.";
    // Python's agent mode: TSV of the raw values, lists as Python reprs.
    const repr = (list: string[]) => `[${list.map((r) => `'${r}'`).join(", ")}]`;
    const tsv = [
      humanHeaders(l.revisions).join("\t"),
      ...l.entries.map(([repo, rev]) => humanRow(repo, rev, l.nowMs, repr).join("\t")),
    ];
    return [tsv.join("\n"), summaryLine(l, style)];
  },
  human: (l, style) => {
    if (l.entries.length === 0) return "No results found.";
    const rows = l.entries.map(([repo, rev]) => humanRow(repo, rev, l.nowMs, (list) => list.join(", ")));
    const table = renderTable(humanHeaders(l.revisions), rows, {
      human: true,
      right: ["size"],
      width: l.noTruncate ? undefined : style.width(),
    });
    if (table.truncated) style.hint("Use `--no-truncate` or `--format json` to display full values.");
    return [table.text, summaryLine(l, style)];
  },
};

/**
 * `hf cache ls`: one row per cached repo (or per revision with `--revisions`), as Python 1.33 prints
 * it; `--format json` gives sizes in bytes and ISO 8601 times, `--format csv` a spreadsheet.
 */
export async function run(ctx: CliContext, options: LsOptions): Promise<void> {
  const scan = await scanCache({ cacheDir: cacheDirOf(ctx, options.cacheDir) });
  const filters = (options.filter ?? []).map(compileFilter);
  let limit: number | undefined;
  if (options.limit !== undefined) {
    limit = Number(options.limit);
    if (!Number.isInteger(limit))
      throw new HfUsageError(`Invalid value for '--limit': '${options.limit}' is not a valid integer.`);
    if (limit < 0) throw new HfUsageError(`Invalid value: Limit must be a positive integer, got ${limit}.`);
  }
  const sorter = options.sort ? compileSort(options.sort) : undefined;

  let entries: Entry[] = [];
  for (const repo of scan.repos) {
    if (options.revisions) for (const rev of repo.revisions) entries.push([repo, rev]);
    else entries.push([repo, undefined]);
  }
  const now = Date.now() / 1000;
  for (const f of filters) entries = entries.filter(([repo, rev]) => f(repo, rev, now));
  if (sorter) entries.sort(sorter);
  if (limit !== undefined) entries = entries.slice(0, limit);

  let repoCount = 0;
  let revisionCount = 0;
  let bytes = 0;
  if (entries.length) {
    const repos = new Set(entries.map(([r]) => r));
    repoCount = repos.size;
    if (options.revisions) {
      revisionCount = entries.length;
      for (const [, rev] of entries) bytes += (rev as CachedRevisionInfo).size;
    } else {
      for (const r of repos) revisionCount += r.revisions.length;
      // Per-repo sizes could double-count a blob shared across repos: show the physical total.
      bytes = filters.length || limit !== undefined ? [...repos].reduce((n, r) => n + r.size, 0) : scan.size;
    }
  }
  ctx.exporter.write(listingView, {
    entries,
    revisions: Boolean(options.revisions),
    noTruncate: options.truncate === false,
    nowMs: Date.now(),
    summary: { repos: repoCount, revisions: revisionCount, bytes },
  });

  if (scan.warnings.length) {
    if (options.showWarnings) {
      for (const w of scan.warnings) {
        ctx.out.warn(`${w.message.replace(/\.+$/, "")}.${w.repoIgnored ? " Repo ignored." : ""}`);
      }
    } else {
      ctx.out.warn(
        `Found ${scan.warnings.length} cache inconsistencies. Re-run with \`--show-warnings\` to display them.`,
      );
    }
  }
  if (scan.incompleteFiles.length) {
    ctx.out.hint(
      `Found ${scan.incompleteFiles.length} incomplete download(s) totalling ${formatSize(scan.incompleteSize)}. Remove them with 'hf cache prune'.`,
    );
  }
}

export function createCommand(ctx: CliContext): Command {
  return new Command("ls")
    .description("List cached repositories or revisions")
    .option("--cache-dir <dir>", "cache directory to scan (default: HF_HUB_CACHE)")
    .option("--revisions", "one row per revision instead of per repo")
    .option("--no-revisions", "one row per repo (default)")
    .option(
      "-f, --filter <expr>",
      "filter rows: size>1GB, accessed>7d, modified<30d, type=dataset, refs=main (repeatable, AND-ed)",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .addOption(
      new Option("--sort <key>", "sort by accessed, modified, name or size, with :asc or :desc").argParser(
        (v) => {
          compileSort(v);
          return v;
        },
      ),
    )
    .option("--limit <n>", "show only the first N rows (after sorting)")
    .option("--show-warnings", "print each cache inconsistency")
    .option("--no-truncate", "do not shorten cells to the terminal width")
    .addHelpText(
      "after",
      [
        "",
        "Output: --format table (default), json (sizes in bytes, ISO 8601 times), csv, quiet (ids only).",
        "",
        "Examples:",
        "  hf cache ls",
        "  hf cache ls --revisions",
        '  hf cache ls --filter "size>1GB" --limit 20',
        "  hf cache ls --sort size --format json",
      ].join("\n"),
    )
    .action(async (opts: LsOptions) => run(ctx, opts));
}
