import { closeSync, openSync, writeSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { type HashKind, hashSpec } from "../common/hashes.js";
import type { ReceiveSink } from "../http/raw-get.js";

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

/** A socket read fills at most one region. */
const REGION = 256 * 1024;
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
  private readonly ctl = new SharedArrayBuffer(48);
  /**
   * [0] received, [1] received in all (-1: still receiving), [2] 0 running, 1 finish, 2 stop,
   * [3] written, [4] where the hashing thread is reading the ring from (-1: it is not).
   */
  private readonly counters = new BigInt64Array(this.ctl, 0, 5);
  /** [0] bumped by this thread (the hashing thread waits on it), [1] bumped by the hashing thread. */
  private readonly seq = new Int32Array(this.ctl, 40, 2);
  private filled = 0;
  private written = 0;
  private fd = -1;
  private base = 0;
  private error: Error | undefined;
  private worker: Worker | undefined;
  /** The partial file opened for reading, for the hashing thread (the prefix, and bytes it fell behind on). */
  private readFd = -1;
  private digest: Promise<string | undefined> | undefined;

  constructor(private readonly o: BlobWriterOptions) {
    const bytes = o.ringBytes ?? RING_BYTES;
    if (bytes < 2 * REGION || bytes % REGION !== 0)
      throw new RangeError(`ringBytes must be a multiple of ${REGION} and at least two regions`);
    this.ringBytes = bytes;
    Atomics.store(this.counters, 1, -1n);
    Atomics.store(this.counters, 4, -1n);
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
    const c = this.worker ? Number(Atomics.load(this.counters, 4)) : -1;
    return c < 0 ? Number.POSITIVE_INFINITY : c;
  }

  /**
   * Binds the ring to the file: what was received (and what comes) is written from `position`
   * through `fh`; the hash starts with the file's first `position` bytes (a resumed download).
   */
  start(fh: FileHandle, position: number): void {
    this.fd = fh.fd;
    this.base = position;
    const spec = this.o.kind === undefined ? undefined : hashSpec(this.o.kind, this.o.size);
    if (spec) {
      this.readFd = openSync(this.o.path, "r");
      const w = new Worker(HASH_WORKER_SOURCE, {
        eval: true,
        workerData: {
          ring: this.ring.buffer,
          ctl: this.ctl,
          fd: this.readFd,
          prefixBytes: position,
          algorithm: spec.algorithm,
          header: spec.header,
        },
        resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
        stdout: false,
        stderr: false,
      });
      this.worker = w;
      this.digest = new Promise<string | undefined>((resolve, reject) => {
        // a hashing failure also stops receiving (`room` throws it)
        const fail = (e: Error) => {
          this.error ??= e;
          reject(e);
        };
        w.once("message", (m: { digest?: string; error?: string }) =>
          m.error !== undefined ? fail(new Error(`hashing ${this.o.path}: ${m.error}`)) : resolve(m.digest),
        );
        w.once("error", fail);
        w.once("exit", (code) => fail(new Error(`the hashing thread exited (${code}) before answering`)));
      });
      this.digest.catch(() => undefined);
    }
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
        Atomics.store(this.counters, 3, BigInt(this.written));
        this.signal();
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

  private signal(): void {
    Atomics.add(this.seq, 0, 1);
    Atomics.notify(this.seq, 0);
  }

  region(): Uint8Array {
    const off = this.filled % this.ring.byteLength;
    return this.ring.subarray(off, off - (off % REGION) + REGION);
  }

  commit(n: number): boolean {
    this.filled += n;
    Atomics.store(this.counters, 0, BigInt(this.filled));
    this.signal();
    this.write(false);
    return !this.error && this.regionFree();
  }

  async room(): Promise<void> {
    for (;;) {
      if (this.error) throw this.error;
      this.write(false);
      if (this.regionFree()) return;
      // the hashing thread is reading that part of the ring (or `start` has not come yet)
      const s = Atomics.load(this.seq, 1);
      if (this.regionFree()) return;
      const r = waitAsync(this.seq, 1, s, 100);
      if (r.async) await r.value;
    }
  }

  /** Writes the rest, then waits for the hash; the hex digest (undefined: no hash). */
  async finish(): Promise<string | undefined> {
    try {
      this.write(true);
      if (this.error) throw this.error;
      if (!this.worker) return undefined;
      Atomics.store(this.counters, 1, BigInt(this.filled));
      Atomics.store(this.counters, 2, 1n);
      this.signal();
      return await this.digest;
    } finally {
      await this.worker?.terminate().catch(() => undefined);
      this.closeRead();
      this.release();
    }
  }

  /** After the hashing thread is gone. */
  private closeRead(): void {
    if (this.readFd >= 0) closeSync(this.readFd);
    this.readFd = -1;
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
      Atomics.store(this.counters, 2, 2n);
      this.signal();
      await this.worker?.terminate().catch(() => undefined);
      this.closeRead();
      this.release();
    }
  }
}

