import { existsSync, promises as fsp } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/index.js";
import { downloadFile } from "../../src/download/download-file.js";
import { snapshotDownload } from "../../src/download/snapshot-download.js";
import { PYTHON_BIN, runProcess } from "../helpers/cli.js";
import { type ScriptedHub, startScriptedHub } from "../helpers/scripted-hub.js";

/**
 * The cache is the contract: a cache (or local dir) filled by hubkit is used by the real Python
 * client offline with the same paths, and one filled by Python is used by hubkit offline with zero
 * requests.
 */
const PY = join(PYTHON_BIN, "python");
let C1: string;
let hub: ScriptedHub;
let home: string;

const files = {
  "config.json": { content: Buffer.from('{"x": 1}') },
  "sub/dir/file.txt": { content: Buffer.from("nested\n") },
  "model.safetensors": { content: Buffer.alloc(200_000, 3), lfs: true },
  "naïve é.txt": { content: Buffer.from("unicode") },
};

beforeAll(async () => {
  hub = await startScriptedHub();
  [C1] = hub.addRepo({ id: "acme/tiny", commits: [files] }) as [string];
});
afterAll(async () => hub.close());
beforeEach(async () => {
  home = await fsp.mkdtemp(join(tmpdir(), "hubkit-interop-"));
  hub.requests.length = 0;
});
afterEach(async () => fsp.rm(home, { recursive: true, force: true }));

function py(code: string, env: Record<string, string> = {}) {
  return runProcess(PY, ["-c", code], {
    env: {
      HF_HOME: join(home, "home"),
      HF_HUB_CACHE: join(home, "cache"),
      HF_ENDPOINT: hub.url,
      HF_HUB_DISABLE_TELEMETRY: "1",
      HF_HUB_DISABLE_UPDATE_CHECK: "1",
      HF_HUB_DISABLE_PROGRESS_BARS: "1",
      HF_HUB_DISABLE_XET: "1",
      ...env,
    },
    timeoutMs: 60_000,
  });
}

const config = () =>
  readConfig({ HF_HOME: join(home, "home"), HF_HUB_CACHE: join(home, "cache"), HF_ENDPOINT: hub.url });
const offline = () =>
  readConfig({
    HF_HOME: join(home, "home"),
    HF_HUB_CACHE: join(home, "cache"),
    HF_ENDPOINT: hub.url,
    HF_HUB_OFFLINE: "1",
  });

