import { open, readFile, stat, unlink } from "node:fs/promises";
import { LockTimeoutError } from "../errors.js";

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL, holding our pid), waiting at
 * most `timeoutMs` for another holder. A lock whose pid is gone, or older than `staleMs`, is taken
 * over. Used around the OAuth refresh so two hubkit processes never spend the same refresh token.
 *
 * Python's `filelock` takes an flock() on `stored_tokens.lock`, which Node cannot do without a native
 * module; against a concurrent Python refresh the compare-and-swap of the token file (re-read under
 * the lock, rewrite only if unchanged) is what keeps the files consistent.
 *
 * @example await withLockFile(`${config.storedTokensPath}.hubkit.lock`, 30_000, async () => refresh())
 */
export async function withLockFile<T>(
  path: string,
  timeoutMs: number,
  fn: () => Promise<T>,
  staleMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fh = await open(path, "wx", 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (await isStale(path, staleMs)) {
        await unlink(path).catch(() => {});
        continue;
      }
      if (Date.now() >= deadline) {
        throw new LockTimeoutError(`Timed out after ${timeoutMs / 1000} s waiting for the lock ${path}`, {
          remedy: `if no other hf process is running, remove ${path}`,
        });
      }
      await sleep(50 + Math.floor(Math.random() * 50));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => {});
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function isStale(path: string, staleMs: number): Promise<boolean> {
  try {
    const [content, st] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    if (Date.now() - st.mtimeMs > staleMs) return true;
    const pid = Number.parseInt(content, 10);
    if (!Number.isFinite(pid) || pid <= 0) return Date.now() - st.mtimeMs > 1000;
    try {
      process.kill(pid, 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "ESRCH";
    }
  } catch {
    return false;
  }
}
