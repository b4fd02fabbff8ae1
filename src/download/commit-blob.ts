import { promises as fsp } from "node:fs";
import { hashFile, sameDigest } from "../common/hashes.js";
import { IntegrityError } from "../errors.js";
import { sizeOf, type Transported, type TransportJob } from "./transport.js";

/**
 * The one step every transport ends with: the content a transport left in `got.path` is checked
 * (its size, then its sha256 or git blob sha1: the digest computed on the way when it covers the
 * whole file, else the file is hashed now) and renamed atomically onto `destPath`. A wrong file is
 * deleted and never becomes visible (`IntegrityError`): huggingface_hub 1.33 checks the size only
 * ("Consistency check failed"); the content hash is hubkit's addition, as `hf cache verify` does it.
 *
 * @example
 * const got = await streamTransport(job);
 * await commitBlob(job, got, blobPath);
 */
export async function commitBlob(
  job: Pick<TransportJob, "url" | "etag" | "kind" | "size" | "filename">,
  got: Transported,
  destPath: string,
): Promise<void> {
  const actual = await sizeOf(got.path);
  const arrived = got.arrived ?? actual;
  if (job.size !== undefined && (actual !== job.size || arrived !== job.size)) {
    await fsp.rm(got.path, { force: true });
    throw new IntegrityError(
      `Consistency check failed: ${job.filename} should be ${job.size} bytes but ${arrived} arrived. The partial file was deleted.`,
      {
        url: job.url,
        remedy: "retry the download (pass forceDownload: true if it keeps failing)",
        data: { reason: "size-mismatch" },
      },
    );
  }
  if (job.kind !== undefined) {
    const digest =
      got.digest && got.digest.bytes === actual ? got.digest.hex : await hashFile(got.path, job.kind);
    if (!sameDigest(job.etag, digest)) {
      await fsp.rm(got.path, { force: true });
      throw new IntegrityError(
        `Integrity check failed for ${job.filename}: expected ${job.kind} ${job.etag}, got ${digest}. The download was discarded, nothing was written to the cache.`,
        {
          url: job.url,
          remedy: "retry the download; if it fails again the server or a proxy is altering the file",
        },
      );
    }
  }
  // Blobs get a fresh file's mode (0666 & ~umask), as Python's _chmod_and_move: the partial was
  // created with exactly that mode.
  await fsp.rename(got.path, destPath);
}
