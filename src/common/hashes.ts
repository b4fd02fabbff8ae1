/**
 * Content hashes and etag kinds, shared by the client (download verification, `hf cache verify`)
 * and the local server (its blob store). Neutral: imports nothing from either side.
 *
 * The Hub names a file by its content: an LFS (or Xet) file's etag is the sha256 of its bytes
 * (64 hex), a regular file's is its git blob sha1 (40 hex), `sha1("blob <size>\0" + bytes)`.
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream, promises as fsp } from "node:fs";

/** Which hash an etag is: `sha256` (LFS/Xet) or `git-sha1` (a regular file's git blob id). */
export type HashKind = "sha256" | "git-sha1";

/**
 * The hash an etag names, or `undefined` when it is neither (a proxy's own etag...): then only the
 * size can be checked. Hex is matched in either case, as Python's `verify_maps` lowers the expected
 * values; compare digests with `sameDigest`.
 *
 * @example hashKindOf("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391") // "git-sha1"
 */
export function hashKindOf(etag: string): HashKind | undefined {
  if (/^[0-9a-f]{64}$/i.test(etag)) return "sha256";
  if (/^[0-9a-f]{40}$/i.test(etag)) return "git-sha1";
  return undefined;
}

/** Whether a computed hex digest is the expected one (hex compares without regard to case). */
export function sameDigest(expected: string, actual: string | undefined): boolean {
  return actual !== undefined && actual.toLowerCase() === expected.toLowerCase();
}

/**
 * The node:crypto algorithm and the bytes hashed before the content (git's `blob <size>\0`
 * header), or `undefined` for a git sha1 whose size is not known yet. Worker threads that hash
 * take these two values, since a `Hash` cannot cross threads.
 */
export function hashSpec(
  kind: HashKind,
  size: number | undefined,
): { algorithm: "sha256" | "sha1"; header: string } | undefined {
  if (kind === "sha256") return { algorithm: "sha256", header: "" };
  return size === undefined ? undefined : { algorithm: "sha1", header: `blob ${size}\0` };
}

/**
 * A running hash of content of `size` bytes, header included; `undefined` when it cannot be
 * computed up front (a git sha1 of unknown size).
 *
 * @example createContentHash("git-sha1", 0)?.digest("hex") // "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
 */
export function createContentHash(kind: HashKind, size: number | undefined): Hash | undefined {
  const spec = hashSpec(kind, size);
  if (!spec) return undefined;
  const h = createHash(spec.algorithm);
  if (spec.header) h.update(spec.header);
  return h;
}

/**
 * git's blob id: sha1 over `blob <size>\0` + content. The Hub's ETag for regular (non-LFS) files.
 *
 * @example gitBlobSha1(Buffer.from("")) // "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
 */
export function gitBlobSha1(content: Uint8Array): string {
  return (createContentHash("git-sha1", content.byteLength) as Hash).update(content).digest("hex");
}

/** sha256 of `content`, hex. */
export function sha256Hex(content: Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

/** Whole-file reads below this size, streaming above it. */
const STREAM_ABOVE = 8 * 1024 * 1024;

/**
 * sha256 or git blob sha1 of a file (the git header takes the file's size), hex.
 *
 * @example await hashFile(blobPath, hashKindOf(etag) ?? "sha256")
 */
export async function hashFile(path: string, kind: HashKind): Promise<string> {
  const st = await fsp.stat(path);
  if (st.size <= STREAM_ABOVE) {
    const data = await fsp.readFile(path);
    return kind === "sha256" ? sha256Hex(data) : gitBlobSha1(data);
  }
  const h = createContentHash(kind, st.size) as Hash;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest("hex");
}
