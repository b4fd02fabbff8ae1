import { Command, Option } from "commander";
import { formatSize } from "../../cache/format.js";
import { isHfUri, parseHfUri } from "../../common/hf-uri.js";
import { isRepoType, type RepoType } from "../../common/repo.js";
import { readConfig } from "../../config/index.js";
import type { DownloadEvent, DryRunFile } from "../../download/types.js";
import { validateRepoId } from "../../download/validators.js";
import { AbortedError, HfUsageError } from "../../errors.js";
import { useBaselineWasmCompiler } from "../../http/dispatcher.js";
import type { CliContext } from "../context.js";
import type { View } from "../exporter.js";
import { keepYoungGenerationSmall } from "../memory.js";
import { createDownloadProgress } from "../progress.js";
import { renderTable } from "../table.js";

export interface DownloadCliOptions {
  repoId: string;
  files: string[];
  repoType: string;
  /** Whether --repo-type was given explicitly (an error with an hf:// URI). */
  repoTypeGiven?: boolean | undefined;
  revision?: string | undefined;
  include: string[];
  exclude: string[];
  cacheDir?: string | undefined;
  localDir?: string | undefined;
  forceDownload?: boolean | undefined;
  dryRun?: boolean | undefined;
  token?: string | undefined;
  maxWorkers: number;
  connections?: number | undefined;
  offline?: boolean | undefined;
}

