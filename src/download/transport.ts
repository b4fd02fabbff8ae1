/**
 * The seam between a blob download's steps: fetchBlob hands a `TransportJob` to the transports in
 * turn (parallel ranges, one stream; a Xet transport would come first when the file has a Xet hash),
 * and the first one that applies leaves the whole content in a file, which `commitBlob` verifies
 * and renames into place. Every transport runs under the caller's lock, and shares the retry policy
 * (`job.policy`, through `BodyRetry`), the verification and the commit.
 */
import { promises as fsp } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { HashKind } from "../common/hashes.js";
import type { RepoType } from "../common/repo.js";
import { AbortedError, DiskFullError, HfError } from "../errors.js";
import type { HubClient } from "../http/hub-client.js";
import { backoffDelay, type RetryPolicy } from "../http/retry-policy.js";
import type { DownloadEvent } from "./types.js";

/** One blob to fetch: what `fetchBlob` is asked for, and what it hands every transport. */
export interface BlobRequest {
  client: HubClient;
  /** The URL to GET (the CDN location for LFS files, the /resolve URL otherwise). */
  url: string;
  /** Expected content: sha256 (LFS) or git blob sha1 (regular); anything else is size-checked only. */
  etag: string;
  size: number | undefined;
  /** The resumable partial file (only the lock holder touches it). */
  partialPath: string;
  filename: string;
  signal?: AbortSignal | undefined;
  onProgress?: ((e: DownloadEvent) => void) | undefined;
  repo?: { id: string; type: RepoType } | undefined;
  /**
   * Parallel ranged download of big files: `parts` concurrent `Range: bytes=a-b` GETs once the size
   * is at least `minBytes` (default 64 MiB). `parts` <= 1 (the default) keeps one stream.
   */
  ranges?: { parts: number; minBytes?: number | undefined } | undefined;
  /**
   * Files of at least this size (default 16 MiB) are received straight into a BlobWriter (written as
   * they arrive, hashed on another thread) when the client's `receive` transport applies.
   */
  directMinBytes?: number | undefined;
}

/** What every transport is given. */
export interface TransportJob extends BlobRequest {
  /** The hash `etag` is, if any (`hashKindOf(etag)`). */
  kind: HashKind | undefined;
  /** The one retry policy, resolved (`resolveRetryPolicy`): the body's attempt budget and backoff. */
  policy: RetryPolicy;
}

/** Where a transport left the content, for `commitBlob`. */
export interface Transported {
  /** The file that holds the whole content. */
  path: string;
  /** The content hash computed on the way, and how many bytes of the file it covers. */
  digest?: { hex: string; bytes: number } | undefined;
  /** Bytes received, when the transport counts them apart from the file's size. */
  arrived?: number | undefined;
}

/**
 * A way to move a blob's bytes into a file. `undefined`: it does not apply here (a server that
 * ignores Range, say) and left nothing behind: the next transport is tried. Errors are final.
 */
export type BlobTransport = (job: TransportJob) => Promise<Transported | undefined>;

/** The size of a file, 0 when it does not exist. */
export async function sizeOf(path: string): Promise<number> {
  try {
    return (await fsp.stat(path)).size;
  } catch {
    return 0;
  }
}

/**
 * Failures of a body that was arriving, after which the bytes written are kept and the transfer
 * resumes from them: a reset, a stall (the client's body timeout), a premature close.
 */
function isRetryableBodyError(e: unknown): boolean {
  if (e instanceof HfError) return e.code === "HF_NETWORK" || e.code === "HF_TIMEOUT";
  const code = (e as NodeJS.ErrnoException)?.code;
  return (
    code === "ECONNRESET" ||
    code === "EPIPE" ||
    code === "UND_ERR_SOCKET" ||
    code === "UND_ERR_BODY_TIMEOUT" ||
    code === "ERR_STREAM_PREMATURE_CLOSE"
  );
}

/** ENOSPC while writing the partial file: it is kept for the next run. */
export function diskFull(e: unknown, job: TransportJob, written: number): DiskFullError {
  return new DiskFullError(
    `No space left on the device while writing ${job.partialPath} (${written}${job.size !== undefined ? ` of ${job.size}` : ""} bytes of ${job.filename}). The partial file is kept: re-running the same command resumes from it.`,
    {
      cause: e,
      remedy:
        "free some disk space (planPrune + executePlan remove leftovers), then call it again: it resumes from the partial file",
    },
  );
}

/**
 * The attempt budget of one transfer (one stream, or one range): `policy.retries` attempts in a row
 * that bring no new byte (Python's rule: 5), each after `backoffDelay` (1, 2, 4, 8, 8 s).
 */
export class BodyRetry {
  /** Attempts in a row that brought no new byte. */
  failures = 0;

  constructor(
    private readonly job: TransportJob,
    private readonly signal: AbortSignal | undefined = job.signal,
  ) {}

  /** No attempt left. */
  get exhausted(): boolean {
    return this.failures >= this.job.policy.retries;
  }

  /** The attempt brought new bytes: the budget starts again. */
  progressed(): void {
    this.failures = 0;
  }

  /**
   * After a failed attempt: when the failure is one a resume can mend (`isRetryableBodyError`) and
   * attempts are left, backs off and returns true (try again); false: the failure is final.
   */
  async absorb(e: unknown): Promise<boolean> {
    if (!isRetryableBodyError(e) || this.exhausted) return false;
    await this.backoff((e as Error).message);
    return true;
  }

  /** Counts a failed attempt, reports it and sleeps its backoff (an abort ends the sleep). */
  async backoff(reason: string): Promise<void> {
    this.failures++;
    const delayMs = backoffDelay(this.failures, this.job.policy);
    this.job.onProgress?.({
      type: "retry",
      filename: this.job.filename,
      attempt: this.failures,
      reason,
      delayMs,
    });
    try {
      await sleep(delayMs, undefined, this.signal ? { signal: this.signal } : undefined);
    } catch {
      throw new AbortedError(undefined, { url: this.job.url });
    }
  }
}
