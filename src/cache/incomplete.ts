import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isHolderAlive, parseLockInfo } from "../common/lock.js";
import { downloadLockPath } from "./lock.js";
import type { CacheScan } from "./scan.js";

/**
 * Which partial downloads (`blobs/<etag>[.<8hex>].incomplete`) a live process is still writing, so
 * `hf cache prune` leaves them alone. A partial file is live when:
 * - hubkit's lock `.locks/<repo-folder>/<etag>.lock.hubkit` (src/cache/lock.ts) names a running pid
 *   on this host (or any pid on another host: we cannot check it, so we keep the file), the rule of
 *   common/lock.ts's `isHolderAlive`;
 * - Python's `.locks/<repo-folder>/<etag>.lock` is flock-ed right now: on Linux `/proc/locks` lists
 *   every held flock by inode, so no need to try (and briefly take) the lock ourselves;
 * - where `/proc/locks` cannot be read, the file was modified in the last 10 minutes.
 */
export function findLiveIncomplete(scan: CacheScan, nowMs: number = Date.now()): Set<string> {
  const live = new Set<string>();
  if (scan.incompleteFiles.length === 0) return live;
  const lockedInodes = readProcLocks();
  for (const f of scan.incompleteFiles) {
    const name = f.path.slice(f.path.lastIndexOf("/") + 1);
    const etag = name.slice(0, name.indexOf("."));
    const lockDir = join(scan.cacheDir, ".locks", f.repoFolder);
    if (hubkitLockIsLive(downloadLockPath(scan.cacheDir, f.repoFolder, etag))) {
      live.add(f.path);
      continue;
    }
    if (lockedInodes) {
      const st = statSync(join(lockDir, `${etag}.lock`), { throwIfNoEntry: false });
      if (st && lockedInodes.has(String(st.ino))) live.add(f.path);
    } else if (nowMs - f.lastModified.getTime() < 10 * 60_000) {
      live.add(f.path);
    }
  }
  return live;
}

function hubkitLockIsLive(path: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return false;
  }
  const holder = parseLockInfo(text);
  return holder !== undefined && isHolderAlive(holder);
}

/** Inode numbers of every held lock (`/proc/locks`: `1: FLOCK ADVISORY WRITE <pid> <maj>:<min>:<inode> 0 EOF`). */
function readProcLocks(): Set<string> | undefined {
  let text: string;
  try {
    text = readFileSync("/proc/locks", "utf8");
  } catch {
    return undefined;
  }
  const inodes = new Set<string>();
  for (const line of text.split("\n")) {
    const m = /\s[0-9a-f]+:[0-9a-f]+:(\d+)\s/i.exec(line);
    if (m) inodes.add(m[1] as string);
  }
  return inodes;
}
