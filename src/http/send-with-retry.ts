import { setTimeout as sleepFor } from "node:timers/promises";
import type { Dispatcher } from "undici";
import type { RequestInfo, ResponseInfo } from "../common/http-hooks.js";
import type { CaBundle } from "../config/index.js";
import { AbortedError, HfError } from "../errors.js";
import { displayUrl } from "./display-url.js";
import type { RetryInfo } from "./hub-client.js";
import { errorCode, nextDelay, type RetryPolicy } from "./retry-policy.js";
import { toHfError } from "./to-hf-error.js";
import { request as undiciRequest } from "./undici-lean.js";

export interface SendOptions {
  url: string;
  method: string;
  /** Lower-case names; sent as given (Authorization included when the caller put it there). */
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
  policy: RetryPolicy;
  /** Connect + response headers, ms. */
  timeoutMs: number;
  /** Longest silence between body chunks, ms. */
  bodyTimeoutMs: number;
  signal?: AbortSignal | undefined;
  dispatcher: Dispatcher;
  /** `config.endpoint` and whether a proxy is set, for the wording of transport errors. */
  endpoint: string;
  proxied: boolean;
  /** The CA bundle in effect, named in a TLS failure. */
  bundle: CaBundle;
  onRequest?: ((info: RequestInfo) => void) | undefined;
  onResponse?: ((info: ResponseInfo) => void) | undefined;
  onRetry?: ((info: RetryInfo) => void) | undefined;
}

/** One attempt, up to the response headers (the body is read later by the caller). */
async function sendOnce(o: SendOptions): Promise<Dispatcher.ResponseData> {
  // Timeouts are undici's own, so they only run while the request holds a socket (a request
  // queued behind a connection limit is not timed out for waiting): the dispatcher's connect
  // timeout, then `headersTimeout` from the moment the request is written, then `bodyTimeout`
  // between body chunks. undici removes its listener on the caller's signal when the body ends.
  try {
    return await undiciRequest(o.url, {
      dispatcher: o.dispatcher,
      method: o.method as Dispatcher.HttpMethod,
      headers: o.headers,
      body: o.body,
      signal: o.signal,
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.bodyTimeoutMs,
    });
  } catch (e) {
    if (o.signal?.aborted) throw new AbortedError(undefined, { cause: e, url: displayUrl(o.url) });
    throw toHfError(e, { ...o, phase: "headers" });
  }
}

/**
 * Sends one hop (no redirects), retrying as `policy` says (statuses, transport codes, backoff,
 * Retry-After: `nextDelay`), and resolves with the first response the policy accepts, its body
 * unread. Transport failures become HfErrors; the caller's abort (also during a backoff sleep)
 * becomes `AbortedError`.
 *
 * @example
 * const raw = await sendWithRetry({ url, method: "GET", headers, policy, timeoutMs: 10_000,
 *   bodyTimeoutMs: 10_000, dispatcher, endpoint, proxied: false });
 */
export async function sendWithRetry(o: SendOptions): Promise<Dispatcher.ResponseData> {
  const { url, method, headers, policy, signal } = o;
  for (let attempt = 1; ; attempt++) {
    let delay: number | undefined;
    let status: number | undefined;
    let failure: HfError | undefined;
    const info: RequestInfo = {
      method,
      url: displayUrl(url),
      authenticated: headers.authorization !== undefined,
      traceId: headers["x-amzn-trace-id"] ?? "",
    };
    o.onRequest?.(info);
    try {
      const res = await sendOnce(o);
      o.onResponse?.({ ...info, status: res.statusCode });
      delay = nextDelay(attempt, { method, status: res.statusCode, headers: res.headers }, policy);
      if (delay === undefined) return res;
      status = res.statusCode;
      await res.body.dump().catch(() => undefined);
    } catch (e) {
      if (e instanceof AbortedError) throw e;
      failure = e instanceof HfError ? e : toHfError(e, { ...o, phase: "headers" });
      // The policy reads the transport's code (ECONNRESET, UND_ERR_SOCKET, ...) from the cause.
      delay = nextDelay(attempt, { method, error: failure.cause ?? failure }, policy);
      if (delay === undefined) throw failure;
    }
    o.onRetry?.({
      method,
      url: info.url,
      attempt,
      delayMs: delay,
      status,
      code: failure ? errorCode(failure.cause) : undefined,
    });
    try {
      await sleepFor(delay, undefined, signal ? { signal } : undefined);
    } catch (e) {
      throw new AbortedError(undefined, { cause: e, url: displayUrl(url) });
    }
  }
}
