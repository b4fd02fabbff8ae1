import { chmod, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkCache, measureCache } from "../../src/doctor/cache-check.js";
import type { CheckResult } from "../../src/doctor/types.js";
import { type Sandbox, sandbox } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(() => sb.cleanup());

const byId = (rs: CheckResult[], id: string) => rs.find((r) => r.id === id);

describe("checkCache", () => {
  it("names the variable that chose the cache; not created yet is fine when its parent is writable", async () => {
    const rs = await checkCache(sb.ctx());
    expect(byId(rs, "cache.location")).toMatchObject({
      status: "ok",
      data: { origin: "HF_HOME", exists: false },
    });
    expect(byId(rs, "cache.writable")?.status).toBe("ok");
    expect(byId(rs, "cache.free-space")?.data).toHaveProperty("freeBytes");
    expect(byId(rs, "cache.size")).toBeUndefined();

    const custom = join(sb.root, "mycache");
    const rs2 = await checkCache(sb.ctx({ HF_HUB_CACHE: custom }));
    expect(byId(rs2, "cache.location")?.message).toContain(`${custom} (set by HF_HUB_CACHE)`);
  });

  it("measures size and finds leftover .incomplete files with the command that removes them", async () => {
    const cache = join(sb.env.HF_HOME as string, "hub");
    const blobs = join(cache, "models--acme--tiny-model", "blobs");
    await sb.write(join(blobs, "a".repeat(40)), "x".repeat(1000));
    await sb.write(join(blobs, `${"b".repeat(64)}.incomplete`), "y".repeat(500));
    const rs = await checkCache(sb.ctx());
    expect(byId(rs, "cache.size")).toMatchObject({ status: "ok", data: { bytes: 1500, files: 2 } });
    const partial = byId(rs, "cache.partial");
    expect(partial).toMatchObject({ status: "warn", data: { count: 1, bytes: 500 } });
    expect(partial?.remedy).toContain(`find ${cache} -name '*.incomplete' -delete`);
  });

  // Root ignores permission bits, so this runs only as a normal user.
  it.skipIf(process.getuid?.() === 0)("fails when the cache folder is not writable", async () => {
    const cache = join(sb.root, "ro");
    await mkdir(cache);
    await chmod(cache, 0o555);
    const rs = await checkCache(sb.ctx({ HF_HUB_CACHE: cache }));
    expect(byId(rs, "cache.writable")).toMatchObject({
      status: "fail",
      remedy: expect.stringContaining("HF_HUB_CACHE"),
    });
    await chmod(cache, 0o755);
  });

  it("measureCache stops at its entry bound and says so", async () => {
    for (let i = 0; i < 5; i++) await sb.write(join(sb.root, "c", `f${i}`), "z");
    const u = await measureCache(join(sb.root, "c"), 3);
    expect(u.truncated).toBe(true);
  });

  it("words sizes with the formatter of hf cache ls (Python's _format_size, + B): 1250 bytes is 1.2KB", async () => {
    const cache = join(sb.env.HF_HOME as string, "hub");
    await sb.write(join(cache, "models--acme--x", "blobs", `${"c".repeat(64)}.incomplete`), "z".repeat(1250));
    const rs = await checkCache(sb.ctx());
    expect(byId(rs, "cache.size")?.message).toBe("1.2KB in 1 files");
    expect(byId(rs, "cache.partial")?.message).toContain("(1.2KB) left by interrupted runs");
  });
});
