import { spawn } from "node:child_process";
import { promises as fsp } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DeletedKind, executePlan, planPrune, planRemoval } from "../../src/cache/plan.js";
import { scanCache } from "../../src/cache/scan.js";
import { PYTHON_BIN } from "../helpers/cli.js";
import { DS, etagOf, MAIN, makeCache, OLD, standardRepos, tempDir } from "./make-cache.js";

let cache: string;
let folders: Record<string, string>;
beforeEach(async () => {
  cache = await tempDir();
  folders = await makeCache(cache, standardRepos());
});
afterEach(async () => {
  await fsp.rm(cache, { recursive: true, force: true });
});

const exists = (p: string) =>
  fsp.lstat(p).then(
    () => true,
    () => false,
  );

describe("planRemoval / executePlan", () => {
  it("removing one revision keeps the blob another revision still uses, and frees only the rest", async () => {
    const model = folders["org/model1"]!;
    const plan = planRemoval(await scanCache({ cacheDir: cache }), [OLD]);
    expect(plan.counts).toEqual({ repos: 0, revisions: 1, partialRevisions: 1 });
    // config.json is shared with MAIN: only old.txt's blob (8 bytes) goes.
    expect(plan.freedBytes).toBe(8);
    expect(plan.paths.blobs).toEqual([join(model, "blobs", etagOf("old only"))]);
    expect(plan.paths.snapshots).toEqual([join(model, "snapshots", OLD)]);

    const order: DeletedKind[] = [];
    const done = await executePlan(plan, { onDelete: (_p, kind) => order.push(kind) });
    expect(done.freedBytes).toBe(8);
    expect(order).toEqual(["snapshot", "blob"]);
    expect(await exists(join(model, "blobs", etagOf('{"a": 1}')))).toBe(true);
    expect(await exists(join(model, "blobs", etagOf("old only")))).toBe(false);
    const after = await scanCache({ cacheDir: cache });
    expect(after.warnings).toEqual([]);
    expect(after.repos.find((r) => r.id === "model/org/model1")!.revisions.map((r) => r.commit)).toEqual([
      MAIN,
    ]);
  });

  it("deleting every revision removes the whole repo folder, snapshots and refs before blobs", async () => {
    const plan = planRemoval(await scanCache({ cacheDir: cache }), ["MODEL/Org/Model1"]);
    expect(plan.selected).toHaveLength(1);
    expect(plan.selected[0]!.entireRepo).toBe(true);
    expect(plan.freedBytes).toBe(8 + 3000 + 6 + 8);
    const order: DeletedKind[] = [];
    await executePlan(plan, { onDelete: (_p, kind) => order.push(kind) });
    const firstBlob = order.indexOf("blob");
    expect(firstBlob).toBeGreaterThan(0);
    expect(
      order.slice(0, firstBlob).every((k) => k === "snapshot" || k === "ref" || k === "repo folder"),
    ).toBe(true);
    expect(order.slice(firstBlob)).not.toContain("snapshot");
    expect(order.at(-1)).toBe("repo");
    expect(await exists(folders["org/model1"]!)).toBe(false);
    expect((await scanCache({ cacheDir: cache })).repos.map((r) => r.id)).toEqual([
      "dataset/org/ds1",
      "space/user/space1",
    ]);
  });

  it("deleting the revision main points to also deletes its refs (refs/main and refs/refs/pr/1)", async () => {
    const model = folders["org/model1"]!;
    const plan = planRemoval(await scanCache({ cacheDir: cache }), [MAIN.toUpperCase()]);
    expect(plan.paths.refs.sort()).toEqual([
      join(model, "refs", "main"),
      join(model, "refs", "refs", "pr", "1"),
    ]);
    // config.json is kept by OLD.
    expect(plan.freedBytes).toBe(3000 + 6);
    await executePlan(plan);
    const after = await scanCache({ cacheDir: cache });
    expect(after.warnings).toEqual([]);
    expect(after.repos.find((r) => r.id === "model/org/model1")!.revisions.map((r) => r.commit)).toEqual([
      OLD,
    ]);
  });

  it("org/name needs --repo-type (as Python, where it is 'not found'); unknown targets are listed", async () => {
    const scan = await scanCache({ cacheDir: cache });
    const p1 = planRemoval(scan, ["org/ds1", "model/nope", "9".repeat(40)]);
    expect(p1.missing).toEqual(["org/ds1", "model/nope", "9".repeat(40)]);
    expect(p1.counts.revisions).toBe(0);
    const p2 = planRemoval(scan, ["org/ds1"], { repoType: "dataset" });
    expect(p2.selected.map((s) => s.repo.id)).toEqual(["dataset/org/ds1"]);
    const p3 = planRemoval(scan, ["hf://datasets/org/ds1", DS]);
    expect(p3.selected.map((s) => s.repo.id)).toEqual(["dataset/org/ds1"]);
  });

  it("file targets: an hf:// file URI in every cached revision, or a path inside one snapshot", async () => {
    const model = folders["org/model1"]!;
    const scan = await scanCache({ cacheDir: cache });
    const p1 = planRemoval(scan, ["hf://models/org/model1/config.json"]);
    expect(p1.files.map((f) => f.label)).toEqual(
      [`model/org/model1@${MAIN}/config.json`, `model/org/model1@${OLD}/config.json`].sort(),
    );
    // Both pointers go, so the shared blob goes too.
    expect(p1.freedBytes).toBe(8);
    const p2 = planRemoval(scan, [join(model, "snapshots", OLD, "config.json")]);
    expect(p2.files).toHaveLength(1);
    expect(p2.freedBytes).toBe(0); // MAIN still points at the blob
    await executePlan(p2);
    expect(await exists(join(model, "blobs", etagOf('{"a": 1}')))).toBe(true);
    expect(await exists(join(model, "snapshots", OLD, "config.json"))).toBe(false);
    expect(() => planRemoval(scan, ["hf://models/org/model1/config.json", OLD])).toThrow(/cannot be mixed/);
    expect(() => planRemoval(scan, ["hf://org/model1@main"])).toThrow(/Revisions in hf:\/\/ URIs/);
  });

  it("executePlan refuses a plan edited to reach outside its cache, and stops before any blob", async () => {
    const plan = planRemoval(await scanCache({ cacheDir: cache }), [OLD]);
    const outside = await tempDir();
    try {
      plan.paths.snapshots.push(outside);
      await expect(executePlan(plan)).rejects.toThrow(/outside/);
      expect(await exists(outside)).toBe(true);
      // Blobs are deleted last, so the failure left every blob in place.
      for (const b of plan.paths.blobs) expect(await exists(b)).toBe(true);
    } finally {
      await fsp.rm(outside, { recursive: true, force: true });
    }
  });

  it("an entry that vanished before execution is reported, not an error", async () => {
    const plan = planRemoval(await scanCache({ cacheDir: cache }), [OLD]);
    await fsp.rm(plan.paths.blobs[0]!);
    const done = await executePlan(plan);
    expect(done.alreadyGone).toEqual([plan.paths.blobs[0]]);
    expect(done.freedBytes).toBe(0);
  });
});

