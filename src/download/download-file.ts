import { promises as fsp } from "node:fs";
import { dirname, join } from "node:path";
import {
  blobPath,
  copyAtomic,
  ensureCachedirTag,
  markNoExist,
  placeBlob,
  pointerPath,
  type RepoPaths,
  readRef,
  repoFolderName,
  repoPaths,
  shortRandomHex,
  symlinksSupported,
  writeRef,
} from "../cache/layout.js";
import { acquireLock } from "../cache/lock.js";
import { isCommitHash, quoteAll, quotePath, URL_PREFIX } from "../common/repo.js";
import {
  AbortedError,
  GatedRepoError,
  HfError,
  LocalEntryNotFoundError,
  RepoNotFoundError,
  UnsafePathError,
} from "../errors.js";
import { raiseForStatus } from "../http/raise-for-status.js";
import { type FetchBlobOptions, fetchBlob } from "./fetch-blob.js";
import { createDownloadContext, type DownloadContext, explainNotWritable, explainRepoError } from "./hub.js";
import { ensureHuggingfaceDir, localDirPaths, readLocalMetadata, writeLocalMetadata } from "./local-dir.js";
import { etagKind, type FileMetadata, parseFileMetadata } from "./metadata.js";
import type { CommonDownloadOptions, DownloadEvent, DownloadFileOptions } from "./types.js";
import { validateRelativeFilename, validateRepoId } from "./validators.js";

/** `{endpoint}/{prefix}{repo_id}/resolve/{quote(rev, safe="")}/{quote(filename)}` (hf_hub_url). */
export function resolveUrl(
  endpoint: string,
  repoType: DownloadContext["repoType"],
  repoId: string,
  revision: string,
  filename: string,
): string {
  return `${endpoint}/${URL_PREFIX[repoType]}${repoId}/resolve/${quoteAll(revision)}/${quotePath(filename)}`;
}

/** Files up to this size skip the lock and the resumable partial (nothing worth resuming). */
const SMALL_FILE = 1 << 20;

/** mkdir -p once per call and folder (a snapshot creates thousands of files in a few folders). */
async function mkdirOnce(ctx: DownloadContext, dir: string): Promise<void> {
  if (ctx.madeDirs.has(dir)) return;
  await fsp.mkdir(dir, { recursive: true });
  ctx.madeDirs.add(dir);
}
/** Per repo folder: whether it takes symlinks (probed once per process, as Python memoises). */
const symlinkSupport = new Map<string, Promise<boolean>>();

/**
 * Whether `snapshots/` gets relative symlinks into `blobs/` in the repo folder `dir`: not with
 * HF_HUB_DISABLE_SYMLINKS, nor where the file system has none (probed once per process and folder,
 * with Python's warning unless HF_HUB_DISABLE_SYMLINKS_WARNING). Without them the snapshot holds
 * the files themselves and `blobs/` stays empty (Python's layout).
 */
function symlinksFor(ctx: DownloadContext, dir: string): Promise<boolean> {
  if (ctx.config.disableSymlinks) return Promise.resolve(false);
  let p = symlinkSupport.get(dir);
  if (!p) {
    p = symlinksSupported(dir).then((ok) => {
      if (!ok && !ctx.config.disableSymlinksWarning)
        ctx.onWarning?.(
          `\`huggingface_hub\` cache-system uses symlinks by default to efficiently store duplicated files but your machine does not support them in ${dir}. Caching files will still work but in a degraded version that might require more space on your disk. This warning can be disabled by setting the \`HF_HUB_DISABLE_SYMLINKS_WARNING\` environment variable. For more details, see https://huggingface.co/docs/huggingface_hub/how-to-cache#limitations.`,
        );
      return ok;
    });
    // a probe that failed (a full disk...) is tried again next time
    p.catch(() => symlinkSupport.delete(dir));
    symlinkSupport.set(dir, p);
  }
  return p;
}
async function tagOnce(ctx: DownloadContext): Promise<void> {
  const key = `tag:${ctx.cacheDir}`;
  if (ctx.madeDirs.has(key)) return;
  await ensureCachedirTag(ctx.cacheDir);
  ctx.madeDirs.add(key);
}

