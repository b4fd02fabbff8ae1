import { existsSync, promises as fsp } from "node:fs";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loginWithToken } from "../../src/auth/login.js";
import { clearTokenCache } from "../../src/auth/resolve-token.js";
import { readConfig } from "../../src/config/index.js";
import { DEMO_HIDDEN_SIZE, type RequestLogEntry } from "../../src/server/index.js";
import { runPythonJson } from "../helpers/cli.js";
import { DEMO_TOKENS, useHubHome } from "../helpers/hub.js";
import { assertTransformersInstalled, type RunnerSpec, runTransformers } from "../helpers/transformers.js";
import { embeddingModel } from "../transformers-js/make-onnx.mjs";

/**
 * transformers.js 4.3.2 (test/transformers-js, installed by pretest) loading from the local Hub
 * through `useHubkit(env)` from the built dist/transformers.js, one process per run, with ONLY a
 * saved login (no HF_TOKEN): hubkit's token, errors, cache, offline mode and revisions.
 */
const box = useHubHome("hubkit-tjs-");
const GATED = "meta-llama/Llama-3.2-1B";
const TINY = "acme/tiny-model";
/** A causal LM added below: external-data weights (2.4 MB) and no generation_config.json (optional). */
const DECODER = "acme/tiny-decoder";
const SENTENCE = "Hello, world! The tiny model runs offline.";
// What Python transformers' tokenizer gives for SENTENCE (test/interop/loaders-python.test.ts).
const IDS = [2, 260, 16, 261, 5, 119, 215, 244, 243, 109, 196, 115, 18, 3];
const LOAD_ALL = (model: string): RunnerSpec["steps"] => [
  { load: "tokenizer", model, input: SENTENCE },
  { load: "config", model },
  { load: "pipeline", model, input: SENTENCE },
];

beforeAll(() => {
  assertTransformersInstalled();
  const files: Record<string, { content?: string; base64?: string; lfs?: boolean }> = {
    "config.json": {
      content: JSON.stringify({ model_type: "gpt2", vocab_size: 294, n_embd: 8, n_head: 2, n_layer: 1 }),
    },
  };
  for (const [path, bytes] of Object.entries(embeddingModel({ vocab: 294, hidden: 2048, external: true }))) {
    files[path] = { base64: bytes.toString("base64"), lfs: true };
  }
  box.hub.addRepo({
    id: DECODER,
    commits: [{ files }, { files: { "README.md": { content: "v2\n" } } }],
    pullRequests: { "1": 0 },
  });
});

let tjsCache: string;
beforeEach(() => {
  tjsCache = join(box.home, "transformers-cache");
  clearTokenCache();
});

/** `hf auth login` as `user`: the token file in the temp HF_HOME, nothing in the environment. */
async function login(user: "alice" | "bob"): Promise<void> {
  await loginWithToken({ config: readConfig(box.env), token: DEMO_TOKENS[user] });
  box.hub.reset();
}

/** One program run with useHubkit; the Hub's request log is reset first. */
async function run(spec: Omit<RunnerSpec, "hubkit">, env: Record<string, string> = {}) {
  box.hub.reset();
  const r = await runTransformers({ hubkit: true, cacheDir: tjsCache, ...spec }, { ...box.env, ...env });
  return { ...r, requests: [...box.hub.requests] };
}

const fileGets = (requests: RequestLogEntry[]) =>
  requests.filter((r) => r.method === "GET" && (r.server === "cdn" || r.path.includes("/resolve/")));
const shape = (requests: RequestLogEntry[]) => requests.map((r) => `${r.method} ${r.server} ${r.path}`);
const repoDir = (repo: string) => join(readConfig(box.env).hubCache, `models--${repo.replace("/", "--")}`);

