/**
 * When and how long to wait before retrying a Hub request: the policy is data (one literal of
 * defaults) plus pure functions, so it can be unit-tested without a socket and overridden per call.
 *
 * Defaults follow huggingface_hub 1.33 `utils/_http.py::_http_backoff_base`: 5 retries, retried on
 * 408/429/500/502/503/504 and on timeouts / network / protocol errors, sleeping 1, 2, 4, 8, 8 s, or
 * `RateLimit` `t` (on a 429 with `r=0`) / a numeric `Retry-After`, plus 1 s "to avoid rounding issues".
 * Differences, on purpose:
 * - a refused connection is not retried: a down endpoint must fail fast (Python sleeps 31 s);
 * - `Retry-After` may also be an HTTP date (RFC 9110 §10.2.3), which Python ignores;
 * - a server asking for more than `maxRetryAfterMs` is not waited for: the 429 surfaces at once as
 *   `RateLimitedError` with `retryAfterSeconds`, rather than a silent sleep of minutes;
 * - network errors are retried only for idempotent methods (a POST may have been applied).
 */

export interface RetryPolicy {
  /** Retries after the first attempt (so `retries + 1` attempts at most). */
  retries: number;
  /** Response statuses that are retried. */
  statuses: number[];
  /** Error `code`s (Node / undici) that are retried, for idempotent methods only. */
  errorCodes: string[];
  /** Methods that may be retried after a network error (the request may have reached the server). */
  idempotentMethods: string[];
  /** First backoff sleep; doubled each retry up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Added to a server-given delay (`Retry-After`, `RateLimit` t), as Python's `+ 1`. */
  serverDelayPaddingMs: number;
  /** A server-given delay longer than this is not waited for: the error surfaces instead. */
  maxRetryAfterMs: number;
}