/** What a file task needs; shared by downloadFile and each snapshot worker. */
export interface FileTask {
  ctx: DownloadContext;
  repoId: string;
  /** Branch, tag or commit. */
  revision: string;
  filename: string;
  localDir?: string | undefined;
  force: boolean;
  signal?: AbortSignal | undefined;
  onProgress?: ((e: DownloadEvent) => void) | undefined;
  lockTimeoutMs?: number | undefined;
  /** From a tree listing of `revision` (a commit): lets a snapshot skip the HEAD. */
  known?: { etag: string; size: number } | undefined;
  retryDelayMs?: number | undefined;
  /** How big files travel (fetchBlob's `ranges` and `directMinBytes`). */
  transfer: Pick<FetchBlobOptions, "ranges" | "directMinBytes">;
}

/**
 * How big files travel: one stream, received straight into a BlobWriter from 16 MiB; with
 * `connections` > 1, files of 64 MiB or more as that many parallel ranges (tests lower both sizes).
 */
export function transferOptions(
  options: CommonDownloadOptions,
): Pick<FetchBlobOptions, "ranges" | "directMinBytes"> {
  const o = options as { rangedMinBytes?: number; directMinBytes?: number };
  const parts = options.connections ?? 1;
  return {
    ranges: parts > 1 ? { parts, minBytes: o.rangedMinBytes } : undefined,
    directMinBytes: o.directMinBytes,
  };
}

