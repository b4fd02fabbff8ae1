import { randomUUID } from "node:crypto";
import { PassThrough, type Readable } from "node:stream";
import { setTimeout as sleepFor } from "node:timers/promises";
import type { Dispatcher } from "undici";
import type { HttpHooks, RequestInfo, ResponseInfo } from "../common/http-hooks.js";
import type { RepoType } from "../common/repo.js";
import { defaultConfig, type HubConfig } from "../config/index.js";
import { AbortedError, HfError, HttpError, NetworkError, OfflineModeError, TimeoutError } from "../errors.js";
import { authorizationFor } from "./authorization-for.js";
import { proxySettingsFromEnv, sharedDispatcher } from "./dispatcher.js";
import { displayUrl } from "./display-url.js";
import { raiseForStatus } from "./raise-for-status.js";
import { type RawGetResponse, type ReceiveSink, rawGet } from "./raw-get.js";
import { errorCode, nextDelay, type RetryPolicy, resolveRetryPolicy } from "./retry-policy.js";
import { tlsErrorFrom } from "./tls-error.js";
import { tlsOptions } from "./tls-options.js";
import { request as undiciRequest } from "./undici-lean.js";
import { buildUserAgent } from "./user-agent.js";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "DELETE";
export type RedirectMode = "follow" | "hub-only" | "manual";

export interface HubClientOptions {
  /** Default: `process.env`, read when the client is created. */
  config?: HubConfig | undefined;
  /** Sent as `Authorization: Bearer <token>`, only to the endpoint's host. */
  token?: string | undefined;
  /** Where the token came from ("HF_TOKEN environment variable"), named in auth errors. */
  tokenSource?: string | undefined;
  /** Extra User-Agent parts, e.g. "hf-cli/0.1.0". */
  userAgent?: string | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  /** Defaults to one shared keep-alive dispatcher per process (per proxy setting). */
  dispatcher?: Dispatcher | undefined;
  /** Called before each retry sleep (for logs / progress). */
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /**
   * Called as each request goes out (every hop and attempt), for HF_DEBUG logs like Python's
   * "Request {id}: {METHOD} {url} (authenticated: {bool})". Carries no header values.
   */
  onRequest?: ((info: RequestInfo) => void) | undefined;
  /** Called as each attempt's response headers arrive (every hop and attempt), with its status. */
  onResponse?: ((info: ResponseInfo) => void) | undefined;
  /**
   * Called with each `X-HF-Warning: topic; message` the server sends, once per topic per client
   * (Python logs them once per topic per process, `_warn_on_warning_headers`).
   */
  onServerWarning?: ((message: string, topic: string) => void) | undefined;
}

/** Splits `X-HF-Warning` values ("topic; message", or just "message") as Python does. */
export function parseServerWarnings(
  value: string | string[] | undefined,
): { topic: string; message: string }[] {
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  return values
    .map((v) => {
      const i = v.indexOf(";");
      return i < 0
        ? { topic: "", message: v.trim() }
        : { topic: v.slice(0, i).trim(), message: v.slice(i + 1).trim() };
    })
    .filter((w) => w.message !== "");
}

export type { HttpHooks, RequestInfo, ResponseInfo };

export interface RetryInfo {
  method: string;
  /** As `displayUrl` shows it. */
  url: string;
  /** Attempts made so far (1 after the first failure). */
  attempt: number;
  delayMs: number;
  status?: number | undefined;
  code?: string | undefined;
}

export interface HubRequest {
  method?: HttpMethod | undefined;
  /** Absolute, or "/api/..." joined to `config.endpoint`. */
  url: string;
  query?: Record<string, string | number | boolean | string[] | undefined> | undefined;
  headers?: Record<string, string> | undefined;
  body?: string | Uint8Array | URLSearchParams | undefined;
  json?: unknown;
  /** Default "follow". */
  redirect?: RedirectMode | undefined;
  /** Default true: the token goes only to the endpoint's host (scheme + host + port). */
  auth?: boolean | undefined;
  /** Connect + response headers, ms. Default: HF_HUB_ETAG_TIMEOUT for HEAD, HF_HUB_DOWNLOAD_TIMEOUT otherwise. */
  timeoutMs?: number | undefined;
  /** Longest silence between body chunks, ms. Default: HF_HUB_DOWNLOAD_TIMEOUT. */
  bodyTimeoutMs?: number | undefined;
  retry?: boolean | Partial<RetryPolicy> | undefined;
  /** Default true: status >= 400 throws the matching HfError (raiseForStatus). */
  throwOnError?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** Context for error messages. */
  repo?: { id: string; type: RepoType } | undefined;
}

