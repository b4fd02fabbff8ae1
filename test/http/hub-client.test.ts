import { createServer, type Server } from "node:net";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type Env, readConfig } from "../../src/config/index.js";
import { HfError } from "../../src/errors.js";
import { closeSharedDispatchers, createDispatcher } from "../../src/http/dispatcher.js";
import { createHubClient, type HubClientOptions } from "../../src/http/hub-client.js";
import { type ScriptedServer, sendJson, startScriptedServer } from "./scripted-server.js";

const TOKEN = "hf_testTokenAbcdefghijklmnopqrstuvwxyz0123";
const FAST = { baseDelayMs: 5, maxDelayMs: 20, serverDelayPaddingMs: 0 };

const servers: ScriptedServer[] = [];
async function serve(...args: Parameters<typeof startScriptedServer>): Promise<ScriptedServer> {
  const s = await startScriptedServer(...args);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await closeSharedDispatchers();
});

function client(endpoint: string, extra: Partial<HubClientOptions> = {}, env: Env = {}) {
  const config = readConfig({ HF_HOME: "/nonexistent-hf-home", HF_ENDPOINT: endpoint, ...env });
  return createHubClient({
    config,
    token: TOKEN,
    tokenSource: { kind: "env", name: "HF_TOKEN" },
    retry: FAST,
    ...extra,
  });
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return e instanceof HfError ? e.code : `not an HfError: ${String(e)}`;
  }
}

