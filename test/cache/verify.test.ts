import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyRevision } from "../../src/cache/verify.js";
import { etagOf, MAIN, makeCache, OLD, standardRepos, tempDir } from "./make-cache.js";

let dir: string;
let cache: string;
let folders: Record<string, string>;
beforeEach(async () => {
  dir = await tempDir();
  cache = join(dir, "hub");
  folders = await makeCache(cache, standardRepos());
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

async function flipByte(file: string, at = 0): Promise<void> {
  const buf = await fsp.readFile(file);
  buf[at] = (buf[at] as number) ^ 0xff;
  await fsp.writeFile(file, buf);
}

describe("verifyRevision (cache)", () => {
  it("checks git-sha1 and sha256 blobs of refs/main by default", async () => {
    const r = await verifyRevision({ cacheDir: cache, repoId: "org/model1" });
    expect(r).toMatchObject({ ok: true, revision: MAIN, checked: 3, corrupt: [], missing: [], extra: [] });
    expect(r.path).toBe(join(folders["org/model1"]!, "snapshots", MAIN));
  });

  it("a flipped byte is reported for exactly that file, with both hashes", async () => {
    const blob = join(folders["org/model1"]!, "blobs", etagOf({ lfs: Buffer.alloc(3000, 7) }));
    await flipByte(blob, 1234);
    const r = await verifyRevision({ cacheDir: cache, repoId: "org/model1" });
    expect(r.ok).toBe(false);
    expect(r.checked).toBe(2);
    expect(r.corrupt).toHaveLength(1);
    expect(r.corrupt[0]).toMatchObject({
      path: "model.safetensors",
      algorithm: "sha256",
      expected: etagOf({ lfs: Buffer.alloc(3000, 7) }),
    });
    expect(r.corrupt[0]!.actual).toMatch(/^[0-9a-f]{64}$/);
    expect(r.corrupt[0]!.actual).not.toBe(r.corrupt[0]!.expected);
  });

  it("a regular file is checked as a git blob sha1; a deleted blob is 'missing'", async () => {
    const model = folders["org/model1"]!;
    await flipByte(join(model, "blobs", etagOf("nested")));
    await fsp.rm(join(model, "blobs", etagOf('{"a": 1}')));
    const r = await verifyRevision({ cacheDir: cache, repoId: "org/model1", revision: "main" });
    expect(r.corrupt.map((c) => [c.path, c.algorithm])).toEqual([["sub/dir/nested.txt", "git-sha1"]]);
    expect(r.missing).toEqual(["config.json"]);
  });

  it("with trees/<commit>.json: expected hashes from the listing, never-downloaded and extra files", async () => {
    const model = folders["org/model1"]!;
    await fsp.mkdir(join(model, "trees"));
    await fsp.writeFile(
      join(model, "trees", `${OLD}.json`),
      JSON.stringify({
        format_version: 1,
        files: {
          "config.json": { size: 8, blob_id: etagOf('{"a": 1}') },
          "later.bin": { size: 5, blob_id: "1".repeat(40), lfs_sha256: "2".repeat(64), lfs_size: 5 },
        },
      }),
    );
    const r = await verifyRevision({ cacheDir: cache, repoId: "org/model1", revision: OLD });
    // old.txt is not in the listing (extra) but is still checked against its blob name.
    expect(r).toMatchObject({ ok: true, checked: 2, extra: ["old.txt"], notDownloaded: ["later.bin"] });
  });

  it("a repo or revision that is not cached is a CacheError with a remedy", async () => {
    await expect(verifyRevision({ cacheDir: cache, repoId: "org/nothere" })).rejects.toMatchObject({
      code: "HF_CACHE",
      repoId: "org/nothere",
      data: { reason: "repo-not-cached" },
      remedy: expect.stringContaining("snapshotDownload"),
    });
    await expect(
      verifyRevision({ cacheDir: cache, repoId: "org/model1", revision: "nope" }),
    ).rejects.toMatchObject({
      code: "HF_CACHE",
    });
    await expect(verifyRevision({ cacheDir: cache, repoId: "org/ds1" })).rejects.toThrow(/not present/);
    expect((await verifyRevision({ cacheDir: cache, repoId: "org/ds1", repoType: "dataset" })).ok).toBe(true);
  });
});

describe("verifyRevision (local dir)", () => {
  async function makeLocalDir(files: Record<string, string>): Promise<string> {
    const ld = join(dir, "ld");
    for (const [path, content] of Object.entries(files)) {
      await fsp.mkdir(join(ld, path, ".."), { recursive: true });
      await fsp.writeFile(join(ld, path), content);
      const meta = join(ld, ".cache", "huggingface", "download", `${path}.metadata`);
      await fsp.mkdir(join(meta, ".."), { recursive: true });
      await fsp.writeFile(meta, `${MAIN}\n${etagOf(content)}\n1795530810.51004\n`);
    }
    await fsp.writeFile(join(ld, ".cache", "huggingface", ".gitignore"), "*");
    return ld;
  }

  it("checks each file against the etag in its .metadata, skipping .cache/huggingface", async () => {
    const ld = await makeLocalDir({ "config.json": "{}", "sub/dir/file.txt": "hello" });
    const r = await verifyRevision({ localDir: ld, repoId: "org/model1" });
    expect(r).toMatchObject({
      ok: true,
      mode: "local-dir",
      revision: MAIN,
      checked: 2,
      extra: [],
      missing: [],
    });
  });

  it("reports the flipped file, files without metadata (extra) and metadata without file (missing)", async () => {
    const ld = await makeLocalDir({ "config.json": "{}", "sub/dir/file.txt": "hello", "gone.txt": "x" });
    await flipByte(join(ld, "sub", "dir", "file.txt"));
    await fsp.rm(join(ld, "gone.txt"));
    await fsp.writeFile(join(ld, "mine.txt"), "user file");
    const r = await verifyRevision({ localDir: ld, repoId: "org/model1" });
    expect(r.ok).toBe(false);
    expect(r.corrupt.map((c) => c.path)).toEqual(["sub/dir/file.txt"]);
    expect(r.missing).toEqual(["gone.txt"]);
    expect(r.extra).toEqual(["mine.txt"]);
    expect(r.checked).toBe(1);
  });
});
