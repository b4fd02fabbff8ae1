/**
 * The resume rules of a blob download, as pure functions (no I/O), so each can be table-tested:
 * which transport to use, what to ask for given the partial file, and whether an answer may be
 * appended to it. They follow RFC 9110 (§13.1.5 If-Range, §14.2 Range, §14.4 Content-Range,
 * §15.3.7 206) and undici's retry handler: a resume sends `Range` with the etag as validator and
 * must get back a 206 whose Content-Range continues exactly where the file stops; a 200 means the
 * server sends the whole (possibly new) content, so the file starts over.
 */

/** Default size from which one stream is received straight into a BlobWriter. */
export const DIRECT_MIN_BYTES = 16 * 1024 * 1024;

/** Default size from which a file is fetched as parallel ranges (when more than one connection is asked). */
export const RANGED_MIN_BYTES = 64 * 1024 * 1024;

/**
 * `bytes START-END/TOTAL` (RFC 9110 §14.4), `TOTAL` possibly `*`.
 *
 * @example parseContentRange("bytes 0-99/1000") // { start: 0, end: 99, total: 1000 }
 */
export function parseContentRange(
  v: string | undefined,
): { start: number; end: number; total: number | undefined } | undefined {
  const m = v ? /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(v) : null;
  if (!m) return undefined;
  return {
    start: Number(m[1]),
    end: Number(m[2]),
    total: m[3] === "*" ? undefined : Number(m[3]),
  };
}

/**
 * Parallel ranges only for a fresh download (an existing partial is resumed with one stream) of a
 * known size of at least `minBytes`, when more than one connection is asked for.
 */
export function useRanges(o: {
  size: number | undefined;
  parts: number;
  minBytes?: number | undefined;
  partialBytes: number;
}): boolean {
  return (
    o.parts > 1 && o.size !== undefined && o.size >= (o.minBytes ?? RANGED_MIN_BYTES) && o.partialBytes === 0
  );
}

/** One stream of a known size from `minBytes` on is received straight into a BlobWriter. */
export function useDirect(size: number | undefined, minBytes: number | undefined): boolean {
  return size !== undefined && size >= (minBytes ?? DIRECT_MIN_BYTES);
}

/** What to do before an attempt at one stream, given how many bytes the partial file holds. */
export type AttemptPlan =
  /** The partial file already holds every byte: nothing to ask. */
  | { kind: "complete"; offset: number }
  /** Ask from `offset` (0: the whole file); `truncate`: the partial is longer than the file, empty it first. */
  | { kind: "request"; offset: number; truncate: boolean; headers: Record<string, string> };

/**
 * Where the next attempt starts: from the partial file's end, with `Range: bytes=N-` and
 * `If-Range: "<etag>"` (the server then answers 206 only while the content is still that etag);
 * from 0 when there is no partial or it is longer than the expected size. `Accept-Encoding:
 * identity` always, as Python's `http_get`: the byte offsets are those of the stored file.
 *
 * @example planAttempt(100, 1000, "e") // { kind: "request", offset: 100, truncate: false, headers: { ..., range: "bytes=100-", "if-range": '"e"' } }
 */
export function planAttempt(partialBytes: number, size: number | undefined, etag: string): AttemptPlan {
  const truncate = size !== undefined && partialBytes > size;
  const offset = truncate ? 0 : partialBytes;
  if (size !== undefined && offset === size && offset > 0) return { kind: "complete", offset };
  const headers: Record<string, string> = { "accept-encoding": "identity" };
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    headers["if-range"] = `"${etag}"`;
  }
  return { kind: "request", offset, truncate, headers };
}

/** How an answer to one stream's attempt is used. */
export type AnswerVerdict =
  /** A 206 that continues the partial file exactly: write from `start`. */
  | { kind: "append"; start: number }
  /** A 200: the body is the whole file (Range ignored, or If-Range saw another etag). */
  | { kind: "restart"; start: 0 }
  /** A 206 that does not continue the partial file (another start, end or total): delete it, start over. */
  | { kind: "inconsistent" }
  /** Any other status: not a body to write. */
  | { kind: "unexpected" };

/**
 * Judges the answer to an attempt that asked from `offset` for a file of `size` bytes.
 *
 * @example judgeAnswer({ offset: 100, size: 1000, status: 206, contentRange: "bytes 100-999/1000" }) // { kind: "append", start: 100 }
 */
export function judgeAnswer(a: {
  offset: number;
  size: number | undefined;
  status: number;
  contentRange: string | undefined;
}): AnswerVerdict {
  if (a.status === 200) return { kind: "restart", start: 0 };
  if (a.status !== 206) return { kind: "unexpected" };
  const cr = parseContentRange(a.contentRange);
  const consistent =
    a.offset > 0 &&
    cr !== undefined &&
    cr.start === a.offset &&
    (a.size === undefined || cr.total === undefined || cr.total === a.size) &&
    (a.size === undefined || cr.end === a.size - 1);
  return consistent ? { kind: "append", start: a.offset } : { kind: "inconsistent" };
}

/**
 * Whether the answer to one range of a parallel download is exactly what was asked: a 206 whose
 * Content-Range is `start-end/total`, and (once the probe gave one) the probe's ETag, so that
 * content that changed between ranges is caught before any hash.
 */
export function rangeAnswerFits(
  answer: { status: number; contentRange: string | undefined; etag?: string | undefined },
  want: { start: number; end: number; total: number; etag?: string | undefined },
): boolean {
  const cr = parseContentRange(answer.contentRange);
  return (
    answer.status === 206 &&
    cr !== undefined &&
    cr.start === want.start &&
    cr.end === want.end &&
    cr.total === want.total &&
    (want.etag === undefined || answer.etag === want.etag)
  );
}

/** One range of a parallel download: `start`..`end` (inclusive), `done` bytes of it written. */
export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
  /** Bytes of this range already written at `start`. */
  done: number;
}

/** `parts` ranges of about equal size covering `size` bytes. */
export function splitRanges(size: number, parts: number): ByteRange[] {
  const step = Math.ceil(size / parts);
  const ranges: ByteRange[] = [];
  for (let start = 0; start < size; start += step)
    ranges.push({ start, end: Math.min(size, start + step) - 1, done: 0 });
  return ranges;
}

/**
 * The end of the bytes written contiguously from 0: what can be hashed in order, and what a failed
 * parallel download keeps as the single-stream partial that the next run resumes.
 */
export function contiguousEnd(ranges: readonly ByteRange[]): number {
  let end = 0;
  for (const r of ranges) {
    if (r.start !== end) break;
    end = r.start + r.done;
    if (r.done < r.end - r.start + 1) break;
  }
  return end;
}
