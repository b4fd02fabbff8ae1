/**
 * The human formats of Python's cache tools, reproduced exactly so tables match `hf cache ls`
 * (utils/_cache_manager.py::_format_size, utils/_parsing.py::format_timesince / parse_size /
 * parse_duration).
 */

/**
 * 1000-based size with one decimal and no "B" (`_format_size`): `9.0`, `1.2K`, `1000.0K`, `3.0M`.
 * Python's `f"{x:3.1f}"` rounds half to even on the binary value, as `toFixed` does.
 *
 * @example formatSize(999_999) // "1000.0K"
 */
export function formatSize(bytes: number): string {
  let n = bytes;
  for (const unit of ["", "K", "M", "G", "T", "P", "E", "Z"]) {
    if (Math.abs(n) < 1000) return `${toFixed1(n)}${unit}`;
    n /= 1000;
  }
  return `${toFixed1(n)}Y`;
}

/**
 * `f"{x:.1f}"`. JS's toFixed and Python both round the exact binary value, but on an exact tie
 * (1.25, from 1250 bytes) JS rounds up and Python to even ("1.2"); the exact expansion tells ties.
 */
function toFixed1(x: number): string {
  const exact = Math.abs(x).toFixed(60);
  const m = /^(\d+)\.(\d)(50*)$/.exec(exact);
  if (!m) return x.toFixed(1);
  const tenths = Number(m[1]) * 10 + Number(m[2]);
  const even = tenths % 2 === 0 ? tenths : tenths + 1;
  return `${x < 0 ? "-" : ""}${(even / 10).toFixed(1)}`;
}

/** Python's `round()`: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const TIMESINCE: [string, number, number | undefined][] = [
  ["second", 1, 59],
  ["minute", 60, 59],
  ["hour", 3600, 23],
  ["day", 86400, 6],
  ["week", 7 * 86400, 6],
  ["month", 30 * 86400, 11],
  ["year", 365 * 86400, undefined],
];

/**
 * "a few seconds ago", "5 hours ago", "3 weeks ago" (`format_timesince`): round(delta / unit), each
 * unit up to its maximum before rolling over to the next.
 *
 * @example formatTimeSince(Date.now() - 3 * 3600_000) // "3 hours ago"
 */
export function formatTimeSince(timeMs: number, nowMs: number = Date.now()): string {
  const delta = (nowMs - timeMs) / 1000;
  if (delta < 20) return "a few seconds ago";
  let value = 0;
  let label = "second";
  for (const [l, div, max] of TIMESINCE) {
    value = roundHalfEven(delta / div);
    label = l;
    if (max !== undefined && value <= max) break;
  }
  return `${value} ${label}${value > 1 ? "s" : ""} ago`;
}

const BYTE_UNITS: Record<string, number> = {
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  p: 1e15,
  pb: 1e15,
};

const TIME_UNITS: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 7 * 86400,
  mo: 30 * 86400,
  y: 365 * 86400,
};

function parseWithUnit(value: string, units: Record<string, number>): number {
  const v = value.trim();
  if (!v) throw new Error("Value cannot be empty.");
  if (/^[+-]?\d+$/.test(v)) return Number.parseInt(v, 10);
  const m = /^(\d+)([a-z]+)$/i.exec(v);
  if (!m) throw new Error(`Invalid value '${value}'. Must match pattern '\\d+[a-z]+' or be a plain number.`);
  const unit = (m[2] as string).toLowerCase();
  const mult = units[unit];
  if (mult === undefined) {
    throw new Error(
      `Unknown unit '${unit}'. Must be one of [${Object.keys(units)
        .map((u) => `'${u}'`)
        .join(", ")}].`,
    );
  }
  return Number.parseInt(m[1] as string, 10) * mult;
}

/** `parse_size`: `"10MB"` -> 10_000_000 (1000-based, case-insensitive). */
export function parseSize(value: string): number {
  return parseWithUnit(value, BYTE_UNITS);
}

/** `parse_duration`: `"7d"` -> 604800 (seconds; `m` is minutes, `mo` months of 30 days). */
export function parseDuration(value: string): number {
  return parseWithUnit(value, TIME_UNITS);
}
