import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { type CachedRepoType, REPO_TYPE_PLURALS, type RepoType, repoTypeFromPlural } from "../common/repo.js";

/**
 * Paths inside a huggingface_hub cache (the layout is the contract; python-hf-download.md §2):
 *
 * <cache>/CACHEDIR.TAG
 * <cache>/.locks/<repo-folder>/<etag>.lock
 * <cache>/<repo-folder>/blobs/<etag>
 * <cache>/<repo-folder>/refs/<revision>             (commit hash, no trailing newline)
 * <cache>/<repo-folder>/snapshots/<commit>/<path>    (relative symlink to the blob)
 * <cache>/<repo-folder>/.no_exist/<commit>/<path>    (empty: file absent at that commit)
 * <cache>/<repo-folder>/trees/<commit>.json
 */

export const CACHEDIR_TAG_NAME = "CACHEDIR.TAG";
export const CACHEDIR_TAG =
  "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by huggingface_hub.\n# For information about cache directory tags, see:\n#\thttps://bford.info/cachedir/\n";

/** `models--org--name`: `"--".join([f"{type}s", *repo_id.split("/")])` (file_download.repo_folder_name). */
export function repoFolderName(repoId: string, repoType: CachedRepoType = "model"): string {
  return [REPO_TYPE_PLURALS[repoType], ...repoId.split("/")].join("--");
}

/**
 * The inverse of repoFolderName, as Python's scanner reads a folder name
 * (`name.split("--", maxsplit=1)`, then `--` -> `/`): undefined when there is no `--` (not a repo
 * folder); `repoType` undefined when the prefix names no type (`prefix` says what it was).
 *
 * @example parseRepoFolderName("datasets--acme--d") // { prefix: "datasets", repoType: "dataset", repoId: "acme/d" }
 */
export function parseRepoFolderName(
  name: string,
): { prefix: string; repoType: CachedRepoType | undefined; repoId: string } | undefined {
  const dash = name.indexOf("--");
  if (dash < 0) return undefined;
  const prefix = name.slice(0, dash);
  return {
    prefix,
    repoType: repoTypeFromPlural(prefix),
    repoId: name
      .slice(dash + 2)
      .split("--")
      .join("/"),
  };
}

/**
 * Whether `child` lies strictly inside the folder `parent` (both absolute).
 *
 * @example isInsideDir("/c/hub/models--a--b", "/c/hub") // true; isInsideDir("/c/hub", "/c/hub") // false
 */
export function isInsideDir(child: string, parent: string): boolean {
  return child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

export interface RepoPaths {
  root: string;
  blobs: string;
  refs: string;
  snapshots: string;
  noExist: string;
  trees: string;
  locks: string;
}

export function repoPaths(cacheDir: string, repoId: string, repoType: RepoType = "model"): RepoPaths {
  const folder = repoFolderName(repoId, repoType);
  const root = join(cacheDir, folder);
  return {
    root,
    blobs: join(root, "blobs"),
    refs: join(root, "refs"),
    snapshots: join(root, "snapshots"),
    noExist: join(root, ".no_exist"),
    trees: join(root, "trees"),
    locks: join(cacheDir, ".locks", folder),
  };
}

// ---------------------------------------------------------------------------------------------
// Writes into the cache, following huggingface_hub 1.33's write protocol (python-hf-download.md §2.3).

/** Python's `uuid4().hex[:8]`-style suffix for temp names. */
export function shortRandomHex(): string {
  return randomBytes(4).toString("hex");
}

/** `blobs/<etag>`. The etag is the normalised X-Linked-Etag / ETag (compat point 2). */
export function blobPath(paths: RepoPaths, etag: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(etag) || etag === "." || etag === "..") {
    throw new Error(`Refusing an etag that is not a plain file name: '${etag}'`);
  }
  return join(paths.blobs, etag);
}

/**
 * `snapshots/<commit>/<path>`, with the repo's `/`-separated folders kept. Throws when the result
 * would leave `snapshots/` (Python: `ValueError("Invalid pointer path: …")`); callers validate the
 * filename first with `validateRelativeFilename`.
 */
export function pointerPath(paths: RepoPaths, commit: string, filename: string): string {
  const p = resolve(paths.snapshots, commit, ...filename.split("/"));
  if (!p.startsWith(resolve(paths.snapshots) + sep)) {
    throw new Error(`Invalid pointer path: cannot create pointer path in snapshot folder for '${filename}'`);
  }
  return p;
}

/** `.no_exist/<commit>/<path>`. */
export function noExistPath(paths: RepoPaths, commit: string, filename: string): string {
  const p = resolve(paths.noExist, commit, ...filename.split("/"));
  if (!p.startsWith(resolve(paths.noExist) + sep)) throw new Error(`Invalid path for '${filename}'`);
  return p;
}

/** Writes `CACHEDIR.TAG` in `dir` when absent (`_create_cachedir_tag`). Best effort. */
export async function ensureCachedirTag(dir: string): Promise<void> {
  const p = join(dir, CACHEDIR_TAG_NAME);
  try {
    await fsp.mkdir(dir, { recursive: true });
    await fsp.writeFile(p, CACHEDIR_TAG, { flag: "wx" });
  } catch {
    // exists already, or a read-only cache: Python ignores both
  }
}

