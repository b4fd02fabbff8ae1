import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { promises as fsp } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex as sha256 } from "../../src/common/hashes.js";
import { runProcess } from "../helpers/cli.js";
import { type ScriptedHub, startScriptedHub } from "../helpers/scripted-hub.js";
import { privateCli } from "./private-cli.js";

/**
 * Several real processes against one cache: the lock, the resumable partial and the atomic rename
 * must hold up to concurrency and to kill -9 at any point.
 */
let C1: string;
const BIG = Buffer.alloc(16 * 1024 * 1024);
for (let i = 0; i < BIG.length; i += 4) BIG.writeUInt32LE((i * 2654435761) >>> 0, i);
const many: Record<string, { content: Buffer; lfs?: boolean }> = { "big.bin": { content: BIG, lfs: true } };
for (let i = 0; i < 30; i++) many[`f/${i}.txt`] = { content: Buffer.from(`file ${i}\n`.repeat(i + 1)) };

let hub: ScriptedHub;
let cli: string;
let throttle = false;

beforeAll(async () => {
  cli = await privateCli();
  hub = await startScriptedHub();
  [C1] = hub.addRepo({ id: "acme/many", commits: [many] }) as [string];
  // A slow CDN (about 32 MB/s) so that a kill lands mid-body; honours Range like the real one.
  hub.hook = (req, res, info) => {
    if (!throttle || info.host !== "cdn") return false;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const start = m ? Number(m[1]) : 0;
    res.writeHead(m ? 206 : 200, {
      "content-length": String(BIG.length - start),
      ...(m ? { "content-range": `bytes ${start}-${BIG.length - 1}/${BIG.length}` } : {}),
    });
    let pos = start;
    const tick = () => {
      if (res.destroyed) return;
      if (pos >= BIG.length) return void res.end();
      const end = Math.min(pos + 256 * 1024, BIG.length);
      res.write(BIG.subarray(pos, end));
      pos = end;
      setTimeout(tick, 8);
    };
    tick();
    return true;
  };
}, 60_000);
afterAll(async () => hub.close());

/** Whether a partial file with bytes in it is in `blobs`. */
async function partialBytes(blobs: string): Promise<boolean> {
  for (const f of await fsp.readdir(blobs).catch(() => [] as string[]))
    if (f.endsWith(".incomplete") && (await fsp.stat(join(blobs, f)).catch(() => undefined))?.size)
      return true;
  return false;
}

function env(home: string) {
  return { HF_HOME: home, HF_ENDPOINT: hub.url, HF_HUB_DISABLE_PROGRESS_BARS: "1" };
}

