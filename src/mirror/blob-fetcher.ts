/**
 * Single-flight, verified blob fetches into the mirror's hub cache. However many callers ask for a
 * blob the store lacks, and however many mirror processes share the store, the upstream is asked
 * for its bytes once:
 *   - in this process, callers of the same blob share one promise (waiters get the verified file,
 *     not a stream: a blob becomes servable only once it is whole and checked);
 *   - across processes (replicas on one DIR), the download lock `.locks/<repo>/<etag>.lock.hubkit`
 *     (cache/lock.ts, the one `hf download` takes), then a second look at `blobs/<etag>`.
 * The bytes go through download/'s `fetchBlob`: resume of `blobs/<etag>.incomplete` when safe, the
 * one retry policy, size + sha256 / git sha1 check and atomic rename; a broken transfer therefore
 * ends in a resumed download or an error, never in a truncated blob. The snapshot pointer and the
 * ref are written as huggingface_hub writes them (python-hf-download.md §2.3), so the store stays a
 * hub cache that `hf cache ls|verify|rm` and Python read.
 */
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import {
  blobPath,
  createRelativeSymlink,
  ensureCachedirTag,
  pointerPath,
  repoPaths,
  writeRef,
} from "../cache/layout.js";
import { acquireLock } from "../cache/lock.js";
import { isCommitHash, type RepoType } from "../common/repo.js";
import { fetchBlob } from "../download/fetch-blob.js";
import type { HubClient } from "../http/hub-client.js";
import type { RetryPolicy } from "../http/retry-policy.js";

export interface BlobJob {
  type: RepoType;
  repo: string;
  /** The commit the file was resolved at (its snapshot folder). */
  commit: string;
  /** The revision asked for: `refs/<revision>` is written when it is not the commit itself. */
  revision: string;
  path: string;
  /** sha256 (LFS) or git blob sha1: the blob's name and what its content must hash to. */
  etag: string;
  size: number | undefined;
  /** Where the bytes are, asked only when they must be fetched (an upstream HEAD, say). */
  locate(): Promise<{ url: string; client: HubClient }>;
}

/** One upstream fetch, for the log line and the stats (never a token or an upstream URL). */
export interface FetchReport {
  type: RepoType;
  repo: string;
  path: string;
  bytes: number;
  seconds: number;
}

export interface BlobFetcherOptions {
  onFetched?: ((r: FetchReport) => void) | undefined;
  /** How long to wait for another process fetching the same blob (default 10 min). */
  lockTimeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isFile();
  } catch {
    return false;
  }
}

export class BlobFetcher {
  private readonly flights = new Map<string, Promise<string>>();

  constructor(
    private readonly cacheDir: string,
    private readonly options: BlobFetcherOptions = {},
  ) {}

  /** Makes sure `blobs/<etag>` holds the verified blob (fetching it once if needed); its path. */
  async ensure(job: BlobJob): Promise<string> {
    const paths = repoPaths(this.cacheDir, job.repo, job.type);
    const blob = blobPath(paths, job.etag);
    if (await isFile(blob)) {
      await this.point(job, blob);
      return blob;
    }
    const key = `${paths.root}\n${job.etag}`;
    let flight = this.flights.get(key);
    if (!flight) {
      flight = this.fly(job, blob).finally(() => this.flights.delete(key));
      this.flights.set(key, flight);
    }
    return flight;
  }

  /** Whether a blob is in the store (a fetch in flight does not count). */
  has(type: RepoType, repo: string, etag: string): Promise<boolean> {
    return isFile(blobPath(repoPaths(this.cacheDir, repo, type), etag));
  }

  private async fly(job: BlobJob, blob: string): Promise<string> {
    const paths = repoPaths(this.cacheDir, job.repo, job.type);
    await fsp.mkdir(paths.blobs, { recursive: true });
    await ensureCachedirTag(this.cacheDir);
    const lock = await acquireLock(join(paths.locks, `${job.etag}.lock.hubkit`), {
      timeoutMs: this.options.lockTimeoutMs,
    });
    try {
      // Another replica may have committed it while we waited for the lock.
      if (!(await isFile(blob))) {
        const { url, client } = await job.locate();
        const started = performance.now();
        await fetchBlob({
          client,
          url,
          etag: job.etag,
          size: job.size,
          partialPath: `${blob}.incomplete`,
          destPath: blob,
          filename: job.path,
          repo: { id: job.repo, type: job.type },
          retry: this.options.retry,
        });
        this.options.onFetched?.({
          type: job.type,
          repo: job.repo,
          path: job.path,
          bytes: (await fsp.stat(blob)).size,
          seconds: (performance.now() - started) / 1000,
        });
      }
      await this.point(job, blob);
    } finally {
      await lock.release();
    }
    return blob;
  }

  /** `snapshots/<commit>/<path>` -> the blob, and `refs/<revision>` (both atomic, as Python's). */
  private async point(job: BlobJob, blob: string): Promise<void> {
    const paths = repoPaths(this.cacheDir, job.repo, job.type);
    await createRelativeSymlink(blob, pointerPath(paths, job.commit, job.path));
    if (!isCommitHash(job.revision)) await writeRef(paths, job.revision, job.commit).catch(() => undefined);
  }
}
