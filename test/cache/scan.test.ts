import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseRepoFolderName, repoFolderName } from "../../src/cache/layout.js";
import { scanCache } from "../../src/cache/scan.js";
import { CacheError } from "../../src/errors.js";
import { DS, MAIN, makeCache, OLD, SP, standardRepos, tempDir } from "./make-cache.js";

let cache: string;
beforeEach(async () => {
  cache = await tempDir();
});
afterEach(async () => {
  await fsp.rm(cache, { recursive: true, force: true });
});

describe("scanCache", () => {
  it("reports repos, revisions, refs (incl. refs/pr/N), sizes with shared blobs counted once", async () => {
    await makeCache(cache, standardRepos());
    const scan = await scanCache({ cacheDir: cache });
    expect(scan.warnings).toEqual([]);
    expect(scan.repos.map((r) => r.id)).toEqual(["dataset/org/ds1", "model/org/model1", "space/user/space1"]);
    const model = scan.repos[1]!;
    expect(model.repoId).toBe("org/model1");
    expect(model.repoType).toBe("model");
    expect(model.refs).toEqual(["main", "refs/pr/1"]);
    expect(model.revisions.map((r) => r.commit)).toEqual([MAIN, OLD].sort());
    const main = model.revisions.find((r) => r.commit === MAIN)!;
    const old = model.revisions.find((r) => r.commit === OLD)!;
    // config.json (8 bytes) is shared by both revisions: counted once for the repo.
    expect(main.size).toBe(8 + 3000 + 6);
    expect(old.size).toBe(8 + 8);
    expect(model.size).toBe(8 + 3000 + 6 + 8);
    expect(model.nbFiles).toBe(4);
    expect(main.files.map((f) => f.path).sort()).toEqual([
      "config.json",
      "model.safetensors",
      "sub/dir/nested.txt",
    ]);
    expect(model.detachedRevisions.map((r) => r.commit)).toEqual([OLD]);
    expect(main.lastModified).toBeInstanceOf(Date);
    expect(model.lastAccessed.getTime()).toBeGreaterThan(Date.now() - 60_000);
    // Physical total: every blob file once across the cache.
    expect(scan.size).toBe(model.size + 8 + 1);
    expect(scan.repos[0]!.revisions[0]!.commit).toBe(DS);
    expect(scan.repos[2]!.revisions[0]!.commit).toBe(SP);
  });

  it("lists *.incomplete partial downloads separately and does not count them in sizes", async () => {
    const folders = await makeCache(cache, standardRepos());
    await fsp.writeFile(
      join(folders["org/model1"]!, "blobs", `${"a".repeat(64)}.1a2b3c4d.incomplete`),
      Buffer.alloc(1234),
    );
    const scan = await scanCache({ cacheDir: cache });
    expect(scan.incompleteFiles).toHaveLength(1);
    expect(scan.incompleteSize).toBe(1234);
    expect(scan.repos[1]!.incompleteFiles).toHaveLength(1);
    expect(scan.repos[1]!.size).toBe(8 + 3000 + 6 + 8);
  });

  it("a repo without refs/ is fine: its revisions are detached", async () => {
    const folders = await makeCache(cache, [{ id: "a/b", revisions: [{ commit: MAIN, files: { x: "x" } }] }]);
    await fsp.rm(join(folders["a/b"]!, "refs"), { recursive: true, force: true });
    const scan = await scanCache({ cacheDir: cache });
    expect(scan.warnings).toEqual([]);
    expect(scan.repos[0]!.detachedRevisions).toHaveLength(1);
  });

  it("a ref with a trailing newline still names its commit (Python's scanner would drop the repo)", async () => {
    const folders = await makeCache(cache, [
      { id: "a/b", revisions: [{ commit: MAIN, refs: ["main"], files: { x: "x" } }] },
    ]);
    await fsp.writeFile(join(folders["a/b"]!, "refs", "main"), `${MAIN}\n`);
    const scan = await scanCache({ cacheDir: cache });
    expect(scan.warnings).toEqual([]);
    expect(scan.repos[0]!.refs).toEqual(["main"]);
  });

  it("broken caches give warnings, never a crash: broken symlink, foreign files, no snapshots, dangling ref", async () => {
    const folders = await makeCache(cache, standardRepos());
    const model = folders["org/model1"]!;
    // Blob deleted behind the cache's back: the repo stays, the file is reported missing.
    const nested = join(model, "snapshots", MAIN, "sub", "dir", "nested.txt");
    await fsp.rm(join(model, "snapshots", MAIN, "sub", "dir", await fsp.readlink(nested)));
    // Foreign things at the top and in snapshots/.
    await fsp.writeFile(join(cache, "version.txt"), "1");
    await fsp.mkdir(join(cache, "not-a-repo"));
    await fsp.mkdir(join(cache, "foos--x--y"));
    await fsp.writeFile(join(model, "snapshots", "README"), "stray");
    // A dry-run download leaves refs/ only.
    await fsp.mkdir(join(cache, "models--org--dry", "refs"), { recursive: true });
    await fsp.writeFile(join(cache, "models--org--dry", "refs", "main"), MAIN);
    // A ref to a commit that has no snapshot.
    await fsp.writeFile(join(folders["org/ds1"]!, "refs", "dev"), "f".repeat(40));
    // Things that are not repos and are skipped silently, as in Python.
    await fsp.mkdir(join(cache, ".locks", "models--org--model1"), { recursive: true });
    await fsp.writeFile(join(cache, "CACHEDIR.TAG"), "Signature: 8a477f597d28d172789f06886806bc55\n");
    await fsp.writeFile(join(cache, ".DS_Store"), "");

    const scan = await scanCache({ cacheDir: cache });
    const kinds = scan.warnings.map((w) => w.kind).sort();
    expect(kinds).toEqual(
      [
        "broken-symlink",
        "dangling-ref",
        "file-in-snapshots",
        "no-snapshots",
        "not-a-directory",
        "not-a-repo",
        "unknown-repo-type",
      ].sort(),
    );
    const texts = scan.warnings.map((w) => w.message).join("\n");
    expect(texts).toContain(`Repo path is not a directory: ${join(cache, "version.txt")}`);
    expect(texts).toContain(
      `Snapshots dir doesn't exist in cached repo: ${join(cache, "models--org--dry", "snapshots")}`,
    );
    expect(texts).toContain("Blob missing (broken symlink): ");
    expect(texts).toContain(
      "Repo type must be one of ['datasets', 'kernels', 'models', 'spaces'], found `foos`",
    );
    expect(scan.repos.map((r) => r.id)).toEqual(["dataset/org/ds1", "model/org/model1", "space/user/space1"]);
    const main = scan.repos[1]!.revisions.find((r) => r.commit === MAIN)!;
    expect(main.missingFiles).toEqual(["sub/dir/nested.txt"]);
    expect(main.files.map((f) => f.path).sort()).toEqual(["config.json", "model.safetensors"]);
    expect(scan.repos[0]!.refs).toEqual(["main"]);
  });

  it("a copied (non-symlink) file counts as its own blob, as in Python's no-symlink mode", async () => {
    const folders = await makeCache(cache, [
      { id: "a/b", revisions: [{ commit: MAIN, refs: ["main"], files: {} }] },
    ]);
    await fsp.writeFile(join(folders["a/b"]!, "snapshots", MAIN, "plain.bin"), Buffer.alloc(10));
    const scan = await scanCache({ cacheDir: cache });
    expect(scan.repos[0]!.size).toBe(10);
    expect(scan.repos[0]!.revisions[0]!.files[0]!.blobPath).toBe(
      join(folders["a/b"]!, "snapshots", MAIN, "plain.bin"),
    );
  });

  it("a missing cache folder or a file is a CacheError with a remedy", async () => {
    await expect(scanCache({ cacheDir: join(cache, "nope") })).rejects.toMatchObject({
      code: "HF_CACHE",
      message: `Cache directory not found: ${join(cache, "nope")}`,
    });
    await fsp.writeFile(join(cache, "f"), "");
    await expect(scanCache({ cacheDir: join(cache, "f") })).rejects.toBeInstanceOf(CacheError);
  });

  it("an empty cache has no repos and no warnings", async () => {
    const scan = await scanCache({ cacheDir: cache });
    expect(scan).toMatchObject({ repos: [], size: 0, warnings: [], incompleteFiles: [] });
  });
});

describe("repo folder names (layout.ts, what the scanner reads)", () => {
  it("parseRepoFolderName inverts repoFolderName, kernels included; a bad prefix or no '--' says so", () => {
    for (const [id, type] of [
      ["acme/tiny", "model"],
      ["acme/d", "dataset"],
      ["gpt2", "model"],
      ["org/k", "kernel"],
    ] as const) {
      const name = repoFolderName(id, type);
      expect(parseRepoFolderName(name)).toEqual({ prefix: `${type}s`, repoType: type, repoId: id });
    }
    expect(repoFolderName("acme/d", "dataset")).toBe("datasets--acme--d");
    expect(parseRepoFolderName("foos--a--b")).toEqual({ prefix: "foos", repoType: undefined, repoId: "a/b" });
    expect(parseRepoFolderName("model--a--b")?.repoType).toBeUndefined();
    expect(parseRepoFolderName("not-a-repo")).toBeUndefined();
  });
});
