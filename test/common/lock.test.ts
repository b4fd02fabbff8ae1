import { promises as fsp } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireLock as acquireDownloadLock } from "../../src/cache/lock.js";
import { acquireLock, isHolderAlive, parseLockInfo, withLock } from "../../src/common/lock.js";

// The one lock primitive (downloads and the OAuth refresh both take it). The download-specific
// tests (stale takeover, same-process wait) live with the cache tests.
let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(join(tmpdir(), "hubkit-common-lock-"));
});
afterEach(() => fsp.rm(dir, { recursive: true, force: true }));

describe("common lock", () => {
  it("never takes over a lock held on another host (its pid means nothing here): bounded wait naming it", async () => {
    const p = join(dir, "shared.lock");
    // A dead pid, but on another machine sharing the file system (the mirror's replicas).
    await fsp.writeFile(p, JSON.stringify({ pid: 999_999_9, host: "replica-b", since: "then" }));
    await expect(acquireLock(p, { timeoutMs: 250, pollMs: 20, task: "mirror fetch" })).rejects.toMatchObject({
      code: "HF_LOCK_TIMEOUT",
      message: expect.stringContaining("held by process 9999999 on replica-b (since then)"),
    });
    expect(JSON.parse(await fsp.readFile(p, "utf8")).host).toBe("replica-b");
  });

  it("a lock file that is not hubkit's JSON (an old pid-only lock, a crash mid-write) is stale after 10 s", async () => {
    const p = join(dir, "old.lock");
    await fsp.writeFile(p, "12345");
    const old = new Date(Date.now() - 11_000);
    await fsp.utimes(p, old, old);
    const l = await acquireLock(p, { timeoutMs: 1_000 });
    expect(parseLockInfo(await fsp.readFile(p, "utf8"))?.pid).toBe(process.pid);
    await l.release();
    await fsp.writeFile(p, "");
    await expect(acquireLock(p, { timeoutMs: 150, pollMs: 20 })).rejects.toMatchObject({
      code: "HF_LOCK_TIMEOUT",
    });
  });

  it("messages name the task: the same process waits 'another token refresh', downloads say 'download'", async () => {
    const p = join(dir, "task.lock");
    await withLock(p, { task: "token refresh" }, async () => {
      await expect(acquireLock(p, { timeoutMs: 100, pollMs: 10, task: "token refresh" })).rejects.toThrow(
        "held by another token refresh in this process",
      );
      await expect(acquireDownloadLock(p, { timeoutMs: 100, pollMs: 10 })).rejects.toThrow(
        "held by another download in this process",
      );
    });
  });

  it("withLock releases when fn throws, and creates the lock with the mode asked for", async () => {
    const p = join(dir, "sub", "secret.lock");
    await expect(
      withLock(p, { mode: 0o600 }, async () => {
        expect((await fsp.stat(p)).mode & 0o777).toBe(0o600);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await expect(fsp.stat(p)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("isHolderAlive: a live pid here, a dead one here, any pid elsewhere", () => {
    const here = hostname();
    expect(isHolderAlive({ pid: process.pid, host: here, since: "" })).toBe(true);
    expect(isHolderAlive({ pid: 999_999_9, host: here, since: "" })).toBe(false);
    expect(isHolderAlive({ pid: 999_999_9, host: `${here}-other`, since: "" })).toBe(true);
    expect(parseLockInfo("not json")).toBeUndefined();
    expect(parseLockInfo('{"host":"x"}')).toBeUndefined();
  });
});