describe("many processes, one cache", () => {
  it("8 concurrent `hf download` into one cache all succeed with one blob per file", async () => {
    const home = await fsp.mkdtemp(join(tmpdir(), "hubkit-conc-"));
    try {
      throttle = false;
      const runs = await Promise.all(
        Array.from({ length: 8 }, () =>
          runProcess(process.execPath, [cli, "download", "acme/many"], { env: env(home), timeoutMs: 60_000 }),
        ),
      );
      for (const r of runs) {
        expect(r.stderr.replace(/^Waiting for .*\n/gm, "")).toBe("");
        expect(r.code).toBe(0);
      }
      const repo = join(home, "hub", "models--acme--many");
      const blobs = await fsp.readdir(join(repo, "blobs"));
      expect(blobs.length).toBe(Object.keys(many).length);
      expect(blobs.filter((b) => b.includes("."))).toEqual([]);
      const big = await fsp.readFile(join(repo, "snapshots", C1, "big.bin"));
      expect(sha256(big)).toBe(sha256(BIG));
      // at most one CDN download of the big file completed per process, and no lock file remains
      const locks = await fsp.readdir(join(home, "hub", ".locks", "models--acme--many"));
      expect(locks).toEqual([]);
    } finally {
      await fsp.rm(home, { recursive: true, force: true });
    }
  }, 90_000);

  it("kill -9 at random points, then re-run: right sha256, never a corrupt file under snapshots/", async () => {
    const home = await fsp.mkdtemp(join(tmpdir(), "hubkit-crash-"));
    const iterations = Number(process.env.HUBKIT_CRASH_ITERATIONS ?? 5);
    const pointer = join(home, "hub", "models--acme--many", "snapshots", C1, "big.bin");
    try {
      throttle = true;
      hub.requests.length = 0;
      for (let i = 0; i < iterations; i++) {
        const child: ChildProcess = spawn(process.execPath, [cli, "download", "acme/many", "big.bin"], {
          env: { PATH: process.env.PATH, ...env(home) },
          stdio: "ignore",
        });
        let gone = false;
        const exited = new Promise((r) => child.once("exit", r)).then(() => (gone = true));
        await new Promise((r) => setTimeout(r, 80 + Math.random() * 300));
        // On a busy machine the child may still be starting: kill it once its first bytes are on disk.
        const blobs = join(home, "hub", "models--acme--many", "blobs");
        for (let w = 0; w < 500 && !gone && !(await partialBytes(blobs)); w++)
          await new Promise((r) => setTimeout(r, 20));
        child.kill("SIGKILL");
        // Listen before killing: a child that already finished must not leave this waiting forever.
        await exited;
        try {
          const content = await fsp.readFile(pointer);
          expect(createHash("sha256").update(content).digest("hex")).toBe(sha256(BIG));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        }
      }
      throttle = false;
      const r = await runProcess(process.execPath, [cli, "download", "acme/many", "big.bin"], {
        env: env(home),
        timeoutMs: 60_000,
      });
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(pointer);
      expect(sha256(await fsp.readFile(pointer))).toBe(sha256(BIG));
      // later attempts resumed from the partial file rather than starting over
      expect(hub.requests.some((q) => q.host === "cdn" && q.headers.range !== undefined)).toBe(true);
    } finally {
      throttle = false;
      await fsp.rm(home, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("Ctrl-C", () => {
  it("SIGINT mid-body: exit 130 with a hint, the partial kept, the lock released; the re-run resumes", async () => {
    const home = await fsp.mkdtemp(join(tmpdir(), "hubkit-sigint-"));
    const blobs = join(home, "hub", "models--acme--many", "blobs");
    try {
      throttle = true;
      hub.requests.length = 0;
      const child = spawn(process.execPath, [cli, "download", "acme/many", "big.bin"], {
        env: { PATH: process.env.PATH, ...env(home) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr?.on("data", (d) => (stderr += d));
      const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      // wait until some of the body is on disk
      for (let i = 0; i < 200; i++) {
        const partial = (await fsp.readdir(blobs).catch(() => [])).find((f) => f.endsWith(".incomplete"));
        if (partial && (await fsp.stat(join(blobs, partial))).size > 1 << 20) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(stderr).toBe(
        "Error: Interrupted.\nHint: run the same command again: it resumes from what was downloaded\n",
      );
      const left = await fsp.readdir(blobs);
      expect(left.filter((f) => f.endsWith(".incomplete"))).toHaveLength(1);
      const locks = await fsp.readdir(join(home, "hub", ".locks", "models--acme--many"));
      expect(locks.filter((f) => f.endsWith(".lock.hubkit"))).toEqual([]);
      throttle = false;
      const r = await runProcess(process.execPath, [cli, "download", "acme/many", "big.bin"], {
        env: env(home),
        timeoutMs: 60_000,
      });
      expect(r.code).toBe(0);
      expect(sha256(await fsp.readFile(r.stdout.trim()))).toBe(sha256(BIG));
      expect(hub.requests.some((q) => q.host === "cdn" && q.headers.range !== undefined)).toBe(true);
    } finally {
      throttle = false;
      await fsp.rm(home, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("many processes against the local Hub (createHubServer)", () => {
  it("8 concurrent CLIs share one cache; kill -9 during a slow download, then the re-run verifies", async () => {
    const { createHubServer } = await import("../../src/server/index.js");
    const server = await createHubServer({ demo: true });
    const home = await fsp.mkdtemp(join(tmpdir(), "hubkit-conc2-"));
    const e = { HF_HOME: home, HF_ENDPOINT: server.url, HF_HUB_DISABLE_PROGRESS_BARS: "1" };
    try {
      const { commits } = server.addRepo({
        id: "acme/crashy",
        type: "model",
        commits: [
          {
            message: "big",
            files: { "big.bin": { generate: { size: 16 << 20, seed: "crashy" }, lfs: true } },
          },
        ],
      });
      const runs = await Promise.all(
        Array.from({ length: 8 }, () =>
          runProcess(process.execPath, [cli, "download", "-q", "acme/tiny-model"], {
            env: e,
            timeoutMs: 60_000,
          }),
        ),
      );
      for (const r of runs) expect(r.code).toBe(0);
      const blobs = await fsp.readdir(join(home, "hub", "models--acme--tiny-model", "blobs"));
      expect(blobs.filter((b) => b.includes("."))).toEqual([]);
      expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);

      server.fault({ path: /big\.bin$/, kind: "slow", bytesPerSecond: 16 << 20, times: 100 });
      const pointer = join(home, "hub", "models--acme--crashy", "snapshots", commits[0] as string, "big.bin");
      for (let i = 0; i < 4; i++) {
        const child = spawn(process.execPath, [cli, "download", "acme/crashy", "big.bin"], {
          env: { PATH: process.env.PATH, ...e },
          stdio: "ignore",
        });
        let gone = false;
        const exited = new Promise((r) => child.once("exit", r)).then(() => (gone = true));
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        // On a busy machine the child may still be starting: kill it once its first bytes are on
        // disk, so that the re-run below has a partial file to resume.
        const blobs = join(home, "hub", "models--acme--crashy", "blobs");
        for (let w = 0; w < 500 && !gone && !(await partialBytes(blobs)); w++)
          await new Promise((r) => setTimeout(r, 20));
        child.kill("SIGKILL");
        await exited;
        // never a corrupt file: the pointer is either absent or points at verified bytes
        const seen = await fsp.readFile(pointer).catch(() => undefined);
        if (seen) expect(sha256(seen)).toBe((await fsp.readlink(pointer)).split("/").pop());
      }
      server.reset();
      const r = await runProcess(process.execPath, [cli, "download", "acme/crashy", "big.bin"], {
        env: e,
        timeoutMs: 60_000,
      });
      expect(r.code).toBe(0);
      const content = await fsp.readFile(pointer);
      expect(sha256(content)).toBe((await fsp.readlink(pointer)).split("/").pop());
      expect(server.requests.some((q) => q.method === "GET" && q.range !== undefined)).toBe(true);
    } finally {
      await server.close();
      await fsp.rm(home, { recursive: true, force: true });
    }
  }, 120_000);
});
