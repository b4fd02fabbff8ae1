/**
 * The server's content-addressed blob store: `DIR/<sha256>`. Content is written once, in chunks
 * (a generated 2 GiB file never sits in memory), hashed on the way (sha256 for LFS etags, git blob
 * sha1 for regular etags), then renamed into place. Blobs are only ever looked up by a 64-hex name,
 * so no request path can reach another file.
 */
import { createCipheriv, createHash, type Hash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { createContentHash } from "../common/hashes.js";

export interface StoredBlob {
  sha256: string;
  /** git blob sha1 of the content (the Hub's etag for a regular file). */
  gitSha1: string;
  size: number;
}

const CHUNK = 1 << 20;
let tmpCounter = 0;

/**
 * The deterministic content of a `generate` file: AES-128-CTR keystream keyed by the seed (fast,
 * and any chunking gives the same bytes).
 *
 * @example const next = generator("m"); next(1024) // the first 1 KiB of seed "m"
 */
export function generator(seed: string): (n: number) => Buffer {
  const key = createHash("sha256").update(`hubkit-generate\0${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  return (n: number) => cipher.update(Buffer.alloc(n));
}

class Writer {
  private readonly fd: number;
  private readonly tmp: string;
  private readonly sha256: Hash;
  private readonly sha1: Hash;
  private written = 0;

  constructor(
    private readonly dir: string,
    private readonly size: number,
  ) {
    this.tmp = join(dir, `.tmp-${process.pid}-${++tmpCounter}`);
    this.fd = openSync(this.tmp, "w");
    this.sha256 = createContentHash("sha256", size) as Hash;
    this.sha1 = createContentHash("git-sha1", size) as Hash;
  }

  write(chunk: Buffer): void {
    this.sha256.update(chunk);
    this.sha1.update(chunk);
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off);
    this.written += chunk.length;
  }

  finish(): StoredBlob {
    closeSync(this.fd);
    if (this.written !== this.size)
      throw new Error(`blob store: wrote ${this.written} of ${this.size} bytes`);
    const blob = { sha256: this.sha256.digest("hex"), gitSha1: this.sha1.digest("hex"), size: this.size };
    renameSync(this.tmp, join(this.dir, blob.sha256));
    return blob;
  }
}

export class BlobStore {
  constructor(readonly dir: string) {
    mkdirSync(join(dir, "generated"), { recursive: true });
  }

  /** Absolute path of a blob; `sha256` must be 64 lowercase hex (anything else throws). */
  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error("blob store: not a sha256");
    return join(this.dir, sha256);
  }

  putBytes(bytes: Buffer): StoredBlob {
    const w = new Writer(this.dir, bytes.length);
    w.write(bytes);
    return w.finish();
  }

  /** Generated content is remembered by (seed, size), so a restart over the same DIR skips it. */
  putGenerated(size: number, seed: string): StoredBlob {
    const key = createHash("sha1").update(`${seed}\0${size}`).digest("hex");
    const marker = join(this.dir, "generated", `${key}.json`);
    if (existsSync(marker)) {
      try {
        const known = JSON.parse(readFileSync(marker, "utf8")) as StoredBlob;
        if (statSync(this.pathOf(known.sha256)).size === size) return known;
      } catch {
        // Damaged or missing: generate again.
      }
    }
    const next = generator(seed);
    const w = new Writer(this.dir, size);
    for (let left = size; left > 0; left -= CHUNK) w.write(next(Math.min(CHUNK, left)));
    const blob = w.finish();
    writeFileSync(marker, JSON.stringify(blob));
    return blob;
  }

  putFile(path: string): StoredBlob {
    const size = statSync(path).size;
    const w = new Writer(this.dir, size);
    const fd = openSync(path, "r");
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const n = readSync(fd, buf, 0, CHUNK, null);
        if (n === 0) break;
        w.write(Buffer.from(buf.subarray(0, n)));
      }
    } finally {
      closeSync(fd);
    }
    return w.finish();
  }
}
