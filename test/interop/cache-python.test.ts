import { existsSync, promises as fsp } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { formatSize } from "../../src/cache/format.js";
import { createHubServer, type HubServer } from "../../src/server/index.js";
import { tempDir } from "../cache/make-cache.js";
import { CLI, PYTHON_BIN, runHf, runProcess } from "../helpers/cli.js";

/**
 * `hf cache` against Python's on the same cache, filled by both clients from the local Hub:
 * same repos, revisions and refs; our byte sizes equal the blobs on disk and format to Python's
 * strings; after our rm/prune, Python's `hf cache ls` still reads the cache without warnings.
 */
const PY = join(PYTHON_BIN, "python");
const PY_HF = join(PYTHON_BIN, "hf");
let hub: HubServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  hub = await createHubServer({ demo: true });
}, 30_000);
afterAll(async () => {
  await hub?.close();
});
beforeEach(async (t) => {
  dir = await tempDir("hubkit-cache-interop-");
  env = {
    HF_HOME: join(dir, "home"),
    HF_HUB_CACHE: join(dir, "hub"),
    HF_ENDPOINT: hub.url,
    HF_HUB_DISABLE_TELEMETRY: "1",
    HF_HUB_DISABLE_UPDATE_CHECK: "1",
    HF_HUB_DISABLE_PROGRESS_BARS: "1",
    HF_HUB_DISABLE_XET: "1",
    COLUMNS: "250",
  };
  t.onTestFinished(() => fsp.rm(dir, { recursive: true, force: true }));
});

