import { createHash } from "node:crypto";
import { promises as fsp } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createContentHash,
  gitBlobSha1,
  hashFile,
  hashKindOf,
  hashSpec,
  sameDigest,
} from "../../src/common/hashes.js";

describe("hashKindOf (one rule for downloads, hf cache verify and the server)", () => {
  it.each([
    ["a".repeat(64), "sha256"],
    ["A".repeat(64), "sha256"],
    ["e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", "git-sha1"],
    ["E69DE29BB2D1D6434B8B29AE775AD8C2E48C5391", "git-sha1"],
    ["a".repeat(63), undefined],
    ["g".repeat(40), undefined],
    ["pointer-etag", undefined],
    ["", undefined],
  ])("%s -> %s", (etag, kind) => expect(hashKindOf(etag)).toBe(kind));

  it("compares hex digests without regard to case, and never matches a missing digest", () => {
    expect(sameDigest("ABCDEF", "abcdef")).toBe(true);
    expect(sameDigest("abcdef", "abcdee")).toBe(false);
    expect(sameDigest("abcdef", undefined)).toBe(false);
  });
});

describe("content hashes", () => {
  it("a git sha1 needs the size (its `blob <size>\\0` header); sha256 does not", () => {
    expect(hashSpec("git-sha1", undefined)).toBeUndefined();
    expect(hashSpec("git-sha1", 5)).toEqual({ algorithm: "sha1", header: "blob 5\0" });
    expect(hashSpec("sha256", undefined)).toEqual({ algorithm: "sha256", header: "" });
    expect(createContentHash("git-sha1", 0)?.digest("hex")).toBe("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    expect(gitBlobSha1(Buffer.from("hello\n"))).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
  });

  it("hashFile gives the same digest read whole (small) or streamed (above 8 MiB)", async () => {
    const dir = await fsp.mkdtemp(join(tmpdir(), "hubkit-hashes-"));
    try {
      for (const size of [1000, 9 * 1024 * 1024]) {
        const data = Buffer.alloc(size, 7);
        const p = join(dir, String(size));
        await fsp.writeFile(p, data);
        expect(await hashFile(p, "sha256")).toBe(createHash("sha256").update(data).digest("hex"));
        expect(await hashFile(p, "git-sha1")).toBe(gitBlobSha1(data));
      }
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});
