import { describe, expect, it } from "vitest";
import {
  contiguousEnd,
  DIRECT_MIN_BYTES,
  judgeAnswer,
  parseContentRange,
  planAttempt,
  RANGED_MIN_BYTES,
  rangeAnswerFits,
  splitRanges,
  useDirect,
  useRanges,
} from "../../src/download/resume-decision.js";

const MiB = 1024 * 1024;

describe("which transport", () => {
  it.each([
    // parts, size, minBytes, partial bytes -> parallel ranges?
    [4, 64 * MiB, undefined, 0, true],
    [4, 64 * MiB - 1, undefined, 0, false],
    [4, 2 * MiB, MiB, 0, true],
    [1, 1024 * MiB, undefined, 0, false],
    [4, undefined, undefined, 0, false],
    [4, 64 * MiB, undefined, 10, false], // an existing partial is resumed with one stream
  ])(
    "%i connections, %s bytes (from %s), partial %i -> ranges %s",
    (parts, size, minBytes, partialBytes, want) => {
      expect(useRanges({ parts, size, minBytes, partialBytes })).toBe(want);
    },
  );

  it.each([
    [DIRECT_MIN_BYTES, undefined, true],
    [DIRECT_MIN_BYTES - 1, undefined, false],
    [undefined, undefined, false],
    [5, 0, true],
    [5, Number.POSITIVE_INFINITY, false],
  ])("%s bytes (direct from %s) -> straight into a BlobWriter %s", (size, minBytes, want) => {
    expect(useDirect(size, minBytes)).toBe(want);
  });

  it("defaults: one stream straight into a BlobWriter from 16 MiB, ranges from 64 MiB", () => {
    expect([DIRECT_MIN_BYTES, RANGED_MIN_BYTES]).toEqual([16 * MiB, 64 * MiB]);
  });
});

describe("planAttempt: what the next attempt asks for", () => {
  const fresh = { "accept-encoding": "identity" };
  const from = (n: number) => ({ ...fresh, range: `bytes=${n}-`, "if-range": '"etag"' });
  it.each([
    ["no partial", 0, 1000, { kind: "request", offset: 0, truncate: false, headers: fresh }],
    ["a partial", 400, 1000, { kind: "request", offset: 400, truncate: false, headers: from(400) }],
    [
      "a partial, size unknown",
      400,
      undefined,
      { kind: "request", offset: 400, truncate: false, headers: from(400) },
    ],
    [
      "a partial longer than the file",
      1200,
      1000,
      { kind: "request", offset: 0, truncate: true, headers: fresh },
    ],
    ["every byte already there", 1000, 1000, { kind: "complete", offset: 1000 }],
    ["an empty file", 0, 0, { kind: "request", offset: 0, truncate: false, headers: fresh }],
  ])("%s", (_what, partial, size, want) => {
    expect(planAttempt(partial, size, "etag")).toEqual(want);
  });
});

describe("judgeAnswer: may the body be appended to the partial file?", () => {
  it.each([
    ["200 from 0", 0, 1000, 200, undefined, { kind: "restart", start: 0 }],
    [
      "200 to a range (ignored, or If-Range saw a new etag)",
      400,
      1000,
      200,
      undefined,
      { kind: "restart", start: 0 },
    ],
    ["206 that continues the file", 400, 1000, 206, "bytes 400-999/1000", { kind: "append", start: 400 }],
    ["206 with total *", 400, 1000, 206, "bytes 400-999/*", { kind: "append", start: 400 }],
    ["206, size unknown", 400, undefined, 206, "bytes 400-999/1000", { kind: "append", start: 400 }],
    ["206 from elsewhere", 400, 1000, 206, "bytes 0-999/1000", { kind: "inconsistent" }],
    ["206 that stops short", 400, 1000, 206, "bytes 400-998/1000", { kind: "inconsistent" }],
    ["206 of another size", 400, 1000, 206, "bytes 400-1199/1200", { kind: "inconsistent" }],
    ["206 without Content-Range", 400, 1000, 206, undefined, { kind: "inconsistent" }],
    ["206 to a request without Range", 0, 1000, 206, "bytes 0-999/1000", { kind: "inconsistent" }],
    ["416", 400, 1000, 416, "bytes */1000", { kind: "unexpected" }],
    ["304", 400, 1000, 304, undefined, { kind: "unexpected" }],
  ])("%s", (_what, offset, size, status, contentRange, want) => {
    expect(judgeAnswer({ offset, size, status, contentRange })).toEqual(want);
  });

  it("parses Content-Range as RFC 9110 §14.4 writes it", () => {
    expect(parseContentRange("bytes 0-99/1000")).toEqual({ start: 0, end: 99, total: 1000 });
    expect(parseContentRange(" Bytes 5-9/* ")).toEqual({ start: 5, end: 9, total: undefined });
    expect(parseContentRange("bytes */1000")).toBeUndefined();
    expect(parseContentRange(undefined)).toBeUndefined();
  });
});

describe("parallel ranges", () => {
  const want = { start: 100, end: 199, total: 1000 };
  it.each([
    ["the range asked for", { status: 206, contentRange: "bytes 100-199/1000" }, want, true],
    ["a 200 (Range ignored)", { status: 200, contentRange: undefined }, want, false],
    ["another range", { status: 206, contentRange: "bytes 100-299/1000" }, want, false],
    ["another total", { status: 206, contentRange: "bytes 100-199/1001" }, want, false],
    [
      "the probe's ETag",
      { status: 206, contentRange: "bytes 100-199/1000", etag: '"a"' },
      { ...want, etag: '"a"' },
      true,
    ],
    [
      "another ETag than the probe's",
      { status: 206, contentRange: "bytes 100-199/1000", etag: '"b"' },
      { ...want, etag: '"a"' },
      false,
    ],
  ])("%s", (_what, answer, asked, fits) => {
    expect(rangeAnswerFits(answer, asked)).toBe(fits);
  });

  it("splits into about equal ranges and keeps only the contiguous prefix", () => {
    const r = splitRanges(10, 4);
    expect(r.map((x) => [x.start, x.end])).toEqual([
      [0, 2],
      [3, 5],
      [6, 8],
      [9, 9],
    ]);
    expect(contiguousEnd(r)).toBe(0);
    (r[0] as { done: number }).done = 3;
    (r[1] as { done: number }).done = 2;
    (r[2] as { done: number }).done = 3;
    expect(contiguousEnd(r)).toBe(5);
    (r[1] as { done: number }).done = 3;
    expect(contiguousEnd(r)).toBe(9);
  });
});
