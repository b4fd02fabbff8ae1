/**
 * Include/exclude filtering with Python's semantics (`utils/_paths.py::filter_repo_objects`, which
 * uses `fnmatch.fnmatchcase`): case-sensitive, `*` also matches `/`, `?` one character, `[seq]` /
 * `[!seq]` classes, no escape but `[[]`; a pattern ending in `/` gets `*` appended. A small port of
 * CPython 3.11's `fnmatch.translate` rather than picomatch, so that edge cases (unclosed `[`, empty
 * ranges, `]` first in a class) agree byte for byte.
 */

const cache = new Map<string, RegExp>();

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

function escapeClassChar(c: string): string {
  return /[\\\][^-]/.test(c) ? `\\${c}` : c;
}

/** The body of a `[...]` class (already stripped of a leading `!`) as a JS class body. */
function classBody(stuff: string): string {
  const chars = Array.from(stuff);
  let out = "";
  for (let k = 0; k < chars.length; k++) {
    const a = chars[k] as string;
    if (k + 2 < chars.length && chars[k + 1] === "-") {
      const b = chars[k + 2] as string;
      // CPython drops empty ranges (b < a) instead of failing to compile.
      if ((a.codePointAt(0) as number) <= (b.codePointAt(0) as number)) {
        out += `${escapeClassChar(a)}-${escapeClassChar(b)}`;
      }
      k += 2;
    } else {
      out += escapeClassChar(a);
    }
  }
  return out;
}

/** CPython's `fnmatch.translate`, as a JavaScript RegExp anchored at both ends (dotAll). */
export function fnmatchToRegExp(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const pat = Array.from(pattern);
  const n = pat.length;
  let res = "";
  let lastStar = false;
  let i = 0;
  while (i < n) {
    const c = pat[i++] as string;
    if (c === "*") {
      if (!lastStar) res += ".*";
      lastStar = true;
      continue;
    }
    lastStar = false;
    if (c === "?") {
      res += ".";
    } else if (c === "[") {
      let j = i;
      if (j < n && pat[j] === "!") j++;
      if (j < n && pat[j] === "]") j++;
      while (j < n && pat[j] !== "]") j++;
      if (j >= n) {
        res += "\\[";
      } else {
        let stuff = pat.slice(i, j).join("");
        i = j + 1;
        const negate = stuff.startsWith("!");
        if (negate) stuff = stuff.slice(1);
        const body = classBody(stuff);
        if (!negate && body === "") res += "(?!)";
        else if (negate && stuff === "") res += ".";
        else if (body === "") res += negate ? "." : "(?!)";
        else res += `[${negate ? "^" : ""}${body}]`;
      }
    } else {
      res += escapeRegex(c);
    }
  }
  const re = new RegExp(`^(?:${res})$`, "su");
  cache.set(pattern, re);
  return re;
}

/** `fnmatch.fnmatchcase(name, pattern)`. */
export function fnmatch(name: string, pattern: string): boolean {
  return fnmatchToRegExp(pattern).test(name);
}

function normalisePatterns(p: string | readonly string[] | undefined): string[] | undefined {
  if (p === undefined) return undefined;
  const list = typeof p === "string" ? [p] : [...p];
  return list.map((x) => {
    const y = x.replace(/\\/g, "/");
    return y.endsWith("/") ? `${y}*` : y;
  });
}

/**
 * Keeps the paths that match any `include` pattern (all when undefined; none when `[]`) and no
 * `exclude` pattern, as huggingface_hub's `filter_repo_objects`.
 *
 * @example
 * filterRepoPaths(["config.json", "a/b.json", "README.md"], ["*.json"]); // ["config.json", "a/b.json"]
 */
export function filterRepoPaths(
  paths: readonly string[],
  include?: string | readonly string[],
  exclude?: string | readonly string[],
): string[] {
  const allow = normalisePatterns(include);
  const ignore = normalisePatterns(exclude);
  return paths.filter((raw) => {
    const p = raw.replace(/\\/g, "/");
    if (allow && !allow.some((pat) => fnmatch(p, pat))) return false;
    if (ignore?.some((pat) => fnmatch(p, pat))) return false;
    return true;
  });
}
