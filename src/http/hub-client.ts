import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import type { HttpHooks, RequestInfo, ResponseInfo } from "../common/http-hooks.js";
import type { RepoType } from "../common/repo.js";
import type { TokenSource } from "../common/token-source.js";
import { defaultConfig, type HubConfig } from "../config/index.js";
import { AbortedError, OfflineModeError } from "../errors.js";
import { authorizationFor } from "./authorization-for.js";
import { buildUrl } from "./build-url.js";
import { proxySettingsFromEnv, sharedDispatcher } from "./dispatcher.js";
import { displayUrl } from "./display-url.js";
import { type Hop, type HopState, nextHop } from "./next-hop.js";
import { raiseForStatus } from "./raise-for-status.js";
import type { RawGetResponse, ReceiveSink } from "./raw-get.js";
import { receive } from "./receive.js";
import { type RetryPolicy, resolveRetryPolicy } from "./retry-policy.js";
import { sendWithRetry } from "./send-with-retry.js";
import { toHfError } from "./to-hf-error.js";
import { buildUserAgent } from "./user-agent.js";
import { wrapResponse } from "./wrap-response.js";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "DELETE";
export type RedirectMode = "follow" | "hub-only" | "manual";

export interface HubClientOptions {
  /** Default: `process.env`, read when the client is created. */
  config?: HubConfig | undefined;
  /** Sent as `Authorization: Bearer <token>`, only to the endpoint's host. */
  token?: string | undefined;
  /** Where the token came from (`resolveToken`'s `source`), named in auth errors and their remedies. */
  tokenSource?: TokenSource | undefined;
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
  readonly tokenSource: TokenSource | undefined;
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

export { buildUrl } from "./build-url.js";
export { HUB_HOSTS, isSameOrHubHost, MAX_REDIRECTS } from "./next-hop.js";

/**
 * Creates a Hub client: undici with a shared keep-alive pool, the hubkit User-Agent, the token for
 * the endpoint's host only, redirects followed by our own code (Authorization dropped on any hop to
 * another scheme/host/port), connect/headers and body-stall timeouts, bounded retries, and error
 * statuses turned into `HfError` subclasses.
 *
 * It is handed its token (see `resolveToken`); it never looks one up, so `createHubClient()` is anonymous.
 *
 * @example
 * const client = createHubClient({ token, tokenSource: { kind: "env", name: "HF_TOKEN" } });
 * const me = await client.json<{ name: string }>({ url: "/api/whoami-v2" });
 * const head = await client.request({ method: "HEAD", url: resolveUrl, redirect: "hub-only" });
 */
export function createHubClient(options: HubClientOptions = {}): HubClient {
  const config = options.config ?? defaultConfig();
  const endpoint = config.endpoint;
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

  async function request(req: HubRequest): Promise<HubResponse> {
    const firstUrl = buildUrl(endpoint, req.url, req.query);
    // Python's request hook raises OfflineModeIsEnabled before any byte is sent.
    if (config.offline) throw new OfflineModeError(displayUrl(firstUrl));
    if (req.signal?.aborted) throw new AbortedError(undefined, { url: displayUrl(firstUrl) });

    const firstMethod: string = (req.method ?? "GET").toUpperCase();
    const redirect = req.redirect ?? "follow";
    const policy = policyFor(req);
    const timeoutMs =
      req.timeoutMs ?? (firstMethod === "HEAD" ? config.etagTimeout : config.downloadTimeout) * 1000;
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

    const rules = { redirect, endpoint, token, auth: req.auth };
    const send = {
      policy,
      timeoutMs,
      bodyTimeoutMs,
      signal: req.signal,
      dispatcher,
      endpoint,
      proxied,
      bundle: config.caBundle,
    };
    const hop: HopState = { url: firstUrl, firstUrl, method: firstMethod, hops: 0, leftOrigin: false };
    // The token's header for this hop: the endpoint's origin only (authorizationFor), and never again
    // once a redirect left the first origin (nextHop).
    let authorization = req.auth !== false ? authorizationFor(firstUrl, { endpoint, token }) : undefined;
    for (;;) {
      const { url, method } = hop;
      const headers: Record<string, string> = { "user-agent": userAgent, "x-amzn-trace-id": traceId };
      if (authorization !== undefined) headers.authorization = authorization;
      for (const [k, v] of Object.entries(callerHeaders)) {
        // httpx drops Authorization on cross-origin redirects; we also drop a caller-supplied one.
        if (k === "authorization" && hop.leftOrigin) continue;
        headers[k] = v;
      }
      const authSent = headers.authorization !== undefined;
      const mapBodyError = (e: unknown) =>
        toHfError(e, { ...send, url, method, timeoutMs: bodyTimeoutMs, phase: "body" });

      const raw = await sendWithRetry({
        ...send,
        url,
        method,
        headers,
        body,
        onRequest,
        onResponse,
        onRetry: options.onRetry,
      });
      const location = raw.headers.location;
      let next: Hop;
      try {
        next = nextHop(
          hop,
          { status: raw.statusCode, location: Array.isArray(location) ? location[0] : location },
          rules,
        );
      } catch (e) {
        await raw.body.dump().catch(() => undefined);
        throw e;
      }
      if (next.follow) {
        await raw.body.dump().catch(() => undefined);
        if (next.dropBody) {
          body = undefined;
          delete callerHeaders["content-type"];
          delete callerHeaders["content-length"];
        }
        Object.assign(hop, {
          url: next.url,
          method: next.method,
          hops: hop.hops + 1,
          leftOrigin: next.leftOrigin,
        });
        authorization = next.authorization;
        continue;
      }
      const res = wrapResponse(raw, { url, method, authSent, mapBodyError });
      // hub-only's off-Hub redirect is handed back as is: the caller reads its headers (Python's
      // HEAD /resolve), so it is neither an error nor a final answer with warnings to surface.
      if (next.offHub) return res;
      if (options.onServerWarning) {
        for (const w of parseServerWarnings(raw.headers["x-hf-warning"])) {
          if (warnedTopics.has(w.topic)) continue;
          warnedTopics.add(w.topic);
          options.onServerWarning(w.message, w.topic);
        }
      }
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

  return {
    config,
    endpoint,
    userAgent,
    hasToken: token !== undefined,
    tokenSource: options.tokenSource,
    request,
    receive: (req, sink) => receive({ config, userAgent, token, proxied, onRequest, onResponse }, req, sink),
    async json<T = unknown>(req: HubRequest): Promise<T> {
      const res = await request(req);
      return res.json<T>();
    },
  };
}
