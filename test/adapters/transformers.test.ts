import { existsSync, promises as fsp } from "node:fs";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loginWithToken } from "../../src/auth/login.js";
import { clearTokenCache } from "../../src/auth/resolve-token.js";
import { readConfig } from "../../src/config/index.js";
import type { RequestLogEntry } from "../../src/server/index.js";
import { DEMO_TOKENS, useHubHome } from "../helpers/hub.js";
import { assertTransformersInstalled, type RunnerSpec, runTransformers } from "../helpers/transformers.js";

/**
 * transformers.js 4.3.2 (test/transformers-js, installed by pretest) loading from the local Hub
 * through `useHubkit(env)` from the built dist/transformers.js, one process per run, with ONLY a
 * saved login (no HF_TOKEN): hubkit's token, errors, cache, offline mode and revisions.
 */
const box = useHubHome("hubkit-tjs-");
const GATED = "meta-llama/Llama-3.2-1B";
const TINY = "acme/tiny-model";

beforeAll(() => {
  assertTransformersInstalled();
});

let tjsCache: string;
beforeEach(async () => {
  tjsCache = join(box.home, "transformers-cache");
  clearTokenCache();
});

/** `hf auth login` as `user`: the token file in the temp HF_HOME, nothing in the environment. */
async function login(user: "alice" | "bob"): Promise<void> {
  await loginWithToken(readConfig(box.env), DEMO_TOKENS[user]);
  box.hub.reset();
}

/** One program run with useHubkit; the Hub's request log is reset first. */
async function run(spec: Omit<RunnerSpec, "hubkit">, env: Record<string, string> = {}) {
  box.hub.reset();
  const r = await runTransformers({ hubkit: true, cacheDir: tjsCache, ...spec }, { ...box.env, ...env });
  return { ...r, requests: [...box.hub.requests] };
}

const resolveGets = (requests: RequestLogEntry[]) =>
  requests.filter((r) => r.method === "GET" && (r.server === "cdn" || r.path.includes("/resolve/")));
const shape = (requests: RequestLogEntry[]) => requests.map((r) => `${r.method} ${r.server} ${r.path}`);

