import { hashKindOf } from "../common/hashes.js";
import { type RetryPolicy, resolveRetryPolicy } from "../http/retry-policy.js";
import { commitBlob } from "./commit-blob.js";
import { rangedTransport } from "./ranged-transport.js";
import { useRanges } from "./resume-decision.js";
import { streamTransport } from "./stream-transport.js";
import { type BlobRequest, type BlobTransport, sizeOf, type TransportJob } from "./transport.js";

export interface FetchBlobOptions extends BlobRequest {
  /** Where the verified file is renamed to. */
  destPath: string;
  /**
   * Overrides of the one retry policy (`DEFAULT_RETRY_POLICY`): attempts at the body in a row that
   * bring no new byte (`retries`, 5 as Python's) and their backoff (`baseDelayMs`, `maxDelayMs`).
   */
  retry?: Partial<RetryPolicy> | undefined;
}

/**
 * Downloads `url` into the partial file, resuming from what is already there when that is safe,
 * then verifies size and content hash and renames it atomically onto `destPath`. The caller holds
 * the blob's lock (or owns a process-unique partial file).
 *
 * The steps, each in its own module: the transports in turn (`rangedTransport` for a fresh big
 * file when `ranges.parts` > 1, then `streamTransport`, which always applies; a Xet transport
 * would go first for files with a Xet hash), whose resume rules are the pure `resume-decision`
 * functions and whose retries follow the one retry policy (`BodyRetry`); then `commitBlob`, the
 * one verification (size, sha256 / git blob sha1) and atomic rename. A wrong file is never renamed
 * into place (`IntegrityError`, the partial is deleted); ENOSPC throws `DiskFullError` and keeps
 * the partial.
 *
 * @example
 * await fetchBlob({ client, url: meta.location, etag, size, partialPath: `${blob}.incomplete`, destPath: blob, filename });
 */
export async function fetchBlob(o: FetchBlobOptions): Promise<void> {
  const job: TransportJob = { ...o, kind: hashKindOf(o.etag), policy: resolveRetryPolicy(o.retry) };
  const transports: BlobTransport[] = [];
  const parts = Math.max(1, Math.floor(o.ranges?.parts ?? 1));
  // The partial file is looked at only when more than one connection is asked for.
  const partialBytes = parts > 1 ? await sizeOf(o.partialPath) : 0;
  if (useRanges({ size: o.size, parts, minBytes: o.ranges?.minBytes, partialBytes }))
    transports.push(rangedTransport);
  transports.push(streamTransport);
  for (const transport of transports) {
    const got = await transport(job);
    if (got) return commitBlob(job, got, o.destPath);
  }
}
