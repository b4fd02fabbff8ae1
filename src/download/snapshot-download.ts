import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { pointerPath, readRef, repoPaths, writeRef } from "../cache/layout.js";
import { isCommitHash, quoteAll } from "../common/repo.js";
import {
  AbortedError,
  GatedRepoError,
  HfError,
  LocalEntryNotFoundError,
  RepoNotFoundError,
} from "../errors.js";
import {
  downloadToCache,
  downloadToLocalDir,
  exists,
  type FileTask,
  transferOptions,
} from "./download-file.js";
import { createDownloadContext, type DownloadContext, explainNotWritable, explainRepoError } from "./hub.js";
import { huggingfaceDir, localDirPaths, readLocalMetadata } from "./local-dir.js";
import { filterRepoPaths } from "./patterns.js";
import { listRepoFiles, readTreeCache, type TreeFile, treeEtag, treeSize, writeTreeCache } from "./tree.js";
import type { DryRunFile, SnapshotDownloadOptions, SnapshotResult } from "./types.js";
import { validateRelativeFilename, validateRepoId } from "./validators.js";

/**
 * Errors after which a cached snapshot may still answer (Python: everything but these). TLS failures
 * and an unreadable CA bundle surface as they are, as in download-file.ts.
 */
function isFallbackError(e: unknown): boolean {
  if (!(e instanceof HfError)) return false;
  if (e instanceof RepoNotFoundError || e instanceof GatedRepoError) return false;
  return ![
    "HF_REVISION_NOT_FOUND",
    "HF_AUTH_INVALID",
    "HF_NOT_LOGGED_IN",
    "HF_ABORTED",
    "HF_TLS",
    "HF_CONFIG",
  ].includes(e.code);
}

/** Runs `fn` over `items` with at most `workers` in flight; the first failure stops the rest. */
async function pool<T>(
  items: T[],
  workers: number,
  signal: AbortSignal | undefined,
  fn: (item: T, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const stop = new AbortController();
  const combined = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  let next = 0;
  let firstError: unknown;
  const run = async () => {
    while (next < items.length && firstError === undefined) {
      const item = items[next++] as T;
      try {
        await fn(item, combined);
      } catch (e) {
        if (firstError === undefined) firstError = e;
        stop.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, items.length)) }, run));
  if (firstError !== undefined) throw firstError;
}

function describeRevision(repoId: string, revision: string, commit: string | undefined): string {
  return `'${repoId}' (revision '${revision}'${commit ? `, commit ${commit}` : ""})`;
}

/**
 * Downloads a whole repo (or the files matching `include` / not matching `exclude`, fnmatch
 * patterns as in Python) at one commit and returns the snapshot folder `snapshots/<commit>` (or the
 * local dir). One revision lookup, one paginated tree listing per commit (cached in
 * `trees/<commit>.json` exactly as Python writes it), then up to `maxWorkers` files at once; files
 * already cached cost nothing, so a second run makes exactly one request. Offline (`config.offline`)
 * makes none: the revision resolves through `refs/`.
 *
 * @example
 * const { path } = await snapshotDownload({ repoId: "acme/tiny-model", include: ["*.json"] });
 */
export async function snapshotDownload(options: SnapshotDownloadOptions): Promise<SnapshotResult> {
  validateRepoId(options.repoId);
  const ctx = await createDownloadContext(options);
  try {
    return await snapshotWith(ctx, options);
  } catch (e) {
    throw await explainNotWritable(e, ctx, options.localDir);
  }
}