/** Reads `refs/<revision>`, stripped (Python's readers that strip; writers never add a newline). */
export async function readRef(paths: RepoPaths, revision: string): Promise<string | undefined> {
  try {
    const p = resolve(paths.refs, ...revision.split("/"));
    if (!p.startsWith(resolve(paths.refs) + sep)) return undefined;
    return (await fsp.readFile(p, "utf8")).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes `refs/<revision>` = the commit, with NO trailing newline, atomically (temp + rename), and
 * only when missing or different (`_cache_commit_hash_for_specific_revision`). Skipped when the
 * revision is the commit itself. `refs/pr/1` becomes the nested file `refs/refs/pr/1`.
 *
 * @example await writeRef(repoPaths(cache, "acme/tiny"), "main", "aaaa…");
 */
export async function writeRef(paths: RepoPaths, revision: string, commit: string): Promise<void> {
  if (revision === commit) return;
  const p = resolve(paths.refs, ...revision.split("/"));
  if (!p.startsWith(resolve(paths.refs) + sep)) {
    throw new Error(`Refusing a revision that escapes refs/: '${revision}'`);
  }
  try {
    if ((await fsp.readFile(p, "utf8")) === commit) return;
  } catch {
    // missing: write it
  }
  await fsp.mkdir(dirname(p), { recursive: true });
  const tmp = `${p}.${shortRandomHex()}.tmp`;
  await fsp.writeFile(tmp, commit);
  await fsp.rename(tmp, p);
}

/**
 * Points `pointer` at `blob` with a RELATIVE symlink (`../../blobs/<etag>`, one more `../` per
 * sub-folder; compat point 3), replacing whatever is there atomically (symlink to a temp name, then
 * rename), so a reader never sees a missing or half-made pointer.
 */
export async function createRelativeSymlink(blob: string, pointer: string): Promise<void> {
  const target = relative(dirname(pointer), blob);
  try {
    // The common case, a new pointer: one syscall.
    await fsp.symlink(target, pointer);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") await fsp.mkdir(dirname(pointer), { recursive: true });
    else if (code !== "EEXIST") throw e;
  }
  try {
    if ((await fsp.readlink(pointer)) === target) return;
  } catch {
    // missing or not a link
  }
  const tmp = `${pointer}.${shortRandomHex()}.tmp`;
  await fsp.symlink(target, tmp);
  try {
    await fsp.rename(tmp, pointer);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Whether `dir` (created if missing) takes relative symlinks: a probe in a temporary folder inside
 * it, as Python's `are_symlinks_supported` does (FAT/exFAT volumes, some network shares and Windows
 * without Developer Mode have none).
 */
export async function symlinksSupported(dir: string): Promise<boolean> {
  await fsp.mkdir(dir, { recursive: true });
  const tmp = await fsp.mkdtemp(join(dir, "tmp"));
  try {
    await fsp.writeFile(join(tmp, "dummy_file_src"), "");
    try {
      await fsp.symlink("dummy_file_src", join(tmp, "dummy_file_dst"));
      return true;
    } catch {
      return false;
    }
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
}

/** Errors of a symlink the file system (or the volume pair) refuses, as opposed to a real failure. */
const NO_SYMLINK_CODES = new Set(["EPERM", "EACCES", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"]);

/**
 * Makes `pointer` deliver `blob`: a relative symlink (`symlink`), or, where symlinks are not
 * supported or this one is refused (Python's no-symlink cache), the blob itself moved there
 * (`newBlob`: nothing else refers to it yet) or a copy of it. Atomic either way: a reader sees the
 * old pointer or the whole new one.
 */
export async function placeBlob(
  blob: string,
  pointer: string,
  o: { symlink: boolean; newBlob: boolean },
): Promise<void> {
  if (o.symlink) {
    try {
      return await createRelativeSymlink(blob, pointer);
    } catch (e) {
      if (!NO_SYMLINK_CODES.has((e as NodeJS.ErrnoException).code ?? "")) throw e;
    }
  }
  if (o.newBlob) return fsp.rename(blob, pointer);
  await copyAtomic(blob, pointer);
}

/** Copies `src` onto `dest` through a temporary sibling and a rename: `dest` is never half-written. */
export async function copyAtomic(src: string, dest: string): Promise<void> {
  const tmp = `${dest}.${shortRandomHex()}.tmp`;
  try {
    await fsp.copyFile(src, tmp);
    await fsp.rename(tmp, dest);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

/** Touches `.no_exist/<commit>/<path>` (best effort, as Python). */
export async function markNoExist(paths: RepoPaths, commit: string, filename: string): Promise<void> {
  try {
    const p = noExistPath(paths, commit, filename);
    await fsp.mkdir(dirname(p), { recursive: true });
    await fsp.writeFile(p, "");
  } catch {
    // "Could not cache non-existence of file. Will ignore error and continue."
  }
}
