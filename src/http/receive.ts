import { randomUUID } from "node:crypto";
import type { RequestInfo, ResponseInfo } from "../common/http-hooks.js";
import type { HubConfig } from "../config/index.js";
import { OfflineModeError } from "../errors.js";
import { authorizationFor } from "./authorization-for.js";
import { buildUrl } from "./build-url.js";
import { displayUrl } from "./display-url.js";
import type { ReceiveRequest } from "./hub-client.js";
import { type RawGetResponse, type ReceiveSink, rawGet } from "./raw-get.js";
import { tlsOptions } from "./tls-options.js";
import { toHfError } from "./to-hf-error.js";

/** What `receive` needs of the client that owns it. */
export interface ReceiveContext {
  config: HubConfig;
  userAgent: string;
  /** Only to check that this URL would not get it: this transport never carries a token. */
  token: string | undefined;
  /** Whether a proxy is set (rawGet speaks to the origin directly, so it steps aside). */
  proxied: boolean;
  onRequest?: ((info: RequestInfo) => void) | undefined;
  onResponse?: ((info: ResponseInfo) => void) | undefined;
}

/**
 * The fast path for big blob GETs: `rawGet` reads the body straight into `sink`. Resolves to
 * `undefined` when it does not apply (proxy, token would be sent, not http(s), or the answer is not
 * a plain 200/206 body): the caller uses `HubClient.request` then. Errors, including those of
 * `done`, are the same HfErrors `request` throws; there are no retries.
 *
 * @example
 * const res = await receive(ctx, { url: cdnUrl, headers: { range: "bytes=0-" } }, sink);
 * if (res) await res.done;
 */
export async function receive(
  ctx: ReceiveContext,
  req: ReceiveRequest,
  sink: ReceiveSink,
): Promise<RawGetResponse | undefined> {
  const { config } = ctx;
  const endpoint = config.endpoint;
  const url = buildUrl(endpoint, req.url);
  if (config.offline) throw new OfflineModeError(displayUrl(url));
  const parsed = new URL(url);
  if (ctx.proxied || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) return undefined;
  // This transport never carries the token: where it would be sent, `request` is used.
  if (authorizationFor(url, { endpoint, token: ctx.token }) !== undefined) return undefined;
  const headers: Record<string, string> = { "user-agent": ctx.userAgent };
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    if (k.toLowerCase() !== "authorization") headers[k.toLowerCase()] = v;
  }
  headers["x-amzn-trace-id"] ??= headers["x-request-id"] ?? randomUUID();
  const timeoutMs = config.downloadTimeout * 1000;
  const errorOptions = {
    url,
    method: "GET",
    timeoutMs,
    signal: req.signal,
    endpoint,
    proxied: ctx.proxied,
    bundle: config.caBundle,
  };
  const info: RequestInfo = {
    method: "GET",
    url: displayUrl(url),
    authenticated: false,
    traceId: headers["x-amzn-trace-id"],
  };
  ctx.onRequest?.(info);
  let res: RawGetResponse | undefined;
  try {
    res = await rawGet(
      {
        url: parsed,
        headers,
        headersTimeoutMs: timeoutMs,
        bodyTimeoutMs: timeoutMs,
        signal: req.signal,
        tls: parsed.protocol === "https:" ? tlsOptions(config.caBundle) : undefined,
      },
      sink,
    );
  } catch (e) {
    throw toHfError(e, { ...errorOptions, phase: "headers" });
  }
  if (!res) return undefined;
  ctx.onResponse?.({ ...info, status: res.status });
  const raw = res;
  const done = raw.done.catch((e: unknown) => {
    throw toHfError(e, { ...errorOptions, phase: "body" });
  });
  // The caller may never await `done` (it destroys the response instead): no unhandled rejection.
  done.catch(() => undefined);
  return { status: raw.status, headers: raw.headers, length: raw.length, done, destroy: raw.destroy };
}