describe("useHubkit: the saved login, the hub cache", () => {
  it("AutoTokenizer, AutoConfig and a feature-extraction pipeline on the gated model with only the saved login", async () => {
    await login("alice");
    const r = await run({ steps: LOAD_ALL(GATED) });
    expect(r.steps.map((s) => s.error)).toEqual([undefined, undefined, undefined]);
    expect(r.steps.map((s) => s.result)).toEqual([
      { ids: IDS },
      { model_type: "bert", hidden_size: DEMO_HIDDEN_SIZE },
      { dims: [1, IDS.length, DEMO_HIDDEN_SIZE] },
    ]);
    expect(r.version).toBe("4.3.2");
    // The token went to the Hub with every request, and never to the CDN that served the ONNX file.
    const hub = r.requests.filter((q) => q.server === "hub");
    const cdn = r.requests.filter((q) => q.server === "cdn");
    expect(hub.every((q) => q.authorization)).toBe(true);
    expect(cdn.length).toBeGreaterThan(0);
    expect(cdn.every((q) => !q.authorization)).toBe(true);
    // The same cache as `hf download` and Python: blobs, snapshots, refs.
    const repo = repoDir(GATED);
    const commit = await fsp.readFile(join(repo, "refs", "main"), "utf8");
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    for (const f of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]) {
      expect((await fsp.lstat(join(repo, "snapshots", commit, f))).isSymbolicLink(), f).toBe(true);
    }
    // Nothing in transformers.js's own cache folder.
    expect(existsSync(tjsCache)).toBe(false);
  });

  it("the second run downloads nothing: one HEAD, for the revision", async () => {
    await login("alice");
    const first = await run({ steps: LOAD_ALL(GATED) });
    expect(fileGets(first.requests).length).toBeGreaterThanOrEqual(4);
    const second = await run({ steps: LOAD_ALL(GATED) });
    expect(second.steps.every((s) => s.ok)).toBe(true);
    expect(fileGets(second.requests)).toEqual([]);
    expect(shape(second.requests)).toEqual([`HEAD hub /${GATED}/resolve/main/tokenizer_config.json`]);
  });

  it("HF_HUB_OFFLINE=1: no request at all, everything from the cache through refs/main", async () => {
    await login("alice");
    await run({ steps: LOAD_ALL(GATED) });
    const offline = await run({ steps: LOAD_ALL(GATED) }, { HF_HUB_OFFLINE: "1" });
    expect(offline.steps.map((s) => s.error)).toEqual([undefined, undefined, undefined]);
    expect(offline.steps[0]?.result).toEqual({ ids: IDS });
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
    const r = await run({ steps: LOAD_ALL(GATED) });
    for (const step of r.steps) {
      const error = step.error;
      expect(error).toMatchObject({
        name: "GatedRepoError",
        code: "HF_GATED_REPO",
        remedy: `${box.hub.url}/${GATED}`,
      });
      expect(error?.message).toContain(`request access at ${box.hub.url}/${GATED}`);
      expect(error?.message).toContain("user bob");
      expect(error?.message).toContain(join(box.env.HF_HOME as string, "token"));
      expect(error?.message).not.toMatch(/Unauthorized access to file/);
    }
    expect(r.stderr).not.toContain(DEMO_TOKENS.bob);
    expect(fileGets(r.requests)).toEqual([]);
  });

  it("a rejected saved token is AuthInvalidError naming the token file, not 'Unauthorized access to file'", async () => {
    const tokenPath = join(box.env.HF_HOME as string, "token");
    await fsp.mkdir(box.env.HF_HOME as string, { recursive: true });
    await fsp.writeFile(tokenPath, "hf_revokedToken000000000000000000000000");
    const r = await run({ steps: [{ load: "config", model: TINY }] });
    expect(r.steps[0]?.error).toMatchObject({ name: "AuthInvalidError", code: "HF_AUTH_INVALID" });
    expect(r.steps[0]?.error?.message).toContain(`The token from token file ${tokenPath} was rejected`);
    expect(r.stderr).not.toContain("hf_revokedToken");
  });

  it("not logged in: the gated model says to log in; a missing repo is RepoNotFoundError", async () => {
    const r = await run({
      steps: [
        { load: "config", model: GATED },
        { load: "config", model: "acme/no-such-model" },
      ],
    });
    expect(r.steps[0]?.error).toMatchObject({ code: "HF_GATED_REPO" });
    // Library words: a transformers.js program has no CLI flags to pass.
    expect(r.steps[0]?.error?.remedy).toContain("save a login with loginWithToken()");
    expect(r.steps[1]?.error).toMatchObject({ name: "RepoNotFoundError", code: "HF_REPO_NOT_FOUND" });
  });

  it("a branch, a tag and a commit, as transformers.js passes `revision`", async () => {
    const main = await run({ steps: [{ load: "config", model: TINY }] });
    expect(main.steps[0]?.ok).toBe(true);
    const repo = repoDir(TINY);
    const mainCommit = await fsp.readFile(join(repo, "refs", "main"), "utf8");
    const r = await run({
      steps: [
        { load: "config", model: TINY, revision: "v1.0" },
        { load: "pipeline", model: TINY, revision: "dev" },
        { load: "config", model: TINY, revision: mainCommit },
      ],
    });
    expect(r.steps.map((s) => s.error)).toEqual([undefined, undefined, undefined]);
    const dev = await fsp.readFile(join(repo, "refs", "dev"), "utf8");
    const tag = await fsp.readFile(join(repo, "refs", "v1.0"), "utf8");
    expect(new Set([dev, tag, mainCommit]).size).toBe(3);
    expect(existsSync(join(repo, "snapshots", tag, "config.json"))).toBe(true);
    expect(existsSync(join(repo, "snapshots", dev, "onnx", "model.onnx"))).toBe(true);
    // The pinned commit was already cached: no request for it at all.
    expect(r.requests.filter((q) => q.path.includes(mainCommit))).toEqual([]);
    expect(shape(r.requests)).toContain(`HEAD hub /${TINY}/resolve/v1.0/config.json`);
    expect(shape(r.requests)).toContain(`HEAD hub /${TINY}/resolve/dev/config.json`);
  });

  it("a pull-request revision (refs/pr/1), URL-encoded by transformers.js, lands under refs/refs/pr/1", async () => {
    const r = await run({ steps: [{ load: "config", model: DECODER, revision: "refs/pr/1" }] });
    expect(r.steps[0]).toMatchObject({ ok: true, result: { model_type: "gpt2" } });
    expect(shape(r.requests)[0]).toBe(`HEAD hub /${DECODER}/resolve/refs%2Fpr%2F1/config.json`);
    const pr = await fsp.readFile(join(repoDir(DECODER), "refs", "refs", "pr", "1"), "utf8");
    expect(existsSync(join(repoDir(DECODER), "snapshots", pr, "config.json"))).toBe(true);
    const offline = await run(
      { steps: [{ load: "config", model: DECODER, revision: "refs/pr/1" }] },
      { HF_HUB_OFFLINE: "1" },
    );
    expect(offline.steps[0]?.ok).toBe(true);
    expect(offline.requests).toEqual([]);
  });

  it("an optional file that is absent is remembered in .no_exist/ and not asked for again", async () => {
    const first = await run({ steps: [{ load: "model", model: DECODER, external: true }] });
    expect(first.steps[0]).toMatchObject({ ok: true, result: { inputs: ["input_ids"] } });
    const probes = (requests: RequestLogEntry[]) =>
      requests.filter((q) => q.path.includes("generation_config.json"));
    expect(probes(first.requests).map((q) => q.status)).toEqual([404]);
    const commit = await fsp.readFile(join(repoDir(DECODER), "refs", "main"), "utf8");
    expect(existsSync(join(repoDir(DECODER), ".no_exist", commit, "generation_config.json"))).toBe(true);
    const second = await run({ steps: [{ load: "model", model: DECODER, external: true }] });
    expect(second.steps[0]?.ok).toBe(true);
    expect(probes(second.requests)).toEqual([]);
    expect(shape(second.requests)).toEqual([`HEAD hub /${DECODER}/resolve/main/config.json`]);
    const offline = await run(
      { steps: [{ load: "model", model: DECODER, external: true }] },
      { HF_HUB_OFFLINE: "1" },
    );
    expect(offline.steps[0]?.ok).toBe(true);
    expect(offline.requests).toEqual([]);
  });

  it("weights and their external data are loaded by ONNX Runtime from the snapshot, with progress events", async () => {
    const r = await run({ progress: true, steps: [{ load: "model", model: DECODER, external: true }] });
    expect(r.steps[0]?.ok).toBe(true);
    const commit = await fsp.readFile(join(repoDir(DECODER), "refs", "main"), "utf8");
    const data = join(repoDir(DECODER), "snapshots", commit, "onnx", "model.onnx_data");
    const size = (await fsp.stat(data)).size;
    expect(size).toBe(294 * 2048 * 4);
    // transformers.js's own event shape (hub.js:220-228), fed by hubkit's download of the file.
    const events = r.progress.filter((e) => e.file === "onnx/model.onnx_data" && e.status === "progress");
    expect(events.length).toBeGreaterThan(1);
    expect(events[0]).toMatchObject({
      status: "progress",
      name: DECODER,
      file: "onnx/model.onnx_data",
      total: size,
    });
    expect(events.at(-1)).toMatchObject({ progress: 100, loaded: size, total: size });
    const loaded = events.map((e) => e.loaded as number);
    expect([...loaded].sort((a, b) => a - b)).toEqual(loaded);
    expect(r.progress.filter((e) => e.file === "onnx/model.onnx_data").map((e) => e.status)).toContain(
      "done",
    );
    expect(existsSync(tjsCache)).toBe(false);
  });

  it("progress_callback gets transformers.js's own events for the text files too", async () => {
    const r = await run({ progress: true, steps: [{ load: "config", model: TINY }] });
    expect(r.progress.map((e) => `${e.status} ${e.file ?? ""}`)).toEqual([
      "initiate config.json",
      "download config.json",
      "progress config.json",
      "done config.json",
    ]);
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

describe("one cache with Python (transformers 5.x over huggingface_hub 1.33)", () => {
  const python = (code: string, env: Record<string, string>) =>
    runPythonJson(code, {
      env: { ...box.env, HF_HUB_DISABLE_TELEMETRY: "1", HF_HUB_DISABLE_PROGRESS_BARS: "1", ...env },
      timeoutMs: 90_000,
    });
  const PY_LOAD = `
from transformers import AutoConfig, AutoTokenizer
tok = AutoTokenizer.from_pretrained(${JSON.stringify(GATED)})
cfg = AutoConfig.from_pretrained(${JSON.stringify(GATED)})
print(json.dumps({"ids": tok(${JSON.stringify(SENTENCE)})["input_ids"], "model_type": cfg.model_type}))`;

  it("Python's AutoTokenizer and AutoConfig load OFFLINE from the cache useHubkit filled", async () => {
    await login("alice");
    const filled = await run({ steps: LOAD_ALL(GATED) });
    expect(filled.steps.every((s) => s.ok)).toBe(true);
    box.hub.reset();
    expect(await python(PY_LOAD, { HF_HUB_OFFLINE: "1" })).toEqual({ ids: IDS, model_type: "bert" });
    expect(box.hub.requests).toEqual([]);
  });

  it("transformers.js loads OFFLINE from the cache Python filled", async () => {
    await login("alice");
    expect(await python(PY_LOAD, {})).toEqual({ ids: IDS, model_type: "bert" });
    const r = await run(
      {
        steps: [
          { load: "tokenizer", model: GATED, input: SENTENCE },
          { load: "config", model: GATED },
        ],
      },
      { HF_HUB_OFFLINE: "1" },
    );
    expect(r.steps.map((s) => s.error)).toEqual([undefined, undefined]);
    expect(r.steps.map((s) => s.result)).toEqual([
      { ids: IDS },
      { model_type: "bert", hidden_size: DEMO_HIDDEN_SIZE },
    ]);
    expect(r.requests).toEqual([]);
  });
});
