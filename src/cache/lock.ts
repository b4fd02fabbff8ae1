import { join } from "node:path";
import { acquireLock as acquireFileLock, type HeldLock, type LockOptions } from "../common/lock.js";

export type { HeldLock, LockInfo, LockOptions } from "../common/lock.js";

/**
 * The download lock: `<cache>/.locks/<repo-folder>/<etag>.lock.hubkit`, taken with hubkit's one lock
 * primitive (common/lock.ts) around a blob's resumable partial `blobs/<etag>.incomplete`, which only
 * the holder may touch.
 *
 * Why not Python's lock: huggingface_hub flocks `.locks/<repo>/<etag>.lock` (`filelock`), a file it
 * never deletes. Node has no flock, and an existing empty Python lock file must not block us
 * forever, so hubkit locks a sibling name. Python's correctness never depended on its lock (unique
 * temp file + atomic rename); `hf cache prune` honours both (cache/incomplete.ts).
 *
 * @example downloadLockPath("/c/hub", "models--acme--x", "abc") // "/c/hub/.locks/models--acme--x/abc.lock.hubkit"
 */
export function downloadLockPath(cacheDir: string, repoFolder: string, etag: string): string {
  return join(cacheDir, ".locks", repoFolder, `${etag}.lock.hubkit`);
}

/**
 * Takes a download lock, its messages worded for downloads ("held by another download in this
 * process").
 *
 * @example
 * const lock = await acquireLock(downloadLockPath(cache, folder, etag));
 * try { ... } finally { await lock.release(); }
 */
export function acquireLock(path: string, options: LockOptions = {}): Promise<HeldLock> {
  return acquireFileLock(path, { task: "download", ...options });
}
