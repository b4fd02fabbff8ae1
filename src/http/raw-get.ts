import net from "node:net";
import tls from "node:tls";
import type { TlsOptions } from "./tls-options.js";

/**
 * Where a response body is received: memory the caller owns and reuses (a ring), so the socket reads
 * straight into it with no buffer allocated per read (see `net.connect`'s `onread`).
 */
export interface ReceiveSink {
  /** The memory the next read fills (never empty); the same region until `commit` is called. */
  region(): Uint8Array;
  /** `n` bytes were read into the current region. `false`: the next region is not free yet. */
  commit(n: number): boolean;
  /** Resolves once the next region is free (after `commit` returned false). */
  room(): Promise<void>;
}

export interface RawGetRequest {
  url: URL;
  /** Lower-case names; Host, Connection and Accept-Encoding are set here. */
  headers: Record<string, string>;
  /** Connect + response headers, ms. */
  headersTimeoutMs: number;
  /** Longest silence between body reads, ms (not counted while the sink is full). */
  bodyTimeoutMs: number;
  signal?: AbortSignal | undefined;
  /** For https: the CA bundle's options (`tlsOptions(config.caBundle)`), as every connection gets. */
  tls?: TlsOptions | undefined;
}

export interface RawGetResponse {
  status: number;
  /** Lower-case keys; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body's size (Content-Length). */
  length: number;
  /**
   * Settles when the whole body is in the sink (bytes that arrived with the headers included), or
   * with the transport's error (errors carry Node/undici-style codes: ECONNRESET,
   * UND_ERR_BODY_TIMEOUT, ERR_STREAM_PREMATURE_CLOSE).
   */
  readonly done: Promise<void>;
  /** Stops receiving and closes the connection (`done` then rejects with `reason`, when not settled). */
  destroy(reason?: Error): void;
}

const MAX_HEAD = 64 * 1024;

function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** The status line and header fields of an HTTP/1.x response head (without the final CRLFCRLF). */
export function parseResponseHead(text: string): { status: number; headers: Record<string, string> } {
  const lines = text.split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? "");
  if (!m)
    throw codedError(
      `not an HTTP/1.1 response: ${JSON.stringify((lines[0] ?? "").slice(0, 80))}`,
      "HPE_INVALID_CONSTANT",
    );
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i <= 0) throw codedError("malformed response header line", "HPE_INVALID_HEADER_TOKEN");
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
  }
  return { status: Number(m[1]), headers };
}

/**
 * One HTTP/1.1 GET whose body is read straight into `sink` (no per-read allocation, no stream
 * machinery): the transport of big blob downloads. Resolves at the response head with a
 * `RawGetResponse` when it is a 200 or 206 with a Content-Length and no transfer coding, and with
 * `undefined` otherwise (a redirect, an error status, a chunked body...), after closing the
 * connection: the caller then makes the request with the general client, which handles those.
 * No proxy, no redirect, no Authorization: the caller only uses it where none applies. The sink must
 * be empty at the start (the body bytes that arrive with the head, at most 16 KiB, are copied in
 * without waiting for room).
 *
 * @example
 * const res = await rawGet({ url: new URL(cdnUrl), headers: {}, headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000 }, ring);
 * if (res) await res.done;
 */
