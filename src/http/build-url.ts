import type { HubRequest } from "./hub-client.js";

/**
 * Joins "/api/..." to the endpoint and appends the query (booleans as "true"/"false", like httpx).
 *
 * @example
 * buildUrl("http://127.0.0.1:8080", "/api/models", { search: "bert", full: true })
 * // "http://127.0.0.1:8080/api/models?search=bert&full=true"
 */
export function buildUrl(endpoint: string, url: string, query?: HubRequest["query"]): string {
  const u = new URL(/^https?:\/\//i.test(url) ? url : `${endpoint}${url.startsWith("/") ? "" : "/"}${url}`);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) u.searchParams.append(k, item);
      else u.searchParams.append(k, String(v));
    }
  }
  return u.toString();
}

/** scheme://host:port, lower case (redirect hops and error messages; the token rule is authorizationFor). */
export function originOf(url: string): string {
  return new URL(url).origin.toLowerCase();
}
