import { createHash } from "node:crypto";
import { promises as fsp } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitBlobSha1 } from "../../src/common/hashes.js";
import { HashControl, startHashThread } from "../../src/download/hash-thread.js";

let dir: string;
beforeAll(async () => {
  dir = await fsp.mkdtemp(join(tmpdir(), "hubkit-hash-thread-"));
});
afterAll(async () => fsp.rm(dir, { recursive: true, force: true }));

const data = Buffer.alloc(3 * 1024 * 1024 + 11);
for (let i = 0; i < data.length; i++) data[i] = (i * 13) & 255;

describe("the hashing thread without a ring (parallel ranges read the file back)", () => {
  it("hashes a file as its prefix grows, and answers once told the total", async () => {
    const path = join(dir, "grow");
    const fh = await fsp.open(path, "w+");
    const control = new HashControl();
    const t = startHashThread({ path, kind: "sha256", size: data.length, prefixBytes: 0, control, nice: 0 });
    for (let at = 0; at < data.length; at += 1 << 20) {
      const end = Math.min(data.length, at + (1 << 20));
      await fh.write(data, at, end - at, at);
      control.advance(end);
    }
    await fh.close();
    control.finish(data.length);
    expect(await t?.digest).toBe(createHash("sha256").update(data).digest("hex"));
    await t?.close();
  });

  it("a git sha1 with a prefix already on disk; stop gives no digest", async () => {
    const path = join(dir, "resumed");
    await fsp.writeFile(path, data);
    const control = new HashControl();
    const t = startHashThread({
      path,
      kind: "git-sha1",
      size: data.length,
      prefixBytes: 1000,
      control,
      nice: 0,
    });
    control.advance(data.length - 1000);
    control.finish(data.length - 1000);
    expect(await t?.digest).toBe(gitBlobSha1(data));
    await t?.close();
    const c2 = new HashControl();
    const t2 = startHashThread({
      path,
      kind: "sha256",
      size: data.length,
      prefixBytes: 0,
      control: c2,
      nice: 0,
    });
    c2.advance(1000);
    c2.stop();
    expect(await t2?.digest).toBeUndefined();
    await t2?.close();
  });

  it("nothing to hash: no kind, or a git sha1 of unknown size", () => {
    const control = new HashControl();
    const path = join(dir, "resumed");
    expect(
      startHashThread({ path, kind: undefined, size: 5, prefixBytes: 0, control, nice: 0 }),
    ).toBeUndefined();
    expect(
      startHashThread({ path, kind: "git-sha1", size: undefined, prefixBytes: 0, control, nice: 0 }),
    ).toBeUndefined();
  });
});
