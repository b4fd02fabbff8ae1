import { createHash, type Hash } from "node:crypto";
import { createReadStream, promises as fsp } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { RepoType } from "../common/repo.js";
import { AbortedError, DiskFullError, HfError, IntegrityError } from "../errors.js";
import type { HubClient, HubResponse } from "../http/hub-client.js";
import { etagKind } from "./metadata.js";
import type { DownloadEvent } from "./types.js";

export interface FetchBlobOptions {
  client: HubClient;
  /** The URL to GET (the CDN location for LFS files, the /resolve URL otherwise). */
  url: string;
  /** Expected content: sha256 (LFS) or git blob sha1 (regular); anything else is size-checked only. */
  etag: string;
  size: number | undefined;
  /** The resumable partial file (only the lock holder touches it). */
  partialPath: string;
  /** Where the verified file is renamed to. */
  destPath: string;
  filename: string;
  signal?: AbortSignal | undefined;
  onProgress?: ((e: DownloadEvent) => void) | undefined;
  repo?: { id: string; type: RepoType } | undefined;
  /** Attempts in a row that bring no new byte before giving up (Python: 5). */
  maxAttemptsWithoutProgress?: number | undefined;
  /** First backoff sleep between body retries, doubled up to 8 s (default 1000). */
  retryDelayMs?: number | undefined;
}

/** `bytes START-END/TOTAL` (RFC 9110 §14.4). */
export function parseContentRange(
  v: string | undefined,
): { start: number; end: number; total: number | undefined } | undefined {
  const m = v ? /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(v) : null;
  if (!m) return undefined;
  return {
    start: Number(m[1]),
    end: Number(m[2]),
    total: m[3] === "*" ? undefined : Number(m[3]),
  };
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await fsp.stat(path)).size;
  } catch {
    return 0;
  }
}

/** A running content hash that knows how many bytes of the partial file it covers. */
class ContentHasher {
  private hash: Hash | undefined;
  covered = 0;
  constructor(
    private readonly kind: "sha256" | "git-sha1" | "unknown",
    private readonly size: number | undefined,
  ) {
    this.reset();
  }
  get enabled(): boolean {
    return this.kind === "sha256" || (this.kind === "git-sha1" && this.size !== undefined);
  }
  reset(): void {
    if (!this.enabled) return;
    this.hash = createHash(this.kind === "sha256" ? "sha256" : "sha1");
    if (this.kind === "git-sha1") this.hash.update(`blob ${this.size}\0`);
    this.covered = 0;
  }
  update(chunk: Uint8Array): void {
    this.hash?.update(chunk);
    this.covered += chunk.byteLength;
  }
  /** Re-hashes the first `upTo` bytes of `path` (after a resume across processes). */
  async catchUp(path: string, upTo: number): Promise<void> {
    this.reset();
    if (!this.enabled || upTo === 0) return;
    for await (const chunk of createReadStream(path, { start: 0, end: upTo - 1, highWaterMark: 1 << 20 })) {
      this.update(chunk as Buffer);
    }
  }
  digest(): string | undefined {
    return this.hash?.digest("hex");
  }
}

/** Git blob sha1 of a file whose size was not known up front. */
async function fileDigest(path: string, kind: "sha256" | "git-sha1"): Promise<string> {
  const h = createHash(kind === "sha256" ? "sha256" : "sha1");
  if (kind === "git-sha1") h.update(`blob ${(await fsp.stat(path)).size}\0`);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest("hex");
}

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

function diskFull(e: unknown, o: FetchBlobOptions, written: number): DiskFullError {
  return new DiskFullError(
    `No space left on the device while writing ${o.partialPath} (${written}${o.size !== undefined ? ` of ${o.size}` : ""} bytes of ${o.filename}). The partial file is kept: re-running the same command resumes from it.`,
    {
      cause: e,
      remedy: "free some disk space (hf cache prune removes leftovers), then re-run the same command",
    },
  );
}

const WRITE_BATCH = 512 << 10;
const MAX_INFLIGHT = 2;

