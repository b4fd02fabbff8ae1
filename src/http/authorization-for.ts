/**
 * THE rule for who gets the token: a request carries `Authorization: Bearer <token>` only when its
 * URL has the endpoint's origin (scheme + host + port, compared in lower case; default ports
 * count as given). Never a CDN, a mirror of another host, or a plain-http copy of an https
 * endpoint. Hub clients (hub-client.ts) and adapters that send their own requests
 * (hubkit/transformers' fetch) both ask here, so the rule lives in one place.
 *
 * Pure: the caller resolves the token (auth/) and passes it in; http/ never looks one up.
 *
 * @example
 * authorizationFor("http://127.0.0.1:8080/acme/x/resolve/main/a.json", { endpoint: "http://127.0.0.1:8080", token })
 * // "Bearer hf_..."
 * authorizationFor("http://127.0.0.2:8081/blobs/abc", { endpoint: "http://127.0.0.1:8080", token })
 * // undefined (the CDN)
 */
export function authorizationFor(
  url: string | URL,
  options: { endpoint: string; token: string | undefined },
): string | undefined {
  if (options.token === undefined || options.token === "") return undefined;
  const target = originOf(url);
  if (target === undefined || target === "null") return undefined;
  return target === originOf(options.endpoint) ? `Bearer ${options.token}` : undefined;
}

/** scheme://host:port in lower case, or undefined for a string that is not an absolute URL. */
function originOf(url: string | URL): string | undefined {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return undefined;
  }
}
