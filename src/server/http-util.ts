/**
 * Response helpers for the local Hub: JSON, Hub-style errors (X-Error-Code, X-Error-Message and a
 * JSON `{"error"}` body, as `hf_raise_for_status` reads them), Range handling and body writing with
 * the fault hooks.
 */
import { createReadStream, promises as fsp } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultSpec } from "./types.js";

export type Headers = Record<string, string | number>;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": text.length,
    ...headers,
  });
  res.end(res.req.method === "HEAD" ? undefined : text);
}

/** A Hub error: `X-Error-Code` (when given) + `X-Error-Message` + `{"error": message}`. */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  code?: string,
  headers: Headers = {},
): void {
  const h: Headers = { "X-Error-Message": message, ...headers };
  if (code) h["X-Error-Code"] = code;
  sendJson(res, status, { error: message }, h);
}

export interface RangePlan {
  status: 200 | 206 | 416;
  start: number;
  /** Inclusive. -1 for an empty body. */
  end: number;
}

/**
 * RFC 9110 single byte range: `bytes=a-b`, `bytes=a-`, `bytes=-n`. A Range we cannot honour (multi-
 * range, garbage) is ignored with a full 200, as S3/CloudFront do; an unsatisfiable one is 416. A
 * failing `If-Range` validator also gives the full body.
 */
export function planRange(req: IncomingMessage, size: number, etag: string, ignore: boolean): RangePlan {
  const full: RangePlan = { status: 200, start: 0, end: size - 1 };
  const header = req.headers.range;
  if (!header || ignore) return full;
  const ifRange = req.headers["if-range"] as string | undefined;
  if (ifRange && ifRange.replace(/^W\//, "") !== `"${etag}"` && ifRange !== etag) return full;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return full;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0) return { status: 416, start: 0, end: -1 };
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== "" && Number(m[2]) < start) return full;
  }
  if (start >= size) return { status: 416, start: 0, end: -1 };
  return { status: 206, start, end };
}

export interface BodySource {
  /** A file on disk (streamed), or bytes in memory. */
  file?: string;
  bytes?: Buffer;
  /** Inclusive range of the source to send. */
  start: number;
  end: number;
}

function readChunks(src: BodySource, start: number, end: number): NodeJS.ReadableStream | Buffer {
  if (src.bytes) return src.bytes.subarray(start, end + 1);
  return createReadStream(src.file as string, { start, end, highWaterMark: 256 * 1024 });
}

const FILE_CHUNK = 1024 * 1024;

/**
 * Streams `file[start..end]` into `res` through two reused 1 MiB buffers: one is read while the
 * other is being sent, and a buffer is read into again only once the socket took it. A stream
 * (`createReadStream().pipe`) allocates a fresh buffer per 256 KiB read instead, which on a 2 GiB
 * blob is 2 GiB of new memory to fault in, on the same cores as the client being measured.
 */
function sendFileRange(res: ServerResponse, file: string, start: number, end: number): void {
  let closed = false;
  const waiters = new Set<() => void>();
  res.once("close", () => {
    closed = true;
    for (const w of waiters) w();
  });
  /** Resolves when `register`'s callback runs, or when the response closes. */
  const until = (register: (done: () => void) => void) =>
    new Promise<void>((resolve) => {
      if (closed) return resolve();
      const done = () => {
        waiters.delete(done);
        resolve();
      };
      waiters.add(done);
      register(done);
    });
  void (async () => {
    const fh = await fsp.open(file, "r");
    try {
      // a small body needs one buffer of its own size (2 MiB per request for 2,000 small files
      // would be 4 GiB of fresh memory)
      const chunk = Math.min(FILE_CHUNK, end - start + 1);
      const bufs = [Buffer.allocUnsafeSlow(chunk)];
      if (chunk < end - start + 1) bufs.push(Buffer.allocUnsafeSlow(chunk));
      const sent: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
      let pos = start;
      for (let i = 0; pos <= end && !closed; i = (i + 1) % bufs.length) {
        await sent[i];
        const buf = bufs[i] as Buffer;
        const { bytesRead } = await fh.read(buf, 0, Math.min(chunk, end - pos + 1), pos);
        if (bytesRead <= 0) throw new Error(`short read in ${file} at ${pos}`);
        pos += bytesRead;
        let full = false;
        sent[i] = until((done) => {
          full = !res.write(buf.subarray(0, bytesRead), () => done());
        });
        if (full) await until((done) => res.once("drain", done));
      }
      await Promise.all(sent);
      if (!closed) res.end();
    } finally {
      await fh.close();
    }
  })().catch(() => res.destroy());
}

