import { promises as fsp } from "node:fs";
import { AbortedError, IntegrityError } from "../errors.js";
import type { HubResponse } from "../http/hub-client.js";
import { HashControl, startHashThread } from "./hash-thread.js";
import { type ByteRange, contiguousEnd, rangeAnswerFits, splitRanges } from "./resume-decision.js";
import { streamToFile } from "./stream-to-file.js";
import { BodyRetry, diskFull, type Transported, type TransportJob } from "./transport.js";

const rangeLength = (r: ByteRange) => r.end - r.start + 1;

/**
 * Parallel ranges for big files: `parts` `Range: bytes=a-b` GETs (no Authorization reaches the CDN:
 * the client only sends it to the endpoint's host) written with positional writes into
 * `<partial>.ranged.incomplete`, while the finished prefix is hashed in order on a worker thread
 * (read back from the page cache). Each range retries on its own from its written bytes, with the
 * policy's backoff and attempt budget and the client's stall watchdog, as one stream does. The
 * first range is the probe: a 200 (Range ignored), a failure or an inconsistent Content-Range
 * returns `undefined`, and the next transport (one stream) is used. Every range must answer 206
 * with a Content-Range that matches exactly what was asked and the total size, and the same ETag as
 * the probe (`rangeAnswerFits`); `commitBlob` then checks size and hash, so content that changed
 * between ranges is an `IntegrityError` and nothing becomes visible.
 *
 * Resume: a ranged file is never resumed as such. When a ranged download fails inside the process
 * (abort, retries exhausted, disk full), its contiguous finished prefix becomes the ordinary partial
 * file, which the next run resumes with one stream (Range + If-Range). A leftover from a killed
 * process is deleted by the next lock holder and the download restarts.
 *
 * @example const got = await rangedTransport(job); if (got) await commitBlob(job, got, blob);
 */
export async function rangedTransport(job: TransportJob): Promise<Transported | undefined> {
  const size = job.size as number;
  const parts = Math.max(1, Math.floor(job.ranges?.parts ?? 1));
  const path = job.partialPath.endsWith(".incomplete")
    ? `${job.partialPath.slice(0, -".incomplete".length)}.ranged.incomplete`
    : `${job.partialPath}.ranged`;
  await fsp.rm(path, { force: true });
  const ranges = splitRanges(size, parts);
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  if (job.signal?.aborted) throw new AbortedError(undefined, { url: job.url });
  job.signal?.addEventListener("abort", onAbort, { once: true });
  const request = (r: ByteRange) =>
    job.client.request({
      url: job.url,
      headers: { "accept-encoding": "identity", range: `bytes=${r.start + r.done}-${r.end}` },
      signal: ac.signal,
      repo: job.repo,
    });
  const fits = (res: HubResponse, r: ByteRange, etag?: string) =>
    rangeAnswerFits(
      { status: res.status, contentRange: res.headers["content-range"], etag: res.headers.etag },
      { start: r.start + r.done, end: r.end, total: size, etag },
    );

  // The probe: the first range. Anything but a consistent 206 -> one stream.
  const first = ranges[0] as ByteRange;
  let probe: HubResponse;
  try {
    probe = await request(first);
  } catch (e) {
    job.signal?.removeEventListener("abort", onAbort);
    if (e instanceof AbortedError || job.signal?.aborted) throw new AbortedError(undefined, { url: job.url });
    return undefined;
  }
  if (!fits(probe, first)) {
    job.signal?.removeEventListener("abort", onAbort);
    probe.body.destroy();
    return undefined;
  }
  const probeEtag = probe.headers.etag;

  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, "w+");
  } catch (e) {
    probe.body.destroy();
    job.signal?.removeEventListener("abort", onAbort);
    if ((e as NodeJS.ErrnoException).code === "ENOSPC") throw diskFull(e, job, 0);
    throw e;
  }
  job.onProgress?.({ type: "file-start", filename: job.filename, size, resumedFrom: 0 });

  let downloaded = 0;
  const control = new HashControl();
  const hasher = startHashThread({ path, kind: job.kind, size, prefixBytes: 0, control, nice: 0 });
  let published = 0;
  const publish = () => {
    const avail = contiguousEnd(ranges);
    if (avail > published) {
      published = avail;
      control.advance(avail);
    }
  };

  const worker = async (r: ByteRange, initial: HubResponse | undefined) => {
    const retry = new BodyRetry(job, ac.signal);
    let res = initial;
    while (r.done < rangeLength(r)) {
      if (ac.signal.aborted) throw new AbortedError(undefined, { url: job.url });
      try {
        if (!res) res = await request(r);
        if (!fits(res, r, probeEtag)) {
          res.body.destroy();
          throw new IntegrityError(
            `The server answered a range of ${job.filename} inconsistently (status ${res.status}, Content-Range ${res.headers["content-range"] ?? "none"}, ETag ${res.headers.etag ?? "none"}): the file may have changed during the download.`,
            { url: job.url, remedy: "retry the download" },
          );
        }
        const before = r.done;
        await streamToFile(res.body, fh, r.start + r.done, rangeLength(r) - r.done, (n) => {
          r.done += n;
          downloaded += n;
          job.onProgress?.({ type: "bytes", filename: job.filename, delta: n, downloaded, size });
          publish();
        }).catch((e) => {
          if (r.done > before) retry.progressed();
          throw e;
        });
        res = undefined;
        if (r.done < rangeLength(r))
          throw Object.assign(new Error("the body ended early"), { code: "ECONNRESET" });
      } catch (e) {
        res?.body.destroy();
        res = undefined;
        if (ac.signal.aborted) throw new AbortedError(undefined, { url: job.url });
        if (!(await retry.absorb(e))) throw e;
      }
    }
  };

  let error: unknown;
  const fail = (e: unknown) => {
    if (error === undefined) error = e;
    ac.abort();
  };
  await Promise.all(ranges.map((r, i) => worker(r, i === 0 ? probe : undefined).catch(fail)));
  job.signal?.removeEventListener("abort", onAbort);
  // Waits for the hash of the whole file when all went well; a failed download stops it.
  if (error === undefined) control.finish(size);
  else control.stop();
  const hex = hasher ? await hasher.digest.catch((e) => fail(e)) : undefined;
  await hasher?.close();

  if (error !== undefined) {
    // Keep the contiguous prefix as the single-stream partial, which the next run resumes.
    const prefix = contiguousEnd(ranges);
    await fh.close().catch(() => undefined);
    if (prefix > 0 && !(error instanceof IntegrityError)) {
      await fsp.truncate(path, prefix).catch(() => undefined);
      await fsp.rename(path, job.partialPath).catch(() => fsp.rm(path, { force: true }));
    } else {
      await fsp.rm(path, { force: true });
    }
    if ((error as NodeJS.ErrnoException).code === "ENOSPC") throw diskFull(error, job, prefix);
    if (error instanceof AbortedError || job.signal?.aborted)
      throw new AbortedError(undefined, { url: job.url });
    throw error;
  }
  await fh.close();
  return { path, digest: typeof hex === "string" ? { hex, bytes: size } : undefined, arrived: downloaded };
}