export interface HubResponse {
  status: number;
  /** Lower-case keys; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The final URL (after followed redirects). */
  url: string;
  /** Whether the final request carried an Authorization header. */
  authSent: boolean;
  /** The body as a stream; a stall longer than `bodyTimeoutMs` errors it with `TimeoutError` (HF_TIMEOUT). */
  readonly body: Readable;
  text(): Promise<string>;
  json<T = unknown>(): Promise<T>;
  /** Discards the body so the connection can be reused. */
  dump(): Promise<void>;
}

export interface HubClient {
  readonly config: HubConfig;
  readonly endpoint: string;
  readonly userAgent: string;
  /** Whether a token is configured (it is never exposed). */
  readonly hasToken: boolean;
  readonly tokenSource: string | undefined;
  request(req: HubRequest): Promise<HubResponse>;
  json<T = unknown>(req: HubRequest): Promise<T>;
  /**
   * A GET whose body is read straight into `sink` (`rawGet`: no allocation per read), for big blob
   * downloads. `undefined` when that transport does not apply (a proxy is set, the token would be
   * sent, not http(s)) or the answer is not a plain 200/206 body (a redirect, an error...): use
   * `request` then. Errors are the same HfErrors as `request`'s; there are no retries.
   */
  receive(req: ReceiveRequest, sink: ReceiveSink): Promise<RawGetResponse | undefined>;
}

export interface ReceiveRequest {
  /** Absolute URL. */
  url: string;
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
}

/** Hosts whose redirects Python's HEAD /resolve follows (`constants.HF_URL_HOSTS` + the endpoint's). */
export const HUB_HOSTS: readonly string[] = ["hf.co", "huggingface.co", "hub-ci.huggingface.co"];
export const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** scheme://host:port, lower case (redirect hops and error messages; the token rule is authorizationFor). */
function originOf(url: string): string {
  return new URL(url).origin.toLowerCase();
}

/**
 * Python's `_is_same_or_hub_host`: the target hostname (lower case; port and scheme ignored) equals
 * the current one or is a Hub host.
 */
export function isSameOrHubHost(current: string, target: string, endpoint: string): boolean {
  const t = new URL(target).hostname.toLowerCase();
  if (t === new URL(current).hostname.toLowerCase()) return true;
  return HUB_HOSTS.includes(t) || t === new URL(endpoint).hostname.toLowerCase();
}

/** Joins "/api/..." to the endpoint and appends the query (booleans as "true"/"false", like httpx). */
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

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

/**
 * Creates a Hub client: undici with a shared keep-alive pool, the hubkit User-Agent, the token for
 * the endpoint's host only, redirects followed by our own code (Authorization dropped on any hop to
 * another scheme/host/port), connect/headers and body-stall timeouts, bounded retries, and error
 * statuses turned into `HfError` subclasses.
 *
 * It is handed its token (see `resolveToken`); it never looks one up, so `createHubClient()` is anonymous.
 *
 * @example
 * const client = createHubClient({ token, tokenSource: "HF_TOKEN environment variable" });
 * const me = await client.json<{ name: string }>({ url: "/api/whoami-v2" });
 * const head = await client.request({ method: "HEAD", url: resolveUrl, redirect: "hub-only" });
 */