export function rawGet(req: RawGetRequest, sink: ReceiveSink): Promise<RawGetResponse | undefined> {
  const { url } = req;
  const https = url.protocol === "https:";
  const port = Number(url.port || (https ? 443 : 80));
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const headBuf = Buffer.allocUnsafe(16 * 1024);

  return new Promise<RawGetResponse | undefined>((resolveHead, rejectHead) => {
    let head: Buffer | undefined;
    let phase: "head" | "body" | "closed" = "head";
    let remaining = 0;
    let response: RawGetResponse | undefined;
    let resolveDone!: () => void;
    let rejectDone!: (e: Error) => void;
    const done = new Promise<void>((res, rej) => {
      resolveDone = res;
      rejectDone = rej;
    });
    done.catch(() => undefined);

    const finish = (e?: Error) => {
      if (phase === "closed") return;
      const wasHead = phase === "head";
      phase = "closed";
      req.signal?.removeEventListener("abort", onAbort);
      socket.setTimeout(0);
      if (e) {
        socket.destroy();
        if (wasHead) rejectHead(e);
        else rejectDone(e);
      } else {
        socket.destroy();
        resolveDone();
      }
    };
    const onAbort = () => finish(codedError("aborted", "ABORT_ERR"));

    const bodyRegion = (): Uint8Array => {
      if (phase !== "body" || remaining === 0) return headBuf;
      const r = sink.region();
      return r.byteLength > remaining ? r.subarray(0, remaining) : r;
    };
    // The sink is full: stop reading (and the stall clock) until its next region is free.
    const pauseUntilRoom = (): false => {
      socket.setTimeout(0);
      sink.room().then(
        () => {
          if (phase !== "body") return;
          socket.setTimeout(req.bodyTimeoutMs);
          socket.resume();
        },
        (e: Error) => finish(e),
      );
      return false;
    };

    const onRead = (n: number): boolean => {
      if (phase === "body") {
        remaining -= n;
        const more = sink.commit(n);
        if (remaining === 0) {
          finish();
          return false;
        }
        return more ? true : pauseUntilRoom();
      }
      if (phase !== "head") return false;
      const chunk = headBuf.subarray(0, n);
      head = head ? Buffer.concat([head, chunk]) : Buffer.from(chunk);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        if (head.byteLength > MAX_HEAD)
          finish(codedError("response head too large", "UND_ERR_HEADERS_OVERFLOW"));
        return true;
      }
      let parsed: ReturnType<typeof parseResponseHead>;
      try {
        parsed = parseResponseHead(head.subarray(0, end).toString("latin1"));
      } catch (e) {
        finish(e as Error);
        return false;
      }
      const { status, headers } = parsed;
      const cl = headers["content-length"];
      const length = cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : undefined;
      if (
        (status !== 200 && status !== 206) ||
        length === undefined ||
        headers["transfer-encoding"] !== undefined
      ) {
        phase = "closed";
        req.signal?.removeEventListener("abort", onAbort);
        socket.destroy();
        resolveHead(undefined);
        return false;
      }
      const extra = head.subarray(end + 4, end + 4 + length);
      head = undefined;
      phase = "body";
      remaining = length;
      socket.setTimeout(req.bodyTimeoutMs);
      response = {
        status,
        headers,
        length,
        done,
        destroy: (reason) => finish(reason ?? codedError("the download was stopped", "ABORT_ERR")),
      };
      resolveHead(response);
      if (remaining === 0) {
        finish();
        return false;
      }
      // Body bytes that came with the head are copied into the (empty) sink here, inside the read
      // callback: the region returned for the next read must come after them.
      let off = 0;
      let more = true;
      while (off < extra.byteLength) {
        const r = bodyRegion();
        const n = Math.min(r.byteLength, extra.byteLength - off);
        r.set(extra.subarray(off, off + n));
        off += n;
        remaining -= n;
        more = sink.commit(n);
      }
      if (remaining === 0) {
        finish();
        return false;
      }
      return more ? true : pauseUntilRoom();
    };
    const onread = { buffer: () => bodyRegion(), callback: (n: number) => onRead(n) };
    const socket: net.Socket = https
      ? tls.connect({
          ...req.tls,
          host,
          port,
          servername: net.isIP(host) ? undefined : host,
          ALPNProtocols: ["http/1.1"],
          onread,
        } as tls.ConnectionOptions)
      : net.connect({ host, port, onread });
    socket.setNoDelay(true);
    socket.setTimeout(req.headersTimeoutMs);
    socket.on("timeout", () =>
      finish(
        phase === "head"
          ? codedError("no response head in time", "UND_ERR_HEADERS_TIMEOUT")
          : codedError("the body stalled", "UND_ERR_BODY_TIMEOUT"),
      ),
    );
    socket.on("error", (e) => finish(e));
    socket.on("close", () => {
      if (phase === "head") finish(codedError("the connection closed before a response", "ECONNRESET"));
      else if (phase === "body")
        finish(
          codedError(
            `the connection closed with ${remaining} bytes of the body missing`,
            "ERR_STREAM_PREMATURE_CLOSE",
          ),
        );
    });
    if (req.signal?.aborted) {
      onAbort();
      return;
    }
    req.signal?.addEventListener("abort", onAbort, { once: true });

    const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`];
    for (const [k, v] of Object.entries(req.headers)) {
      if (k === "host" || k === "connection" || k === "accept-encoding") continue;
      if (/[\r\n]/.test(k) || /[\r\n]/.test(v)) {
        finish(codedError(`header ${k} contains a line break`, "UND_ERR_INVALID_ARG"));
        return;
      }
      lines.push(`${k}: ${v}`);
    }
    lines.push("accept-encoding: identity", "connection: close", "", "");
    socket.write(lines.join("\r\n"));
  });
}