/**
 * Downloads `url` into the partial file, resuming from what is already there when that is safe,
 * then verifies size and content hash and renames it atomically onto `destPath`.
 *
 * Resume rule: `Range: bytes=N-` + `If-Range: "<etag>"`, and the answer must be a 206 whose
 * Content-Range starts at N (and whose total matches the expected size); a 200 means "start over"
 * (the server ignored the range, or the content changed); anything inconsistent restarts from 0.
 * A connection reset or a stall mid-body retries from the bytes written, with backoff; five
 * attempts in a row without a new byte give up (Python's rule). A wrong hash deletes the partial
 * and throws `IntegrityError`: a wrong file is never renamed into place. ENOSPC throws
 * `DiskFullError` and keeps the partial.
 *
 * @example
 * await fetchBlob({ client, url: meta.location, etag, size, partialPath: `${blob}.incomplete`, destPath: blob, filename });
 */
export async function fetchBlob(o: FetchBlobOptions): Promise<void> {
  const kind = etagKind(o.etag);
  const hasher = new ContentHasher(kind, o.size);
  const maxAttempts = o.maxAttemptsWithoutProgress ?? 5;
  const baseDelay = o.retryDelayMs ?? 1000;
  let failures = 0;
  let announced = false;

  const backoff = async (reason: string) => {
    failures++;
    const delayMs = Math.min(baseDelay * 2 ** (failures - 1), 8000);
    o.onProgress?.({ type: "retry", filename: o.filename, attempt: failures, reason, delayMs });
    try {
      await sleep(delayMs, undefined, o.signal ? { signal: o.signal } : undefined);
    } catch {
      throw new AbortedError(undefined, { url: o.url });
    }
  };

  for (;;) {
    if (o.signal?.aborted) throw new AbortedError(undefined, { url: o.url });
    let offset = await sizeOf(o.partialPath);
    if (o.size !== undefined && offset > o.size) {
      await fsp.truncate(o.partialPath, 0);
      offset = 0;
    }
    if (!announced) {
      announced = true;
      o.onProgress?.({ type: "file-start", filename: o.filename, size: o.size, resumedFrom: offset });
    }
    if (o.size !== undefined && offset === o.size && offset > 0) {
      if (hasher.covered !== offset) await hasher.catchUp(o.partialPath, offset);
      break;
    }
    const headers: Record<string, string> = { "accept-encoding": "identity" };
    if (offset > 0) {
      headers.range = `bytes=${offset}-`;
      headers["if-range"] = `"${o.etag}"`;
    }
    let res: HubResponse;
    try {
      res = await o.client.request({ url: o.url, headers, signal: o.signal, repo: o.repo });
    } catch (e) {
      if (e instanceof AbortedError || o.signal?.aborted) throw e;
      if (isRetryableBodyError(e) && failures < maxAttempts) {
        await backoff((e as Error).message);
        continue;
      }
      throw e;
    }
    let start = 0;
    if (res.status === 206) {
      const cr = parseContentRange(res.headers["content-range"]);
      const consistent =
        offset > 0 &&
        cr !== undefined &&
        cr.start === offset &&
        (o.size === undefined || cr.total === undefined || cr.total === o.size) &&
        (o.size === undefined || cr.end === o.size - 1);
      if (!consistent) {
        await res.dump();
        await fsp.rm(o.partialPath, { force: true });
        o.onProgress?.({
          type: "warning",
          message: `${o.filename}: the server answered a range request with an inconsistent Content-Range (${res.headers["content-range"] ?? "none"}); restarting from the beginning`,
        });
        if (failures >= maxAttempts) {
          throw new IntegrityError(`The server keeps sending inconsistent ranges for ${o.filename}.`, {
            url: o.url,
            remedy: "retry later, or run with --force-download",
          });
        }
        failures++;
        continue;
      }
      start = offset;
    } else if (res.status !== 200) {
      await res.dump();
      throw new IntegrityError(`Unexpected ${res.status} answer to GET ${o.url} for ${o.filename}.`, {
        url: o.url,
        status: res.status,
      });
    }
    // 200 to a range request: the server ignored it, or If-Range saw a different etag. Start over.
    if (hasher.covered !== start) await hasher.catchUp(o.partialPath, start);

    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(o.partialPath, start === 0 ? "w" : "r+");
    } catch (e) {
      await res.dump();
      if ((e as NodeJS.ErrnoException).code === "ENOSPC") throw diskFull(e, o, start);
      throw e;
    }
    let position = start;
    let progressed = false;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    // Writes are chained (in order) and overlap with reading the socket: up to MAX_INFLIGHT batches
    // may be queued before reading waits. A failed write stops the chain, so no hole is ever left
    // behind a later write; the next attempt restarts from the partial file's real size.
    let chain: Promise<void> = Promise.resolve();
    let inflight = 0;
    const writeBatch = async (bufs: Buffer[], n: number) => {
      let done = 0;
      while (done < n) {
        const { bytesWritten } = await fh.writev(
          done === 0 ? bufs : [Buffer.concat(bufs).subarray(done)],
          position,
        );
        done += bytesWritten;
        position += bytesWritten;
      }
      for (const b of bufs) hasher.update(b);
      progressed = true;
      inflight--;
      o.onProgress?.({ type: "bytes", filename: o.filename, delta: n, downloaded: position, size: o.size });
    };
    const flush = async (wait: boolean) => {
      if (pendingBytes > 0) {
        const bufs = pending;
        const n = pendingBytes;
        pending = [];
        pendingBytes = 0;
        inflight++;
        chain = chain.then(() => writeBatch(bufs, n));
        // Marked handled now; the rejection still surfaces when the chain is awaited.
        chain.catch(() => undefined);
      }
      if (wait || inflight >= MAX_INFLIGHT) await chain;
    };
    let bodyError: unknown;
    try {
      // 'data' events with pause/resume rather than `for await`: no promise per chunk, so far less
      // young-generation garbage per byte, so the socket's chunk buffers are collected sooner (peak
      // RSS). At most MAX_INFLIGHT write batches are queued before the socket is paused.
      await new Promise<void>((resolve, reject) => {
        const body = res.body;
        let settled = false;
        const fail = (e: unknown) => {
          if (settled) return;
          settled = true;
          reject(e);
        };
        body.on("data", (chunk: Buffer) => {
          if (settled) return;
          pending.push(chunk);
          pendingBytes += chunk.byteLength;
          if (pendingBytes < WRITE_BATCH) return;
          const wait = inflight + 1 >= MAX_INFLIGHT;
          if (wait) body.pause();
          flush(false).then(() => {
            if (wait && !settled) body.resume();
          }, fail);
        });
        body.once("end", () => {
          if (settled) return;
          flush(true).then(() => {
            settled = true;
            resolve();
          }, fail);
        });
        body.once("error", fail);
        body.once("close", () => {
          if (!body.readableEnded)
            fail(Object.assign(new Error("premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
        });
      });
    } catch (e) {
      bodyError = e;
      // keep what arrived intact: it is valid data at its offset
      if ((e as NodeJS.ErrnoException).code !== "ENOSPC") await flush(true).catch(() => undefined);
      else await chain.catch(() => undefined);
    } finally {
      await fh.close().catch(() => undefined);
    }
    if (bodyError !== undefined) {
      res.body.destroy();
      if ((bodyError as NodeJS.ErrnoException).code === "ENOSPC") throw diskFull(bodyError, o, position);
      if (bodyError instanceof AbortedError || o.signal?.aborted)
        throw new AbortedError(undefined, { url: o.url });
      if (progressed) failures = 0;
      if (isRetryableBodyError(bodyError) && failures < maxAttempts) {
        await backoff((bodyError as Error).message);
        continue;
      }
      throw bodyError;
    }
    if (o.size !== undefined && position < o.size && failures < maxAttempts) {
      // The body ended early without an error (a proxy closing cleanly): resume.
      if (progressed) failures = 0;
      await backoff(`the body ended after ${position} of ${o.size} bytes`);
      continue;
    }
    break;
  }

  const actual = await sizeOf(o.partialPath);
  if (o.size !== undefined && actual !== o.size) {
    await fsp.rm(o.partialPath, { force: true });
    throw new IntegrityError(
      `Consistency check failed: ${o.filename} should be ${o.size} bytes but ${actual} arrived. The partial file was deleted.`,
      { url: o.url, remedy: "retry the download (add --force-download if it keeps failing)" },
    );
  }
  if (kind !== "unknown") {
    const got =
      hasher.enabled && hasher.covered === actual ? hasher.digest() : await fileDigest(o.partialPath, kind);
    if (got !== o.etag) {
      await fsp.rm(o.partialPath, { force: true });
      throw new IntegrityError(
        `Integrity check failed for ${o.filename}: expected ${kind} ${o.etag}, got ${got}. The download was discarded, nothing was written to the cache.`,
        {
          url: o.url,
          remedy: "retry the download; if it fails again the server or a proxy is altering the file",
        },
      );
    }
  }
  // Blobs get a fresh file's mode (0666 & ~umask), as Python's _chmod_and_move: the partial was
  // created with exactly that mode.
  await fsp.rename(o.partialPath, o.destPath);
}
