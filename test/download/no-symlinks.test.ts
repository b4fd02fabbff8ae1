import { promises as fsp } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { symlinksSupported } from "../../src/cache/layout.js";
import { scanCache } from "../../src/cache/scan.js";
import { readConfig } from "../../src/config/index.js";
import { downloadFile } from "../../src/download/download-file.js";
import { snapshotDownload } from "../../src/download/snapshot-download.js";
import { type ScriptedHub, startScriptedHub } from "../helpers/scripted-hub.js";

/**
 * Python's no-symlink cache (HF_HUB_DISABLE_SYMLINKS, or a file system without symlinks):
 * `snapshots/<commit>/` holds the files themselves, a new blob is moved there (blobs/ stays
 * empty), a blob already in blobs/ is copied.
 */
let C1: string;
const big = Buffer.alloc(3 * 1024 * 1024 + 5);
for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 12)) & 255;
const files = {
  "config.json": { content: Buffer.from('{"a":1}') },
  "sub/dir/file.txt": { content: Buffer.from("hello\n") },
  "model.safetensors": { content: big, lfs: true },
};

let hub: ScriptedHub;
let home: string;
const repoDir = () => join(home, "hub", "models--acme--flat");
const env = (extra: Record<string, string> = {}) =>
  readConfig({ HF_HOME: home, HF_ENDPOINT: hub.url, HF_HUB_DISABLE_SYMLINKS: "1", ...extra });

beforeAll(async () => {
  hub = await startScriptedHub();
  [C1] = hub.addRepo({ id: "acme/flat", commits: [files] }) as [string];
});
afterAll(async () => hub.close());
beforeEach(async () => {
  home = await fsp.mkdtemp(join(tmpdir(), "hubkit-nolink-"));
  hub.requests.length = 0;
});
afterEach(async () => fsp.rm(home, { recursive: true, force: true }));

describe("a cache without symlinks", () => {
  it.each([
    ["stream", { directMinBytes: Number.POSITIVE_INFINITY }],
    ["direct", { directMinBytes: 0 }],
  ])(
    "HF_HUB_DISABLE_SYMLINKS: snapshot files are the files themselves, blobs/ stays empty (%s)",
    async (_, transfer) => {
      const warnings: string[] = [];
      const snap = await snapshotDownload({
        repoId: "acme/flat",
        config: env(),
        token: false,
        onWarning: (m) => warnings.push(m),
        ...transfer,
      });
      for (const [name, f] of Object.entries(files)) {
        const p = join(snap.path, name);
        expect((await fsp.lstat(p)).isFile()).toBe(true);
        expect(Buffer.compare(await fsp.readFile(p), f.content)).toBe(0);
      }
      expect(await fsp.readdir(join(repoDir(), "blobs"))).toEqual([]);
      // asked for explicitly: no warning (Python warns only when the probe fails)
      expect(warnings).toEqual([]);

      hub.requests.length = 0;
      const again = await downloadFile({
        repoId: "acme/flat",
        filename: "model.safetensors",
        config: env(),
        token: false,
      });
      expect(again).toBe(join(snap.path, "model.safetensors"));
      expect(hub.requests.filter((r) => r.method === "GET")).toEqual([]);
    },
  );

  it("a blob already in blobs/ is copied, and stays for the symlinks that point at it", async () => {
    const linked = readConfig({ HF_HOME: home, HF_ENDPOINT: hub.url });
    const p = await downloadFile({
      repoId: "acme/flat",
      filename: "model.safetensors",
      config: linked,
      token: false,
    });
    const blob = join(repoDir(), "blobs", (await fsp.readlink(p)).split("/").pop() as string);
    await fsp.rm(p);
    hub.requests.length = 0;
    const q = await downloadFile({
      repoId: "acme/flat",
      filename: "model.safetensors",
      config: env(),
      token: false,
    });
    expect(q).toBe(p);
    expect((await fsp.lstat(q)).isFile()).toBe(true);
    expect(Buffer.compare(await fsp.readFile(q), big)).toBe(0);
    expect(Buffer.compare(await fsp.readFile(blob), big)).toBe(0);
    expect(hub.requests.filter((r) => r.method === "GET")).toEqual([]);
  });

  it("force-download replaces the file in place and the scanner counts the files", async () => {
    const cfg = env();
    await snapshotDownload({ repoId: "acme/flat", config: cfg, token: false });
    const p = join(repoDir(), "snapshots", C1, "config.json");
    await fsp.writeFile(p, "tampered");
    await downloadFile({
      repoId: "acme/flat",
      filename: "config.json",
      config: cfg,
      token: false,
      forceDownload: true,
    });
    expect(await fsp.readFile(p, "utf8")).toBe('{"a":1}');
    const scan = await scanCache({ cacheDir: join(home, "hub") });
    const repo = scan.repos.find((r) => r.repoId === "acme/flat");
    expect(scan.warnings).toEqual([]);
    expect(repo?.nbFiles).toBe(3);
    expect(repo?.size).toBe(big.length + 7 + 6);
  });

  it("symlinksSupported probes the folder and leaves nothing behind", async () => {
    const dir = join(home, "probe", "here");
    expect(await symlinksSupported(dir)).toBe(true);
    expect(await fsp.readdir(dir)).toEqual([]);
  });
});