describe.runIf(existsSync(PY))("cache interop with Python huggingface_hub", () => {
  it("a cache filled by hubkit is used by Python offline, same paths, and scan_cache_dir sees it clean", async () => {
    const snap = await snapshotDownload({ repoId: "acme/tiny", config: config(), token: false });
    hub.requests.length = 0;
    const r = await py(
      `import json
from huggingface_hub import snapshot_download, hf_hub_download, scan_cache_dir
s = snapshot_download("acme/tiny")
f = hf_hub_download("acme/tiny", "sub/dir/file.txt")
info = scan_cache_dir()
print(json.dumps({"s": s, "f": f, "warnings": [str(w) for w in info.warnings], "repos": [r.repo_id for r in info.repos], "nb": [r.nb_files for r in info.repos]}))`,
      { HF_HUB_OFFLINE: "1" },
    );
    expect(r.stderr).not.toMatch(/Traceback/);
    const out = JSON.parse(r.stdout.trim().split("\n").pop() as string);
    expect(out.s).toBe(snap.path);
    expect(out.f).toBe(join(snap.path, "sub", "dir", "file.txt"));
    expect(out.warnings).toEqual([]);
    expect(out.repos).toEqual(["acme/tiny"]);
    expect(out.nb).toEqual([4]);
    expect(hub.requests).toEqual([]);
  }, 60_000);

  it("a leftover resumable partial (blobs/<etag>.incomplete) does not upset Python's scanner", async () => {
    await snapshotDownload({ repoId: "acme/tiny", config: config(), token: false });
    const blobs = join(home, "cache", "models--acme--tiny", "blobs");
    await fsp.writeFile(join(blobs, `${"e".repeat(64)}.incomplete`), "partial");
    const r = await py(
      `from huggingface_hub import scan_cache_dir
i = scan_cache_dir()
print(len(i.warnings), len(i.repos))`,
      { HF_HUB_OFFLINE: "1" },
    );
    expect(r.stdout.trim()).toBe("0 1");
  }, 60_000);

  it("a cache filled by Python is used by hubkit offline with zero requests", async () => {
    const r = await py(`from huggingface_hub import snapshot_download
print(snapshot_download("acme/tiny"))`);
    expect(r.stderr).not.toMatch(/Traceback/);
    const pyPath = r.stdout.trim().split("\n").pop();
    hub.requests.length = 0;
    const ours = await snapshotDownload({ repoId: "acme/tiny", config: offline() });
    expect(ours.path).toBe(pyPath);
    const f = await downloadFile({ repoId: "acme/tiny", filename: "model.safetensors", config: offline() });
    expect((await fsp.readFile(f)).length).toBe(200_000);
    expect(hub.requests).toEqual([]);
    // Python's tree cache is byte-identical to the one hubkit writes for the same listing.
    const tree = join(home, "cache", "models--acme--tiny", "trees", `${C1}.json`);
    const pyTree = await fsp.readFile(tree, "utf8");
    await fsp.rm(join(home, "cache"), { recursive: true });
    await snapshotDownload({ repoId: "acme/tiny", config: config(), token: false });
    expect(await fsp.readFile(tree, "utf8")).toBe(pyTree);
  }, 60_000);

  it("without symlinks (HF_HUB_DISABLE_SYMLINKS=1) both lay out the same files and read each other's cache", async () => {
    /** Every entry under the repo folder but .locks/, with its kind. */
    const layout = async () => {
      const root = join(home, "cache", "models--acme--tiny");
      const out: string[] = [];
      const walk = async (dir: string, rel: string): Promise<void> => {
        for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
          const r = rel ? `${rel}/${e.name}` : e.name;
          if (r === ".locks") continue;
          out.push(`${r} ${e.isSymbolicLink() ? "link" : e.isDirectory() ? "dir" : "file"}`);
          if (e.isDirectory()) await walk(join(dir, e.name), r);
        }
      };
      await walk(root, "");
      return out.sort();
    };
    const r = await py(
      `from huggingface_hub import snapshot_download
print(snapshot_download("acme/tiny"))`,
      { HF_HUB_DISABLE_SYMLINKS: "1" },
    );
    expect(r.stderr).not.toMatch(/Traceback/);
    const pyLayout = await layout();
    expect(pyLayout).toContain("blobs dir");
    expect(pyLayout.filter((l) => l.startsWith("blobs/"))).toEqual([]);
    expect(pyLayout).toContain(`snapshots/${C1}/config.json file`);
    hub.requests.length = 0;
    const ours = await snapshotDownload({ repoId: "acme/tiny", config: offline() });
    expect(ours.path).toBe(r.stdout.trim().split("\n").pop());
    expect(hub.requests).toEqual([]);

    await fsp.rm(join(home, "cache"), { recursive: true });
    const cfg = readConfig({ ...config().env, HF_HUB_DISABLE_SYMLINKS: "1" });
    await snapshotDownload({ repoId: "acme/tiny", config: cfg, token: false });
    expect(await layout()).toEqual(pyLayout);
    hub.requests.length = 0;
    const back = await py(
      `from huggingface_hub import hf_hub_download, scan_cache_dir
p = hf_hub_download("acme/tiny", "model.safetensors")
i = scan_cache_dir()
print(len(open(p, "rb").read()), len(i.warnings), [r.nb_files for r in i.repos])`,
      { HF_HUB_OFFLINE: "1", HF_HUB_DISABLE_SYMLINKS: "1" },
    );
    expect(back.stderr).not.toMatch(/Traceback/);
    expect(back.stdout.trim().split("\n").pop()).toBe("200000 0 [4]");
    expect(hub.requests).toEqual([]);
  }, 60_000);

  it("local-dir: hubkit's metadata is reused by Python offline and Python's by hubkit", async () => {
    const ld = join(home, "ld");
    await snapshotDownload({ repoId: "acme/tiny", localDir: ld, config: config(), token: false });
    hub.requests.length = 0;
    const r = await py(
      `from huggingface_hub import hf_hub_download
from huggingface_hub._local_folder import read_download_metadata
from pathlib import Path
p = hf_hub_download("acme/tiny", "sub/dir/file.txt", local_dir="${ld}")
m = read_download_metadata(Path("${ld}"), "sub/dir/file.txt")
print(p); print(m.commit_hash); print(m.etag)`,
      { HF_HUB_OFFLINE: "1" },
    );
    expect(r.stderr).not.toMatch(/Traceback/);
    const lines = r.stdout.trim().split("\n").slice(-3);
    expect(lines[0]).toBe(join(ld, "sub", "dir", "file.txt"));
    expect(lines[1]).toBe(C1);
    // Python fills a local dir; hubkit re-runs online: metadata etags match, so no file is fetched.
    const ld2 = join(home, "ld2");
    const r2 = await py(`from huggingface_hub import snapshot_download
print(snapshot_download("acme/tiny", local_dir="${ld2}"))`);
    expect(r2.stderr).not.toMatch(/Traceback/);
    hub.requests.length = 0;
    await snapshotDownload({ repoId: "acme/tiny", localDir: ld2, config: config(), token: false });
    expect(hub.requests.map((q) => q.path)).toEqual(["/api/models/acme/tiny/revision/main"]);
  }, 60_000);
});
