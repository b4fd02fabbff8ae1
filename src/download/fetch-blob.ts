import { createHash, type Hash } from "node:crypto";
import { createReadStream, promises as fsp } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import type { RepoType } from "../common/repo.js";
import { AbortedError, DiskFullError, HfError, IntegrityError } from "../errors.js";
import type { HubClient, HubResponse } from "../http/hub-client.js";
import type { RawGetResponse } from "../http/raw-get.js";
import { BlobWriter } from "./blob-writer.js";
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

/** Default size from which one stream is received straight into a BlobWriter. */
export const DIRECT_MIN_BYTES = 16 * 1024 * 1024;

/** Default size from which a file is fetched as parallel ranges (when `ranges.parts` > 1). */
export const RANGED_MIN_BYTES = 64 * 1024 * 1024;

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
      remedy:
        "free some disk space (planPrune + executePlan remove leftovers), then call it again: it resumes from the partial file",
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
  const parts = Math.max(1, Math.floor(o.ranges?.parts ?? 1));
  if (
    parts > 1 &&
    o.size !== undefined &&
    o.size >= (o.ranges?.minBytes ?? RANGED_MIN_BYTES) &&
    (await sizeOf(o.partialPath)) === 0 &&
    (await fetchRanged(o, o.size, parts))
  ) {
    return;
  }
  const kind = etagKind(o.etag);
  const hasher = new ContentHasher(kind, o.size);
  let fast = o.size !== undefined && o.size >= (o.directMinBytes ?? DIRECT_MIN_BYTES);
  /** The digest the last attempt's BlobWriter computed over the whole partial file. */
  let fastDigest: string | undefined;
  const maxAttempts = o.maxAttemptsWithoutProgress ?? 5;
  const baseDelay = o.retryDelayMs ?? 1000;
  let failures = 0;
  let announced = false;
  const reportBytes = (n: number, position: number) =>
    o.onProgress?.({ type: "bytes", filename: o.filename, delta: n, downloaded: position, size: o.size });

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
    fastDigest = undefined;
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
    // The body goes either straight from the socket into a BlobWriter's ring (big files: written as
    // it arrives, hashed on another thread), or through the general client as a stream.
    let res: HubResponse | undefined;
    let raw: RawGetResponse | undefined;
    let writer: BlobWriter | undefined;
    try {
      if (fast) {
        writer = new BlobWriter({
          kind,
          size: o.size,
          path: o.partialPath,
          onWritten: reportBytes,
        });
        raw = await o.client.receive({ url: o.url, headers, signal: o.signal }, writer);
        // Not for this transport (a redirect, an error status...): the general client from now on.
        if (!raw) fast = false;
      }
      if (!raw) res = await o.client.request({ url: o.url, headers, signal: o.signal, repo: o.repo });
    } catch (e) {
      if (e instanceof AbortedError || o.signal?.aborted) throw e;
      if (isRetryableBodyError(e) && failures < maxAttempts) {
        await backoff((e as Error).message);
        continue;
      }
      throw e;
    }
    const status = raw ? raw.status : (res as HubResponse).status;
    const contentRange = raw ? raw.headers["content-range"] : (res as HubResponse).headers["content-range"];
    const discard = async () => {
      if (!raw) return (res as HubResponse).dump();
      raw.destroy();
      await writer?.stop().catch(() => undefined);
    };
    let start = 0;
    if (status === 206) {
      const cr = parseContentRange(contentRange);
      const consistent =
        offset > 0 &&
        cr !== undefined &&
        cr.start === offset &&
        (o.size === undefined || cr.total === undefined || cr.total === o.size) &&
        (o.size === undefined || cr.end === o.size - 1);
      if (!consistent) {
        await discard();
        await fsp.rm(o.partialPath, { force: true });
        o.onProgress?.({
          type: "warning",
          message: `${o.filename}: the server answered a range request with an inconsistent Content-Range (${contentRange ?? "none"}); restarting from the beginning`,
        });
        if (failures >= maxAttempts) {
          throw new IntegrityError(`The server keeps sending inconsistent ranges for ${o.filename}.`, {
            url: o.url,
            remedy: "retry later, or pass forceDownload: true",
            data: { reason: "inconsistent-ranges" },
          });
        }
        failures++;
        continue;
      }
      start = offset;
    } else if (status !== 200) {
      await discard();
      throw new IntegrityError(`Unexpected ${status} answer to GET ${o.url} for ${o.filename}.`, {
        url: o.url,
        status,
      });
    }
    // 200 to a range request: the server ignored it, or If-Range saw a different etag. Start over.
    if (!raw && hasher.covered !== start) await hasher.catchUp(o.partialPath, start);

    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(o.partialPath, start === 0 ? "w" : "r+");
    } catch (e) {
      await discard();
      if ((e as NodeJS.ErrnoException).code === "ENOSPC") throw diskFull(e, o, start);
      throw e;
    }
    let position = start;
    let bodyError: unknown;
    try {
      if (raw && writer) {
        writer.start(fh, start);
        try {
          await raw.done;
          fastDigest = await writer.finish();
        } catch (e) {
          bodyError = e;
          raw.destroy();
          // keep what arrived intact: it is valid data at its offset (a write error wins)
          await writer.stop().catch((we: unknown) => {
            bodyError = we;
          });
        }
        position = writer.position;
      } else {
        await streamToFile(
          (res as HubResponse).body,
          fh,
          start,
          (o.size ?? Number.POSITIVE_INFINITY) - start,
          (n, bufs) => {
            position += n;
            for (const b of bufs) hasher.update(b);
            reportBytes(n, position);
          },
        ).catch((e: unknown) => {
          bodyError = e;
        });
      }
    } finally {
      await fh.close().catch(() => undefined);
    }
    const progressed = position > start;
    if (bodyError !== undefined) {
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
      {
        url: o.url,
        remedy: "retry the download (pass forceDownload: true if it keeps failing)",
        data: { reason: "size-mismatch" },
      },
    );
  }
  if (kind !== "unknown") {
    const got =
      fastDigest ??
      (hasher.enabled && hasher.covered === actual ? hasher.digest() : await fileDigest(o.partialPath, kind));
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

interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
  /** Bytes of this range already written at `start`. */
  done: number;
}