describe("authorization", () => {
  it("sends the token to the endpoint host only, not to another host or the same hostname on another port", async () => {
    const ok = (_q: unknown, res: import("node:http").ServerResponse) => sendJson(res, 200, {});
    const hub = await serve(ok);
    const cdn = await serve(ok, "127.0.0.2");
    const samehostOtherPort = await serve(ok);
    const c = client(hub.url);
    await (await c.request({ url: "/api/x" })).dump();
    await (await c.request({ url: `${cdn.url}/blob` })).dump();
    await (await c.request({ url: `${samehostOtherPort.url}/blob` })).dump();
    expect(hub.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(cdn.requests[0]?.headers.authorization).toBeUndefined();
    expect(samehostOtherPort.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("drops Authorization on a redirect to another host, and to the same hostname on another port", async () => {
    const cdn = await serve((_q, res) => sendJson(res, 200, { cdn: true }), "127.0.0.2");
    const other = await serve((_q, res) => sendJson(res, 200, { other: true }));
    const hub = await serve((req, res) => {
      res.statusCode = 302;
      res.setHeader("location", req.url === "/to-cdn" ? `${cdn.url}/file` : `${other.url}/file`);
      res.end();
    });
    const c = client(hub.url);
    const r1 = await c.request({ url: "/to-cdn", headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(await r1.json()).toEqual({ cdn: true });
    expect(r1.url).toBe(`${cdn.url}/file`);
    expect(r1.authSent).toBe(false);
    const r2 = await c.request({ url: "/to-other-port" });
    expect(await r2.json()).toEqual({ other: true });
    expect(hub.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(cdn.requests[0]?.headers.authorization).toBeUndefined();
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("keeps Authorization on a same-origin redirect, resolving a relative Location", async () => {
    const hub = await serve((req, res) => {
      if (req.url === "/acme/moved/resolve/main/config.json") {
        res.statusCode = 307;
        res.setHeader("location", "../../../tiny/resolve/main/config.json");
        res.end();
      } else sendJson(res, 200, { path: req.url });
    });
    const res = await client(hub.url).request({ url: "/acme/moved/resolve/main/config.json" });
    expect(await res.json()).toEqual({ path: "/acme/tiny/resolve/main/config.json" });
    expect(hub.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
  });

  it("auth: false sends no token even to the endpoint", async () => {
    const hub = await serve((_q, res) => sendJson(res, 200, {}));
    await (await client(hub.url).request({ url: "/oauth/device", method: "POST", auth: false })).dump();
    expect(hub.requests[0]?.headers.authorization).toBeUndefined();
  });
});

describe("redirects", () => {
  it("hub-only stops at the CDN 302 and returns it, without touching the CDN", async () => {
    const cdn = await serve((_q, res) => sendJson(res, 200, {}), "127.0.0.2");
    const hub = await serve((req, res) => {
      if (req.url?.startsWith("/acme/renamed/")) {
        res.statusCode = 307;
        res.setHeader("location", "/acme/tiny/resolve/main/model.safetensors");
        return res.end();
      }
      res.statusCode = 302;
      res.setHeader("location", `${cdn.url}/lfs/abc`);
      res.setHeader("x-repo-commit", "a".repeat(40));
      res.setHeader("x-linked-etag", '"abc"');
      res.end();
    });
    const res = await client(hub.url).request({
      method: "HEAD",
      url: "/acme/renamed/resolve/main/model.safetensors",
      redirect: "hub-only",
    });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${cdn.url}/lfs/abc`);
    expect(res.headers["x-linked-etag"]).toBe('"abc"');
    expect(res.url).toBe(`${hub.url}/acme/tiny/resolve/main/model.safetensors`);
    expect(hub.requests.length).toBe(2);
    expect(cdn.requests.length).toBe(0);
  });

  it("manual returns the first 3xx as is, and 3xx never throws", async () => {
    const hub = await serve((_q, res) => {
      res.statusCode = 301;
      res.setHeader("location", "/elsewhere");
      res.end();
    });
    const res = await client(hub.url).request({ url: "/x", redirect: "manual" });
    expect(res.status).toBe(301);
    expect(hub.requests.length).toBe(1);
  });

  it("303 turns a POST into a GET without the body", async () => {
    const hub = await serve((req, res) => {
      if (req.method === "POST") {
        res.statusCode = 303;
        res.setHeader("location", "/result");
        return res.end();
      }
      sendJson(res, 200, { method: req.method });
    });
    const res = await client(hub.url).request({ method: "POST", url: "/submit", json: { a: 1 } });
    expect(await res.json()).toEqual({ method: "GET" });
    expect(hub.requests[1]?.body).toBe("");
    expect(hub.requests[1]?.headers["content-type"]).toBeUndefined();
  });

  it("a redirect to a non-http scheme is refused, not followed", async () => {
    const hub = await serve((_q, res) => {
      res.statusCode = 302;
      res.setHeader("location", "file:///etc/passwd");
      res.end();
    });
    expect(await codeOf(client(hub.url).request({ url: "/x" }))).toBe("HF_HTTP_ERROR");
  });

  it("a redirect loop ends after 10 hops with an error", async () => {
    const hub = await serve((_q, res) => {
      res.statusCode = 302;
      res.setHeader("location", "/loop");
      res.end();
    });
    expect(await codeOf(client(hub.url).request({ url: "/loop" }))).toBe("HF_HTTP_ERROR");
    expect(hub.requests.length).toBe(11);
  });
});

describe("retries", () => {
  it("500 then 200 is retried", async () => {
    const hub = await serve((_q, res, _s, i) =>
      i === 0 ? sendJson(res, 500, { error: "boom" }) : sendJson(res, 200, { ok: 1 }),
    );
    const retries: number[] = [];
    const c = client(hub.url, { onRetry: (r) => retries.push(r.status ?? 0) });
    expect(await c.json({ url: "/api/models/acme/tiny" })).toEqual({ ok: 1 });
    expect(hub.requests.length).toBe(2);
    expect(retries).toEqual([500]);
  });

  it("429 with Retry-After: 1 waits about one second before retrying", async () => {
    const hub = await serve((_q, res, _s, i) =>
      i === 0 ? sendJson(res, 429, {}, { "retry-after": "1" }) : sendJson(res, 200, { ok: 1 }),
    );
    const t0 = performance.now();
    expect(await client(hub.url).json({ url: "/api/x" })).toEqual({ ok: 1 });
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(2500);
  });

  it("429 with RateLimit r=0;t=1 waits t seconds (and the padding Python adds)", async () => {
    const hub = await serve((_q, res, _s, i) =>
      i === 0 ? sendJson(res, 429, {}, { ratelimit: '"api";r=0;t=1' }) : sendJson(res, 200, { ok: 1 }),
    );
    const t0 = performance.now();
    await client(hub.url, { retry: { ...FAST, serverDelayPaddingMs: 200 } }).json({ url: "/api/x" });
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(1150);
    expect(waited).toBeLessThan(2700);
  });

  it("a 429 asking for longer than maxRetryAfterMs surfaces at once as HF_RATE_LIMITED", async () => {
    const hub = await serve((_q, res) => sendJson(res, 429, {}, { ratelimit: '"api";r=0;t=3600' }));
    const t0 = performance.now();
    const err = await client(hub.url)
      .request({ url: "/api/x" })
      .catch((e) => e);
    expect(err.code).toBe("HF_RATE_LIMITED");
    expect(err.retryAfterSeconds).toBe(3600);
    expect(hub.requests.length).toBe(1);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it("a connection reset before the headers is retried", async () => {
    const hub = await serve((req, res, _s, i) => {
      if (i === 0) req.socket.destroy();
      else sendJson(res, 200, { ok: 1 });
    });
    expect(await client(hub.url).json({ url: "/api/x" })).toEqual({ ok: 1 });
    expect(hub.requests.length).toBe(2);
  });

  it("a POST is not retried after a reset (it may have been applied)", async () => {
    const hub = await serve((req) => {
      req.socket.destroy();
    });
    expect(await codeOf(client(hub.url).request({ method: "POST", url: "/api/x", json: {} }))).toBe(
      "HF_NETWORK",
    );
    expect(hub.requests.length).toBe(1);
  });

  it("attempts are bounded: an endless 503 gives up after retries + 1 requests", async () => {
    const hub = await serve((_q, res) => sendJson(res, 503, { error: "down" }));
    const c = client(hub.url, { retry: { ...FAST, retries: 3 } });
    expect(await codeOf(c.request({ url: "/api/x" }))).toBe("HF_SERVER_ERROR");
    expect(hub.requests.length).toBe(4);
  });

  it("retry: false makes exactly one attempt", async () => {
    const hub = await serve((_q, res) => sendJson(res, 500, {}));
    expect(await codeOf(client(hub.url).request({ url: "/api/x", retry: false }))).toBe("HF_SERVER_ERROR");
    expect(hub.requests.length).toBe(1);
  });

  it("a refused connection fails fast with HF_NETWORK naming the endpoint", async () => {
    // Find a free port, then close it so nothing listens there.
    const probe: Server = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as import("node:net").AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const endpoint = `http://127.0.0.1:${port}`;
    const t0 = performance.now();
    const err = await client(endpoint, { retry: {} })
      .request({ url: "/api/whoami-v2" })
      .catch((e) => e);
    expect(err.code).toBe("HF_NETWORK");
    expect(err.message).toContain(endpoint);
    expect(err.message).toContain("ECONNREFUSED");
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});

describe("offline", () => {
  it("HF_HUB_OFFLINE makes zero requests and throws HF_OFFLINE", async () => {
    const hub = await serve((_q, res) => sendJson(res, 200, {}));
    const c = client(hub.url, {}, { HF_HUB_OFFLINE: "1" });
    expect(await codeOf(c.request({ url: "/api/whoami-v2" }))).toBe("HF_OFFLINE");
    expect(await codeOf(c.request({ url: `${hub.url}/acme/tiny/resolve/main/x`, method: "HEAD" }))).toBe(
      "HF_OFFLINE",
    );
    expect(hub.requests.length).toBe(0);
  });
});

describe("headers", () => {
  it("user agent carries hubkit and node, plus os/ only when telemetry is enabled; origin always", async () => {
    const hub = await serve((_q, res) => sendJson(res, 200, {}));
    await (
      await client(hub.url, { userAgent: "hf-cli/1.0" }, { HF_HUB_USER_AGENT_ORIGIN: "ci" }).request({
        url: "/a",
      })
    ).dump();
    await (
      await client(
        hub.url,
        { userAgent: "hf-cli/1.0; hf-cli/1.0" },
        { HF_HUB_DISABLE_TELEMETRY: "1", HF_HUB_USER_AGENT_ORIGIN: "ci" },
      ).request({
        url: "/b",
      })
    ).dump();
    const [withTelemetry, without] = hub.requests.map((r) => r.headers["user-agent"]);
    expect(withTelemetry).toMatch(/^hubkit\/[^;]+; node\/[\d.]+; os\/\w+; hf-cli\/1\.0; origin\/ci$/);
    expect(without).toMatch(/^hubkit\/[^;]+; node\/[\d.]+; hf-cli\/1\.0; origin\/ci$/);
  });

  it("sends X-Amzn-Trace-Id as a uuid, or the caller's X-Request-Id", async () => {
    const hub = await serve((_q, res) => sendJson(res, 200, {}));
    const c = client(hub.url);
    await (await c.request({ url: "/a" })).dump();
    await (await c.request({ url: "/b", headers: { "X-Request-Id": "mine-1" } })).dump();
    expect(hub.requests[0]?.headers["x-amzn-trace-id"]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(hub.requests[1]?.headers["x-amzn-trace-id"]).toBe("mine-1");
  });

  it("query values: booleans lower case, arrays repeated, undefined skipped", async () => {
    const hub = await serve((_q, res) => sendJson(res, 200, {}));
    await (
      await client(hub.url).request({
        url: "/api/t",
        query: { recursive: true, expand: false, p: ["a", "b"], skip: undefined },
      })
    ).dump();
    expect(hub.requests[0]?.url).toBe("/api/t?recursive=true&expand=false&p=a&p=b");
  });
});

describe("timeouts", () => {
  it("a body that stalls longer than bodyTimeoutMs errors with HF_TIMEOUT", async () => {
    const hub = await serve((_q, res) => {
      res.writeHead(200, { "content-length": "1000" });
      res.write("x".repeat(100));
      // ...and never the rest
    });
    const res = await client(hub.url).request({ url: "/big", bodyTimeoutMs: 200 });
    const t0 = performance.now();
    expect(await codeOf(res.text())).toBe("HF_TIMEOUT");
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("a stalled body read as a stream also errors with HF_TIMEOUT", async () => {
    const hub = await serve((_q, res) => {
      res.writeHead(200, { "content-length": "1000" });
      res.write("x".repeat(100));
    });
    const res = await client(hub.url).request({ url: "/big", bodyTimeoutMs: 200 });
    const consume = async () => {
      for await (const _ of res.body) {
        // drain
      }
    };
    expect(await codeOf(consume())).toBe("HF_TIMEOUT");
  });

  it("headers that never come time out with HF_TIMEOUT after timeoutMs (retried, bounded)", async () => {
    const hub = await serve(() => {
      // never answer
    });
    const t0 = performance.now();
    const c = client(hub.url, { retry: { ...FAST, retries: 1 } });
    expect(await codeOf(c.request({ url: "/slow", timeoutMs: 150 }))).toBe("HF_TIMEOUT");
    expect(hub.requests.length).toBe(2);
    // undici's header/body timers tick at ~0.5-1 s resolution: 150 ms means "within about a second".
    expect(performance.now() - t0).toBeLessThan(4000);
  });

  it("a request queued behind a connection limit is not timed out for waiting", async () => {
    const hub = await serve((req, res) => {
      if (req.url === "/fast") return sendJson(res, 200, { fast: true });
      res.writeHead(200, { "content-length": "12" });
      let n = 0;
      const tick = setInterval(() => {
        res.write("x");
        if (++n === 12) {
          clearInterval(tick);
          res.end();
        }
      }, 100);
    });
    const dispatcher = createDispatcher({ connections: 1 });
    try {
      const c = client(hub.url, { dispatcher });
      const slow = await c.request({ url: "/slow" });
      const slowText = slow.text();
      const fast = await c.json({ url: "/fast", timeoutMs: 300 });
      expect(fast).toEqual({ fast: true });
      expect(await slowText).toBe("x".repeat(12));
    } finally {
      await dispatcher.close();
    }
  });

  it("an abort signal ends the request with HF_ABORTED", async () => {
    const hub = await serve(() => {});
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    expect(await codeOf(client(hub.url).request({ url: "/slow", signal: ac.signal }))).toBe("HF_ABORTED");
  });
});

describe("abort and hooks", () => {
  it("aborting while the body streams ends the read with HF_ABORTED, not a network error", async () => {
    const hub = await serve((_q, res) => {
      res.writeHead(200, { "content-length": "1000" });
      res.write("x".repeat(10));
    });
    const ac = new AbortController();
    const res = await client(hub.url).request({ url: "/big", signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    expect(await codeOf(res.text())).toBe("HF_ABORTED");
  });

  it("onRequest sees every hop with its authenticated flag, never a header value", async () => {
    const cdn = await serve((_q, res) => sendJson(res, 200, {}), "127.0.0.2");
    const hub = await serve((_q, res) => {
      res.statusCode = 302;
      res.setHeader("location", `${cdn.url}/blob`);
      res.end();
    });
    const seen: unknown[] = [];
    const c = client(hub.url, {
      onRequest: ({ method, url, authenticated }) => seen.push({ method, url, authenticated }),
    });
    await (await c.request({ url: "/a/b/resolve/main/f" })).dump();
    expect(seen).toEqual([
      { method: "GET", url: `${hub.url}/a/b/resolve/main/f`, authenticated: true },
      { method: "GET", url: `${cdn.url}/blob`, authenticated: false },
    ]);
    expect(JSON.stringify(seen)).not.toContain(TOKEN);
  });

  it("config.httpHooks sees each request and its status too, with signed query values masked", async () => {
    const hub = await serve((_q, res) => sendJson(res, 200, {}));
    const seen: string[] = [];
    const c = client(hub.url);
    c.config.httpHooks = {
      onRequest: (r) => seen.push(`> ${r.method} ${r.url} ${r.authenticated}`),
      onResponse: (r) => seen.push(`< ${r.status} ${r.url}`),
    };
    await (await c.request({ url: "/a?X-Amz-Signature=s3cr3t&n=1" })).dump();
    expect(seen).toEqual([
      `> GET ${hub.url}/a?X-Amz-Signature=***&n=1 true`,
      `< 200 ${hub.url}/a?X-Amz-Signature=***&n=1`,
    ]);
  });
});

describe("server warnings", () => {
  it("X-HF-Warning reaches onServerWarning once per topic", async () => {
    const hub = await serve((_q, res) => {
      res.setHeader("x-hf-warning", ["deprecation; use v2 of this API", "plain message"]);
      sendJson(res, 200, {});
    });
    const got: string[] = [];
    const c = client(hub.url, { onServerWarning: (m, t) => got.push(`${t}|${m}`) });
    await (await c.request({ url: "/a" })).dump();
    await (await c.request({ url: "/a" })).dump();
    expect(got).toEqual(["deprecation|use v2 of this API", "|plain message"]);
  });
});

describe("errors", () => {
  it("maps a gated 403 to HF_GATED_REPO naming the repo, the token source and the access URL, never the token", async () => {
    const hub = await serve((_q, res) =>
      sendJson(
        res,
        403,
        { error: `Access restricted; you sent ${TOKEN}` },
        { "x-error-code": "GatedRepo", "x-request-id": "rid-7" },
      ),
    );
    const err = await client(hub.url)
      .request({ url: "/meta-llama/Llama-3.2-1B/resolve/main/config.json" })
      .catch((e) => e);
    expect(err.code).toBe("HF_GATED_REPO");
    expect(err.repoId).toBe("meta-llama/Llama-3.2-1B");
    expect(err.requestId).toBe("rid-7");
    expect(err.message).toContain("HF_TOKEN environment variable");
    expect(err.remedy).toBe(`${hub.url}/meta-llama/Llama-3.2-1B`);
    expect(JSON.stringify({ ...err, message: err.message, remedy: err.remedy })).not.toContain(TOKEN);
  });

  it("throwOnError: false returns the error response", async () => {
    const hub = await serve((_q, res) => sendJson(res, 404, {}, { "x-error-code": "EntryNotFound" }));
    const res = await client(hub.url).request({ url: "/a/b/resolve/main/x", throwOnError: false });
    expect(res.status).toBe(404);
    expect(res.headers["x-error-code"]).toBe("EntryNotFound");
  });

  it("a 401 from whoami with no token is HF_NOT_LOGGED_IN; with a token HF_AUTH_INVALID", async () => {
    const hub = await serve((_q, res) => sendJson(res, 401, { error: "Invalid username or password." }));
    const anon = client(hub.url, { token: undefined });
    expect(await codeOf(anon.request({ url: "/api/whoami-v2" }))).toBe("HF_NOT_LOGGED_IN");
    expect(await codeOf(client(hub.url).request({ url: "/api/whoami-v2" }))).toBe("HF_AUTH_INVALID");
  });
});

describe("proxy", () => {
  async function startProxy() {
    const lines: string[] = [];
    const proxy = await serve((req, res) => {
      lines.push(`${req.method} ${req.url}`);
      sendJson(res, 200, { viaProxy: true });
    });
    return { proxy, lines };
  }

  it("HTTP_PROXY in config.env (not process.env) receives the request in absolute form", async () => {
    const { proxy, lines } = await startProxy();
    const target = await serve((_q, res) => sendJson(res, 200, { direct: true }), "127.0.0.2");
    const c = client(target.url, {}, { HTTP_PROXY: proxy.url });
    expect(await c.json({ url: "/api/models/acme/tiny" })).toEqual({ viaProxy: true });
    expect(lines).toEqual([`GET ${target.url}/api/models/acme/tiny`]);
    expect(target.requests.length).toBe(0);
  });

  it("HTTPS_PROXY tunnels an https endpoint with CONNECT, without the Hub token in the CONNECT", async () => {
    const heads: string[] = [];
    const proxy: Server = createServer((sock) => {
      sock.once("data", (d) => {
        heads.push(d.toString("latin1"));
        sock.end("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
      });
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    try {
      const port = (proxy.address() as import("node:net").AddressInfo).port;
      const c = client(
        "https://127.0.0.2:8443",
        { retry: { retries: 0 } },
        { HTTPS_PROXY: `http://127.0.0.1:${port}` },
      );
      expect(await codeOf(c.request({ url: "/api/whoami-v2" }))).toBe("HF_NETWORK");
      expect(heads[0]).toMatch(/^CONNECT 127\.0\.0\.2:8443 HTTP\/1\.1\r\n/);
      expect(heads[0]).not.toContain(TOKEN);
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it("NO_PROXY bypasses the proxy", async () => {
    const { proxy, lines } = await startProxy();
    const target = await serve((_q, res) => sendJson(res, 200, { direct: true }), "127.0.0.2");
    const c = client(target.url, {}, { http_proxy: proxy.url, no_proxy: "127.0.0.2" });
    expect(await c.json({ url: "/api/x" })).toEqual({ direct: true });
    expect(lines).toEqual([]);
  });
});
