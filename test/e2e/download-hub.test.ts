import { createHash } from "node:crypto";
import { promises as fsp } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/index.js";
import { downloadFile } from "../../src/download/download-file.js";
import { snapshotDownload } from "../../src/download/snapshot-download.js";
import { createHubServer, DEMO_TOKENS, type HubServer } from "../../src/server/index.js";
import { runProcess } from "../helpers/cli.js";
import { privateCli } from "./private-cli.js";

/** Downloads against the local Hub (`createHubServer`, demo fixture), the library and the CLI. */
let hub: HubServer;
let home: string;
let cli: string;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const cfg = (extra: Record<string, string> = {}) =>
  readConfig({ HF_HOME: home, HF_ENDPOINT: hub.url, HF_HUB_DOWNLOAD_TIMEOUT: "2", ...extra });
const model = () => join(home, "hub", "models--acme--tiny-model");
const fast = { retry: { baseDelayMs: 20 } };

beforeAll(async () => {
  hub = await createHubServer({ demo: true });
  cli = await privateCli();
});
afterAll(async () => hub.close());
beforeEach(async () => {
  home = await fsp.mkdtemp(join(tmpdir(), "hubkit-e2e-dl-"));
  hub.reset();
});
afterEach(async () => fsp.rm(home, { recursive: true, force: true }));

function hf(args: string[], env: Record<string, string> = {}) {
  return runProcess(process.execPath, [cli, ...args], {
    env: { HF_HOME: home, HF_ENDPOINT: hub.url, HF_HUB_DISABLE_PROGRESS_BARS: "1", ...env },
    timeoutMs: 30_000,
  });
}

