import { execFileSync } from "node:child_process";
import { existsSync, promises as fsp } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireLock } from "../../src/cache/lock.js";
import { readConfig } from "../../src/config/index.js";
import { snapshotDownload } from "../../src/download/snapshot-download.js";
import { type ScriptedHub, startScriptedHub } from "../helpers/scripted-hub.js";

/**
 * A real file system without symlinks or hard links: an exFAT image mounted through FUSE
 * (exfat-fuse). Runs where that can be done (root, /dev/fuse, losetup, Debian's exfat-fuse and
 * exfatprogs); skipped elsewhere.
 */
const tools = ["/usr/sbin/mkfs.exfat", "/usr/sbin/mount.exfat-fuse", "/usr/sbin/losetup"];
const canMount = process.getuid?.() === 0 && existsSync("/dev/fuse") && tools.every((t) => existsSync(t));

let C1: string;
const big = Buffer.alloc(2 * 1024 * 1024 + 3, 9);
let work: string;
let mnt: string;
let loop: string | undefined;
let hub: ScriptedHub;

describe.runIf(canMount)("on exFAT (no symlinks, no hard links)", () => {
  beforeAll(async () => {
    work = await fsp.mkdtemp(join(tmpdir(), "hubkit-exfat-"));
    const img = join(work, "fs.img");
    mnt = join(work, "mnt");
    await fsp.mkdir(mnt);
    await fsp.writeFile(img, "");
    await fsp.truncate(img, 64 * 1024 * 1024);
    execFileSync(tools[0] as string, [img], { stdio: "ignore" });
    loop = execFileSync(tools[2] as string, ["-f", "--show", img], { encoding: "utf8" }).trim();
    execFileSync(tools[1] as string, [loop, mnt], { stdio: "ignore" });
    hub = await startScriptedHub();
    [C1] = hub.addRepo({
      id: "acme/usb",
      commits: [{ "config.json": { content: Buffer.from("{}") }, "w.bin": { content: big, lfs: true } }],
    }) as [string];
  });
  afterAll(async () => {
    await hub?.close();
    if (loop) {
      execFileSync("umount", [mnt], { stdio: "ignore" });
      execFileSync(tools[2] as string, ["-d", loop], { stdio: "ignore" });
    }
    await fsp.rm(work, { recursive: true, force: true });
  });

  it("the lock is taken and released with an exclusive create, and a dead holder's lock is taken over", async () => {
    await fsp.writeFile(join(mnt, "f"), "");
    await expect(fsp.symlink("f", join(mnt, "s"))).rejects.toThrow();
    await expect(fsp.link(join(mnt, "f"), join(mnt, "h"))).rejects.toThrow();
    const path = join(mnt, ".locks", "a.lock.hubkit");
    const lock = await acquireLock(path);
    expect(JSON.parse(await fsp.readFile(path, "utf8")).pid).toBe(process.pid);
    await lock.release();
    expect(existsSync(path)).toBe(false);
    await fsp.writeFile(path, JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), since: "then" }));
    const again = await acquireLock(path, { timeoutMs: 2_000 });
    expect(JSON.parse(await fsp.readFile(path, "utf8")).pid).toBe(process.pid);
    await again.release();
  });

  it("a snapshot lands as plain files with Python's warning, once", async () => {
    const warnings: string[] = [];
    const cacheDir = join(mnt, "hub");
    const snap = await snapshotDownload({
      repoId: "acme/usb",
      config: readConfig({ HF_HOME: join(work, "home"), HF_ENDPOINT: hub.url }),
      cacheDir,
      token: false,
      onWarning: (m) => warnings.push(m),
    });
    expect(Buffer.compare(await fsp.readFile(join(snap.path, "w.bin")), big)).toBe(0);
    expect((await fsp.lstat(join(snap.path, "config.json"))).isFile()).toBe(true);
    expect(await fsp.readdir(join(cacheDir, "models--acme--usb", "blobs"))).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`does not support them in ${join(cacheDir, "models--acme--usb")}`);
  });

  it("a local dir on it gets the files and Python's metadata, and a re-run sends no GET", async () => {
    const localDir = join(mnt, "ld");
    const cfg = readConfig({ HF_HOME: join(work, "home"), HF_ENDPOINT: hub.url });
    await snapshotDownload({ repoId: "acme/usb", config: cfg, localDir, token: false });
    expect(Buffer.compare(await fsp.readFile(join(localDir, "w.bin")), big)).toBe(0);
    const meta = await fsp.readFile(
      join(localDir, ".cache", "huggingface", "download", "w.bin.metadata"),
      "utf8",
    );
    expect(meta.split("\n")[0]).toBe(C1);
    hub.requests.length = 0;
    await snapshotDownload({ repoId: "acme/usb", config: cfg, localDir, token: false });
    expect(hub.requests.filter((r) => r.method === "GET" && !r.path.startsWith("/api/"))).toEqual([]);
  });
});
