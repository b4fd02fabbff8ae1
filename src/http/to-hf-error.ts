import type { CaBundle } from "../config/index.js";
import { AbortedError, HfError, NetworkError, TimeoutError } from "../errors.js";
import { originOf } from "./build-url.js";
import { displayUrl } from "./display-url.js";
import { errorCode } from "./retry-policy.js";
import { tlsErrorFrom } from "./tls-error.js";

export interface ToHfErrorOptions {
  /** The URL that failed (shown through `displayUrl`). */
  url: string;
  method: string;
  /** The limit that ran out, ms, for timeout messages. */
  timeoutMs: number;
  /** Whether the failure came before the response headers or while the body was read. */
  phase: "headers" | "body";
  /** The caller's signal: only its abort makes an `AbortedError`. */
  signal?: AbortSignal | undefined;
  /** `config.endpoint`: a failure there is named as the endpoint and gets the HF_ENDPOINT remedy. */
  endpoint: string;
  /** Whether a proxy is configured, to mention it in the remedy. */
  proxied: boolean;
  /** The CA bundle in effect (`config.caBundle`), named in a TLS failure. */
  bundle: CaBundle;
}

/**
 * Turns an undici/Node failure (refused, reset, timed out, aborted) into an HfError naming the host
 * it could not reach, with a remedy. An HfError is returned as is.
 *
 * @example
 * toHfError(e, { url, method: "GET", timeoutMs: 10_000, phase: "headers", endpoint, proxied: false })
 * // NetworkError "Could not reach http://127.0.0.1:8080: ECONNREFUSED"
 */
export function toHfError(e: unknown, o: ToHfErrorOptions): HfError {
  if (e instanceof HfError) return e;
  const code = errorCode(e);
  const origin = originOf(o.url);
  const url = displayUrl(o.url);
  const { method, endpoint } = o;
  // Only the caller's signal makes an abort: undici also reports a failed proxy tunnel as
  // UND_ERR_ABORTED ("Proxy response (502) !== 200 when HTTP Tunneling").
  if (o.signal?.aborted) return new AbortedError(undefined, { cause: e, url });

  const atEndpoint = origin === originOf(endpoint);
  const where = atEndpoint ? endpoint : origin;
  // A certificate that cannot be verified is its own error (HF_TLS, exit 60), never retried.
  const tlsError = tlsErrorFrom(e, {
    host: new URL(o.url).host || origin,
    url,
    bundle: o.bundle,
    proxied: o.proxied,
    endpoint,
  });
  if (tlsError) return tlsError;
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") {
    return new TimeoutError(`Timed out connecting to ${where} (${method} ${url})`, {
      url,
      cause: e,
      remedy:
        "check your connection and proxy settings; HF_HUB_ETAG_TIMEOUT / HF_HUB_DOWNLOAD_TIMEOUT set the limit",
    });
  }
  if (code === "UND_ERR_HEADERS_TIMEOUT") {
    return new TimeoutError(`No response from ${where} within ${o.timeoutMs / 1000} s (${method} ${url})`, {
      url,
      cause: e,
      remedy: "check your connection, or raise HF_HUB_ETAG_TIMEOUT / HF_HUB_DOWNLOAD_TIMEOUT (seconds)",
    });
  }
  if (code === "UND_ERR_BODY_TIMEOUT") {
    return new TimeoutError(
      `${where} stopped sending data for ${method} ${url} (no bytes for ${o.timeoutMs / 1000} s)`,
      {
        url,
        cause: e,
        remedy: "retry; raise HF_HUB_DOWNLOAD_TIMEOUT (seconds) on a slow connection",
      },
    );
  }
  // System codes say it all (ECONNREFUSED); undici's own codes need their message.
  const message = e instanceof Error ? e.message : String(e);
  const detail = code && !code.startsWith("UND_ERR") ? code : code ? `${message} (${code})` : message;
  const msg =
    o.phase === "body"
      ? `Lost the connection to ${where} while reading ${method} ${url}: ${detail}`
      : `Could not reach ${where}: ${detail}`;
  return new NetworkError(msg, {
    url,
    cause: e,
    remedy:
      (atEndpoint
        ? `check that ${endpoint} is up and HF_ENDPOINT is right; to use only the local cache set HF_HUB_OFFLINE=1`
        : "check your network") +
      (o.proxied ? "; a proxy is set (HTTPS_PROXY / HTTP_PROXY / NO_PROXY): check that it is reachable" : ""),
  });
}
