import { createHash } from "node:crypto";

/**
 * git's blob id: sha1 over `blob <size>\0` + content. The Hub's ETag for regular (non-LFS) files.
 *
 * @example gitBlobSha1(Buffer.from("")) // "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
 */
export function gitBlobSha1(content: Uint8Array): string {
  return createHash("sha1").update(`blob ${content.byteLength}\0`).update(content).digest("hex");
}

export function sha256Hex(content: Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}
