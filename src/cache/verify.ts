import { type Dirent, promises as fsp } from "node:fs";
import { join } from "node:path";
import { type HashKind, hashFile, hashKindOf } from "../common/hashes.js";
import { pool } from "../common/pool.js";
import { isCommitHash, type RepoType } from "../common/repo.js";
import { defaultConfig } from "../config/index.js";
import { CacheError } from "../errors.js";
import { repoPaths } from "./layout.js";

/**
 * `hf cache verify`, offline: every cached file is hashed and compared with the name it is stored
 * under. In the cache that name is the blob's etag (python-hf-download.md §2.3: a 64-hex etag is
 * the LFS sha256, a 40-hex etag the git blob sha1); in a local dir it is the etag recorded in
 * `.cache/huggingface/download/<path>.metadata` (§2.8). When the tree listing Python and hubkit keep
 * in `trees/<commit>.json` is there, it is the reference instead (expected hashes, plus which files
 * the revision has that were never downloaded). Python's `verify_repo_checksums` asks the Hub for
 * the listing; this needs no network and no token, and checks exactly what is on disk.
 */

export type HashAlgorithm = HashKind;

export interface CorruptFile {
  path: string;
  algorithm: HashAlgorithm;
  expected: string;
  actual: string;
}

export interface VerifyResult {
  repoId: string;
  repoType: RepoType;
  mode: "cache" | "local-dir";
  /** The commit verified (cache mode), or the revision asked for / found in the metadata (local dir). */
  revision: string;
  /** The folder whose files were checked. */
  path: string;
  /** Files hashed and matching. */
  checked: number;
  /** Content does not hash to the expected value. */
  corrupt: CorruptFile[];
  /** Files the cache claims but cannot deliver: broken symlinks, metadata without its file. */
  missing: string[];
  /** Files with nothing to check them against: not in the tree listing, or no metadata (local dir). */
  extra: string[];
  /** In the revision's tree listing but never downloaded (a partial download; not an error). */
  notDownloaded: string[];
  /** True when nothing is corrupt or missing. */
  ok: boolean;
}

export interface VerifyOptions {
  repoId: string;
  repoType?: RepoType | undefined;
  /** Branch, tag or commit. Cache mode default: `refs/main`, else the only snapshot. */
  revision?: string | undefined;
  /** Verify this cache (the hub cache folder; default: HF_HUB_CACHE etc. from `process.env`)... */
  cacheDir?: string | undefined;
  /** ...or this `hf download --local-dir` folder. */
  localDir?: string | undefined;
}

interface Expected {
  etag: string;
  algorithm: HashAlgorithm;
}

async function readTreeListing(file: string): Promise<Map<string, Expected> | undefined> {
  try {
    const data = JSON.parse(await fsp.readFile(file, "utf8")) as {
      format_version?: number;
      files?: Record<string, { blob_id?: string; lfs_sha256?: string }>;
    };
    if (data.format_version !== 1 || !data.files) return undefined;
    const out = new Map<string, Expected>();
    for (const [path, e] of Object.entries(data.files)) {
      if (e.lfs_sha256) out.set(path, { etag: e.lfs_sha256.toLowerCase(), algorithm: "sha256" });
      else if (e.blob_id) out.set(path, { etag: e.blob_id.toLowerCase(), algorithm: "git-sha1" });
    }
    return out;
  } catch {
    return undefined;
  }
}

/** Files under `root`, `/`-separated relative paths, with their Dirent (symlinks not followed). */
async function listFiles(root: string, skip?: (rel: string) => boolean): Promise<[string, Dirent][]> {
  const out: [string, Dirent][] = [];
  const walk = async (dir: string, rel: string) => {
    let entries: Dirent[];
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (skip?.(r)) continue;
      if (e.isDirectory()) await walk(join(dir, e.name), r);
      else out.push([r, e]);
    }
  };
  await walk(root, "");
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Verifies one cached revision (or a local-dir download) and reports corrupt, missing and extra
 * files. Throws `CacheError` when the repo or revision is not in the cache.
 *
 * @example
 * const r = await verifyRevision({ cacheDir, repoId: "acme/tiny-model" });
 * if (!r.ok) console.log(r.corrupt.map((c) => c.path));
 */
export async function verifyRevision(options: VerifyOptions): Promise<VerifyResult> {
  const repoType = options.repoType ?? "model";
  if (options.localDir !== undefined)
    return verifyLocalDir(options.localDir, options.repoId, repoType, options);
  const paths = repoPaths(options.cacheDir ?? defaultConfig().hubCache, options.repoId, repoType);
  try {
    await fsp.access(paths.root);
  } catch {
    throw new CacheError(`Repo is not present in cache: ${paths.root}.`, {
      remedy: "download it first (snapshotDownload), or pass `localDir` to verify a local-dir download",
      repoId: options.repoId,
      repoType,
      data: { reason: "repo-not-cached", path: paths.root },
    });
  }
  const commit = await resolveCachedCommit(paths.root, options.revision);
  const root = join(paths.snapshots, commit);
  try {
    await fsp.access(root);
  } catch {
    throw new CacheError(`Revision ${commit} is not in the cache: ${root} does not exist.`, {
      remedy: `scanCache() lists the cached revisions of ${repoType}/${options.repoId}`,
      repoId: options.repoId,
      repoType,
      data: { reason: "revision-not-cached", revision: commit, path: root },
    });
  }
  const listing = await readTreeListing(join(paths.trees, `${commit}.json`));
  const result = emptyResult(options.repoId, repoType, "cache", commit, root);
  const files = await listFiles(root);
  const seen = new Set<string>();
  await pool(files, 4, async ([rel, dirent]) => {
    seen.add(rel);
    const abs = join(root, ...rel.split("/"));
    let target = abs;
    if (dirent.isSymbolicLink()) {
      try {
        target = await fsp.realpath(abs);
      } catch {
        result.missing.push(rel);
        return;
      }
    }
    const fromName = dirent.isSymbolicLink() ? ((await fsp.readlink(abs)).split(/[\\/]/).pop() ?? "") : "";
    const expected =
      listing?.get(rel) ??
      (hashKindOf(fromName)
        ? { etag: fromName.toLowerCase(), algorithm: hashKindOf(fromName) as HashAlgorithm }
        : undefined);
    // Not in the revision's listing (when there is one): extra, but still checked by its blob name.
    if (!expected || (listing && !listing.has(rel))) result.extra.push(rel);
    if (expected) await check(result, rel, target, expected);
  });
  if (listing) for (const p of listing.keys()) if (!seen.has(p)) result.notDownloaded.push(p);
  return finish(result);
}