describe("useHubkit: the saved login, the hub cache", () => {
  it("AutoConfig of the gated model with only the saved login; the token goes to the Hub only", async () => {
    await login("alice");
    const r = await run({ steps: [{ load: "config", model: GATED }] });
    expect(r.steps[0]).toMatchObject({ ok: true, result: { model_type: "llama" } });
    expect(r.version).toBe("4.3.2");
    const hub = r.requests.filter((q) => q.server === "hub");
    expect(hub.length).toBeGreaterThan(0);
    expect(hub.every((q) => q.authorization)).toBe(true);
    expect(r.requests.filter((q) => q.server === "cdn").every((q) => !q.authorization)).toBe(true);
    // The same cache as `hf download` and Python: blobs, snapshots, refs.
    const repo = join(readConfig(box.env).hubCache, "models--meta-llama--Llama-3.2-1B");
    const commit = await fsp.readFile(join(repo, "refs", "main"), "utf8");
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect((await fsp.lstat(join(repo, "snapshots", commit, "config.json"))).isSymbolicLink()).toBe(true);
    expect(existsSync(tjsCache)).toBe(false);
  });

  it("the second run downloads nothing: one HEAD for the revision", async () => {
    await login("alice");
    const first = await run({ steps: [{ load: "config", model: GATED }] });
    expect(resolveGets(first.requests).length).toBeGreaterThan(0);
    const second = await run({ steps: [{ load: "config", model: GATED }] });
    expect(second.steps[0]?.ok).toBe(true);
    expect(resolveGets(second.requests)).toEqual([]);
    expect(shape(second.requests)).toEqual([`HEAD hub /${GATED}/resolve/main/config.json`]);
  });

  it("HF_HUB_OFFLINE=1 sends no request and loads from the cache through refs/main", async () => {
    await login("alice");
    await run({ steps: [{ load: "config", model: GATED }] });
    const offline = await run({ steps: [{ load: "config", model: GATED }] }, { HF_HUB_OFFLINE: "1" });
    expect(offline.steps[0]).toMatchObject({ ok: true, result: { model_type: "llama" } });
    expect(offline.requests).toEqual([]);
  });

  it("offline with nothing cached: hubkit's LocalEntryNotFoundError with the way out, no request", async () => {
    const r = await run({ steps: [{ load: "config", model: TINY }] }, { HF_HUB_OFFLINE: "1" });
    expect(r.steps[0]?.error).toMatchObject({
      name: "LocalEntryNotFoundError",
      code: "HF_LOCAL_ENTRY_NOT_FOUND",
    });
    expect(r.steps[0]?.error?.remedy).toContain("unset HF_HUB_OFFLINE");
    expect(r.requests).toEqual([]);
  });

  it("bob (not granted) gets GatedRepoError with the access URL, his name and the token's source", async () => {
    await login("bob");
    const r = await run({ steps: [{ load: "config", model: GATED }] });
    const error = r.steps[0]?.error;
    expect(error).toMatchObject({
      name: "GatedRepoError",
      code: "HF_GATED_REPO",
      remedy: `${box.hub.url}/${GATED}`,
    });
    expect(error?.message).toContain(`request access at ${box.hub.url}/${GATED}`);
    expect(error?.message).toContain("user bob");
    expect(error?.message).toContain(join(box.env.HF_HOME as string, "token"));
    expect(error?.message).not.toMatch(/Unauthorized access to file/);
    expect(r.stderr).not.toContain(DEMO_TOKENS.bob);
  });

  it("a repo that does not exist is hubkit's RepoNotFoundError, not 'Unauthorized access to file'", async () => {
    const r = await run({ steps: [{ load: "config", model: "acme/no-such-model" }] });
    expect(r.steps[0]?.error).toMatchObject({ name: "RepoNotFoundError", code: "HF_REPO_NOT_FOUND" });
  });

  it("a branch, a tag and a commit, as transformers.js passes `revision`", async () => {
    const main = await run({ steps: [{ load: "config", model: TINY }] });
    expect(main.steps[0]?.ok).toBe(true);
    const repo = join(readConfig(box.env).hubCache, "models--acme--tiny-model");
    const mainCommit = await fsp.readFile(join(repo, "refs", "main"), "utf8");
    const r = await run({
      steps: [
        { load: "config", model: TINY, revision: "dev" },
        { load: "config", model: TINY, revision: "v1.0" },
        { load: "config", model: TINY, revision: mainCommit },
      ],
    });
    expect(r.steps.map((s) => s.ok)).toEqual([true, true, true]);
    const dev = await fsp.readFile(join(repo, "refs", "dev"), "utf8");
    const tag = await fsp.readFile(join(repo, "refs", "v1.0"), "utf8");
    expect(new Set([dev, tag, mainCommit]).size).toBe(3);
    for (const c of [dev, tag, mainCommit])
      expect(existsSync(join(repo, "snapshots", c, "config.json"))).toBe(true);
    // The pinned commit was already cached: no request for it at all.
    expect(r.requests.filter((q) => q.path.includes(mainCommit))).toEqual([]);
    expect(shape(r.requests).filter((s) => s.startsWith("HEAD"))).toEqual([
      `HEAD hub /${TINY}/resolve/dev/config.json`,
      `HEAD hub /${TINY}/resolve/v1.0/config.json`,
    ]);
  });

  it("progress_callback gets transformers.js's own events for what hubkit downloads", async () => {
    const r = await run({ progress: true, steps: [{ load: "config", model: TINY }] });
    const events = r.progress.map((e) => `${e.status} ${e.file ?? ""}`);
    expect(events).toEqual([
      "initiate config.json",
      "download config.json",
      "progress config.json",
      "done config.json",
    ]);
    const size = (await fsp.stat(join(readConfig(box.env).hubCache, "models--acme--tiny-model", "snapshots")))
      .size;
    expect(size).toBeGreaterThan(0);
    expect(r.progress[2]).toMatchObject({ name: TINY, progress: 100 });
    expect(r.progress[2]?.total).toBeGreaterThan(0);
  });

  it("env.fetch for other URLs: the token only for the endpoint's origin, never the CDN", async () => {
    await login("alice");
    const r = await run({
      steps: [
        { load: "fetch", url: `${box.hub.url}/api/whoami-v2` },
        { load: "fetch", url: `${box.hub.cdnUrl.replace(/\/$/, "")}/some/file` },
      ],
    });
    expect(r.steps.map((s) => s.result?.status)).toEqual([200, 404]);
    expect(r.requests.map((q) => [q.server, q.authorization])).toEqual([
      ["hub", true],
      ["cdn", false],
    ]);
  });
});
