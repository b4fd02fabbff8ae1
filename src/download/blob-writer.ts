import { writeSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import type { HashKind } from "../common/hashes.js";
import type { ReceiveSink } from "../http/raw-get.js";
import { HashControl, type HashThread, REGION, startHashThread } from "./hash-thread.js";

export interface BlobWriterOptions {
  /** Content hash to compute: sha256 (LFS), git blob sha1 (needs `size`), or none (`undefined`). */
  kind: HashKind | undefined;
  /** The whole file's size (the git blob header needs it). */
  size: number | undefined;
  /** The partial file: its first `position` bytes are hashed from disk before the received ones. */
  path: string;
  /** Ring size in bytes (default 16 MiB); a multiple of the 256 KiB region size. */
  ringBytes?: number | undefined;
  /** Called after each write with the bytes written and the file position reached. */
  onWritten?: ((n: number, position: number) => void) | undefined;
}

// Atomics.waitAsync (ES2024) is in Node 20's V8; TypeScript's es2022 lib does not declare it.
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      a: Int32Array,
      index: number,
      value: number,
      timeoutMs: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/**
 * The ring: how far hashing can lag and still read from memory (beyond it, it reads the file back).
 * 2 GiB on the 2-core VM, 4 runs each: 8 MiB 2.5-2.8 s, 16 MiB 1.8-2.9 s, 32 MiB 1.8-3.2 s (curl
 * 1.9 s); peak RSS 79, 88, 103 MiB.
 */
const RING_BYTES = 16 * 1024 * 1024;
/** All rings of the process together, beyond which a new one gets MIN_RING. */
const RING_BUDGET = 32 * 1024 * 1024;
const MIN_RING = 1024 * 1024;
let ringsInUse = 0;

/**
 * Writes are 64 KiB. Linux (6.x; ext4 among others) gives a buffered write page-cache folios as large
 * as the write, so 1 MiB writes need free blocks of 1 MiB. On a VM whose balloon reports free memory
 * to the host (free page reporting, as on the benchmark VM), the large free blocks are the ones
 * handed back, and each page of them costs a host fault when touched again; memory freed in small
 * pieces (a file written 4 KiB at a time, as curl does, then deleted) stays backed but cannot serve
 * large folios. Measured there, a 2 GiB download right after a curl run (6 runs each): 1 MiB writes
 * 4.9 s median, 64 KiB writes 2.55 s; right after a 1 MiB-writing run, 2.1 s both; with the
 * reporting switched off, 2.07 s and 2.05 s (curl 2.14 s). Small writes cost nothing measurable
 * where large folios are cheap, and avoid the cliff where they are not.
 */
const MIN_WRITE = 64 * 1024;
const MAX_WRITE = 64 * 1024;

/**
 * The receiving end of a big blob download: a ring of shared memory the socket reads into
 * (`ReceiveSink`), written to the partial file in order by the receiving thread, and hashed in order
 * by a lower-priority worker thread from the same memory (or, when it fell behind by more than the
 * ring, from the file). No buffer is allocated per read and the memory stays at the ring's size; a
 * region of the ring is reused once it is written and not being hashed.
 *
 * Writes are synchronous (`writeSync`, 64 KiB, tens of microseconds each), from the thread
 * that receives, as curl does and as pino's sonic-boom does for throughput. Measured on the 2-core
 * VM the benchmark runs on (a 2 GiB file, 6 interleaved runs each): writing from a third thread took
 * 3.7 s median, writing here 2.5 s (curl 2.1 s); the extra thread cost more system time than it
 * overlapped. Hashing (sha256 costs about 0.6 CPU-s per GiB) is what runs beside it.
 *
 * @example
 * const w = new BlobWriter({ kind: "sha256", size, path: partial });
 * const res = await rawGet(req, w);
 * w.start(fh, 0);
 * await res.done;
 * const digest = await w.finish();
 */
export class BlobWriter implements ReceiveSink {
  private buf: Buffer | undefined;
  private readonly ringBytes: number;
  private released = false;
  /** Shared with the hashing thread: what was received and written, what it is reading. */
  private readonly ctl = new HashControl();
  private filled = 0;
  private written = 0;
  private fd = -1;
  private base = 0;
  private error: Error | undefined;
  private hasher: HashThread | undefined;

  constructor(private readonly o: BlobWriterOptions) {
    const bytes = o.ringBytes ?? RING_BYTES;
    if (bytes < 2 * REGION || bytes % REGION !== 0)
      throw new RangeError(`ringBytes must be a multiple of ${REGION} and at least two regions`);
    this.ringBytes = bytes;
  }

  /**
   * The ring, allocated on first use from the process-wide budget: the first transfers get the
   * size asked for, later ones while the budget is spent get the minimum, so eight big files at
   * once stay within ~40 MiB of rings.
   */
  private get ring(): Buffer {
    if (!this.buf) {
      const free = RING_BUDGET - ringsInUse;
      const size = Math.max(
        Math.min(MIN_RING, this.ringBytes),
        Math.min(this.ringBytes, free - (free % REGION)),
      );
      ringsInUse += size;
      this.buf = Buffer.from(new SharedArrayBuffer(size));
    }
    return this.buf;
  }

  /** Gives the ring's size back to the budget (once). */
  private release(): void {
    if (this.released || !this.buf) return;
    this.released = true;
    ringsInUse -= this.buf.byteLength;
  }

  /** The file position written up to (the partial file is contiguous up to here). */
  get position(): number {
    return this.base + this.written;
  }

  /** How far the ring may be overwritten for the hashing thread: up to what it is reading now. */
  private get claimed(): number {
    return this.hasher ? this.ctl.claimed : Number.POSITIVE_INFINITY;
  }

  /**
   * Binds the ring to the file: what was received (and what comes) is written from `position`
   * through `fh`; the hash starts with the file's first `position` bytes (a resumed download).
   */
  start(fh: FileHandle, position: number): void {
    this.fd = fh.fd;
    this.base = position;
    this.hasher = startHashThread({
      path: this.o.path,
      kind: this.o.kind,
      size: this.o.size,
      prefixBytes: position,
      control: this.ctl,
      ring: this.ring.buffer as SharedArrayBuffer,
      nice: 5,
    });
    // a hashing failure also stops receiving (`room` throws it)
    this.hasher?.digest.catch((e: Error) => {
      this.error ??= e;
    });
    this.write(false);
  }

  /**
   * Writes what was received, in order, in writes of MIN_WRITE to MAX_WRITE bytes (`all`: the rest
   * too). A failed write (ENOSPC...) is kept in `error` and stops writing; it is thrown by `room`,
   * `finish` and `stop`.
   */
  private write(all: boolean): void {
    if (this.fd < 0 || this.error) return;
    const size = this.ring.byteLength;
    try {
      for (;;) {
        const off = this.written % size;
        const n = Math.min(this.filled - this.written, size - off, MAX_WRITE);
        if (n <= 0 || (!all && n < MIN_WRITE && off + n < size)) return;
        let done = 0;
        while (done < n) done += writeSync(this.fd, this.ring, off + done, n - done, this.position + done);
        this.written += n;
        this.ctl.written(this.written);
        this.o.onWritten?.(n, this.position);
      }
    } catch (e) {
      this.error = e as Error;
    }
  }

  /** Whether the region the next read goes to is written and not being hashed (free to overwrite). */
  private regionFree(): boolean {
    const off = this.filled % this.ring.byteLength;
    const end = this.filled + (REGION - (off % REGION));
    return end - this.ring.byteLength <= Math.min(this.written, this.claimed);
  }

  region(): Uint8Array {
    const off = this.filled % this.ring.byteLength;
    return this.ring.subarray(off, off - (off % REGION) + REGION);
  }

  commit(n: number): boolean {
    this.filled += n;
    this.ctl.received(this.filled);
    this.write(false);
    return !this.error && this.regionFree();
  }

  async room(): Promise<void> {
    for (;;) {
      if (this.error) throw this.error;
      this.write(false);
      if (this.regionFree()) return;
      // the hashing thread is reading that part of the ring (or `start` has not come yet)
      const s = Atomics.load(this.ctl.seq, 1);
      if (this.regionFree()) return;
      const r = waitAsync(this.ctl.seq, 1, s, 100);
      if (r.async) await r.value;
    }
  }

  /** Writes the rest, then waits for the hash; the hex digest (undefined: no hash). */
  async finish(): Promise<string | undefined> {
    try {
      this.write(true);
      if (this.error) throw this.error;
      if (!this.hasher) return undefined;
      this.ctl.finish(this.filled);
      return await this.hasher.digest;
    } finally {
      await this.hasher?.close();
      this.release();
    }
  }

  /**
   * After a failed or discarded transfer: writes what was received (so the partial file holds every
   * byte that arrived, contiguously; nothing before `start`) and stops hashing. Throws a write error
   * (ENOSPC...), if any.
   */
  async stop(): Promise<void> {
    try {
      this.write(true);
      if (this.error) throw this.error;
    } finally {
      this.ctl.stop();
      await this.hasher?.close();
      this.release();
    }
  }
}