/** Python's cache-mode root: the commit itself, `refs/<rev>`, `refs/main`, or the only snapshot. */
async function resolveCachedCommit(repoRoot: string, revision: string | undefined): Promise<string> {
  const readRef = async (name: string) => {
    try {
      return (await fsp.readFile(join(repoRoot, "refs", ...name.split("/")), "utf8")).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  if (revision !== undefined) {
    if (isCommitHash(revision)) return revision;
    const c = await readRef(revision);
    if (c) return c;
    throw new CacheError(`Revision '${revision}' is not in the cache of ${repoRoot}.`, {
      remedy: "pass one of the commits or refs scanCache() lists as `revision`",
      data: { reason: "revision-unknown", revision, path: repoRoot },
    });
  }
  const main = await readRef("main");
  if (main) return main;
  let snaps: string[] = [];
  try {
    snaps = await fsp.readdir(join(repoRoot, "snapshots"));
  } catch {
    // none
  }
  if (snaps.length === 1) return snaps[0] as string;
  throw new CacheError(
    snaps.length === 0
      ? `No cached revision in ${repoRoot}.`
      : "Ambiguous cached revision: multiple snapshots found and no refs to disambiguate. Please pass `revision`.",
    {
      remedy: "pass one of the commits scanCache() lists as `revision`",
      data: { reason: snaps.length === 0 ? "no-revision" : "revision-ambiguous", path: repoRoot },
    },
  );
}

async function verifyLocalDir(
  localDir: string,
  repoId: string,
  repoType: RepoType,
  options: VerifyOptions,
): Promise<VerifyResult> {
  try {
    await fsp.access(localDir);
  } catch {
    throw new CacheError(`Local directory not found: ${localDir}.`, {
      remedy: "download into it first (snapshotDownload with `localDir`)",
      repoId,
      repoType,
      data: { reason: "local-dir-missing", path: localDir },
    });
  }
  const meta = join(localDir, ".cache", "huggingface", "download");
  const files = await listFiles(localDir, (rel) => rel === ".cache/huggingface");
  const commits = new Set<string>();
  const result = emptyResult(repoId, repoType, "local-dir", options.revision ?? "", localDir);
  const present = new Set(files.map(([rel]) => rel));
  await pool(files, 4, async ([rel, dirent]) => {
    const abs = join(localDir, ...rel.split("/"));
    let lines: string[] | undefined;
    try {
      lines = (await fsp.readFile(join(meta, ...`${rel}.metadata`.split("/")), "utf8")).split(/\r?\n/);
    } catch {
      lines = undefined;
    }
    const etag = lines?.[1]?.trim() ?? "";
    const algorithm = hashKindOf(etag);
    if (!lines || !algorithm) {
      result.extra.push(rel);
      return;
    }
    if (lines[0]?.trim()) commits.add(lines[0].trim());
    if (dirent.isSymbolicLink()) {
      try {
        await fsp.stat(abs);
      } catch {
        result.missing.push(rel);
        return;
      }
    }
    await check(result, rel, abs, { etag: etag.toLowerCase(), algorithm });
  });
  // Metadata whose file is gone.
  for (const [rel] of await listFiles(meta)) {
    if (!rel.endsWith(".metadata")) continue;
    const file = rel.slice(0, -".metadata".length);
    if (!present.has(file)) result.missing.push(file);
  }
  if (!result.revision) result.revision = commits.size === 1 ? ([...commits][0] as string) : "main";
  if (isCommitHash(result.revision)) {
    const listing = await readTreeListing(
      join(localDir, ".cache", "huggingface", "trees", `${result.revision}.json`),
    );
    if (listing) for (const p of listing.keys()) if (!present.has(p)) result.notDownloaded.push(p);
  }
  return finish(result);
}

function emptyResult(
  repoId: string,
  repoType: RepoType,
  mode: VerifyResult["mode"],
  revision: string,
  path: string,
): VerifyResult {
  return {
    repoId,
    repoType,
    mode,
    revision,
    path,
    checked: 0,
    corrupt: [],
    missing: [],
    extra: [],
    notDownloaded: [],
    ok: true,
  };
}

async function check(result: VerifyResult, rel: string, file: string, expected: Expected): Promise<void> {
  let actual: string;
  try {
    actual = await hashFile(file, expected.algorithm);
  } catch {
    result.missing.push(rel);
    return;
  }
  if (actual === expected.etag) result.checked++;
  else result.corrupt.push({ path: rel, algorithm: expected.algorithm, expected: expected.etag, actual });
}

function finish(r: VerifyResult): VerifyResult {
  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  r.corrupt.sort((a, b) => byPath(a.path, b.path));
  r.missing.sort(byPath);
  r.extra.sort(byPath);
  r.notDownloaded.sort(byPath);
  r.ok = r.corrupt.length === 0 && r.missing.length === 0;
  return r;
}
