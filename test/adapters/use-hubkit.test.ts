import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { FetchLike, TransformersEnv } from "../../src/adapters/transformers/index.js";
import { TESTED_TRANSFORMERS_VERSIONS, useHubkit } from "../../src/adapters/transformers/index.js";
import { readConfig } from "../../src/config/index.js";
import { useHubHome } from "../helpers/hub.js";

/** useHubkit on a plain object shaped like transformers.js's `env` (no transformers.js needed). */
const box = useHubHome("hubkit-use-hubkit-");

const originalFetch: FetchLike = () => Promise.resolve(new Response("original"));
function plainEnv(version = "4.3.2"): TransformersEnv {
  return {
    version,
    remoteHost: "https://huggingface.co/",
    remotePathTemplate: "{model}/resolve/{revision}/",
    useCustomCache: false,
    customCache: null,
    fetch: originalFetch,
  };
}
type Cache = {
  match(k: string): Promise<unknown>;
  put(k: string, r: Response, p?: (d: object) => void): Promise<void>;
};

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe("useHubkit(env)", () => {
  it("reads process.env when called, not when imported; restore() puts env back", () => {
    process.env.HF_ENDPOINT = `${box.hub.url}/`;
    process.env.HF_HOME = box.env.HF_HOME;
    const env = plainEnv();
    const handle = useHubkit(env);
    expect(env.remoteHost).toBe(`${box.hub.url}/`);
    expect(handle.config.hubCache).toBe(readConfig(box.env).hubCache);
    expect(env.useCustomCache).toBe(true);
    expect(env.fetch).not.toBe(originalFetch);
    handle.restore();
    expect(env).toEqual(plainEnv());
  });

  it("refuses transformers.js 3.x, warns for a major it was not tested with", () => {
    expect(() => useHubkit(plainEnv("3.7.1"))).toThrow(/needs @huggingface\/transformers 4.x/);
    const warnings: string[] = [];
    useHubkit(plainEnv("5.0.0"), { config: readConfig(box.env), onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      `hubkit/transformers is tested with @huggingface/transformers ${TESTED_TRANSFORMERS_VERSIONS.join(", ")}; 5.0.0 may load files differently.`,
    ]);
  });

  it("match: nothing for other URLs or before a download; a Response for JSON, a path for ONNX weights", async () => {
    const env = plainEnv();
    useHubkit(env, { config: readConfig(box.env) });
    const cache = env.customCache as Cache;
    const base = `${box.hub.url}/acme/tiny-model/resolve/main`;
    expect(await cache.match(`${base}/config.json`)).toBeUndefined();
    expect(await cache.match("/models/acme/tiny-model/config.json")).toBeUndefined();
    expect(await cache.match("https://example.com/acme/tiny-model/resolve/main/config.json")).toBeUndefined();
    box.hub.reset();
    // What transformers.js does on a miss: fetch, then put (weights) or read the body (the rest).
    const json = (await env.fetch?.(`${base}/config.json`)) as Response;
    expect(JSON.parse(await json.text()).model_type).toBe("bert");
    const weights = (await env.fetch?.(`${base}/onnx/model.onnx`)) as Response;
    expect(weights.status).toBe(200);
    // Nothing fetched for the weights until put (transformers.js does not read that body).
    expect(box.hub.requests.filter((r) => r.path.includes("model.onnx"))).toEqual([]);
    const progress: object[] = [];
    await cache.put(`${base}/onnx/model.onnx`, weights, (d) => progress.push(d));
    expect(weights.headers.get("content-length")).toMatch(/^\d+$/);
    expect(progress.at(-1)).toMatchObject({ progress: 100 });
    const hitJson = await cache.match(`${base}/config.json`);
    expect(hitJson).toBeInstanceOf(Response);
    expect(((await (hitJson as Response).json()) as { model_type: string }).model_type).toBe("bert");
    const hitWeights = await cache.match(`${base}/onnx/model.onnx`);
    expect(typeof hitWeights).toBe("string");
    expect(hitWeights as string).toContain("/snapshots/");
    expect(existsSync(hitWeights as string)).toBe(true);
  });

  it("a probe (Range: bytes=0-0) is answered with the size and downloads nothing; a missing file is a 404", async () => {
    const env = plainEnv();
    useHubkit(env, { config: readConfig(box.env) });
    const base = `${box.hub.url}/acme/tiny-model/resolve/main`;
    box.hub.reset();
    const probe = (await env.fetch?.(`${base}/onnx/model.onnx`, {
      headers: { Range: "bytes=0-0" },
    })) as Response;
    expect(probe.status).toBe(206);
    expect(probe.headers.get("content-range")).toMatch(/^bytes 0-0\/\d+$/);
    expect(box.hub.requests.map((r) => `${r.method} ${r.server}`)).toEqual(["HEAD hub"]);
    const missing = (await env.fetch?.(`${base}/nope.json`)) as Response;
    expect(missing.status).toBe(404);
  });
});
