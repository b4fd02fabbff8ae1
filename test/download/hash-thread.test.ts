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

/** A thread hashing `path` (as big as `data`) without a ring, and its control. */
const start = (path: string, kind: "sha256" | "git-sha1", prefixBytes = 0) => {
  const control = new HashControl();
  const t = startHashThread({ path, kind, size: data.length, prefixBytes, control, nice: 0 });
  return { control, t };
};

describe("the hashing thread without a ring (parallel ranges read the file back)", () => {
  it("hashes a file as its prefix grows, and answers once told the total", async () => {
    const path = join(dir, "grow");
    const fh = await fsp.open(path, "w+");
    const { control, t } = start(path, "sha256");
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
    const { control, t } = start(path, "git-sha1", 1000);
    control.advance(data.length - 1000);
    control.finish(data.length - 1000);
    expect(await t?.digest).toBe(gitBlobSha1(data));
    await t?.close();
    const stopped = start(path, "sha256");
    stopped.control.advance(1000);
    stopped.control.stop();
    expect(await stopped.t?.digest).toBeUndefined();
    await stopped.t?.close();
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
