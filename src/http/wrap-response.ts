import { PassThrough, type Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { type HfError, HttpError } from "../errors.js";
import { displayUrl } from "./display-url.js";
import type { HubResponse } from "./hub-client.js";

export interface WrapResponseOptions {
  /** The URL that answered (after followed redirects). */
  url: string;
  method: string;
  /** Whether the request carried an Authorization header. */
  authSent: boolean;
  /** Turns a failure while the body is read (a stall, a reset, an abort) into the HfError to throw. */
  mapBodyError: (e: unknown) => HfError;
}

/** Lower-case keys; repeated headers joined with ", ". */
function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

/**
 * Turns undici's response into a `HubResponse`: flat lower-case headers, and a body read as text,
 * JSON or a stream whose errors are HfErrors (`mapBodyError`). The stream is made only when asked
 * for, so `text()` on an untouched body stays undici's fast path.
 *
 * @example
 * const res = wrapResponse(raw, { url, method: "GET", authSent: false, mapBodyError: (e) => toHfError(e, opts) });
 * const data = await res.json<{ id: string }>();
 */
export function wrapResponse(raw: Dispatcher.ResponseData, o: WrapResponseOptions): HubResponse {
  const { url, method, mapBodyError: mapErr } = o;
  let wrapped: Readable | undefined;
  const bodyStream = (): Readable => {
    if (!wrapped) {
      const out = new PassThrough();
      raw.body.on("error", (e) => out.destroy(mapErr(e)));
      raw.body.pipe(out);
      out.on("close", () => {
        if (!raw.body.readableEnded && !raw.body.destroyed) raw.body.destroy();
      });
      wrapped = out;
    }
    return wrapped;
  };
  const text = async (): Promise<string> => {
    if (wrapped) {
      const chunks: Buffer[] = [];
      for await (const c of wrapped) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    }
    try {
      return await raw.body.text();
    } catch (e) {
      throw mapErr(e);
    }
  };
  return {
    status: raw.statusCode,
    headers: flattenHeaders(raw.headers),
    url,
    authSent: o.authSent,
    get body() {
      return bodyStream();
    },
    text,
    async json<T>(): Promise<T> {
      const t = await text();
      try {
        return JSON.parse(t) as T;
      } catch (e) {
        throw new HttpError(
          `${method} ${displayUrl(url)} answered ${raw.statusCode} with a body that is not JSON`,
          {
            url: displayUrl(url),
            status: raw.statusCode,
            cause: e,
          },
        );
      }
    },
    async dump(): Promise<void> {
      if (wrapped) {
        wrapped.destroy();
        return;
      }
      try {
        await raw.body.dump();
      } catch {
        // a body we are discarding may fail; nothing to report
      }
    },
  };
}
