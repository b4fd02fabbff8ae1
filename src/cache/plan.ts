import { promises as fsp } from "node:fs";
import { join, resolve } from "node:path";
import { CacheError } from "../errors.js";
import { findLiveIncomplete } from "./incomplete.js";
import { isInsideDir } from "./layout.js";
import { type PlannedFile, type RemovalTargetOptions, selectRemovalTargets } from "./removal-targets.js";
import type {
  CachedFileInfo,
  CachedRepoInfo,
  CachedRevisionInfo,
  CacheScan,
  IncompleteFileInfo,
} from "./scan.js";

export type { PlannedFile } from "./removal-targets.js";

/**
 * Deletion as a plan, then an execution (Python's `DeleteCacheStrategy`; python-hf-download.md §3.4,
 * §3.5): the plan says what goes and how many bytes that frees, `--dry-run` prints it, and
 * `executePlan` removes snapshot entries and refs before any blob, so an interrupted run never
 * leaves a ref or a pointer aimed at a deleted blob.
 */

export interface PlannedRepo {
  repo: CachedRepoInfo;
  /** The revisions selected in this repo (all of them when `entireRepo`). */
  revisions: CachedRevisionInfo[];
  entireRepo: boolean;
}

export interface CachePlan {
  kind: "remove" | "prune";
  cacheDir: string;
  /** Selected repos and revisions, sorted by id. */
  selected: PlannedRepo[];
  /** Selected single files (file targets; never mixed with repo or revision targets). */
  files: PlannedFile[];
  /** Partial downloads to delete (prune). */
  incomplete: IncompleteFileInfo[];
  /** Partial downloads left alone because a live download holds them (prune). */
  incompleteInUse: IncompleteFileInfo[];
  /** Targets that matched nothing, as given. */
  missing: string[];
  /** What `executePlan` removes, in this order. */
  paths: {
    files: string[];
    snapshots: string[];
    refs: string[];
    /** Whole repo folders, removed after their snapshots/ and refs/ folders. */
    repos: string[];
    blobs: string[];
    incomplete: string[];
  };
  /** Bytes freed: distinct blobs no kept revision still uses, plus partial downloads. */
  freedBytes: number;
  counts: {
    /** Repos removed entirely. */
    repos: number;
    /** Selected revisions in all. */
    revisions: number;
    /** Selected revisions in repos that stay (Python's "partial" revisions). */
    partialRevisions: number;
  };
}

export type PlanRemovalOptions = RemovalTargetOptions;

/**
 * Turns `hf cache rm` targets (cache/removal-targets.ts: repos, revisions, files) into a plan.
 * Targets that match nothing land in `plan.missing`.
 *
 * @example
 * const plan = planRemoval(await scanCache({ cacheDir }), ["model/acme/tiny-model"]);
 * console.log(plan.freedBytes); await executePlan(plan);
 */
export function planRemoval(scan: CacheScan, targets: string[], options: PlanRemovalOptions = {}): CachePlan {
  const { revisions, files, missing } = selectRemovalTargets(scan, targets, options);
  return buildPlan(scan, "remove", revisions, files, [], [], missing);
}

export interface PlanPruneOptions {
  /** Also delete partial downloads that look in use (default false). */
  includeLiveIncomplete?: boolean | undefined;
}

/**
 * `hf cache prune`: every detached revision (no ref points to it) and every partial download
 * (`blobs/*.incomplete`) that no live process holds. Python deletes all partial files; hubkit keeps
 * the ones a running download is writing (hubkit's lock file with a live pid, a held Python flock
 * in /proc/locks, or, where /proc/locks is unavailable, a file written in the last 10 minutes).
 *
 * @example const plan = planPrune(await scanCache({ cacheDir })); console.log(plan.freedBytes);
 */
export function planPrune(scan: CacheScan, options: PlanPruneOptions = {}): CachePlan {
  const selected = new Map<CachedRepoInfo, Set<CachedRevisionInfo>>();
  for (const repo of scan.repos) {
    if (repo.detachedRevisions.length) selected.set(repo, new Set(repo.detachedRevisions));
  }
  const live = options.includeLiveIncomplete ? new Set<string>() : findLiveIncomplete(scan);
  const incomplete = scan.incompleteFiles.filter((f) => !live.has(f.path));
  const inUse = scan.incompleteFiles.filter((f) => live.has(f.path));
  return buildPlan(scan, "prune", selected, [], incomplete, inUse, []);
}

