import type { Hash } from "node:crypto";
import { createReadStream, promises as fsp } from "node:fs";
import { createContentHash, type HashKind, hashSpec } from "../common/hashes.js";
import { AbortedError, IntegrityError } from "../errors.js";
import type { HubResponse } from "../http/hub-client.js";
import type { RawGetResponse } from "../http/raw-get.js";
import { BlobWriter } from "./blob-writer.js";
import { judgeAnswer, planAttempt, useDirect } from "./resume-decision.js";
import { streamToFile } from "./stream-to-file.js";
import { BodyRetry, diskFull, sizeOf, type Transported, type TransportJob } from "./transport.js";

/** A running content hash that knows how many bytes of the partial file it covers. */
class ContentHasher {
  private hash: Hash | undefined;
  covered = 0;
  constructor(
    private readonly kind: HashKind | undefined,
    private readonly size: number | undefined,
  ) {
    this.reset();
  }
  get enabled(): boolean {
    return this.kind !== undefined && hashSpec(this.kind, this.size) !== undefined;
  }
  reset(): void {
    if (!this.enabled) return;
    this.hash = createContentHash(this.kind as HashKind, this.size);
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

/**
 * One stream into the partial file, resuming from what is already there when that is safe
 * (`planAttempt` / `judgeAnswer`: `Range` + `If-Range`, and only a 206 that continues the file
 * exactly is appended; a 200 starts over). A big file (`useDirect`) is read straight from the socket
 * into a BlobWriter (written as it arrives, hashed on another thread) when the client's `receive`
 * transport applies; anything else goes through the general client as a stream, hashed as it is
 * written. A reset, a stall or a body that ends early resumes from the bytes written, with the
 * policy's backoff, until `policy.retries` attempts in a row bring no new byte. ENOSPC throws
 * `DiskFullError` and keeps the partial. Always applies: it is the last transport tried.
 *
 * @example const got = await streamTransport(job); await commitBlob(job, got, blob);
 */
export async function streamTransport(job: TransportJob): Promise<Transported> {
  const hasher = new ContentHasher(job.kind, job.size);
  let direct = useDirect(job.size, job.directMinBytes);
  /** The digest the last attempt's BlobWriter computed over the whole partial file. */
  let directDigest: { hex: string; bytes: number } | undefined;
  const retry = new BodyRetry(job);
  let announced = false;
  const reportBytes = (n: number, position: number) =>
    job.onProgress?.({
      type: "bytes",
      filename: job.filename,
      delta: n,
      downloaded: position,
      size: job.size,
    });

  for (;;) {
    if (job.signal?.aborted) throw new AbortedError(undefined, { url: job.url });
    directDigest = undefined;
    const plan = planAttempt(await sizeOf(job.partialPath), job.size, job.etag);
    if (plan.kind === "request" && plan.truncate) await fsp.truncate(job.partialPath, 0);
    const offset = plan.offset;
    if (!announced) {
      announced = true;
      job.onProgress?.({ type: "file-start", filename: job.filename, size: job.size, resumedFrom: offset });
    }
    if (plan.kind === "complete") {
      if (hasher.covered !== offset) await hasher.catchUp(job.partialPath, offset);
      break;
    }
    const { headers } = plan;
    // The body goes either straight from the socket into a BlobWriter's ring (big files: written as
    // it arrives, hashed on another thread), or through the general client as a stream.
    let res: HubResponse | undefined;
    let raw: RawGetResponse | undefined;
    let writer: BlobWriter | undefined;
    try {
      if (direct) {
        writer = new BlobWriter({
          kind: job.kind,
          size: job.size,
          path: job.partialPath,
          onWritten: reportBytes,
        });
        raw = await job.client.receive({ url: job.url, headers, signal: job.signal }, writer);
        // Not for this transport (a redirect, an error status...): the general client from now on.
        if (!raw) direct = false;
      }
      if (!raw) res = await job.client.request({ url: job.url, headers, signal: job.signal, repo: job.repo });
    } catch (e) {
      if (e instanceof AbortedError || job.signal?.aborted) throw e;
      if (await retry.absorb(e)) continue;
      throw e;
    }
    const status = raw ? raw.status : (res as HubResponse).status;
    const contentRange = raw ? raw.headers["content-range"] : (res as HubResponse).headers["content-range"];
    const discard = async () => {
      if (!raw) return (res as HubResponse).dump();
      raw.destroy();
      await writer?.stop().catch(() => undefined);
    };
    const verdict = judgeAnswer({ offset, size: job.size, status, contentRange });
    if (verdict.kind === "inconsistent") {
      await discard();
      await fsp.rm(job.partialPath, { force: true });
      job.onProgress?.({
        type: "warning",
        message: `${job.filename}: the server answered a range request with an inconsistent Content-Range (${contentRange ?? "none"}); restarting from the beginning`,
      });
      if (retry.exhausted) {
        throw new IntegrityError(`The server keeps sending inconsistent ranges for ${job.filename}.`, {
          url: job.url,
          remedy: "retry later, or pass forceDownload: true",
          data: { reason: "inconsistent-ranges" },
        });
      }
      retry.failures++;
      continue;
    }
    if (verdict.kind === "unexpected") {
      await discard();
      throw new IntegrityError(`Unexpected ${status} answer to GET ${job.url} for ${job.filename}.`, {
        url: job.url,
        status,
      });
    }
    const start = verdict.start;
    // A 200 to a range request: the server ignored it, or If-Range saw a different etag. Start over.
    if (!raw && hasher.covered !== start) await hasher.catchUp(job.partialPath, start);

    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(job.partialPath, start === 0 ? "w" : "r+");
    } catch (e) {
      await discard();
      if ((e as NodeJS.ErrnoException).code === "ENOSPC") throw diskFull(e, job, start);
      throw e;
    }
    let position = start;
    let bodyError: unknown;
    try {
      if (raw && writer) {
        writer.start(fh, start);
        try {
          await raw.done;
          const hex = await writer.finish();
          if (hex !== undefined) directDigest = { hex, bytes: writer.position };
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
          (job.size ?? Number.POSITIVE_INFINITY) - start,
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
      if ((bodyError as NodeJS.ErrnoException).code === "ENOSPC") throw diskFull(bodyError, job, position);
      if (bodyError instanceof AbortedError || job.signal?.aborted)
        throw new AbortedError(undefined, { url: job.url });
      if (progressed) retry.progressed();
      if (await retry.absorb(bodyError)) continue;
      throw bodyError;
    }
    if (job.size !== undefined && position < job.size && !retry.exhausted) {
      // The body ended early without an error (a proxy closing cleanly): resume.
      if (progressed) retry.progressed();
      await retry.backoff(`the body ended after ${position} of ${job.size} bytes`);
      continue;
    }
    break;
  }
  const hex = directDigest ? undefined : hasher.digest();
  return {
    path: job.partialPath,
    digest: directDigest ?? (hex !== undefined ? { hex, bytes: hasher.covered } : undefined),
  };
}