/** fetchBlob's options for a task's file, all but the partial file. */
function blobFetch(
  t: FileTask,
  url: string,
  etag: string,
  size: number | undefined,
  destPath: string,
): Omit<FetchBlobOptions, "partialPath"> {
  return {
    client: t.ctx.client,
    url,
    etag,
    size,
    destPath,
    filename: t.filename,
    signal: t.signal,
    onProgress: t.onProgress,
    repo: { id: t.repoId, type: t.ctx.repoType },
    retryDelayMs: t.retryDelayMs,
    ...t.transfer,
  };
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fsp.stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * HEAD /resolve (`get_hf_file_metadata`): Hub redirects followed with auth, the first off-Hub
 * redirect answered as is, `Accept-Encoding: identity`. An EntryNotFound 404 carrying
 * X-Repo-Commit leaves `.no_exist/<commit>/<path>` and the ref behind, as Python does.
 */
export async function headFileMetadata(
  t: FileTask,
  paths: RepoPaths | undefined,
  retry: boolean,
): Promise<FileMetadata> {
  const { ctx } = t;
  const url = resolveUrl(ctx.config.endpoint, ctx.repoType, t.repoId, t.revision, t.filename);
  const repo = { id: t.repoId, type: ctx.repoType };
  const res = await ctx.client.request({
    method: "HEAD",
    url,
    redirect: "hub-only",
    headers: { "accept-encoding": "identity" },
    throwOnError: false,
    retry,
    signal: t.signal,
    repo,
  });
  await res.dump();
  if (res.status >= 400) {
    const commit = res.headers["x-repo-commit"];
    if (paths && res.headers["x-error-code"] === "EntryNotFound" && commit && isCommitHash(commit)) {
      await markNoExist(paths, commit, t.filename);
      await writeRef(paths, t.revision, commit).catch(() => undefined);
    }
    await raiseForStatus(res, {
      endpoint: ctx.config.endpoint,
      method: "HEAD",
      repo,
      tokenSent: res.authSent,
      tokenSource: res.authSent ? ctx.client.tokenSource : undefined,
    });
  }
  const meta = parseFileMetadata(res);
  if (!meta.commit) {
    throw new LocalEntryNotFoundError(
      `Response from ${url} is missing the 'X-Repo-Commit' header, so it does not seem to be served by a Hugging Face Hub endpoint.`,
      { url, remedy: "check HF_ENDPOINT, your proxy and firewall settings" },
    );
  }
  if (!meta.etag) {
    throw new LocalEntryNotFoundError(
      `Distant resource ${url} does not have an ETag, we won't be able to reliably ensure reproducibility.`,
      { url, remedy: "check HF_ENDPOINT points to a Hugging Face Hub" },
    );
  }
  return meta;
}

/**
 * Errors after which the cache may still answer (Python's `_get_metadata_or_catch_error`). A TLS
 * failure is not one: huggingface_hub < 1.0 re-raised `requests.exceptions.SSLError` there ("Actually
 * raise for those subclasses of ConnectionError"), since an untrusted certificate is a setting to fix
 * (SSL_CERT_FILE), not a network that is down; so is an SSL_CERT_FILE that cannot be read (HF_CONFIG).
 */
function isFallbackError(e: unknown): boolean {
  if (!(e instanceof HfError)) return false;
  if (e instanceof RepoNotFoundError || e instanceof GatedRepoError) return false;
  return ![
    "HF_REVISION_NOT_FOUND",
    "HF_ENTRY_NOT_FOUND",
    "HF_AUTH_INVALID",
    "HF_NOT_LOGGED_IN",
    "HF_ABORTED",
    "HF_UNSAFE_PATH",
    "HF_TLS",
    "HF_CONFIG",
  ].includes(e.code);
}

function notCachedError(t: FileTask, cause: unknown): LocalEntryNotFoundError {
  const offline = t.ctx.config.offline;
  const what = `${t.filename} of ${t.ctx.repoType} ${t.repoId} at revision ${t.revision}`;
  const type = t.ctx.repoType === "model" ? "" : ` --repo-type ${t.ctx.repoType}`;
  const rev = t.revision === "main" ? "" : ` --revision ${t.revision}`;
  const fetch = `hf download ${t.repoId} ${t.filename}${type}${rev}`;
  return new LocalEntryNotFoundError(
    offline
      ? `${what} is not in the local cache and offline mode is enabled (HF_HUB_OFFLINE), so it cannot be downloaded.`
      : `${what} is not in the local cache and the Hub could not be reached: ${(cause as Error)?.message ?? cause}`,
    {
      cause,
      remedy: offline
        ? `unset HF_HUB_OFFLINE (or drop --offline), then: ${fetch}`
        : `check your connection, then: ${fetch}`,
    },
  );
}

/** Downloads one file into the cache; returns the snapshot pointer path. */
export async function downloadToCache(t: FileTask): Promise<string> {
  const { ctx } = t;
  validateRelativeFilename(t.filename);
  const paths = repoPaths(ctx.cacheDir, t.repoId, ctx.repoType);
  const emitDone = (path: string, fromCache: boolean) => {
    t.onProgress?.({ type: "file-done", filename: t.filename, path, fromCache });
    return path;
  };
  // A pinned commit whose pointer exists costs no request at all (compat point 5).
  if (isCommitHash(t.revision) && !t.force) {
    const p = pointerPath(paths, t.revision, t.filename);
    if (await exists(p)) return emitDone(p, true);
  }

  let etag: string;
  let size: number | undefined;
  let commit: string;
  let url: string;
  if (t.known && isCommitHash(t.revision)) {
    etag = t.known.etag;
    size = t.known.size;
    commit = t.revision;
    url = resolveUrl(ctx.config.endpoint, ctx.repoType, t.repoId, t.revision, t.filename);
  } else {
    let meta: FileMetadata;
    try {
      if (ctx.config.offline) throw notCachedError(t, undefined);
      meta = await headFileMetadata(t, paths, false);
    } catch (e) {
      if (e instanceof AbortedError || !isFallbackError(e)) throw await explainRepoError(e, ctx, t.repoId);
      // Fall back to the cache: the revision's commit through refs/, then the pointer.
      const cachedCommit = isCommitHash(t.revision) ? t.revision : await readRef(paths, t.revision);
      if (cachedCommit && !t.force) {
        const p = pointerPath(paths, cachedCommit, t.filename);
        if (await exists(p)) return emitDone(p, true);
      }
      if (ctx.config.offline || e instanceof LocalEntryNotFoundError) throw notCachedError(t, e);
      // No local copy: one more try with the client's retries (Python's "No local file found. Retrying..").
      try {
        meta = await headFileMetadata(t, paths, true);
      } catch (e2) {
        if (e2 instanceof AbortedError || !isFallbackError(e2))
          throw await explainRepoError(e2, ctx, t.repoId);
        throw notCachedError(t, e2);
      }
    }
    etag = meta.etag as string;
    size = meta.size;
    commit = meta.commit as string;
    url = meta.location;
  }

  const pointer = pointerPath(paths, commit, t.filename);
  if (!t.force && (await exists(pointer))) {
    await writeRef(paths, t.revision, commit).catch(() => undefined);
    return emitDone(pointer, true);
  }
  let blob: string;
  try {
    blob = blobPath(paths, etag);
  } catch (e) {
    throw new UnsafePathError(`The server gave ${t.filename} an unusable etag '${etag}'.`, { cause: e });
  }
  await mkdirOnce(ctx, paths.blobs);
  await mkdirOnce(ctx, dirname(pointer));
  await tagOnce(ctx);
  await writeRef(paths, t.revision, commit);

  // Without symlinks the verified download is renamed straight onto the snapshot path (Python moves
  // the new blob there), and a blob already in blobs/ is copied.
  const symlink = await symlinksFor(ctx, paths.root);
  // Small files: no resume is worth a lock. Like Python, download to a process-unique
  // `<etag>.<8hex>.incomplete`, verify, rename atomically (two racing writers rename identical,
  // verified bytes), and delete the temp file on failure.
  // What both paths below send to fetchBlob; only the partial file differs.
  const fetchBase = blobFetch(t, url, etag, size, symlink ? blob : pointer);
  if (size !== undefined && size <= SMALL_FILE && (t.force || !(await exists(blob)))) {
    const partial = `${blob}.${shortRandomHex()}.incomplete`;
    try {
      await fetchBlob({ ...fetchBase, partialPath: partial });
    } finally {
      await fsp.rm(partial, { force: true });
    }
    if (symlink) await placeBlob(blob, pointer, { symlink, newBlob: false });
    return emitDone(pointer, false);
  }

  const lock = await acquireLock(
    join(ctx.cacheDir, ".locks", repoFolderName(t.repoId, ctx.repoType), `${etag}.lock.hubkit`),
    {
      timeoutMs: t.lockTimeoutMs,
      signal: t.signal,
      onWait: (holder, waitedMs) =>
        t.onProgress?.({
          type: "lock-wait",
          filename: t.filename,
          holder: holder ? `process ${holder.pid} on ${holder.host}` : "another process",
          waitedMs,
        }),
    },
  );
  try {
    const partial = `${blob}.incomplete`;
    if (t.force) await fsp.rm(partial, { force: true });
    if (t.force || !(await exists(blob))) {
      await fetchBlob({ ...fetchBase, partialPath: partial });
      if (symlink) await placeBlob(blob, pointer, { symlink, newBlob: true });
      return emitDone(pointer, false);
    }
    await placeBlob(blob, pointer, { symlink, newBlob: false });
    return emitDone(pointer, true);
  } finally {
    await lock.release();
  }
}

/** Downloads one file into `localDir` (Python's `_hf_hub_download_to_local_dir`); returns its path. */
export async function downloadToLocalDir(t: FileTask): Promise<string> {
  const { ctx } = t;
  const localDir = t.localDir as string;
  const lp = localDirPaths(localDir, t.filename);
  const emitDone = (path: string, fromCache: boolean) => {
    t.onProgress?.({ type: "file-done", filename: t.filename, path, fromCache });
    return path;
  };
  const fileExists = await exists(lp.file);
  if (isCommitHash(t.revision) && fileExists && !t.force) {
    const m = await readLocalMetadata(lp);
    if (m && m.commit === t.revision) return emitDone(lp.file, true);
  }
  let etag: string;
  let size: number | undefined;
  let commit: string;
  let url: string;
  if (t.known && isCommitHash(t.revision)) {
    etag = t.known.etag;
    size = t.known.size;
    commit = t.revision;
    url = resolveUrl(ctx.config.endpoint, ctx.repoType, t.repoId, t.revision, t.filename);
  } else {
    try {
      if (ctx.config.offline) throw notCachedError(t, undefined);
      const meta = await headFileMetadata(t, undefined, true);
      etag = meta.etag as string;
      size = meta.size;
      commit = meta.commit as string;
      url = meta.location;
    } catch (e) {
      if (e instanceof AbortedError || !isFallbackError(e)) throw await explainRepoError(e, ctx, t.repoId);
      if (fileExists && !t.force) {
        if (!ctx.config.offline) {
          t.onProgress?.({
            type: "warning",
            message: `Couldn't access the Hub to check for update but local file already exists. Defaulting to existing file. (error: ${(e as Error).message})`,
          });
        }
        return emitDone(lp.file, true);
      }
      throw notCachedError(t, e);
    }
  }
  if (!t.force && fileExists) {
    const m = await readLocalMetadata(lp);
    if (m && m.etag === etag) {
      await writeLocalMetadata(lp, commit, etag);
      return emitDone(lp.file, true);
    }
    // No valid metadata: an LFS file can be recognised by its sha256 (never a git sha1, as Python).
    if (!m && etagKind(etag) === "sha256") {
      const { createHash } = await import("node:crypto");
      const h = createHash("sha256");
      for await (const c of (await import("node:fs")).createReadStream(lp.file)) h.update(c as Buffer);
      if (h.digest("hex") === etag) {
        await writeLocalMetadata(lp, commit, etag);
        return emitDone(lp.file, true);
      }
    }
  }
  await ensureHuggingfaceDir(localDir);
  const lock = await acquireLock(lp.lock, { timeoutMs: t.lockTimeoutMs, signal: t.signal });
  try {
    // Copied from the main cache when it holds the file at that commit (no GET).
    const cachePointer = pointerPath(repoPaths(ctx.cacheDir, t.repoId, ctx.repoType), commit, t.filename);
    if (!t.force && (await exists(cachePointer))) {
      await fsp.mkdir(dirname(lp.file), { recursive: true });
      await copyAtomic(cachePointer, lp.file);
      await writeLocalMetadata(lp, commit, etag);
      return emitDone(lp.file, true);
    }
    const partial = lp.incomplete(etag);
    if (t.force) await fsp.rm(partial, { force: true });
    await fsp.mkdir(dirname(lp.file), { recursive: true });
    await fetchBlob({ ...blobFetch(t, url, etag, size, lp.file), partialPath: partial });
    await writeLocalMetadata(lp, commit, etag);
    return emitDone(lp.file, false);
  } finally {
    await lock.release();
  }
}

/**
 * Downloads one file of a Hub repo and returns its local path: the snapshot pointer
 * `<cache>/models--org--name/snapshots/<commit>/<file>` (a relative symlink into `blobs/`), or
 * `<localDir>/<file>` in local-dir mode. Byte-compatible with huggingface_hub's cache; resumes a
 * partial download safely; verifies sha256 / git sha1 and size before anything becomes visible.
 *
 * @example
 * const path = await downloadFile({ repoId: "acme/tiny-model", filename: "config.json" }); // HF_* from process.env
 */
export async function downloadFile(options: DownloadFileOptions): Promise<string> {
  validateRepoId(options.repoId);
  validateRelativeFilename(options.filename);
  const ctx = await createDownloadContext(options);
  const task: FileTask = {
    ctx,
    repoId: options.repoId,
    revision: options.revision ?? "main",
    filename: options.filename,
    localDir: options.localDir,
    force: options.forceDownload ?? false,
    signal: options.signal,
    onProgress: options.onProgress,
    lockTimeoutMs: options.lockTimeoutMs,
    retryDelayMs: (options as { retryDelayMs?: number }).retryDelayMs,
    transfer: transferOptions(options),
  };
  try {
    return await (options.localDir !== undefined ? downloadToLocalDir(task) : downloadToCache(task));
  } catch (e) {
    throw await explainNotWritable(e, ctx, options.localDir);
  }
}