const rangeLength = (r: ByteRange) => r.end - r.start + 1;

/**
 * Streams `body` into `fh` at `position` in write batches of WRITE_BATCH bytes, at most MAX_INFLIGHT
 * batches queued before the socket is paused (the memory bound). Writes stay in order, so whatever
 * `onWritten` has reported is on disk contiguously from `position`, even when the body fails.
 */
function streamToFile(
  body: HubResponse["body"],
  fh: fsp.FileHandle,
  position: number,
  limit: number,
  onWritten: (n: number, bufs: Buffer[]) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let received = 0;
    let inflight = 0;
    let chain: Promise<void> = Promise.resolve();
    let settled = false;
    const finish = (e?: unknown) => {
      if (settled) return;
      settled = true;
      // keep what arrived intact (valid data at its offset) before reporting the failure
      chain.then(
        () => (e === undefined ? resolve() : reject(e)),
        (we) => reject(we),
      );
    };
    const queue = () => {
      if (pendingBytes === 0) return;
      const bufs = pending;
      const n = pendingBytes;
      pending = [];
      pendingBytes = 0;
      inflight++;
      chain = chain.then(async () => {
        await writeAllAt(fh, bufs, n, position);
        position += n;
        inflight--;
        onWritten(n, bufs);
      });
      chain.catch(() => {
        if (!settled) body.destroy();
      });
    };
    body.on("data", (chunk: Buffer) => {
      if (settled) return;
      received += chunk.byteLength;
      if (received > limit) {
        body.destroy();
        finish(new IntegrityError(`The server sent more bytes than expected (${limit}).`));
        return;
      }
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      if (pendingBytes < WRITE_BATCH) return;
      queue();
      if (inflight >= MAX_INFLIGHT) {
        body.pause();
        chain.then(
          () => {
            if (!settled) body.resume();
          },
          () => undefined,
        );
      }
    });
    body.once("end", () => {
      queue();
      finish();
    });
    body.once("error", (e) => finish(e));
    body.once("close", () => {
      if (!body.readableEnded)
        finish(Object.assign(new Error("premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    });
  });
}

/**
 * The parallel ranged path of `fetchBlob` for big files: `parts` `Range: bytes=a-b` GETs (no
 * Authorization reaches the CDN: the client only sends it to the endpoint's host) written with
 * positional writes into `<partial>.ranged.incomplete`, while the finished prefix is hashed in order
 * (read back from the page cache). Each range retries on its own from its written bytes, with the
 * same backoff, attempt budget and stall watchdog as one stream. The first range is the probe: a
 * 200 (Range ignored), a failure or an inconsistent Content-Range returns `false` and the caller
 * falls back to one stream. Every range must answer 206 with a Content-Range that matches exactly
 * what was asked and the total size, and the same ETag as the probe; sha256 (or git sha1) and size
 * are verified before the atomic rename, so content that changed between ranges is an
 * `IntegrityError` and nothing becomes visible.
 *
 * Resume: a ranged file is never resumed as such. When a ranged download fails inside the process
 * (abort, retries exhausted, disk full), its contiguous finished prefix becomes the ordinary partial
 * file, which the next run resumes with one stream (Range + If-Range). A leftover from a killed
 * process is deleted by the next lock holder and the download restarts.
 */
async function fetchRanged(o: FetchBlobOptions, size: number, parts: number): Promise<boolean> {
  const kind = etagKind(o.etag);
  const path = o.partialPath.endsWith(".incomplete")
    ? `${o.partialPath.slice(0, -".incomplete".length)}.ranged.incomplete`
    : `${o.partialPath}.ranged`;
  await fsp.rm(path, { force: true });
  const maxAttempts = o.maxAttemptsWithoutProgress ?? 5;
  const baseDelay = o.retryDelayMs ?? 1000;
  const step = Math.ceil(size / parts);
  const ranges: ByteRange[] = [];
  for (let start = 0; start < size; start += step)
    ranges.push({ start, end: Math.min(size, start + step) - 1, done: 0 });
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  if (o.signal?.aborted) throw new AbortedError(undefined, { url: o.url });
  o.signal?.addEventListener("abort", onAbort, { once: true });
  const request = (r: ByteRange) =>
    o.client.request({
      url: o.url,
      headers: { "accept-encoding": "identity", range: `bytes=${r.start + r.done}-${r.end}` },
      signal: ac.signal,
      repo: o.repo,
    });
  const consistent = (res: HubResponse, r: ByteRange) => {
    const cr = parseContentRange(res.headers["content-range"]);
    return (
      res.status === 206 &&
      cr !== undefined &&
      cr.start === r.start + r.done &&
      cr.end === r.end &&
      cr.total === size
    );
  };

  // The probe: the first range. Anything but a consistent 206 -> one stream.
  const first = ranges[0] as ByteRange;
  let probe: HubResponse;
  try {
    probe = await request(first);
  } catch (e) {
    o.signal?.removeEventListener("abort", onAbort);
    if (e instanceof AbortedError || o.signal?.aborted) throw new AbortedError(undefined, { url: o.url });
    return false;
  }
  if (!consistent(probe, first)) {
    o.signal?.removeEventListener("abort", onAbort);
    probe.body.destroy();
    return false;
  }
  const probeEtag = probe.headers.etag;

  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, "w+");
  } catch (e) {
    probe.body.destroy();
    o.signal?.removeEventListener("abort", onAbort);
    if ((e as NodeJS.ErrnoException).code === "ENOSPC") throw diskFull(e, o, 0);
    throw e;
  }
  o.onProgress?.({ type: "file-start", filename: o.filename, size, resumedFrom: 0 });

  let downloaded = 0;
  /** End of the bytes written contiguously from 0. */
  const contiguous = () => {
    let end = 0;
    for (const r of ranges) {
      if (r.start !== end) break;
      end = r.start + r.done;
      if (r.done < rangeLength(r)) break;
    }
    return end;
  };

  const hasher = kind === "unknown" ? undefined : startHashWorker(path, kind, size);
  let published = 0;
  const publish = () => {
    const avail = contiguous();
    if (avail > published) {
      published = avail;
      hasher?.advance(avail);
    }
  };

  const worker = async (r: ByteRange, initial: HubResponse | undefined) => {
    let failures = 0;
    let res = initial;
    while (r.done < rangeLength(r)) {
      if (ac.signal.aborted) throw new AbortedError(undefined, { url: o.url });
      try {
        if (!res) res = await request(r);
        if (!consistent(res, r) || (probeEtag !== undefined && res.headers.etag !== probeEtag)) {
          res.body.destroy();
          throw new IntegrityError(
            `The server answered a range of ${o.filename} inconsistently (status ${res.status}, Content-Range ${res.headers["content-range"] ?? "none"}, ETag ${res.headers.etag ?? "none"}): the file may have changed during the download.`,
            { url: o.url, remedy: "retry the download" },
          );
        }
        const before = r.done;
        await streamToFile(res.body, fh, r.start + r.done, rangeLength(r) - r.done, (n) => {
          r.done += n;
          downloaded += n;
          o.onProgress?.({ type: "bytes", filename: o.filename, delta: n, downloaded, size });
          publish();
        }).catch((e) => {
          if (r.done > before) failures = 0;
          throw e;
        });
        res = undefined;
        if (r.done < rangeLength(r))
          throw Object.assign(new Error("the body ended early"), { code: "ECONNRESET" });
      } catch (e) {
        res?.body.destroy();
        res = undefined;
        if (ac.signal.aborted) throw new AbortedError(undefined, { url: o.url });
        if (!isRetryableBodyError(e) || failures >= maxAttempts) throw e;
        failures++;
        const delayMs = Math.min(baseDelay * 2 ** (failures - 1), 8000);
        o.onProgress?.({
          type: "retry",
          filename: o.filename,
          attempt: failures,
          reason: (e as Error).message,
          delayMs,
        });
        try {
          await sleep(delayMs, undefined, { signal: ac.signal });
        } catch {
          throw new AbortedError(undefined, { url: o.url });
        }
      }
    }
  };

  let error: unknown;
  const fail = (e: unknown) => {
    if (error === undefined) error = e;
    ac.abort();
  };
  await Promise.all(ranges.map((r, i) => worker(r, i === 0 ? probe : undefined).catch(fail)));
  o.signal?.removeEventListener("abort", onAbort);
  // Waits for the hash of the (whole, when all went well) prefix; a failed download stops it.
  const digest = hasher ? await hasher.finish().catch((e) => fail(e)) : undefined;

  if (error !== undefined) {
    // Keep the contiguous prefix as the single-stream partial, which the next run resumes.
    const prefix = contiguous();
    await fh.close().catch(() => undefined);
    if (prefix > 0 && !(error instanceof IntegrityError)) {
      await fsp.truncate(path, prefix).catch(() => undefined);
      await fsp.rename(path, o.partialPath).catch(() => fsp.rm(path, { force: true }));
    } else {
      await fsp.rm(path, { force: true });
    }
    if ((error as NodeJS.ErrnoException).code === "ENOSPC") throw diskFull(error, o, prefix);
    if (error instanceof AbortedError || o.signal?.aborted) throw new AbortedError(undefined, { url: o.url });
    throw error;
  }
  const actual = (await fh.stat()).size;
  await fh.close();
  if (actual !== size || downloaded !== size) {
    await fsp.rm(path, { force: true });
    throw new IntegrityError(
      `Consistency check failed: ${o.filename} should be ${size} bytes but ${downloaded} arrived. The partial file was deleted.`,
      {
        url: o.url,
        remedy: "retry the download (pass forceDownload: true if it keeps failing)",
        data: { reason: "size-mismatch" },
      },
    );
  }
  if (hasher) {
    const got = digest;
    if (got !== o.etag) {
      await fsp.rm(path, { force: true });
      throw new IntegrityError(
        `Integrity check failed for ${o.filename}: expected ${kind} ${o.etag}, got ${got}. The download was discarded, nothing was written to the cache.`,
        {
          url: o.url,
          remedy: "retry the download; if it fails again the server or a proxy is altering the file",
        },
      );
    }
  }
  await fsp.rename(path, o.destPath);
  return true;
}

/**
 * Hashes a file that is being written, in order, on a worker thread (so sha256 runs on the second
 * core while the main thread reads sockets): `advance(n)` says the first n bytes are on disk;
 * `finish()` resolves the hex digest once all `size` bytes are hashed, or `undefined` when stopped
 * early (a failed download). The position is shared through a SharedArrayBuffer + Atomics, so there
 * is no message per chunk.
 */
function startHashWorker(
  path: string,
  kind: "sha256" | "git-sha1",
  size: number,
): { advance(n: number): void; finish(): Promise<string | undefined> } {
  const shared = new SharedArrayBuffer(24);
  const state = new BigInt64Array(shared); // [0] bytes on disk, [1] stop flag
  const seq = new Int32Array(shared, 16, 1); // bumped on every update (Atomics.wait target)
  const w = new Worker(HASH_WORKER_SOURCE, {
    eval: true,
    workerData: {
      path,
      algorithm: kind === "sha256" ? "sha256" : "sha1",
      prefix: kind === "git-sha1" ? `blob ${size}\0` : "",
      size,
      shared,
    },
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    stdout: false,
    stderr: false,
  });
  const result = new Promise<string | undefined>((resolve, reject) => {
    w.once("message", (m: { digest?: string; error?: string }) =>
      m.error !== undefined ? reject(new Error(`hashing ${path}: ${m.error}`)) : resolve(m.digest),
    );
    w.once("error", reject);
    w.once("exit", (code) => reject(new Error(`the hashing thread exited (${code}) before answering`)));
  });
  result.catch(() => undefined);
  const bump = () => {
    Atomics.add(seq, 0, 1);
    Atomics.notify(seq, 0);
  };
  return {
    advance(n) {
      Atomics.store(state, 0, BigInt(n));
      bump();
    },
    async finish() {
      Atomics.store(state, 1, 1n);
      bump();
      try {
        return await result;
      } finally {
        await w.terminate().catch(() => undefined);
      }
    },
  };
}

const HASH_WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const { path, algorithm, prefix, size, shared } = workerData;
const state = new BigInt64Array(shared);
const seq = new Int32Array(shared, 16, 1);
const h = createHash(algorithm);
if (prefix) h.update(prefix);
let fd;
let hashed = 0;
try {
  fd = fs.openSync(path, "r");
  const buf = Buffer.allocUnsafe(1 << 20);
  while (hashed < size) {
    const seen = Atomics.load(seq, 0);
    const avail = Number(Atomics.load(state, 0));
    if (avail > hashed) {
      const n = fs.readSync(fd, buf, 0, Math.min(avail - hashed, buf.length), hashed);
      if (n <= 0) throw new Error("short read at " + hashed);
      h.update(buf.subarray(0, n));
      hashed += n;
    } else if (Atomics.load(state, 1) === 1n) {
      break;
    } else {
      Atomics.wait(seq, 0, seen, 1000);
    }
  }
  parentPort.postMessage({ digest: hashed === size ? h.digest("hex") : undefined });
} catch (e) {
  parentPort.postMessage({ error: String((e && e.message) || e) });
} finally {
  if (fd !== undefined) fs.closeSync(fd);
}
`;

/** Writes all `n` bytes of `bufs` at `position`: writev may write fewer bytes than asked. */
async function writeAllAt(fh: fsp.FileHandle, bufs: Buffer[], n: number, position: number): Promise<void> {
  let done = 0;
  while (done < n) {
    const { bytesWritten } = await fh.writev(
      done === 0 ? bufs : [Buffer.concat(bufs).subarray(done)],
      position + done,
    );
    done += bytesWritten;
  }
}