async function snapshotWith(ctx: DownloadContext, options: SnapshotDownloadOptions): Promise<SnapshotResult> {
  const repoId = options.repoId;
  const revision = options.revision ?? "main";
  const paths = repoPaths(ctx.cacheDir, repoId, ctx.repoType);
  const localDir = options.localDir;
  const treeFolder = localDir !== undefined ? huggingfaceDir(localDir) : paths.root;

  let commit: string | undefined = isCommitHash(revision) ? revision : undefined;
  let hubError: unknown;
  if (!commit) {
    try {
      if (ctx.config.offline) {
        throw new LocalEntryNotFoundError("offline mode is enabled (HF_HUB_OFFLINE)");
      }
      const info = await ctx.client.json<{ sha?: string }>({
        url: `/api/${ctx.repoType}s/${repoId}/revision/${quoteAll(revision)}`,
        repo: { id: repoId, type: ctx.repoType },
        signal: options.signal,
        retry: false,
      });
      if (!info.sha || !isCommitHash(info.sha)) {
        throw new LocalEntryNotFoundError(`The Hub's answer for ${repoId}@${revision} has no commit sha.`);
      }
      commit = info.sha;
    } catch (e) {
      if (e instanceof AbortedError || !isFallbackError(e)) throw await explainRepoError(e, ctx, repoId);
      hubError = e;
    }
  }

  let files: TreeFile[] | undefined;
  if (commit) files = await readTreeCache(treeFolder, commit);
  if (commit && !files && hubError === undefined) {
    try {
      if (ctx.config.offline) throw new LocalEntryNotFoundError("offline mode is enabled (HF_HUB_OFFLINE)");
      files = await listRepoFiles(ctx.client, repoId, ctx.repoType, commit, options.signal);
      if (!options.dryRun) await writeTreeCache(treeFolder, commit, files);
    } catch (e) {
      if (e instanceof AbortedError || !isFallbackError(e)) throw await explainRepoError(e, ctx, repoId);
      hubError = e;
    }
  }

  if (hubError !== undefined || !commit || !files) {
    return offlineSnapshot(ctx, options, revision, commit, hubError);
  }

  for (const f of files) validateRelativeFilename(f.path);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const selected = filterRepoPaths(
    files.map((f) => f.path),
    options.include,
    options.exclude,
  );
  // Python writes the ref before downloading, dry-run included (compat point 22).
  if (localDir === undefined) await writeRef(paths, revision, commit).catch(() => undefined);

  const isCached = async (filename: string): Promise<boolean> => {
    if (localDir === undefined) return exists(pointerPath(paths, commit as string, filename));
    const lp = localDirPaths(localDir, filename);
    const m = await readLocalMetadata(lp);
    const f = byPath.get(filename) as TreeFile;
    return m !== undefined && (m.commit === commit || m.etag === treeEtag(f));
  };

  if (options.dryRun) {
    const plan: DryRunFile[] = [];
    for (const filename of selected) {
      const cached = !options.forceDownload && (await isCached(filename));
      plan.push({
        filename,
        size: treeSize(byPath.get(filename) as TreeFile),
        cached,
        willDownload: !cached,
      });
    }
    return { path: await resultPath(ctx, repoId, localDir, commit), commit, files: selected, dryRun: plan };
  }

  const total = selected.reduce((s, f) => s + treeSize(byPath.get(f) as TreeFile), 0);
  options.onProgress?.({ type: "plan", files: selected.length, bytes: total, cached: 0 });
  // A gated repo often answers the listing and refuses the files: explain that error like the others.
  await pool(selected, options.maxWorkers ?? 8, options.signal, async (filename, signal) => {
    const f = byPath.get(filename) as TreeFile;
    const task: FileTask = {
      ctx,
      repoId,
      revision: commit as string,
      filename,
      localDir,
      force: options.forceDownload ?? false,
      signal,
      onProgress: options.onProgress,
      lockTimeoutMs: options.lockTimeoutMs,
      known: { etag: treeEtag(f), size: treeSize(f) },
      retryDelayMs: (options as { retryDelayMs?: number }).retryDelayMs,
      transfer: transferOptions(options),
    };
    await (localDir !== undefined ? downloadToLocalDir(task) : downloadToCache(task));
  }).catch(async (e: unknown) => {
    throw await explainRepoError(e, ctx, repoId);
  });
  return { path: await resultPath(ctx, repoId, localDir, commit), commit, files: selected };
}

