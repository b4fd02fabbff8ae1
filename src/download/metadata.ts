import type { HubResponse } from "../http/hub-client.js";

/** What HEAD /resolve says about a file (Python's `HfFileMetadata`). */
export interface FileMetadata {
  /** X-Repo-Commit: the commit the revision resolved to. */
  commit: string | undefined;
  /** Normalised X-Linked-Etag, else ETag: the blob name. */
  etag: string | undefined;
  /** Where to GET the content: the off-Hub redirect target, else the URL that answered. */
  location: string;
  /** X-Linked-Size, else Content-Length of a non-redirect answer. */
  size: number | undefined;
}

/**
 * Python's `_normalize_etag`: `etag.lstrip("W/").strip('"')`. `lstrip` removes a *set* of leading
 * characters, so an unquoted `Wxyz` becomes `xyz` — reproduced on purpose (compat point 2).
 *
 * @example normalizeEtag('W/"abc"') // "abc"
 */
export function normalizeEtag(etag: string | undefined): string | undefined {
  if (etag === undefined) return undefined;
  return etag.replace(/^[W/]+/, "").replace(/^"+|"+$/g, "");
}

function intOrUndefined(v: string | undefined): number | undefined {
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) return undefined;
  return Number.parseInt(v, 10);
}

/**
 * Reads the metadata from the final HEAD response (`get_hf_file_metadata`): the size comes from
 * `X-Linked-Size`, or from `Content-Length` only when the response is not a redirect (a 302's own
 * length is its empty body).
 */
export function parseFileMetadata(res: Pick<HubResponse, "status" | "headers" | "url">): FileMetadata {
  const h = res.headers;
  const isRedirect = res.status >= 300 && res.status < 400;
  const location = h.location ? new URL(h.location, res.url).toString() : res.url;
  return {
    commit: h["x-repo-commit"],
    etag: normalizeEtag(h["x-linked-etag"] ?? h.etag),
    location,
    size:
      intOrUndefined(h["x-linked-size"]) ?? (isRedirect ? undefined : intOrUndefined(h["content-length"])),
  };
}
