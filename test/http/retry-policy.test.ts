import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  errorCode,
  nextDelay,
  parseRateLimit,
  parseRetryAfter,
  resolveRetryPolicy,
} from "../../src/http/retry-policy.js";

describe("parseRateLimit (Python's parse_ratelimit_headers)", () => {
  it("reads type, remaining and reset, and the policy's quota and window", () => {
    expect(
      parseRateLimit({ ratelimit: '"api";r=0;t=55', "ratelimit-policy": '"fixed window";"api";q=500;w=300' }),
    ).toEqual({
      resourceType: "api",
      remaining: 0,
      resetInSeconds: 55,
      limit: 500,
      windowSeconds: 300,
    });
  });
  it("tolerates spaces and any header case; ignores a policy it cannot read", () => {
    expect(
      parseRateLimit({ RateLimit: '"resolvers" ; r = 3 ; t = 7', "RateLimit-Policy": "garbage" }),
    ).toEqual({
      resourceType: "resolvers",
      remaining: 3,
      resetInSeconds: 7,
    });
  });
  it("returns undefined when absent or malformed", () => {
    expect(parseRateLimit({})).toBeUndefined();
    expect(parseRateLimit({ ratelimit: "api;r=0;t=55" })).toBeUndefined();
    expect(parseRateLimit({ ratelimit: '"api";t=55;r=0' })).toBeUndefined();
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter({ "retry-after": " 120 " })).toBe(120);
    expect(parseRetryAfter({ "retry-after": "0" })).toBe(0);
  });
  it("reads an HTTP date relative to now, never negative", () => {
    const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
    expect(parseRetryAfter({ "retry-after": "Wed, 21 Oct 2015 07:28:30 GMT" }, now)).toBe(30);
    expect(parseRetryAfter({ "retry-after": "Wed, 21 Oct 2015 07:00:00 GMT" }, now)).toBe(0);
  });
  it("ignores garbage and negative numbers", () => {
    expect(parseRetryAfter({ "retry-after": "soon" })).toBeUndefined();
    expect(parseRetryAfter({ "retry-after": "-5" })).toBeUndefined();
    expect(parseRetryAfter({})).toBeUndefined();
  });
});

describe("nextDelay", () => {
  it("backs off 1, 2, 4, 8, 8 s on a retried status, then stops (Python's http_backoff)", () => {
    const delays = [1, 2, 3, 4, 5, 6].map((a) => nextDelay(a, { status: 503 }));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, undefined]);
  });
  it("does not retry statuses outside the list", () => {
    for (const status of [200, 400, 401, 403, 404, 416, 501])
      expect(nextDelay(1, { status })).toBeUndefined();
  });
  it("honours RateLimit t (+ padding) on a 429 with r=0, over Retry-After", () => {
    expect(nextDelay(1, { status: 429, headers: { ratelimit: '"api";r=0;t=55', "retry-after": "3" } })).toBe(
      56_000,
    );
  });
  it("ignores RateLimit when requests remain, falling back to Retry-After or backoff", () => {
    expect(nextDelay(1, { status: 429, headers: { ratelimit: '"api";r=5;t=55', "retry-after": "3" } })).toBe(
      4000,
    );
    expect(nextDelay(2, { status: 429, headers: { ratelimit: '"api";r=5;t=55' } })).toBe(2000);
  });
  it("uses Retry-After on a 503 too", () => {
    expect(nextDelay(1, { status: 503, headers: { "retry-after": "2" } })).toBe(3000);
  });
  it("gives up instead of sleeping longer than maxRetryAfterMs", () => {
    expect(nextDelay(1, { status: 429, headers: { "retry-after": "3600" } })).toBeUndefined();
    expect(
      nextDelay(
        1,
        { status: 429, headers: { "retry-after": "3600" } },
        resolveRetryPolicy({ maxRetryAfterMs: 4e6 }),
      ),
    ).toBe(3_601_000);
  });
  it("retries resets and timeouts for GET/HEAD only", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(nextDelay(1, { method: "GET", error: reset })).toBe(1000);
    expect(nextDelay(1, { method: "HEAD", error: { code: "UND_ERR_SOCKET" } })).toBe(1000);
    expect(nextDelay(1, { method: "POST", error: reset })).toBeUndefined();
  });
  it("never retries a refused connection or an unknown host (a down endpoint fails fast)", () => {
    expect(nextDelay(1, { method: "GET", error: { code: "ECONNREFUSED" } })).toBeUndefined();
    expect(nextDelay(1, { method: "GET", error: { code: "ENOTFOUND" } })).toBeUndefined();
  });
  it("honours overrides: tiny delays for tests, zero retries", () => {
    const p = resolveRetryPolicy({ baseDelayMs: 5, retries: 2 });
    expect([1, 2, 3].map((a) => nextDelay(a, { status: 500 }, p))).toEqual([5, 10, undefined]);
    expect(nextDelay(1, { status: 500 }, resolveRetryPolicy({ retries: 0 }))).toBeUndefined();
    expect(DEFAULT_RETRY_POLICY.retries).toBe(5);
  });
});

describe("errorCode", () => {
  it("finds codes on the error, its cause, or an AggregateError's members", () => {
    expect(errorCode({ code: "ECONNRESET" })).toBe("ECONNRESET");
    expect(errorCode(new Error("x", { cause: { code: "EPIPE" } }))).toBe("EPIPE");
    expect(errorCode(new AggregateError([{ code: "ECONNREFUSED" }]))).toBe("ECONNREFUSED");
    expect(errorCode(new Error("plain"))).toBeUndefined();
  });
});

describe("backoffDelay (shared by request retries and a blob body's resumes)", () => {
  it("doubles from baseDelayMs up to maxDelayMs, as nextDelay does for a retried status", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n))).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n))).toEqual(
      [1, 2, 3, 4, 5].map((n) => nextDelay(n, { status: 503 })),
    );
    const fast = resolveRetryPolicy({ baseDelayMs: 10 });
    expect([1, 2, 5, 12].map((n) => backoffDelay(n, fast))).toEqual([10, 20, 160, 8000]);
  });
});