async function fill(): Promise<void> {
  // Python: acme/tiny-model at main and at v1.0, and one file of the dataset.
  const py = await runProcess(
    PY,
    [
      "-c",
      `from huggingface_hub import snapshot_download, hf_hub_download
snapshot_download("acme/tiny-model")
snapshot_download("acme/tiny-model", revision="v1.0")
hf_hub_download("acme/tiny-dataset", "README.md", repo_type="dataset")`,
    ],
    { env, timeoutMs: 60_000 },
  );
  expect(py.stderr).not.toMatch(/Traceback/);
  expect(py.code).toBe(0);
  // hubkit: the dev branch of the same model and the whole dataset.
  for (const args of [
    ["download", "acme/tiny-model", "--revision", "dev", "-q"],
    ["download", "acme/tiny-dataset", "--repo-type", "dataset", "-q"],
  ]) {
    const r = await runHf(args, { env, timeoutMs: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }
}

interface PyRow {
  id: string;
  repo_id: string;
  repo_type: string;
  size: string;
  refs: string[];
  revision?: string;
}
interface OurRow {
  id: string;
  repo_id: string;
  repo_type: string;
  size: number;
  refs: string[];
  revision?: string;
  repo_path?: string;
}

async function lsBoth(args: string[]): Promise<{ py: PyRow[]; ours: OurRow[] }> {
  const p = await runProcess(PY_HF, ["cache", "ls", "--format", "json", ...args], { env, timeoutMs: 30_000 });
  const o = await runHf(["cache", "ls", "--format", "json", ...args], { env });
  expect(p.code).toBe(0);
  expect(o.code).toBe(0);
  return { py: JSON.parse(p.stdout), ours: JSON.parse(o.stdout) };
}

async function blobBytes(repoPath: string): Promise<number> {
  let n = 0;
  for (const name of await fsp.readdir(join(repoPath, "blobs")))
    n += (await fsp.stat(join(repoPath, "blobs", name))).size;
  return n;
}

describe.runIf(existsSync(PY_HF) && existsSync(CLI))("hf cache vs Python's hf cache", () => {
  it("ls --format json: same repos, revisions and refs; bytes equal the blobs and round to Python's sizes", async () => {
    await fill();
    const repos = await lsBoth([]);
    expect(repos.ours.map((r) => [r.id, r.repo_id, r.repo_type, r.refs])).toEqual(
      repos.py.map((r) => [r.id, r.repo_id, r.repo_type, r.refs]),
    );
    expect(repos.ours.map((r) => r.id)).toEqual(["dataset/acme/tiny-dataset", "model/acme/tiny-model"]);
    expect(repos.ours[1]!.refs).toEqual(["dev", "main", "v1.0"]);
    for (const [i, row] of repos.ours.entries()) {
      expect(typeof row.size).toBe("number");
      expect(row.size).toBe(await blobBytes(row.repo_path!));
      expect(formatSize(row.size)).toBe(repos.py[i]!.size);
    }
    const revs = await lsBoth(["--revisions"]);
    expect(revs.ours.map((r) => [r.id, r.revision, r.refs])).toEqual(
      revs.py.map((r) => [r.id, r.revision, r.refs]),
    );
    expect(revs.ours.map((r) => formatSize(r.size))).toEqual(revs.py.map((r) => r.size));
    expect(revs.ours).toHaveLength(4); // main, dev and v1.0 are three commits of the demo model
  }, 120_000);

  it("the human table is byte-identical to Python's, with and without --revisions", async () => {
    await fill();
    for (const args of [[], ["--revisions"], ["--sort", "size", "--limit", "1"]]) {
      const p = await runProcess(PY_HF, ["cache", "ls", ...args], { env: { ...env, NO_COLOR: "1" } });
      const o = await runHf(["cache", "ls", ...args], { env: { ...env, NO_COLOR: "1" } });
      expect(o.stdout, args.join(" ")).toBe(p.stdout);
    }
  }, 120_000);

  it("after our rm and prune, Python's hf cache ls reads the cache without warnings", async () => {
    await fill();
    const partial = join(
      dir,
      "hub",
      "models--acme--tiny-model",
      "blobs",
      `${"f".repeat(64)}.0a1b2c3d.incomplete`,
    );
    await fsp.writeFile(partial, Buffer.alloc(100));
    const old = new Date(Date.now() - 3600_000);
    await fsp.utimes(partial, old, old);
    // Removing v1.0's commit by hash deletes its ref and the blobs only it used; the blobs main and
    // dev still use stay.
    const revs = (await lsBoth(["--revisions"])).ours;
    const older = revs.find((r) => r.refs.includes("v1.0"))!.revision!;
    let r = await runHf(["cache", "rm", older, "-y"], { env });
    expect(r.code).toBe(0);
    r = await runHf(["cache", "rm", "dataset/acme/tiny-dataset", "-y"], { env });
    expect(r.code).toBe(0);
    r = await runHf(["cache", "prune", "-y"], { env });
    expect(r.code).toBe(0);
    const p = await runProcess(PY_HF, ["cache", "ls", "--show-warnings"], { env: { ...env, NO_COLOR: "1" } });
    expect(p.code).toBe(0);
    expect(p.stderr).toBe("");
    expect(p.stdout).toContain("model/acme/tiny-model");
    expect(p.stdout).not.toContain("tiny-dataset");
    const scan = await runProcess(
      PY,
      [
        "-c",
        "from huggingface_hub import scan_cache_dir\ni=scan_cache_dir()\nprint(len(i.warnings), len(i.repos), sorted(len(r.revisions) for r in i.repos), len(i.incomplete_files))",
      ],
      { env },
    );
    expect(scan.stdout.trim()).toBe("0 1 [2] 0");
    // The model still verifies (nothing main uses was deleted), by us and by Python's offline read.
    r = await runHf(["cache", "verify", "acme/tiny-model"], { env });
    expect(r.code).toBe(0);
    const off = await runProcess(
      PY,
      ["-c", 'from huggingface_hub import snapshot_download\nprint(snapshot_download("acme/tiny-model"))'],
      {
        env: { ...env, HF_HUB_OFFLINE: "1" },
      },
    );
    expect(off.code).toBe(0);
  }, 120_000);

  it("verify --local-dir checks a folder Python downloaded, and names the one file with a flipped byte", async () => {
    const ld = join(dir, "ld");
    const py = await runProcess(PY_HF, ["download", "acme/tiny-model", "--local-dir", ld], {
      env,
      timeoutMs: 60_000,
    });
    expect(py.code).toBe(0);
    let r = await runHf(["cache", "verify", "acme/tiny-model", "--local-dir", ld], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ Verified \d+ file\(s\) for model 'acme\/tiny-model'/);
    const file = join(ld, "model.safetensors");
    const buf = await fsp.readFile(file);
    buf[1_000_000] = (buf[1_000_000] as number) ^ 1;
    await fsp.writeFile(file, buf);
    // The metadata is now "outdated" by Python's download rule (mtime > timestamp); verify still uses
    // its etag, since a file changed after download is exactly what it must catch.
    r = await runHf(["cache", "verify", "acme/tiny-model", "--local-dir", ld, "--json"], { env });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.corrupt.map((c: { path: string }) => c.path)).toEqual(["model.safetensors"]);
    expect(out.corrupt[0].algorithm).toBe("sha256");
    expect(out.missing).toEqual([]);
  }, 120_000);
});