async function resultPath(
  ctx: DownloadContext,
  repoId: string,
  localDir: string | undefined,
  commit: string,
): Promise<string> {
  if (localDir !== undefined) {
    await fsp.mkdir(localDir, { recursive: true });
    return fsp.realpath(localDir);
  }
  // The path is returned even when 0 files matched and the folder does not exist (Python 4.4).
  return join(repoPaths(ctx.cacheDir, repoId, ctx.repoType).snapshots, commit);
}

/**
 * The Hub could not be asked (offline, network down): answer from the cache or local dir, checking
 * completeness against the cached tree listing when there is one (Python's IncompleteSnapshotError).
 */
async function offlineSnapshot(
  ctx: DownloadContext,
  options: SnapshotDownloadOptions,
  revision: string,
  knownCommit: string | undefined,
  hubError: unknown,
): Promise<SnapshotResult> {
  const repoId = options.repoId;
  const paths = repoPaths(ctx.cacheDir, repoId, ctx.repoType);
  const reason = ctx.config.offline
    ? "offline mode is enabled (HF_HUB_OFFLINE)"
    : `the Hub could not be reached (${(hubError as Error)?.message ?? "unknown error"})`;
  const type = ctx.repoType === "model" ? "" : ` --repo-type ${ctx.repoType}`;
  const rev = revision === "main" ? "" : ` --revision ${revision}`;
  const fetch = `hf download ${repoId}${type}${rev}`;
  const remedy = ctx.config.offline
    ? `unset HF_HUB_OFFLINE (or drop --offline), then: ${fetch}`
    : `check your connection, then: ${fetch}`;
  if (options.dryRun) {
    throw new LocalEntryNotFoundError(
      `Dry run cannot be performed as the repository cannot be accessed: ${reason}.`,
      { cause: hubError, remedy },
    );
  }
  const commit = knownCommit ?? (await readRef(paths, revision));
  const folder = options.localDir !== undefined ? huggingfaceDir(options.localDir) : paths.root;
  const root =
    options.localDir !== undefined ? options.localDir : commit ? join(paths.snapshots, commit) : undefined;
  if (
    !root ||
    !(await exists(root)) ||
    (options.localDir !== undefined && (await fsp.readdir(root)).length === 0)
  ) {
    throw new LocalEntryNotFoundError(
      `No cached snapshot of ${ctx.repoType} ${repoId} for revision '${revision}' on the local disk, and ${reason}.`,
      { cause: hubError, remedy },
    );
  }
  const files = commit ? await readTreeCache(folder, commit) : undefined;
  let selected: string[] = [];
  if (files && commit) {
    selected = filterRepoPaths(
      files.map((f) => f.path),
      options.include,
      options.exclude,
    );
    const missing: string[] = [];
    for (const f of selected) {
      const present =
        options.localDir !== undefined
          ? await exists(localDirPaths(options.localDir, f).file)
          : await exists(pointerPath(paths, commit, f));
      if (!present) missing.push(f);
    }
    if (missing.length > 0) {
      const shown = missing.slice(0, 3).join(", ");
      const more = missing.length > 3 ? `, ... (${missing.length - 3} more)` : "";
      throw new LocalEntryNotFoundError(
        `The cached snapshot for ${describeRevision(repoId, revision, commit)} is incomplete: ${missing.length} file(s) are missing (${shown}${more}), and ${reason}.`,
        { cause: hubError, remedy },
      );
    }
  }
  if (options.localDir !== undefined) {
    options.onProgress?.({
      type: "warning",
      message: `Returning existing local_dir \`${options.localDir}\` as remote repo cannot be accessed in \`snapshot_download\` (${reason}).`,
    });
    return { path: await fsp.realpath(options.localDir), commit: commit ?? "", files: selected };
  }
  return { path: root, commit: commit as string, files: selected };
}
