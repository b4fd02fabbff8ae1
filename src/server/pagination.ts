/**
 * Pagination as the Hub does it, GitHub style: a page of a JSON array, and a
 * `Link: <absolute URL>; rel="next"` header while more remains (huggingface_hub's `paginate` and
 * @huggingface/hub's `parseLinkHeader` both follow that header as is; the latter only takes an
 * absolute `https?://` URL). The next URL is the request's own, query kept, with the page moved on.
 */
import type { Call } from "./context.js";
import { type Headers, sendError } from "./http-util.js";

/** `limit` from the query, clamped to `[1, max]`; `fallback` when absent or not a number. */
export function pageSize(call: Call, fallback: number, max: number): number {
  return Math.max(1, Math.min(Math.floor(Number(call.query.get("limit"))) || fallback, max));
}

/** The `Link` header pointing at this same route with `query` as its query string. */
export function nextLink(call: Call, query: URLSearchParams): Headers {
  return { Link: `<${call.endpoint}${call.rawPath}?${query}>; rel="next"` };
}

/**
 * One page of `items` by an opaque `cursor` (what the tree and the repo listings use; the Hub's is
 * base64 too). Answers 400 and returns undefined for a cursor it did not make.
 */
export function cursorPage<T>(
  call: Call,
  items: readonly T[],
  limit: number,
): { page: T[]; headers: Headers } | undefined {
  const cursor = call.query.get("cursor");
  let offset = 0;
  if (cursor) {
    const decoded = /^o:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!decoded) {
      sendError(call.res, 400, "Invalid cursor");
      return undefined;
    }
    offset = Number(decoded[1]);
  }
  let headers: Headers = {};
  if (offset + limit < items.length) {
    const q = new URLSearchParams(call.query);
    q.set("cursor", Buffer.from(`o:${offset + limit}`).toString("base64url"));
    headers = nextLink(call, q);
  }
  return { page: items.slice(offset, offset + limit), headers };
}