/** The defaults, in one literal. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  retries: 5,
  statuses: [408, 429, 500, 502, 503, 504],
  errorCodes: [
    "ECONNRESET",
    "EPIPE",
    "ETIMEDOUT",
    "EAI_AGAIN",
    "UND_ERR_SOCKET",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_HEADERS_TIMEOUT",
    "UND_ERR_BODY_TIMEOUT",
    "HF_TIMEOUT",
  ],
  idempotentMethods: ["GET", "HEAD", "OPTIONS"],
  baseDelayMs: 1000,
  maxDelayMs: 8000,
  serverDelayPaddingMs: 1000,
  maxRetryAfterMs: 60_000,
});

/** Merges overrides onto the defaults (`undefined` fields keep the default). */
export function resolveRetryPolicy(...overrides: (Partial<RetryPolicy> | undefined)[]): RetryPolicy {
  const out: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  for (const o of overrides) {
    if (!o) continue;
    for (const [k, v] of Object.entries(o)) {
      if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}

/** What happened on the attempt that just finished: a response, or an error before one. */
export interface AttemptOutcome {
  method?: string | undefined;
  status?: number | undefined;
  /** Lower-case header names. */
  headers?: Readonly<Record<string, string | string[] | undefined>> | undefined;
  error?: unknown;
  /** For tests: "now" in ms since the epoch, used to read an HTTP-date Retry-After. */
  now?: number | undefined;
}

/** Parsed `RateLimit` / `RateLimit-Policy` headers (IETF draft-ietf-httpapi-ratelimit-headers-09). */
export interface RateLimitInfo {
  resourceType: string;
  remaining: number;
  resetInSeconds: number;
  limit?: number | undefined;
  windowSeconds?: number | undefined;
}

// Same regexes as Python's `_RATELIMIT_REGEX` and `_RATELIMIT_POLICY_REGEX` (searched, not anchored).
const RATELIMIT_RE = /"(\w+)"\s*;\s*r\s*=\s*(\d+)\s*;\s*t\s*=\s*(\d+)/;
const RATELIMIT_POLICY_RE = /q\s*=\s*(\d+).*?w\s*=\s*(\d+)/;

function header(
  headers: Readonly<Record<string, string | string[] | undefined>> | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  let v = headers[name];
  if (v === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    v = key === undefined ? undefined : headers[key];
  }
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Parses the `RateLimit` header (and `RateLimit-Policy` when present), as Python's
 * `parse_ratelimit_headers`.
 *
 * @example
 * parseRateLimit({ ratelimit: '"api";r=0;t=55', "ratelimit-policy": '"fixed window";"api";q=500;w=300' })
 * // { resourceType: "api", remaining: 0, resetInSeconds: 55, limit: 500, windowSeconds: 300 }
 */
export function parseRateLimit(
  headers: Readonly<Record<string, string | string[] | undefined>> | undefined,
): RateLimitInfo | undefined {
  const value = header(headers, "ratelimit");
  if (!value) return undefined;
  const m = RATELIMIT_RE.exec(value);
  if (!m) return undefined;
  const info: RateLimitInfo = {
    resourceType: m[1] as string,
    remaining: Number(m[2]),
    resetInSeconds: Number(m[3]),
  };
  const policy = header(headers, "ratelimit-policy");
  const p = policy ? RATELIMIT_POLICY_RE.exec(policy) : null;
  if (p) {
    info.limit = Number(p[1]);
    info.windowSeconds = Number(p[2]);
  }
  return info;
}

/**
 * `Retry-After` in seconds: delay-seconds, or an HTTP date (seconds from `now`, at least 0).
 *
 * @example parseRetryAfter({ "retry-after": "120" }) // 120
 */
export function parseRetryAfter(
  headers: Readonly<Record<string, string | string[] | undefined>> | undefined,
  now: number = Date.now(),
): number | undefined {
  const value = header(headers, "retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  // An HTTP date names a day or month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone would
  // also accept "-5" as a year.
  if (!/[A-Za-z]/.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * The delay the server asked for, in seconds: on a 429 whose `RateLimit` says `r=0`, its `t`;
 * otherwise a `Retry-After`. Same precedence as Python.
 */
export function serverRetryDelaySeconds(outcome: AttemptOutcome): number | undefined {
  if (outcome.status === 429) {
    const rl = parseRateLimit(outcome.headers);
    if (rl && rl.remaining === 0) return rl.resetInSeconds;
  }
  return parseRetryAfter(outcome.headers, outcome.now);
}

/** The `code` of a Node/undici error, looking through `cause` and AggregateError members. */
export function errorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e && typeof e === "object"; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const members = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(members) && members.length > 0) {
      const c = errorCode(members[0]);
      if (c) return c;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * How long to wait before attempt `attempt + 1`, or `undefined` to stop and surface the outcome.
 * `attempt` counts the attempts made so far (1 after the first request).
 *
 * @example
 * nextDelay(1, { status: 503 }, DEFAULT_RETRY_POLICY) // 1000
 * nextDelay(3, { status: 503 }, DEFAULT_RETRY_POLICY) // 4000
 * nextDelay(1, { status: 429, headers: { "retry-after": "2" } }, DEFAULT_RETRY_POLICY) // 3000
 * nextDelay(1, { status: 404 }, DEFAULT_RETRY_POLICY) // undefined
 */
export function nextDelay(
  attempt: number,
  outcome: AttemptOutcome,
  policy: Readonly<RetryPolicy> = DEFAULT_RETRY_POLICY,
): number | undefined {
  if (attempt > policy.retries) return undefined;
  if (outcome.status !== undefined) {
    if (!policy.statuses.includes(outcome.status)) return undefined;
    const server = serverRetryDelaySeconds(outcome);
    if (server !== undefined) {
      const ms = server * 1000 + policy.serverDelayPaddingMs;
      return ms > policy.maxRetryAfterMs ? undefined : ms;
    }
  } else {
    const method = (outcome.method ?? "GET").toUpperCase();
    if (!policy.idempotentMethods.includes(method)) return undefined;
    const code = errorCode(outcome.error);
    if (code === undefined || !policy.errorCodes.includes(code)) return undefined;
  }
  return backoffDelay(attempt, policy);
}

/**
 * The backoff before retry number `attempt` (1 = the first retry): `baseDelayMs` doubled each
 * time, at most `maxDelayMs`; 1, 2, 4, 8, 8 s with the defaults (Python:
 * `sleep_time = min(max_wait_time, sleep_time * 2)`). `nextDelay` uses it for requests, and a
 * download uses it between attempts at a blob's body, so both back off alike.
 *
 * @example backoffDelay(4, DEFAULT_RETRY_POLICY) // 8000
 */
export function backoffDelay(attempt: number, policy: Readonly<RetryPolicy> = DEFAULT_RETRY_POLICY): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}
