import { execFileSync } from "node:child_process";
import { promises as fsp } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/index.js";
import { downloadFile } from "../../src/download/download-file.js";
import { snapshotDownload } from "../../src/download/snapshot-download.js";
import { NotWritableError } from "../../src/errors.js";
import { type ScriptedHub, startScriptedHub } from "../helpers/scripted-hub.js";

/**
 * A cache that cannot be written (baked into an image, a read-only mount): what is cached is served,
 * online or offline; anything else fails with HF_NOT_WRITABLE naming the folder. As root the cache
 * is a tmpfs remounted read-only (root ignores permissions); otherwise a folder without write access.
 */
const asRoot = process.getuid?.() === 0;
let hub: ScriptedHub;
let work: string;
let cacheDir: string;
const config = (extra: Record<string, string> = {}) =>
  readConfig({ HF_HOME: join(work, "home"), HF_HUB_CACHE: cacheDir, HF_ENDPOINT: hub.url, ...extra });

beforeAll(async () => {
  hub = await startScriptedHub();
  hub.addRepo({
    id: "acme/ro",
    commits: [{ "a.json": { content: Buffer.from("{}") }, "b.txt": { content: Buffer.from("b") } }],
  });
  hub.addRepo({ id: "acme/other", commits: [{ "c.txt": { content: Buffer.from("c") } }] });
  work = await fsp.mkdtemp(join(tmpdir(), "hubkit-ro-"));
  cacheDir = join(work, "cache");
  await fsp.mkdir(cacheDir);
  if (asRoot) execFileSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", cacheDir]);
  await downloadFile({ repoId: "acme/ro", filename: "a.json", config: config(), token: false });
  if (asRoot) execFileSync("mount", ["-o", "remount,ro", cacheDir]);
  else await fsp.chmod(cacheDir, 0o555);
});
afterAll(async () => {
  await hub.close();
  if (asRoot) execFileSync("umount", [cacheDir]);
  else await fsp.chmod(cacheDir, 0o755);
  await fsp.rm(work, { recursive: true, force: true });
});

describe("a read-only cache", () => {
  it("serves what it holds, online and offline", async () => {
    const p = await downloadFile({ repoId: "acme/ro", filename: "a.json", config: config(), token: false });
    expect(await fsp.readFile(p, "utf8")).toBe("{}");
    hub.requests.length = 0;
    const q = await downloadFile({
      repoId: "acme/ro",
      filename: "a.json",
      config: config({ HF_HUB_OFFLINE: "1" }),
    });
    expect(q).toBe(p);
    expect(hub.requests).toEqual([]);
  });

  it("anything else fails with HF_NOT_WRITABLE naming the folder and what to do", async () => {
    const why = asRoot ? "a read-only file system" : "permission denied";
    for (const run of [
      () => downloadFile({ repoId: "acme/ro", filename: "b.txt", config: config(), token: false }),
      () => snapshotDownload({ repoId: "acme/other", config: config(), token: false }),
    ]) {
      const e = await run().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(NotWritableError);
      expect((e as NotWritableError).code).toBe("HF_NOT_WRITABLE");
      expect((e as Error).message).toBe(`The cache folder ${cacheDir} cannot be written (${why}).`);
      expect((e as NotWritableError).remedy).toMatch(/HF_HUB_CACHE/);
    }
    const ld = join(cacheDir, "ld");
    const e = await snapshotDownload({
      repoId: "acme/other",
      config: config(),
      token: false,
      localDir: ld,
    }).catch((x: unknown) => x);
    expect((e as Error).message).toBe(`The local folder ${ld} cannot be written (${why}).`);
  });
});