export function createHubClient(options: HubClientOptions = {}): HubClient {
  const config = options.config ?? defaultConfig();
  const endpoint = config.endpoint;
  const endpointOrigin = originOf(endpoint);
  const userAgent = buildUserAgent(config, options.userAgent);
  const token = options.token;
  const warnedTopics = new Set<string>();
  const proxied = proxySettingsFromEnv(config.env) !== undefined;
  const onRequest = (info: RequestInfo) => {
    options.onRequest?.(info);
    config.httpHooks?.onRequest?.(info);
  };
  const onResponse = (info: ResponseInfo) => {
    options.onResponse?.(info);
    config.httpHooks?.onResponse?.(info);
  };

  function policyFor(req: HubRequest): RetryPolicy {
    if (req.retry === false) return resolveRetryPolicy(options.retry, { retries: 0 });
    return resolveRetryPolicy(options.retry, req.retry === true ? undefined : req.retry);
  }

  /** Turns an undici/Node failure into an HfError naming the host it could not reach. */
  function toHfError(
    e: unknown,
    rawUrl: string,
    method: string,
    timeoutMs: number,
    phase: "headers" | "body",
    signal: AbortSignal | undefined,
  ): HfError {
    if (e instanceof HfError) return e;
    const code = errorCode(e);
    const origin = originOf(rawUrl);
    const url = displayUrl(rawUrl);
    // Only the caller's signal makes an abort: undici also reports a failed proxy tunnel as
    // UND_ERR_ABORTED ("Proxy response (502) !== 200 when HTTP Tunneling").
    if (signal?.aborted) return new AbortedError(undefined, { cause: e, url });

    const where = origin === endpointOrigin ? endpoint : origin;
    // A certificate that cannot be verified is its own error (HF_TLS, exit 60), never retried.
    const tlsError = tlsErrorFrom(e, {
      host: new URL(rawUrl).host || origin,
      url,
      bundle: config.caBundle,
      proxied,
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
      return new TimeoutError(`No response from ${where} within ${timeoutMs / 1000} s (${method} ${url})`, {
        url,
        cause: e,
        remedy: "check your connection, or raise HF_HUB_ETAG_TIMEOUT / HF_HUB_DOWNLOAD_TIMEOUT (seconds)",
      });
    }
    if (code === "UND_ERR_BODY_TIMEOUT") {
      return new TimeoutError(
        `${where} stopped sending data for ${method} ${url} (no bytes for ${timeoutMs / 1000} s)`,
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
      phase === "body"
        ? `Lost the connection to ${where} while reading ${method} ${url}: ${detail}`
        : `Could not reach ${where}: ${detail}`;
    return new NetworkError(msg, {
      url,
      cause: e,
      remedy:
        (origin === endpointOrigin
          ? `check that ${endpoint} is up and HF_ENDPOINT is right; to use only the local cache set HF_HUB_OFFLINE=1`
          : "check your network") +
        (proxied ? "; a proxy is set (HTTPS_PROXY / HTTP_PROXY / NO_PROXY): check that it is reachable" : ""),
    });
  }

  function wrapResponse(
    raw: Dispatcher.ResponseData,
    url: string,
    method: string,
    authSent: boolean,
    bodyTimeoutMs: number,
    signal: AbortSignal | undefined,
  ): HubResponse {
    let wrapped: Readable | undefined;
    const mapErr = (e: unknown) => toHfError(e, url, method, bodyTimeoutMs, "body", signal);
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
      authSent,
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

  /** One attempt, up to the response headers (the body is read later by the caller). */
  async function sendOnce(
    url: string,
    method: string,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
    timeoutMs: number,
    bodyTimeoutMs: number,
    userSignal: AbortSignal | undefined,
    dispatcher: Dispatcher,
  ): Promise<Dispatcher.ResponseData> {
    // Timeouts are undici's own, so they only run while the request holds a socket (a request
    // queued behind a connection limit is not timed out for waiting): the dispatcher's connect
    // timeout, then `headersTimeout` from the moment the request is written, then `bodyTimeout`
    // between body chunks. undici removes its listener on the caller's signal when the body ends.
    try {
      return await undiciRequest(url, {
        dispatcher,
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        signal: userSignal,
        headersTimeout: timeoutMs,
        bodyTimeout: bodyTimeoutMs,
      });
    } catch (e) {
      if (userSignal?.aborted) throw new AbortedError(undefined, { cause: e, url: displayUrl(url) });
      throw toHfError(e, url, method, timeoutMs, "headers", userSignal);
    }
  }

  async function sendWithRetry(
    url: string,
    method: string,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
    req: HubRequest,
    policy: RetryPolicy,
    timeoutMs: number,
    bodyTimeoutMs: number,
    dispatcher: Dispatcher,
  ): Promise<Dispatcher.ResponseData> {
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
      onRequest(info);
      try {
        const res = await sendOnce(
          url,
          method,
          headers,
          body,
          timeoutMs,
          bodyTimeoutMs,
          req.signal,
          dispatcher,
        );
        onResponse({ ...info, status: res.statusCode });
        delay = nextDelay(attempt, { method, status: res.statusCode, headers: res.headers }, policy);
        if (delay === undefined) return res;
        status = res.statusCode;
        await res.body.dump().catch(() => undefined);
      } catch (e) {
        if (e instanceof AbortedError) throw e;
        failure = e instanceof HfError ? e : toHfError(e, url, method, timeoutMs, "headers", req.signal);
        // The policy reads the transport's code (ECONNRESET, UND_ERR_SOCKET, ...) from the cause.
        delay = nextDelay(attempt, { method, error: failure.cause ?? failure }, policy);
        if (delay === undefined) throw failure;
      }
      options.onRetry?.({
        method,
        url: info.url,
        attempt,
        delayMs: delay,
        status,
        code: failure ? errorCode(failure.cause) : undefined,
      });
      try {
        await sleepFor(delay, undefined, req.signal ? { signal: req.signal } : undefined);
      } catch (e) {
        throw new AbortedError(undefined, { cause: e, url: displayUrl(url) });
      }
    }
  }

  async function request(req: HubRequest): Promise<HubResponse> {
    const firstUrl = buildUrl(endpoint, req.url, req.query);
    // Python's request hook raises OfflineModeIsEnabled before any byte is sent.
    if (config.offline) throw new OfflineModeError(displayUrl(firstUrl));
    if (req.signal?.aborted) throw new AbortedError(undefined, { url: displayUrl(firstUrl) });

    let method: string = (req.method ?? "GET").toUpperCase();
    const redirect = req.redirect ?? "follow";
    const policy = policyFor(req);
    const timeoutMs =
      req.timeoutMs ?? (method === "HEAD" ? config.etagTimeout : config.downloadTimeout) * 1000;
    const bodyTimeoutMs = req.bodyTimeoutMs ?? config.downloadTimeout * 1000;
    // Connect is bounded by the shorter of the two configured timeouts (Python applies its timeout
    // to connect as well).
    const dispatcher =
      options.dispatcher ??
      sharedDispatcher(
        config.env,
        Math.min(config.etagTimeout, config.downloadTimeout) * 1000,
        config.caBundle,
      );

    const callerHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) callerHeaders[k.toLowerCase()] = v;
    let body: string | Uint8Array | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      callerHeaders["content-type"] ??= "application/json";
    } else if (req.body instanceof URLSearchParams) {
      body = req.body.toString();
      callerHeaders["content-type"] ??= "application/x-www-form-urlencoded";
    } else {
      body = req.body;
    }
    // Python's hook: X-Amzn-Trace-Id = the caller's X-Request-Id, else a fresh uuid4.
    const traceId = callerHeaders["x-amzn-trace-id"] ?? callerHeaders["x-request-id"] ?? randomUUID();

    const firstOrigin = originOf(firstUrl);
    let url = firstUrl;
    let leftOrigin = false;
    for (let hops = 0; ; hops++) {
      const hopOrigin = originOf(url);
      if (hopOrigin !== firstOrigin) leftOrigin = true;
      const headers: Record<string, string> = { "user-agent": userAgent, "x-amzn-trace-id": traceId };
      // The token goes to the endpoint's scheme+host+port only (authorizationFor), and never again
      // once a redirect left the first origin (httpx drops Authorization on cross-origin redirects;
      // we also drop a caller-supplied one).
      const authorization =
        req.auth !== false && !leftOrigin ? authorizationFor(url, { endpoint, token }) : undefined;
      if (authorization !== undefined) headers.authorization = authorization;
      for (const [k, v] of Object.entries(callerHeaders)) {
        if (k === "authorization" && leftOrigin) continue;
        headers[k] = v;
      }
      const authSent = headers.authorization !== undefined;

      const raw = await sendWithRetry(
        url,
        method,
        headers,
        body,
        req,
        policy,
        timeoutMs,
        bodyTimeoutMs,
        dispatcher,
      );
      const location = raw.headers.location;
      const loc = Array.isArray(location) ? location[0] : location;
      if (REDIRECT_STATUSES.has(raw.statusCode) && loc && redirect !== "manual") {
        let targetUrl: URL;
        try {
          targetUrl = new URL(loc, url);
        } catch (e) {
          await raw.body.dump().catch(() => undefined);
          throw new HttpError(`${displayUrl(url)} redirected to an invalid Location`, {
            url: displayUrl(url),
            cause: e,
          });
        }
        if (targetUrl.protocol !== "http:" && targetUrl.protocol !== "https:") {
          await raw.body.dump().catch(() => undefined);
          throw new HttpError(
            `${displayUrl(url)} redirected to a ${targetUrl.protocol} URL, which hubkit does not follow`,
            {
              url: displayUrl(url),
              status: raw.statusCode,
            },
          );
        }
        const target = targetUrl.toString();
        if (redirect === "hub-only" && !isSameOrHubHost(url, target, endpoint)) {
          return wrapResponse(raw, url, method, authSent, bodyTimeoutMs, req.signal);
        }
        await raw.body.dump().catch(() => undefined);
        if (hops + 1 > MAX_REDIRECTS) {
          throw new HttpError(
            `Too many redirects (more than ${MAX_REDIRECTS}) starting at ${method} ${displayUrl(firstUrl)}`,
            {
              url: displayUrl(firstUrl),
              status: raw.statusCode,
            },
          );
        }
        // RFC 9110 §15.4: 303 turns anything but HEAD into GET; browsers and httpx also turn a POST
        // into a GET on 301/302.
        if (
          (raw.statusCode === 303 && method !== "HEAD") ||
          ((raw.statusCode === 301 || raw.statusCode === 302) && method === "POST")
        ) {
          method = "GET";
          body = undefined;
          delete callerHeaders["content-type"];
          delete callerHeaders["content-length"];
        }
        url = target;
        continue;
      }
      if (options.onServerWarning) {
        for (const w of parseServerWarnings(raw.headers["x-hf-warning"])) {
          if (warnedTopics.has(w.topic)) continue;
          warnedTopics.add(w.topic);
          options.onServerWarning(w.message, w.topic);
        }
      }
      const res = wrapResponse(raw, url, method, authSent, bodyTimeoutMs, req.signal);
      if (req.throwOnError !== false && res.status >= 400) {
        await raiseForStatus(res, {
          endpoint,
          method,
          repo: req.repo,
          tokenSent: authSent,
          tokenSource:
            authorization !== undefined && headers.authorization === authorization
              ? options.tokenSource
              : undefined,
          range: headers.range,
        });
      }
      return res;
    }
  }

  async function receive(req: ReceiveRequest, sink: ReceiveSink): Promise<RawGetResponse | undefined> {
    const url = buildUrl(endpoint, req.url);
    if (config.offline) throw new OfflineModeError(displayUrl(url));
    const parsed = new URL(url);
    if (proxied || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) return undefined;
    // This transport never carries the token: where it would be sent, `request` is used.
    if (authorizationFor(url, { endpoint, token }) !== undefined) return undefined;
    const headers: Record<string, string> = { "user-agent": userAgent };
    for (const [k, v] of Object.entries(req.headers ?? {})) {
      if (k.toLowerCase() !== "authorization") headers[k.toLowerCase()] = v;
    }
    headers["x-amzn-trace-id"] ??= headers["x-request-id"] ?? randomUUID();
    const timeoutMs = config.downloadTimeout * 1000;
    const info: RequestInfo = {
      method: "GET",
      url: displayUrl(url),
      authenticated: false,
      traceId: headers["x-amzn-trace-id"],
    };
    onRequest(info);
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
      throw toHfError(e, url, "GET", timeoutMs, "headers", req.signal);
    }
    if (!res) return undefined;
    onResponse({ ...info, status: res.status });
    const raw = res;
    const done = raw.done.catch((e: unknown) => {
      throw toHfError(e, url, "GET", timeoutMs, "body", req.signal);
    });
    done.catch(() => undefined);
    return { status: raw.status, headers: raw.headers, length: raw.length, done, destroy: raw.destroy };
  }

  return {
    config,
    endpoint,
    userAgent,
    hasToken: token !== undefined,
    tokenSource: options.tokenSource,
    request,
    receive,
    async json<T = unknown>(req: HubRequest): Promise<T> {
      const res = await request(req);
      return res.json<T>();
    },
  };
}
