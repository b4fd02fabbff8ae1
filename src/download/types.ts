import type { RepoType } from "../common/repo.js";
import type { HubConfig } from "../config/index.js";
import type { HubClient } from "../http/hub-client.js";
import type { RetryPolicy } from "../http/retry-policy.js";

/**
 * Progress events from downloadFile / snapshotDownload. The core never prints: the CLI turns these
 * into progress bars, a library caller into whatever it likes.
 */
export type DownloadEvent =
  | { type: "plan"; files: number; bytes: number | undefined; cached: number }
  | { type: "file-start"; filename: string; size: number | undefined; resumedFrom: number }
  | { type: "bytes"; filename: string; delta: number; downloaded: number; size: number | undefined }
  | { type: "file-done"; filename: string; path: string; fromCache: boolean }
  | { type: "retry"; filename: string; attempt: number; reason: string; delayMs: number }
  | { type: "lock-wait"; filename: string; holder: string; waitedMs: number }
  | { type: "warning"; message: string };

export interface CommonDownloadOptions {
  repoId: string;
  repoType?: RepoType | undefined;
  /** Branch, tag or 40-hex commit; default "main". */
  revision?: string | undefined;
  /** Overrides `config.hubCache`. */
  cacheDir?: string | undefined;
  /** Download into this folder (real files + `.cache/huggingface/`) instead of the cache. */
  localDir?: string | undefined;
  /** A token; `false` sends none; undefined resolves one (HF_TOKEN, token file...). */
  token?: string | false | undefined;
  /** Receives one-line warnings from token resolution (deprecated variable...). */
  onWarning?: ((message: string) => void) | undefined;
  /** How an explicit `token` is named in error messages (the CLI says "--token argument"). */
  tokenSourceLabel?: string | undefined;
  /** Settings (endpoint, offline, timeouts, cache path). Default: `process.env`, read at call time. */
  config?: HubConfig | undefined;
  /** A ready client (its token is used as is; `token` is then ignored). */
  client?: HubClient | undefined;
  forceDownload?: boolean | undefined;
  /**
   * Parallel HTTP Range connections per file of 64 MiB or more (default 1: one stream, which on a
   * fast link is the cheapest: it is written as it arrives and hashed on another thread). More
   * connections help when each connection is slow (a distant CDN); on loopback they only cost CPU.
   */
  connections?: number | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((event: DownloadEvent) => void) | undefined;
  /** How long to wait for another process holding a file's lock (default 10 min). */
  lockTimeoutMs?: number | undefined;
  /**
   * @internal Overrides of the one retry policy (`DEFAULT_RETRY_POLICY`), for the requests of the
   * client made for this call and for the attempts at a blob's body alike. Tests shorten the
   * backoff with `{ baseDelayMs: 10 }`.
   */
  retry?: Partial<RetryPolicy> | undefined;
  /**
   * @internal Size from which one stream is received straight into a BlobWriter (default 16 MiB).
   * Tests send every file one way or the other with 0 or `Infinity`.
   */
  directMinBytes?: number | undefined;
  /** @internal Size from which `connections` > 1 fetches parallel ranges (default 64 MiB). */
  rangedMinBytes?: number | undefined;
}

export interface DownloadFileOptions extends CommonDownloadOptions {
  /** Path in the repo, `/`-separated. */
  filename: string;
}

export interface SnapshotDownloadOptions extends CommonDownloadOptions {
  include?: string | string[] | undefined;
  exclude?: string | string[] | undefined;
  /**
   * Files downloaded at once (default 8), as Python's `snapshot_download(max_workers=8)`. One file
   * has no such knob (Python's `hf_hub_download` has none); its parallel ranges are `connections`.
   */
  maxWorkers?: number | undefined;
  /** List what would be downloaded, download nothing. */
  dryRun?: boolean | undefined;
}

/** One file of a dry run. */
export interface DryRunFile {
  filename: string;
  size: number;
  /** Already in the cache (or local dir) at that commit. */
  cached: boolean;
  willDownload: boolean;
}

export interface SnapshotResult {
  /** `snapshots/<commit>` or the local dir. */
  path: string;
  commit: string;
  files: string[];
  dryRun?: DryRunFile[] | undefined;
}
