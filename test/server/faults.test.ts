import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { DEMO_MODEL_SIZE, parseFaultSpec } from "../../src/server/index.js";
import { get, type HubServer, raw, startHub } from "../helpers/hub.js";

let hub: HubServer;
const CONFIG = "/acme/tiny-model/resolve/main/config.json";
const MODEL = "/acme/tiny-model/resolve/main/model.safetensors";

beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub.close());
beforeEach(() => hub.reset());

async function cdnLocation(): Promise<string> {
  const head = await get(hub.url + MODEL, { method: "HEAD" });
  return head.headers.get("location") as string;
}

test("500 once, then the normal answer; `times` counts the hits", async () => {
  hub.fault({ path: CONFIG, kind: "500" });
  expect((await get(hub.url + CONFIG, { method: "HEAD" })).status).toBe(500);
  expect((await get(hub.url + CONFIG, { method: "HEAD" })).status).toBe(200);
  hub.fault({ path: /config\.json$/, kind: "500", times: 2 });
  expect((await get(hub.url + CONFIG)).status).toBe(500);
  expect((await get(hub.url + CONFIG)).status).toBe(500);
  expect((await get(hub.url + CONFIG)).status).toBe(200);
});

test("429 with Retry-After and a RateLimit header", async () => {
  hub.fault({ path: "/api/models/acme/tiny-model", kind: "429", retryAfter: 7 });
  const res = await get(`${hub.url}/api/models/acme/tiny-model`);
  expect(res.status).toBe(429);
  expect(res.headers.get("retry-after")).toBe("7");
  expect(res.headers.get("ratelimit")).toBe('"api";r=0;t=7');
  expect((await get(`${hub.url}/api/models/acme/tiny-model`)).status).toBe(200);
});

test("reset mid-body: the connection drops after afterBytes, HEAD does not consume it", async () => {
  hub.fault({ path: CONFIG, kind: "reset", afterBytes: 10 });
  expect((await raw(hub.url, CONFIG, { method: "HEAD" })).status).toBe(200);
  const cut = await raw(hub.url, CONFIG);
  expect(cut.aborted).toBe(true);
  expect(cut.body.length).toBe(10);
  const ok = await raw(hub.url, CONFIG);
  expect(ok.aborted).toBe(false);
});

test("a body fault on an LFS resolve path applies to the CDN download it redirects to", async () => {
  hub.fault({ path: MODEL, kind: "reset", afterBytes: 65536 });
  const loc = new URL(await cdnLocation());
  const cut = await raw(hub.cdnUrl, loc.pathname + loc.search);
  expect(cut.aborted).toBe(true);
  expect(cut.body.length).toBe(65536);
  const again = await raw(hub.cdnUrl, loc.pathname + loc.search);
  expect(again.body.length).toBe(DEMO_MODEL_SIZE);
  // Several read chunks before the cut (file streamed in 256 KiB pieces).
  hub.fault({ path: MODEL, kind: "reset", afterBytes: 3_000_000 });
  const late = await raw(hub.cdnUrl, loc.pathname + loc.search);
  expect([late.aborted, late.body.length]).toEqual([true, 3_000_000]);
  hub.fault({ path: MODEL, kind: "stall", afterBytes: 1_000_000 });
  await expect(raw(hub.cdnUrl, loc.pathname + loc.search, { timeoutMs: 400 })).rejects.toThrow(/timed out/);
});

test("ignore-range: a 200 with the whole body to a Range request", async () => {
  const loc = await cdnLocation();
  hub.fault({ path: /^\/repos\//, kind: "ignore-range" });
  const res = await get(loc, { headers: { Range: "bytes=100-" } });
  expect(res.status).toBe(200);
  expect((await res.arrayBuffer()).byteLength).toBe(DEMO_MODEL_SIZE);
  expect((await get(loc, { headers: { Range: "bytes=100-" } })).status).toBe(206);
});

test("slow: the body is throttled", async () => {
  hub.fault({ path: CONFIG, kind: "slow", bytesPerSecond: 400 });
  const started = Date.now();
  const res = await raw(hub.url, CONFIG);
  expect(res.body.length).toBeGreaterThan(100);
  // ~137 bytes at 400 B/s in 40-byte ticks: at least 300 ms.
  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
});

test("stall: headers arrive, then nothing until the client gives up", async () => {
  hub.fault({ path: CONFIG, kind: "stall", afterBytes: 5 });
  const started = Date.now();
  await expect(raw(hub.url, CONFIG, { timeoutMs: 500 })).rejects.toThrow(/timed out/);
  expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  expect(hub.requests.at(-1)?.status).toBe(200);
});

test("reset() clears faults and the log", async () => {
  hub.fault({ path: CONFIG, kind: "500" });
  await get(`${hub.url}/x`);
  hub.reset();
  expect(hub.requests).toEqual([]);
  expect(hub.unknownRoutes).toEqual([]);
  expect((await get(hub.url + CONFIG)).status).toBe(200);
});

test("parseFaultSpec reads the CLI's KIND[xN]:PATH", () => {
  expect(parseFaultSpec("500:/a/b")).toEqual({ kind: "500", path: "/a/b", times: 1 });
  expect(parseFaultSpec("429x3:/api/x")).toEqual({ kind: "429", path: "/api/x", times: 3 });
  expect(parseFaultSpec("boom:/x")).toBeUndefined();
  expect(parseFaultSpec("500:relative")).toBeUndefined();
});
