import { promises as fsp } from "node:fs";
import type { RepoType } from "../common/repo.js";
import { type HubConfig, readConfig } from "../config/index.js";
import { noExistPath, pointerPath, readRef, repoPaths } from "./layout.js";

/**
 * What `tryToLoadFromCache` answers for a file the cache knows to be absent at that commit (an
 * empty `.no_exist/<commit>/<path>`, left by a download that got EntryNotFound). Python's
 * `_CACHED_NO_EXIST`.
 */
export const CACHED_NO_EXIST: unique symbol = Symbol("CACHED_NO_EXIST");

export interface TryToLoadFromCacheOptions {
  repoId: string;
  filename: string;
  /** Branch, tag (resolved through `refs/`) or commit; default "main". */
  revision?: string | undefined;
  repoType?: RepoType | undefined;
  /** Default: `config.hubCache`. */
  cacheDir?: string | undefined;
  /** Default: `readConfig(process.env)`, read at call time. */
  config?: HubConfig | undefined;
}

/**
 * Looks a file up in the hub cache without any request, as Python's `try_to_load_from_cache`:
 * the revision is resolved through `refs/<revision>` (a commit is used as is), then
 * - `.no_exist/<commit>/<filename>` present: `CACHED_NO_EXIST` (known to be absent at that commit);
 * - `snapshots/<commit>/<filename>` is a file (a symlink into `blobs/` counts): its path;
 * - otherwise `undefined` (not cached, or no snapshot of that revision). Never a random other revision.
 *
 * @example
 * const hit = await tryToLoadFromCache({ repoId: "acme/tiny-model", filename: "config.json" });
 * if (hit === CACHED_NO_EXIST) console.log("known to be absent");
 * else if (hit) console.log("cached at", hit);
 */
export async function tryToLoadFromCache(
  options: TryToLoadFromCacheOptions,
): Promise<string | typeof CACHED_NO_EXIST | undefined> {
  const cacheDir = options.cacheDir ?? (options.config ?? readConfig(process.env)).hubCache;
  const paths = repoPaths(cacheDir, options.repoId, options.repoType ?? "model");
  const revision = options.revision ?? "main";
  const commit = (await readRef(paths, revision)) ?? revision;
  let absent: string;
  let pointer: string;
  try {
    absent = noExistPath(paths, commit, options.filename);
    pointer = pointerPath(paths, commit, options.filename);
  } catch {
    // A name that would leave the repo folder is in no cache.
    return undefined;
  }
  if (await isFile(absent)) return CACHED_NO_EXIST;
  return (await isFile(pointer)) ? pointer : undefined;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isFile();
  } catch {
    return false;
  }
}
