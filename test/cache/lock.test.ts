import { promises as fsp } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock } from "../../src/cache/lock.js";

describe("cross-process lock", () => {
  it("takes over a stale lock (dead pid) and times out naming a live holder", async () => {
    const dir = await fsp.mkdtemp(join(tmpdir(), "hubkit-lock-"));
    try {
      const p = join(dir, "x.lock.hubkit");
      const { hostname } = await import("node:os");
      await fsp.writeFile(p, JSON.stringify({ pid: 999_999_9, host: hostname(), since: "then" }));
      const l = await acquireLock(p, { timeoutMs: 1000 });
      expect(JSON.parse(await fsp.readFile(p, "utf8")).pid).toBe(process.pid);
      await l.release();
      await expect(fsp.stat(p)).rejects.toThrow();
      // a live holder: our parent process
      await fsp.writeFile(p, JSON.stringify({ pid: process.ppid, host: hostname(), since: "now" }));
      await expect(acquireLock(p, { timeoutMs: 300, pollMs: 20 })).rejects.toMatchObject({
        code: "HF_LOCK_TIMEOUT",
        message: expect.stringContaining(`process ${process.ppid}`),
      });
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
  it("serialises holders in one process", async () => {
    const dir = await fsp.mkdtemp(join(tmpdir(), "hubkit-lock-"));
    const p = join(dir, "y.lock.hubkit");
    const order: string[] = [];
    const a = await acquireLock(p);
    const bP = acquireLock(p, { pollMs: 5 }).then((b) => {
      order.push("b");
      return b;
    });
    await new Promise((r) => setTimeout(r, 30));
    order.push("a-release");
    await a.release();
    await (await bP).release();
    expect(order).toEqual(["a-release", "b"]);
    await fsp.rm(dir, { recursive: true, force: true });
  });
  it("bounds the wait for a holder in the same process too", async () => {
    const dir = await fsp.mkdtemp(join(tmpdir(), "hubkit-lock-"));
    const p = join(dir, "z.lock.hubkit");
    const a = await acquireLock(p);
    try {
      await expect(acquireLock(p, { timeoutMs: 200, pollMs: 20 })).rejects.toMatchObject({
        code: "HF_LOCK_TIMEOUT",
        message: expect.stringContaining("another download in this process"),
      });
    } finally {
      await a.release();
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});