describe("downloads from the local Hub", () => {
  it("single file, snapshot, include/exclude; the CDN never gets Authorization; second run is one request", async () => {
    const config = cfg({ HF_TOKEN: DEMO_TOKENS.alice });
    const p = await downloadFile({ repoId: "acme/tiny-model", filename: "model.safetensors", config });
    const content = await fsp.readFile(p);
    expect((await fsp.readlink(p)).startsWith("../../blobs/")).toBe(true);
    expect(sha(content)).toBe((await fsp.readlink(p)).split("/").pop());
    const s = await snapshotDownload({
      repoId: "acme/tiny-model",
      include: ["*.json", "subdir/"],
      exclude: "tokenizer*",
      config,
    });
    expect(s.files.sort()).toEqual(["config.json", "special_tokens_map.json", "subdir/nested.txt"]);
    const cdn = hub.requests.filter((r) => r.host.startsWith("127.0.0.2"));
    expect(cdn.length).toBeGreaterThan(0);
    expect(cdn.every((r) => !r.authorization)).toBe(true);
    await snapshotDownload({ repoId: "acme/tiny-model", config });
    hub.reset();
    await snapshotDownload({ repoId: "acme/tiny-model", config });
    expect(hub.requests.length).toBe(1);
    hub.reset();
    const off = await snapshotDownload({ repoId: "acme/tiny-model", config: cfg({ HF_HUB_OFFLINE: "1" }) });
    expect(off.path).toBe(s.path);
    expect(hub.requests).toEqual([]);
  });

  it("the README's shell examples work as written", async () => {
    const lines = [
      "download acme/tiny-model",
      "download acme/tiny-model config.json",
      "download acme/tiny-model --include *.json --exclude tokenizer*",
      "download acme/tiny-dataset --repo-type dataset",
      "download acme/tiny-model --revision v1.0",
      "download acme/tiny-model --local-dir ./tiny",
      "download acme/tiny-model --dry-run",
      "download -q acme/tiny-model",
    ];
    for (const line of lines) {
      const r = await runProcess(process.execPath, [cli, ...line.split(" ")], {
        env: { HF_HOME: home, HF_ENDPOINT: hub.url, HF_HUB_DISABLE_PROGRESS_BARS: "1" },
        cwd: home,
        timeoutMs: 30_000,
      });
      expect([line, r.code, r.stderr]).toEqual([line, 0, ""]);
    }
    await fsp.stat(join(home, "tiny", "config.json"));
  });

  it("the README's library example works as written", async () => {
    const config = cfg();
    const path = await downloadFile({ repoId: "acme/tiny-model", filename: "config.json", config });
    let dots = 0;
    const { path: folder, commit } = await snapshotDownload({
      repoId: "acme/tiny-model",
      include: ["*.json"],
      config,
      onProgress: (e) => e.type === "bytes" && dots++,
    });
    expect(path).toBe(join(folder, "config.json"));
    expect(folder.endsWith(commit)).toBe(true);
    expect(dots).toBeGreaterThan(0);
  });

  it("branch, tag and commit revisions land in the snapshot of the resolved commit", async () => {
    const config = cfg();
    const dev = await snapshotDownload({ repoId: "acme/tiny-model", revision: "dev", config, token: false });
    const tag = await snapshotDownload({ repoId: "acme/tiny-model", revision: "v1.0", config, token: false });
    expect(dev.commit).not.toBe(tag.commit);
    expect(await fsp.readFile(join(model(), "refs", "dev"), "utf8")).toBe(dev.commit);
    expect(await fsp.readFile(join(model(), "refs", "v1.0"), "utf8")).toBe(tag.commit);
    await expect(fsp.stat(join(tag.path, "tokenizer.json"))).rejects.toThrow();
    hub.reset();
    const pinned = await downloadFile({
      repoId: "acme/tiny-model",
      filename: "config.json",
      revision: tag.commit,
      config,
      token: false,
    });
    expect(pinned).toBe(join(tag.path, "config.json"));
    expect(hub.requests).toEqual([]);
  });

  it("gated: alice downloads, bob gets a request-access error naming his token source and user", async () => {
    const r1 = await hf(["download", "meta-llama/Llama-3.2-1B", "config.json"], {
      HF_TOKEN: DEMO_TOKENS.alice,
    });
    expect(r1.code).toBe(0);
    // In alice's cache the refused HEAD falls back to the cached file, as Python's hf_hub_download
    // does for every HfHubHTTPError (gated included); with his own cache bob gets the Hub's answer.
    const shared = await hf(["download", "meta-llama/Llama-3.2-1B", "config.json"], {
      HF_TOKEN: DEMO_TOKENS.bob,
    });
    expect(shared.code).toBe(0);
    expect(shared.stdout).toBe(r1.stdout);
    const r2 = await hf(["download", "meta-llama/Llama-3.2-1B", "config.json"], {
      HF_TOKEN: DEMO_TOKENS.bob,
      HF_HOME: join(home, "bob"),
    });
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(
      `meta-llama/Llama-3.2-1B is gated: request access at ${hub.url}/meta-llama/Llama-3.2-1B`,
    );
    expect(r2.stderr).toContain("HF_TOKEN");
    expect(r2.stderr).toContain("user bob");
    expect(r2.stderr).not.toContain(DEMO_TOKENS.bob);
  });

  it("private repo: not found without a token (and says so), found with the owner's", async () => {
    const r = await hf(["download", "alice/private-notes"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not found/i);
    expect(r.stderr).toMatch(/no token was sent/);
    const ok = await hf(["download", "-q", "alice/private-notes"], { HF_TOKEN: DEMO_TOKENS.alice });
    expect(ok.code).toBe(0);
    expect(await fsp.readFile(join(ok.stdout.trim(), "README.md"), "utf8")).toContain("private-notes");
  });

  it("dataset: the wrong type gets a --repo-type dataset hint; the right one downloads", async () => {
    const r = await hf(["download", "acme/tiny-dataset"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--repo-type dataset");
    const ok = await hf(["download", "-q", "acme/tiny-dataset", "--repo-type", "dataset"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toContain(join("hub", "datasets--acme--tiny-dataset", "snapshots"));
  });

  it("a missing revision and a missing file are clear errors", async () => {
    const r = await hf(["download", "acme/tiny-model", "--revision", "nope"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Revision 'nope' not found/);
    const r2 = await hf(["download", "acme/tiny-model", "missing.txt"]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/missing\.txt.* not found/);
  });
});

describe("fault suite (hub.fault)", () => {
  const file = /model\.safetensors$/;
  const get = async () => {
    const p = await downloadFile({
      repoId: "acme/tiny-model",
      filename: "model.safetensors",
      config: cfg(),
      token: false,
      ...fast,
    });
    const target = (await fsp.readlink(p)).split("/").pop();
    expect(sha(await fsp.readFile(p))).toBe(target);
    return p;
  };
  it.each([
    ["reset", { kind: "reset", afterBytes: 1_000_000 }],
    ["500", { kind: "500" }],
    ["429", { kind: "429", retryAfter: 0 }],
    ["stall", { kind: "stall", afterBytes: 500_000 }],
  ] as const)(
    "%s -> the right bytes",
    async (_name, spec) => {
      hub.fault({ path: file, ...spec } as Parameters<HubServer["fault"]>[0]);
      await get();
    },
    20_000,
  );

  it("a slow body still arrives whole", async () => {
    hub.fault({ path: /config\.json$/, kind: "slow" });
    const p = await downloadFile({
      repoId: "acme/tiny-model",
      filename: "config.json",
      config: cfg(),
      token: false,
    });
    expect(JSON.parse(await fsp.readFile(p, "utf8"))).toBeTruthy();
  }, 20_000);

  it("a 200 that ignores Range restarts from zero and still verifies", async () => {
    hub.fault({ path: file, kind: "reset", afterBytes: 1_000_000 });
    hub.fault({ path: file, kind: "ignore-range" });
    await get();
    const cdn = hub.requests.filter((r) => r.host.startsWith("127.0.0.2") && r.method === "GET");
    expect(cdn.some((r) => r.range !== undefined)).toBe(true);
  }, 20_000);
});