function buildPlan(
  scan: CacheScan,
  kind: CachePlan["kind"],
  selectedMap: Map<CachedRepoInfo, Set<CachedRevisionInfo>>,
  files: PlannedFile[],
  incomplete: IncompleteFileInfo[],
  incompleteInUse: IncompleteFileInfo[],
  missing: string[],
): CachePlan {
  const selectedFiles = new Set(files.map((f) => f.file));
  const goingRevisions = new Set<CachedRevisionInfo>();
  for (const revs of selectedMap.values()) for (const r of revs) goingRevisions.add(r);
  // Blobs still used by anything that stays, across ALL repos (a blob path is repo-local in
  // practice, but a hand-made cache can share one; never delete what someone still points at).
  const retained = new Set<string>();
  for (const repo of scan.repos) {
    for (const rev of repo.revisions) {
      if (goingRevisions.has(rev)) continue;
      for (const f of rev.files) if (!selectedFiles.has(f)) retained.add(f.blobId);
    }
  }
  // blobId -> [path to unlink, or undefined for a plain snapshot file gone with its snapshot, size]
  const blobs = new Map<string, [string | undefined, number]>();
  const goes = (f: CachedFileInfo) => {
    if (retained.has(f.blobId) || blobs.has(f.blobId)) return;
    const p = f.blobPath;
    blobs.set(f.blobId, [p === f.filePath ? undefined : p, f.size]);
  };
  const paths: CachePlan["paths"] = {
    files: [],
    snapshots: [],
    refs: [],
    repos: [],
    blobs: [],
    incomplete: [],
  };
  const selected: PlannedRepo[] = [];
  let repos = 0;
  let revisions = 0;
  let partialRevisions = 0;
  for (const [repo, revSet] of [...selectedMap].sort((a, b) => (a[0].id < b[0].id ? -1 : 1))) {
    const revs = [...revSet].sort((a, b) => (a.commit < b.commit ? -1 : 1));
    const entireRepo = revs.length === repo.revisions.length;
    selected.push({ repo, revisions: revs, entireRepo });
    revisions += revs.length;
    if (entireRepo) repos++;
    else partialRevisions += revs.length;
    for (const rev of revs) {
      paths.snapshots.push(rev.snapshotPath);
      for (const ref of rev.refs) paths.refs.push(join(repo.repoPath, "refs", ...ref.split("/")));
      for (const f of rev.files) goes(f);
    }
    if (entireRepo) {
      paths.refs.push(join(repo.repoPath, "refs"));
      paths.repos.push(repo.repoPath);
    }
  }
  for (const f of files) {
    paths.files.push(f.file.filePath);
    goes(f.file);
  }
  let freedBytes = 0;
  for (const [p, size] of blobs.values()) {
    freedBytes += size;
    if (p !== undefined) paths.blobs.push(p);
  }
  for (const f of incomplete) {
    paths.incomplete.push(f.path);
    freedBytes += f.size;
  }
  paths.blobs.sort();
  return {
    kind,
    cacheDir: scan.cacheDir,
    selected,
    files: files.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)),
    incomplete,
    incompleteInUse,
    missing,
    paths,
    freedBytes,
    counts: { repos, revisions, partialRevisions },
  };
}

export interface ExecuteResult {
  /** Bytes actually freed (sizes of what was removed and existed). */
  freedBytes: number;
  /** Paths that were already gone (Python logs "Couldn't delete …: file not found"). */
  alreadyGone: string[];
}

/**
 * Carries a plan out: snapshot entries, then snapshot folders, then refs, then whole repo folders
 * (their `snapshots/` and `refs/` first), then blobs, then partial downloads. If any step before
 * the blobs fails, it stops and throws before touching a blob, so no kept pointer can dangle.
 *
 * @example await executePlan(planPrune(await scanCache({ cacheDir })));
 */
export interface ExecuteOptions {
  /** Called after each path is removed, in order (progress display, audit logs). */
  onDelete?: ((path: string, kind: DeletedKind) => void) | undefined;
}

export type DeletedKind = "file" | "snapshot" | "ref" | "repo folder" | "blob" | "incomplete" | "repo";

export async function executePlan(plan: CachePlan, options: ExecuteOptions = {}): Promise<ExecuteResult> {
  const alreadyGone: string[] = [];
  const root = resolve(plan.cacheDir);
  const remove = async (p: string, recursive: boolean, kind: DeletedKind) => {
    // A plan is data a caller could have edited: never delete outside the cache it was made for.
    if (!isInsideDir(resolve(p), root)) throw new CacheError(`Refusing to delete ${p}: outside ${root}.`);
    try {
      await fsp.lstat(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        alreadyGone.push(p);
        return;
      }
      throw e;
    }
    await fsp.rm(p, { recursive, force: true });
    options.onDelete?.(p, kind);
  };
  const step = async (list: string[], recursive: boolean, what: DeletedKind) => {
    for (const p of list) {
      try {
        await remove(p, recursive, what);
      } catch (e) {
        if (e instanceof CacheError) throw e;
        throw new CacheError(`Could not delete ${what} ${p}: ${(e as Error).message}. No blob was deleted.`, {
          cause: e,
          remedy: "check the permissions of the cache folder, then run the command again",
        });
      }
    }
  };
  await step(plan.paths.files, false, "file");
  await step(plan.paths.snapshots, true, "snapshot");
  await step(plan.paths.refs, true, "ref");
  for (const repo of plan.paths.repos) {
    await step([join(repo, "snapshots"), join(repo, "refs")], true, "repo folder");
  }
  let freedBytes = plan.freedBytes;
  for (const [p, kind] of [
    ...plan.paths.blobs.map((b) => [b, "blob"] as const),
    ...plan.paths.incomplete.map((b) => [b, "incomplete"] as const),
  ]) {
    try {
      await remove(p, false, kind);
    } catch (e) {
      if (e instanceof CacheError) throw e;
      throw new CacheError(`Could not delete ${p}: ${(e as Error).message}.`, { cause: e });
    }
  }
  await step(plan.paths.repos, true, "repo");
  // Sizes of entries that had vanished before we got to them were not freed by us.
  if (alreadyGone.length) {
    const sizes = new Map<string, number>();
    for (const r of plan.selected)
      for (const rev of r.revisions) for (const f of rev.files) sizes.set(f.blobPath, f.size);
    for (const f of plan.files) sizes.set(f.file.blobPath, f.file.size);
    for (const f of plan.incomplete) sizes.set(f.path, f.size);
    for (const p of new Set(alreadyGone)) freedBytes -= sizes.get(p) ?? 0;
  }
  return { freedBytes: Math.max(0, freedBytes), alreadyGone };
}