/** Escapes fnmatch wildcards so a filename matches only itself (`[` -> `[[]`). */
function fnmatchEscape(name: string): string {
  return name.replace(/[[*?]/g, (c) => `[${c}]`);
}

/**
 * What `hf download` will do, by Python's dispatch rules (cli/download.py, reference §4.2): exactly
 * one plain filename -> a single-file download; otherwise a snapshot whose allow-patterns are the
 * filenames (fnmatch patterns, as in Python) plus `dir/**` for each `dir/` argument, or
 * --include/--exclude when no filename is given.
 */
export function planDownload(o: Pick<DownloadCliOptions, "files" | "include" | "exclude">): {
  single?: string | undefined;
  include?: string[] | undefined;
  exclude?: string[] | undefined;
  warnings: string[];
} {
  const folders = o.files.filter((f) => f.endsWith("/"));
  const plain = o.files.filter((f) => !f.endsWith("/"));
  const warnings: string[] = [];
  if (folders.length > 0 && o.include.length > 0) {
    throw new HfUsageError(
      `Cannot combine subfolder argument ('${folders[0]}') with \`--include\`. Please use \`--include "${folders[0]}*"\` instead.`,
    );
  }
  if (folders.length > 0 && o.exclude.length > 0 && plain.length === 0) {
    // Python: `…Please use --include "sub/*" with --exclude instead.`
    throw new HfUsageError(
      `Cannot combine subfolder argument ('${folders[0]}') with \`--exclude\`. Please use \`--include "${folders[0]}*"\` with \`--exclude\` instead.`,
    );
  }
  if (plain.length > 0) {
    if (o.include.length > 0) warnings.push("Ignoring `--include` since filenames have been explicitly set.");
    if (o.exclude.length > 0) warnings.push("Ignoring `--exclude` since filenames have been explicitly set.");
  }
  if (plain.length === 1 && folders.length === 0) return { single: plain[0], warnings };
  if (o.files.length > 0) return { include: [...plain, ...folders.map((f) => `${f}**`)], warnings };
  return {
    include: o.include.length > 0 ? o.include : undefined,
    exclude: o.exclude.length > 0 ? o.exclude : undefined,
    warnings,
  };
}

export async function run(ctx: CliContext, o: DownloadCliOptions): Promise<void> {
  // Before any request: ~35 MiB less peak RSS (see useBaselineWasmCompiler), and ~30 MiB less for
  // many files (see keepYoungGenerationSmall).
  useBaselineWasmCompiler();
  keepYoungGenerationSmall();
  if (isHfUri(o.repoId)) {
    // A URI is authoritative for type and revision (Python's cli/download.py checks these first).
    if (o.repoTypeGiven)
      throw new HfUsageError(`'--repo-type' cannot be used with an 'hf://' URI ('${o.repoId}').`);
    if (o.revision !== undefined)
      throw new HfUsageError(`'--revision' cannot be used with an 'hf://' URI ('${o.repoId}').`);
    const uri = parseHfUri(o.repoId);
    if (uri.type === "bucket") {
      throw new HfUsageError("Buckets are not supported by `hf download`. Use `hf sync` instead.");
    }
    if (uri.type === "kernel") throw new HfUsageError("Kernel repos are not supported by `hf download`.");
    // The parser strips trailing slashes, but a trailing '/' means a folder here: put it back (as Python).
    const path = uri.pathInRepo && o.repoId.endsWith("/") ? `${uri.pathInRepo}/` : uri.pathInRepo;
    if (path && o.files.length > 0) {
      throw new HfUsageError(
        `Cannot pass filenames together with a path in the 'hf://' URI ('${o.repoId}').`,
      );
    }
    o = { ...o, repoId: uri.id, repoType: uri.type, revision: uri.revision, files: path ? [path] : o.files };
  }
  if (o.localDir !== undefined && o.cacheDir !== undefined) {
    throw new HfUsageError(
      "Cannot use both `--local-dir` and `--cache-dir` at the same time. Use `--cache-dir` (or set the HF_HOME environment variable) for shared caching, or `--local-dir` for a one-off download to a specific directory.",
    );
  }
  if (!isRepoType(o.repoType)) {
    throw new HfUsageError(`Invalid --repo-type '${o.repoType}': choose model, dataset or space.`);
  }
  if (!Number.isInteger(o.maxWorkers) || o.maxWorkers < 1) {
    throw new HfUsageError(`--max-workers must be a positive whole number, got '${o.maxWorkers}'.`);
  }
  const connections = o.connections ?? 1;
  if (!Number.isInteger(connections) || connections < 1 || connections > 16) {
    throw new HfUsageError(`--connections must be a whole number from 1 to 16, got '${o.connections}'.`);
  }
  validateRepoId(o.repoId);
  const plan = planDownload(o);
  for (const w of plan.warnings) ctx.out.warn(w);
  if (o.token !== undefined) {
    ctx.out.warn(
      "A token passed with --token is saved in your shell history; prefer `hf auth login` or the HF_TOKEN variable.",
    );
  }
  const config = o.offline ? readConfig({ ...ctx.env, HF_HUB_OFFLINE: "1" }) : ctx.config;
  const disabled = config.disableProgressBars ?? false;
  const progress = await createDownloadProgress(ctx, { disabled, dryRun: o.dryRun });
  // Ctrl-C stops cleanly: what arrived stays in the partial file and the lock is released, so the
  // same command resumes; a second Ctrl-C ends the process at once.
  const interrupt = new AbortController();
  const onSigint = () => {
    process.off("SIGINT", onSigint);
    interrupt.abort();
  };
  const common = {
    repoId: o.repoId,
    repoType: o.repoType as RepoType,
    revision: o.revision,
    cacheDir: o.cacheDir,
    localDir: o.localDir,
    token: o.token,
    tokenSourceLabel: "--token argument",
    config,
    forceDownload: o.forceDownload,
    connections,
    onWarning: (m: string) => ctx.out.warn(m),
    signal: interrupt.signal,
    onProgress: (e: DownloadEvent) => {
      if (e.type === "warning") ctx.out.warn(e.message);
      else if (e.type === "lock-wait")
        ctx.out.info(`Waiting for ${e.holder}, which is downloading ${e.filename}…`);
      progress?.onEvent(e);
    },
  };
  let path: string;
  let succeeded = false;
  process.on("SIGINT", onSigint);
  try {
    if (o.dryRun) {
      const { snapshotDownload } = await import("../../download/snapshot-download.js");
      const r = await snapshotDownload({
        ...common,
        include: plan.single !== undefined ? [fnmatchEscape(plan.single)] : plan.include,
        exclude: plan.exclude,
        dryRun: true,
      });
      ctx.exporter.write(dryRunView, r.dryRun ?? []);
      return;
    }
    if (plan.single !== undefined) {
      const { downloadFile } = await import("../../download/download-file.js");
      // --max-workers is for snapshots only, as in Python's `hf download` (hf_hub_download has none).
      path = await downloadFile({ ...common, filename: plan.single });
    } else {
      const { snapshotDownload } = await import("../../download/snapshot-download.js");
      const r = await snapshotDownload({
        ...common,
        include: plan.include,
        exclude: plan.exclude,
        maxWorkers: o.maxWorkers,
      });
      path = r.path;
    }
    succeeded = true;
  } catch (e) {
    if (!interrupt.signal.aborted) throw e;
    throw new AbortedError("Interrupted.", {
      remedy: "run the same command again: it resumes from what was downloaded",
    });
  } finally {
    process.off("SIGINT", onSigint);
    progress?.stop(succeeded);
  }
  ctx.exporter.write(downloadedView, path);
}

/**
 * Where the download is: bare on a pipe or with -q (`MODEL=$(hf download -q ...)`), labelled on a
 * terminal, `{"path": ...}` with --json. Raw: scripts consume the path verbatim.
 */
export const downloadedView: View<string> = {
  raw: true,
  json: (path) => ({ path }),
  quiet: (path) => path,
  human: (path, style) =>
    style.stdoutIsTTY ? `${style.paint("green", "✓ Downloaded")}\n  path: ${path}` : path,
};

/** `--dry-run`: what would be downloaded (Python's `[dry-run]` line and table). */
export const dryRunView: View<DryRunFile[]> = {
  json: (files) => files.map((f) => ({ file: f.filename, size: formatSize(f.size), cached: f.cached })),
  quiet: (files) => files.filter((f) => f.willDownload).map((f) => f.filename),
  human: (files) => {
    const todo = files.filter((f) => f.willDownload);
    const bytes = todo.reduce((s, f) => s + f.size, 0);
    const rows = files.map((f) => [f.filename, formatSize(f.size), f.cached ? "yes" : "no"]);
    return [
      `[dry-run] Will download ${todo.length} files (out of ${files.length}) totalling ${formatSize(bytes)}.`,
      renderTable(["FILE", "SIZE", "CACHED"], rows).text,
    ];
  },
};

const collect = (v: string, prev: string[]) => [...prev, v];

export function createCommand(ctx: CliContext): Command {
  return new Command("download")
    .description("Download files from the Hub into the cache (or a local folder); prints the path")
    .argument("<repo_id>", "the repo, e.g. acme/tiny-model")
    .argument("[files...]", "files to download (fnmatch patterns when more than one; 'dir/' for a folder)")
    .addOption(new Option("--repo-type <type>", "model, dataset or space").default("model"))
    .addOption(new Option("--type <type>").hideHelp())
    .option("--revision <rev>", "branch, tag or commit (default: main)")
    .option("--include <pattern>", "only files matching (repeatable)", collect, [])
    .option("--exclude <pattern>", "skip files matching (repeatable)", collect, [])
    .option("--cache-dir <dir>", "cache folder (default: $HF_HUB_CACHE or $HF_HOME/hub)")
    .option("--local-dir <dir>", "download real files into this folder instead of the cache")
    .option("--force-download", "download even if cached")
    .option("--dry-run", "list the files, their sizes and whether they are cached; download nothing")
    .option("--token <token>", "a token (prefer hf auth login or HF_TOKEN)")
    .option("--max-workers <n>", "files downloaded at once", (v) => Number(v), 8)
    .option(
      "--connections <n>",
      "parallel range requests per file of 64 MiB or more (default 1; more helps on a slow, distant link)",
      (v) => Number(v),
    )
    .option("--offline", "use only the local cache (same as HF_HUB_OFFLINE=1)")
    .addHelpText(
      "after",
      "\nExamples:\n  hf download acme/tiny-model\n  hf download acme/tiny-model config.json\n  hf download acme/tiny-model --include '*.json' --local-dir ./tiny\n  MODEL=$(hf download -q acme/tiny-model)",
    )
    .action(async (repoId: string, files: string[], opts: Record<string, unknown>) => {
      await run(ctx, {
        repoId,
        files,
        repoType: (opts.type as string | undefined) ?? (opts.repoType as string),
        repoTypeGiven: opts.type !== undefined || opts.repoType !== "model",
        revision: opts.revision as string | undefined,
        include: opts.include as string[],
        exclude: opts.exclude as string[],
        cacheDir: opts.cacheDir as string | undefined,
        localDir: opts.localDir as string | undefined,
        forceDownload: opts.forceDownload as boolean | undefined,
        dryRun: opts.dryRun as boolean | undefined,
        token: opts.token as string | undefined,
        maxWorkers: opts.maxWorkers as number,
        connections: opts.connections as number | undefined,
        offline: opts.offline as boolean | undefined,
      });
    });
}