describe("planPrune", () => {
  it("selects detached revisions and stale partial downloads", async () => {
    const model = folders["org/model1"]!;
    const stale = join(model, "blobs", `${"b".repeat(64)}.0badf00d.incomplete`);
    await fsp.writeFile(stale, Buffer.alloc(500));
    // Make it old, so the no-/proc/locks fallback also counts it as stale.
    const old = new Date(Date.now() - 3600_000);
    await fsp.utimes(stale, old, old);
    const plan = planPrune(await scanCache({ cacheDir: cache }));
    expect(plan.selected.map((s) => s.revisions.map((r) => r.commit))).toEqual([[OLD]]);
    expect(plan.incomplete.map((f) => f.path)).toEqual([stale]);
    expect(plan.freedBytes).toBe(8 + 500);
    await executePlan(plan);
    const after = await scanCache({ cacheDir: cache });
    expect(after.incompleteFiles).toEqual([]);
    expect(after.repos.every((r) => r.detachedRevisions.length === 0)).toBe(true);
    expect(after.warnings).toEqual([]);
  });

  it("keeps a partial file whose hubkit lock names a live process, prunes it when the pid is dead", async () => {
    const model = folders["org/model1"]!;
    const etag = "c".repeat(64);
    const partial = join(model, "blobs", `${etag}.incomplete`);
    await fsp.writeFile(partial, Buffer.alloc(10));
    const lock = join(cache, ".locks", "models--org--model1", `${etag}.lock.hubkit`);
    await fsp.mkdir(join(cache, ".locks", "models--org--model1"), { recursive: true });
    await fsp.writeFile(
      lock,
      JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }),
    );
    let plan = planPrune(await scanCache({ cacheDir: cache }));
    expect(plan.incompleteInUse.map((f) => f.path)).toEqual([partial]);
    expect(plan.incomplete).toEqual([]);
    // A pid that is not running (the largest pid_max is 4194304).
    await fsp.writeFile(
      lock,
      JSON.stringify({ pid: 4194303, host: hostname(), since: new Date().toISOString() }),
    );
    const old = new Date(Date.now() - 3600_000);
    await fsp.utimes(partial, old, old);
    plan = planPrune(await scanCache({ cacheDir: cache }));
    expect(plan.incomplete.map((f) => f.path)).toEqual([partial]);
  });

  it("keeps a partial file while a real Python process holds its flock (Python's filelock)", async () => {
    const model = folders["org/model1"]!;
    const etag = "d".repeat(64);
    const partial = join(model, "blobs", `${etag}.12345678.incomplete`);
    await fsp.writeFile(partial, Buffer.alloc(10));
    const old = new Date(Date.now() - 3600_000);
    await fsp.utimes(partial, old, old);
    const lockPath = join(cache, ".locks", "models--org--model1", `${etag}.lock`);
    await fsp.mkdir(join(cache, ".locks", "models--org--model1"), { recursive: true });
    const py = spawn(
      join(PYTHON_BIN, "python"),
      [
        "-c",
        "import sys,time\nfrom filelock import FileLock\nl=FileLock(sys.argv[1])\nl.acquire()\nprint('locked',flush=True)\ntime.sleep(20)",
        lockPath,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("python did not take the lock")), 10_000);
        py.stdout.on("data", (d: Buffer) => {
          if (d.toString().includes("locked")) {
            clearTimeout(t);
            resolve();
          }
        });
      });
      const plan = planPrune(await scanCache({ cacheDir: cache }));
      expect(plan.incompleteInUse.map((f) => f.path)).toEqual([partial]);
    } finally {
      py.kill("SIGKILL");
    }
    await new Promise((r) => py.once("close", r));
    const plan = planPrune(await scanCache({ cacheDir: cache }));
    expect(plan.incomplete.map((f) => f.path)).toEqual([partial]);
  });
});
