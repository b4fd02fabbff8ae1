import { resolve, sep } from "node:path";
import { isHfUri, parseHfUri } from "../common/hf-uri.js";
import { type CachedRepoType, isCommitHash, parseRepoTypeWord } from "../common/repo.js";
import { HfUsageError } from "../errors.js";
import { isInsideDir } from "./layout.js";
import type { CachedFileInfo, CachedRepoInfo, CachedRevisionInfo, CacheScan } from "./scan.js";

/**
 * The target syntax of `hf cache rm` (Python 1.33's `cli/cache.py::_resolve_deletion_targets`), kept
 * apart from the plan it feeds (plan.ts). A target is:
 * - a repo: `model/org/name` (type singular or plural, any case), `org/name` with `repoType`
 *   (without it Python says "not found", and so do we), or `hf://[models/]org/name`;
 * - a revision: 40 hex, any case;
 * - a file: `hf://[models/]org/name/path/in/repo` (that path in every cached revision), or a path on
 *   disk inside `snapshots/<commit>/` (that one revision).
 * File targets cannot be mixed with the others (as in Python).
 */

export interface PlannedFile {
  repo: CachedRepoInfo;
  revision: CachedRevisionInfo;
  file: CachedFileInfo;
  /** `model/org/name@<commit>/<path>` (Python's label). */
  label: string;
}

export interface RemovalTargetOptions {
  /** Makes a bare `org/name` target mean `<repoType>/org/name` (`--repo-type`). */
  repoType?: CachedRepoType | undefined;
}

/** What the targets select in a scan. */
export interface RemovalSelection {
  /** Repos and their selected revisions (all of them for a repo target). */
  revisions: Map<CachedRepoInfo, Set<CachedRevisionInfo>>;
  /** Single files (file targets). */
  files: PlannedFile[];
  /** Targets that matched nothing, as given. */
  missing: string[];
}

/**
 * An `hf://` target (common/hf-uri.ts): a repo, or a file in it. Buckets and revisions are refused,
 * as Python's `_parse_hf_uri_target` does.
 */
function parseUriTarget(target: string): { type: CachedRepoType; id: string; path: string } {
  const uri = parseHfUri(target);
  if (uri.type === "bucket") {
    throw new HfUsageError(`Only repository hf:// URIs can be removal targets, not buckets: '${target}'.`, {
      data: { reason: "target-bucket" },
    });
  }
  if (uri.revision !== undefined) {
    throw new HfUsageError(`Revisions in hf:// URIs are not supported in removal targets: '${target}'.`, {
      remedy: uri.pathInRepo
        ? "drop '@<revision>' to remove the file from all cached revisions"
        : "target the revision by its commit hash instead (scanCache() lists them)",
      data: { reason: "target-revision", revision: uri.revision, filename: uri.pathInRepo || undefined },
    });
  }
  return { type: uri.type, id: uri.id, path: uri.pathInRepo };
}

/** The cache id (`type/org/name`) a repo target names; bare `org/name` stays as is (not found). */
function cacheIdOf(target: string, options: RemovalTargetOptions): string {
  if (options.repoType) return `${options.repoType}/${target}`;
  const first = target.split("/")[0] as string;
  const typed = target.includes("/") ? parseRepoTypeWord(first) : undefined;
  return typed ? `${typed}/${target.slice(first.length + 1)}` : target;
}

/**
 * Resolves `hf cache rm` targets against a scan: which revisions and which single files they select,
 * and which matched nothing.
 *
 * @example
 * const { revisions, missing } = selectRemovalTargets(scan, ["model/acme/tiny-model", "0123abcd…"]);
 */
export function selectRemovalTargets(
  scan: CacheScan,
  targets: string[],
  options: RemovalTargetOptions = {},
): RemovalSelection {
  const wanted = targets.map((t) => t.trim()).filter((t) => t !== "");
  const repoById = new Map<string, CachedRepoInfo>();
  const revByCommit = new Map<string, [CachedRepoInfo, CachedRevisionInfo]>();
  for (const repo of scan.repos) {
    repoById.set(repo.id.toLowerCase(), repo);
    for (const rev of repo.revisions) revByCommit.set(rev.commit.toLowerCase(), [repo, rev]);
  }
  const missing: string[] = [];
  const revisions = new Map<CachedRepoInfo, Set<CachedRevisionInfo>>();
  const files: PlannedFile[] = [];
  let fileTargets = 0;
  /** Selects the files `match` picks (in `repos`' revisions); a target selecting none is missing. */
  const selectFiles = (
    target: string,
    repos: CachedRepoInfo[],
    match: (rev: CachedRevisionInfo, f: CachedFileInfo) => boolean,
  ) => {
    fileTargets++;
    let found = false;
    for (const repo of repos) {
      for (const rev of repo.revisions) {
        for (const file of rev.files) {
          if (!match(rev, file)) continue;
          files.push({ repo, revision: rev, file, label: `${repo.id}@${rev.commit}/${file.path}` });
          found = true;
        }
      }
    }
    if (!found) missing.push(target);
  };

  for (const target of wanted) {
    if (target.includes(sep) || target.startsWith(".")) {
      const abs = resolve(target);
      if (isInsideDir(abs, scan.cacheDir)) {
        // A file (or folder) on disk inside one snapshot.
        selectFiles(
          target,
          scan.repos,
          (rev, f) =>
            isInsideDir(abs, rev.snapshotPath) && (f.filePath === abs || isInsideDir(f.filePath, abs)),
        );
        continue;
      }
    }
    if (isCommitHash(target.toLowerCase())) {
      const hit = revByCommit.get(target.toLowerCase());
      if (!hit) missing.push(target);
      else revisions.set(hit[0], (revisions.get(hit[0]) ?? new Set()).add(hit[1]));
      continue;
    }
    let cacheId = target;
    if (isHfUri(target)) {
      const uri = parseUriTarget(target);
      cacheId = `${uri.type}/${uri.id}`;
      if (uri.path) {
        const repo = repoById.get(cacheId.toLowerCase());
        selectFiles(target, repo ? [repo] : [], (_, f) => f.path === uri.path);
        continue;
      }
    } else {
      cacheId = cacheIdOf(target, options);
    }
    const repo = repoById.get(cacheId.toLowerCase());
    if (repo) revisions.set(repo, new Set(repo.revisions));
    else missing.push(target);
  }
  if (fileTargets > 0 && fileTargets !== wanted.length) {
    throw new HfUsageError("File targets cannot be mixed with repository or revision targets.", {
      remedy: "plan the files and the repos or revisions separately (two planRemoval calls)",
      data: { reason: "targets-mixed" },
    });
  }
  return { revisions, files, missing };
}
