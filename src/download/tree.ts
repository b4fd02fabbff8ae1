import { promises as fsp } from "node:fs";
import { dirname, join } from "node:path";
import { shortRandomHex } from "../cache/layout.js";
import { quoteAll, type RepoType } from "../common/repo.js";
import type { HubClient } from "../http/hub-client.js";

/** One file of a tree listing (`GET /api/{type}s/{id}/tree/{rev}?recursive=true`). */
export interface TreeFile {
  path: string;
  size: number;
  /** git blob sha1 */
  oid: string;
  lfs?: { oid: string; size: number; pointerSize?: number } | undefined;
  xetHash?: string | undefined;
}

/** The blob name this file will get in the cache: the LFS sha256, else the git blob sha1. */
export function treeEtag(f: TreeFile): string {
  return f.lfs?.oid ?? f.oid;
}

/** The size of the content (LFS files: the LFS size, not the pointer's). */
export function treeSize(f: TreeFile): number {
  return f.lfs?.size ?? f.size;
}

/** `Link: <url>; rel="next"` */
function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * The full recursive file list of a commit: one paginated listing (`Link: rel="next"` followed
 * verbatim, as `utils/_pagination.py`), folders dropped.
 *
 * @example const files = await listRepoFiles(client, "acme/tiny-model", "model", commit);
 */
export async function listRepoFiles(
  client: HubClient,
  repoId: string,
  repoType: RepoType,
  commit: string,
  signal?: AbortSignal,
): Promise<TreeFile[]> {
  const out: TreeFile[] = [];
  let url: string | undefined =
    `/api/${repoType}s/${repoId}/tree/${quoteAll(commit)}?recursive=true&expand=false`;
  while (url) {
    const res = await client.request({ url, signal, repo: { id: repoId, type: repoType } });
    const page = await res.json<Array<Record<string, unknown>>>();
    for (const e of page) {
      if (e.type !== "file") continue;
      const lfs = e.lfs as TreeFile["lfs"];
      out.push({
        path: String(e.path),
        size: Number(e.size),
        oid: String(e.oid),
        lfs: lfs && typeof lfs.oid === "string" ? lfs : undefined,
        xetHash: typeof e.xetHash === "string" ? e.xetHash : undefined,
      });
    }
    const next = nextLink(res.headers.link);
    url = next ? new URL(next, res.url).toString() : undefined;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// trees/<commit>.json, byte-compatible with huggingface_hub 1.33 `_tree_cache.py` (compat point 10):
// json.dump(indent=1) => ensure_ascii, ", " / ": " separators, no trailing newline; files sorted by
// Python string order (code points); entry keys size, blob_id[, lfs_sha256, lfs_size][, xet_hash].

/** Python's `json.dumps(s, ensure_ascii=True)` for a string. */
export function pyJsonString(s: string): string {
  return JSON.stringify(s).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function codePointCompare(a: string, b: string): number {
  const A = Array.from(a);
  const B = Array.from(b);
  for (let i = 0; i < Math.min(A.length, B.length); i++) {
    const d = (A[i] as string).codePointAt(0)! - (B[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return A.length - B.length;
}

export function treeCacheJson(files: readonly TreeFile[]): string {
  const sorted = [...files].sort((a, b) => codePointCompare(a.path, b.path));
  const lines: string[] = ["{", ' "format_version": 1,'];
  if (sorted.length === 0) {
    lines.push(' "files": {}');
  } else {
    lines.push(' "files": {');
    sorted.forEach((f, i) => {
      const fields: string[] = [`   "size": ${f.size}`, `   "blob_id": ${pyJsonString(f.oid)}`];
      if (f.lfs) {
        fields.push(`   "lfs_sha256": ${pyJsonString(f.lfs.oid)}`, `   "lfs_size": ${f.lfs.size}`);
      }
      if (f.xetHash !== undefined) fields.push(`   "xet_hash": ${pyJsonString(f.xetHash)}`);
      lines.push(
        `  ${pyJsonString(f.path)}: {`,
        fields.join(",\n"),
        `  }${i < sorted.length - 1 ? "," : ""}`,
      );
    });
    lines.push(" }");
  }
  lines.push("}");
  return lines.join("\n");
}

/** Writes `<folder>/trees/<commit>.json` (temp file 0600 + rename, as `tempfile.mkstemp`). Best effort. */
export async function writeTreeCache(
  folder: string,
  commit: string,
  files: readonly TreeFile[],
): Promise<void> {
  // Python refuses listings with invalid xet hashes; we write none then either.
  if (files.some((f) => f.xetHash !== undefined && !/^[0-9a-f]{64}$/.test(f.xetHash))) return;
  const p = join(folder, "trees", `${commit}.json`);
  try {
    await fsp.mkdir(dirname(p), { recursive: true });
    const tmp = join(dirname(p), `tmp${shortRandomHex()}.tmp`);
    await fsp.writeFile(tmp, treeCacheJson(files), { mode: 0o600 });
    await fsp.rename(tmp, p);
  } catch {
    // "Ignored error while writing tree cache file"
  }
}

/** Reads a tree cache written by Python or by us; undefined when missing or not format 1. */
export async function readTreeCache(folder: string, commit: string): Promise<TreeFile[] | undefined> {
  try {
    const data = JSON.parse(await fsp.readFile(join(folder, "trees", `${commit}.json`), "utf8")) as {
      format_version?: number;
      files?: Record<
        string,
        { size: number; blob_id: string; lfs_sha256?: string; lfs_size?: number; xet_hash?: string }
      >;
    };
    if (data.format_version !== 1 || !data.files) return undefined;
    return Object.entries(data.files).map(([path, e]) => ({
      path,
      size: e.size,
      oid: e.blob_id,
      lfs: e.lfs_sha256 !== undefined ? { oid: e.lfs_sha256, size: e.lfs_size ?? e.size } : undefined,
      xetHash: e.xet_hash,
    }));
  } catch {
    return undefined;
  }
}
