import { join } from "node:path";
import type { RepoType } from "../common/repo.js";

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
export function repoFolderName(repoId: string, repoType: RepoType = "model"): string {
  return [`${repoType}s`, ...repoId.split("/")].join("--");
}

/** The inverse of repoFolderName, or undefined for a folder that is not a repo. */
export function parseRepoFolderName(name: string): { repoId: string; repoType: RepoType } | undefined {
  const m = /^(model|dataset|space)s--(.+)$/.exec(name);
  if (!m) return undefined;
  return { repoType: m[1] as RepoType, repoId: (m[2] as string).split("--").join("/") };
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