/**
 * The hashing thread: the file's first `prefixBytes` bytes (read from disk), then the received bytes
 * in order, from the ring while they are still there and from the file once they were overwritten,
 * publishing which part of the ring it reads so that part is not overwritten meanwhile.
 */
const HASH_WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const { ring: sab, ctl, fd, prefixBytes, algorithm, header } = workerData;
const ring = Buffer.from(sab);
const R = ring.length;
const c = new BigInt64Array(ctl, 0, 5);
const seq = new Int32Array(ctl, 40, 2);
const REGION = ${REGION};
// Hashing never holds up receiving (past the ring it reads the file back), so on a busy machine it
// yields the CPU to the receiving thread (and the server, when it is local): nice +5, this thread
// only (Linux; elsewhere nothing changes). 2 GiB on 2 cores, 10 interleaved runs: median 4.0 s with
// the hash tied to the ring at normal priority, 2.25 s like this (curl 2.1 s).
try {
  const tid = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
  const os = require("node:os");
  if (tid > 0) os.setPriority(tid, Math.min(19, os.getPriority(tid) + 5));
} catch {}
try {
  const h = require("node:crypto").createHash(algorithm);
  if (header) h.update(header);
  const back = Buffer.allocUnsafe(1 << 20);
  for (let pos = 0; pos < prefixBytes; ) {
    const n = fs.readSync(fd, back, 0, Math.min(back.length, prefixBytes - pos), pos);
    if (n <= 0) throw new Error("short read at " + pos);
    h.update(back.subarray(0, n));
    pos += n;
  }
  let hashed = 0;
  for (;;) {
    const s = Atomics.load(seq, 0);
    const filled = Number(Atomics.load(c, 0));
    if (filled > hashed) {
      const off = hashed % R;
      let n = Math.min(filled - hashed, R - off, 1 << 20);
      // Claim the part of the ring to read, then check it is still there (the receiving thread
      // never overwrites a claimed part; the region it has already handed out is one REGION).
      Atomics.store(c, 4, BigInt(hashed));
      if (hashed >= Number(Atomics.load(c, 0)) - R + REGION) {
        h.update(ring.subarray(off, off + n));
        Atomics.store(c, 4, -1n);
      } else {
        // This thread fell behind by more than the ring: read those bytes back from the file.
        Atomics.store(c, 4, -1n);
        Atomics.add(seq, 1, 1);
        Atomics.notify(seq, 1);
        const written = Number(Atomics.load(c, 3));
        if (written <= hashed) { Atomics.wait(seq, 0, s, 1000); continue; }
        n = Math.min(n, written - hashed, back.length);
        const got = fs.readSync(fd, back, 0, n, prefixBytes + hashed);
        if (got <= 0) throw new Error("short read at " + (prefixBytes + hashed));
        n = got;
        h.update(back.subarray(0, n));
      }
      hashed += n;
      Atomics.add(seq, 1, 1);
      Atomics.notify(seq, 1);
      continue;
    }
    const state = Atomics.load(c, 2);
    if (state === 2n) { parentPort.postMessage({ digest: undefined }); break; }
    if (state === 1n && BigInt(hashed) === Atomics.load(c, 1)) { parentPort.postMessage({ digest: h.digest("hex") }); break; }
    Atomics.wait(seq, 0, s, 1000);
  }
} catch (e) {
  Atomics.add(seq, 1, 1);
  Atomics.notify(seq, 1);
  parentPort.postMessage({ error: String((e && e.message) || e) });
}
`;