/**
 * Sends the body (headers already written) honouring a body fault: `reset` destroys the socket after
 * some bytes, `slow` throttles, `stall` sends some bytes then nothing until the client gives up.
 */
export function writeBody(res: ServerResponse, src: BodySource, fault: FaultSpec | undefined): void {
  const length = src.end - src.start + 1;
  if (length <= 0) {
    res.end();
    return;
  }
  if (!fault || fault.kind === "ignore-range") {
    if (src.bytes) res.end(src.bytes.subarray(src.start, src.end + 1));
    else sendFileRange(res, src.file as string, src.start, src.end);
    return;
  }
  if (fault.kind === "reset" || fault.kind === "stall") {
    const n = Math.min(length, fault.afterBytes ?? (fault.kind === "reset" ? Math.floor(length / 2) : 0));
    const after = () => {
      if (fault.kind === "reset") res.socket?.destroy();
      // stall: keep the socket open and silent; the client's timeout (or hub.close) ends it.
    };
    if (n === 0) {
      res.flushHeaders();
      setImmediate(after);
      return;
    }
    const body = readChunks(src, src.start, src.start + n - 1);
    if (Buffer.isBuffer(body)) res.write(body, () => setImmediate(after));
    else {
      // Cut (or fall silent) only once every byte written has been flushed to the socket.
      let unflushed = 0;
      let ended = false;
      const check = () => {
        if (ended && unflushed === 0) setImmediate(after);
      };
      body.on("data", (c) => {
        unflushed++;
        res.write(c, () => {
          unflushed--;
          check();
        });
      });
      body.on("end", () => {
        ended = true;
        check();
      });
    }
    return;
  }
  // slow: a throttled stream, 10 ticks a second.
  const rate = fault.bytesPerSecond ?? 256 * 1024;
  const step = Math.max(1, Math.floor(rate / 10));
  let pos = src.start;
  const tick = () => {
    if (res.destroyed) return;
    const last = Math.min(src.end, pos + step - 1);
    const body = readChunks(src, pos, last);
    const done = () => {
      pos = last + 1;
      if (pos > src.end) res.end();
      else timer = setTimeout(tick, 100);
    };
    if (Buffer.isBuffer(body)) res.write(body, done);
    else {
      const parts: Buffer[] = [];
      body.on("data", (c) => parts.push(c as Buffer));
      body.on("end", () => res.write(Buffer.concat(parts), done));
    }
  };
  let timer = setTimeout(tick, 0);
  res.on("close", () => clearTimeout(timer));
}

/** Reads a request body (bounded) as text. */
export function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      parts.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

/** Parses a form or JSON body into a flat record (repeated form keys become arrays). */
export function parseBody(req: IncomingMessage, text: string): Record<string, unknown> {
  const type = req.headers["content-type"] ?? "";
  if (type.includes("application/json") || /^\s*\{/.test(text)) {
    try {
      const v = JSON.parse(text);
      return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else out[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export function contentTypeFor(path: string): string {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  if (ext === "json") return "application/json; charset=utf-8";
  if (ext === "md" || ext === "txt" || ext === "csv" || ext === "gitattributes")
    return "text/plain; charset=utf-8";
  if (ext === "html") return "text/html; charset=utf-8";
  return "application/octet-stream";
}
