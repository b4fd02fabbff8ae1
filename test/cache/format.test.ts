import { describe, expect, it } from "vitest";
import { formatSize, formatTimeSince, parseDuration, parseSize } from "../../src/cache/format.js";

describe("Python's cache formats", () => {
  it("formatSize is 1000-based with no B suffix, as _format_size (values checked against Python)", () => {
    const cases: [number, string][] = [
      [0, "0.0"],
      [9, "9.0"],
      [999, "999.0"],
      [1000, "1.0K"],
      [1250, "1.2K"], // exact tie: Python rounds half to even, JS toFixed would say 1.3K
      [2250, "2.2K"],
      [1350, "1.4K"],
      [1050, "1.1K"],
      [999_999, "1000.0K"],
      [3_000_000, "3.0M"],
      [22_000_000, "22.0M"],
      [12_345_678, "12.3M"],
      [1e12, "1.0T"],
    ];
    for (const [n, s] of cases) expect(formatSize(n), String(n)).toBe(s);
  });

  it("formatTimeSince rolls units over like format_timesince", () => {
    const now = 1_800_000_000_000;
    const ago = (s: number) => formatTimeSince(now - s * 1000, now);
    expect(ago(5)).toBe("a few seconds ago");
    expect(ago(25)).toBe("25 seconds ago");
    expect(ago(60)).toBe("1 minute ago");
    expect(ago(5 * 3600)).toBe("5 hours ago");
    expect(ago(2 * 86400)).toBe("2 days ago");
    expect(ago(21 * 86400)).toBe("3 weeks ago");
    expect(ago(210 * 86400)).toBe("7 months ago");
    expect(ago(2 * 365 * 86400)).toBe("2 years ago");
  });

  it("parseSize and parseDuration take Python's units", () => {
    expect(parseSize("1GB")).toBe(1e9);
    expect(parseSize("10k")).toBe(10_000);
    expect(parseSize("42")).toBe(42);
    expect(parseDuration("7d")).toBe(7 * 86400);
    expect(parseDuration("2mo")).toBe(60 * 86400);
    expect(parseDuration("3m")).toBe(180);
    expect(() => parseSize("1XB")).toThrow(/Unknown unit 'xb'/);
    expect(() => parseSize("abc")).toThrow(/Invalid value/);
  });
});
