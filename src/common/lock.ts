import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { AbortedError, LockTimeoutError } from "../errors.js";

/**
 * hubkit's one cross-process lock: a file `<path>` created atomically (write a temp file, then
 * `link()` it into place, which fails if the name exists) holding `{pid, host, since}`. Where the
 * file system has no hard links (exFAT, some network shares), an exclusive create (`O_EXCL`) then a
 * write. A lock whose pid is dead on this host is stale and taken over; one held on another host is
 * never presumed dead (replicas sharing a file system cannot see each other's processes); waiting is
 * bounded and the timeout names the holder.
 *
 * Users: the download lock (cache/lock.ts, `.locks/<repo>/<etag>.lock.hubkit`) and the OAuth refresh
 * (auth/oauth-refresh.ts, `stored_tokens.hubkit.lock`). Python takes an flock() (`filelock`) in both
 * places, which Node cannot do without a native module; hubkit's correctness never rests on
 * excluding Python (atomic renames and compare-and-swap rewrites do that), only on excluding itself.
 */
export interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

export interface LockOptions {
  /** What holds such a lock, for messages: "another download in this process". Default "task". */
  task?: string | undefined;
  /** Mode of the lock file (default 0o664; 0o600 next to secrets). */
  mode?: number | undefined;
  /** Give up after this long (default 10 minutes). */
  timeoutMs?: number | undefined;
  /** Poll interval while waiting (default 100 ms). */
  pollMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Called once when the lock is busy, then every 10 s while waiting (Python logs the same). */
  onWait?: ((holder: LockInfo | undefined, waitedMs: number) => void) | undefined;
}

export interface HeldLock {
  path: string;
  release(): Promise<void>;
}

/** Locks held by this process (a pid check cannot tell two of our own workers apart). */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A lock file's `{pid, host, since}`, or undefined for anything else (empty, half-written, foreign).
 *
 * @example parseLockInfo('{"pid":42,"host":"h","since":"2026-01-01T00:00:00Z"}')?.pid // 42
 */
export function parseLockInfo(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as LockInfo;
    return typeof v?.pid === "number" ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the process a lock names may still be running: always for another host (its pids mean
 * nothing here, so it is never taken over), else whether the pid is alive.
 *
 * @example isHolderAlive({ pid: process.pid, host: hostname(), since: "" }) // true
 */
export function isHolderAlive(holder: LockInfo): boolean {
  return holder.host !== hostname() || isAlive(holder.pid);
}

async function readHolder(path: string): Promise<LockInfo | undefined> {
  try {
    return parseLockInfo(await fsp.readFile(path, "utf8"));
  } catch {
    return undefined;
  }
}

/** link() errors of a file system without hard links (exFAT: EPERM; others: ENOTSUP, ENOSYS...). */
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK"]);

/**
 * Creates `path` holding `content` (already written to `tmp`), failing with EEXIST when the name is
 * taken: `link(tmp, path)`, atomic; without hard links, `open(path, "wx")` then a write, where a
 * reader may briefly see an empty file (it waits: an unreadable lock is stale only after 10 s).
 */
async function createExclusive(tmp: string, path: string, content: string, mode: number): Promise<void> {
  try {
    await fsp.link(tmp, path);
  } catch (e) {
    if (!NO_HARD_LINKS.has((e as NodeJS.ErrnoException).code ?? "")) throw e;
    const fh = await fsp.open(path, "wx", mode);
    try {
      await fh.writeFile(content);
    } finally {
      await fh.close();
    }
  }
}

function describe(holder: LockInfo | undefined): string {
  return holder ? `process ${holder.pid} on ${holder.host} (since ${holder.since})` : "another process";
}

/**
 * Whether a holder is gone: same host and pid not running, or our own pid with no such lock held
 * here (a previous life of this pid). A lock file we cannot parse is stale once it is older than
 * 10 s (a writer that crashed between create and write, possible only without hard links).
 */
async function isStale(path: string, holder: LockInfo | undefined): Promise<boolean> {
  if (!holder) {
    try {
      const st = await fsp.stat(path);
      return Date.now() - st.mtimeMs > 10_000;
    } catch {
      return false;
    }
  }
  if (holder.host === hostname() && holder.pid === process.pid) return !heldHere.has(path);
  return !isHolderAlive(holder);
}

/**
 * Takes the lock at `path`, waiting (bounded) while another live process holds it.
 *
 * @example
 * const lock = await acquireLock(`${config.storedTokensPath}.hubkit.lock`, { task: "token refresh" });
 * try { ... } finally { await lock.release(); }
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<HeldLock> {
  const task = options.task ?? "task";
  const mode = options.mode ?? 0o664;
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const pollMs = options.pollMs ?? 100;
  const started = Date.now();
  // First notice after 2 s of waiting, then every 10 s (Python logs every 10 s).
  let lastNotice = -8_000;
  await fsp.mkdir(dirname(path), { recursive: true });
  const me: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  const content = JSON.stringify(me);
  await fsp.writeFile(tmp, content, { mode });
  try {
    for (;;) {
      if (options.signal?.aborted) throw new AbortedError();
      // Wait for our own workers in-process without touching the file system (bounded the same way).
      let holder: LockInfo | undefined = me;
      if (!heldHere.has(path)) {
        try {
          await createExclusive(tmp, path, content, mode);
          heldHere.add(path);
          return {
            path,
            async release() {
              heldHere.delete(path);
              const h = await readHolder(path);
              if (h && h.pid === me.pid && h.since === me.since) await fsp.rm(path, { force: true });
            },
          };
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
        holder = await readHolder(path);
        if (await isStale(path, holder)) {
          // Take over: move the stale file aside under a unique name (only one taker succeeds on
          // this inode), then check it was really the stale one before dropping it.
          const aside = `${path}.${randomBytes(4).toString("hex")}.stale`;
          try {
            await fsp.rename(path, aside);
            const moved = await readHolder(aside);
            if (moved && holder && (moved.pid !== holder.pid || moved.since !== holder.since)) {
              // We moved a fresh lock taken in between: put it back if the name is still free.
              await createExclusive(aside, path, JSON.stringify(moved), mode).catch(() => undefined);
            }
            await fsp.rm(aside, { force: true });
          } catch {
            // someone else took it over first
          }
          continue;
        }
      }
      const waited = Date.now() - started;
      if (waited - lastNotice >= 10_000) {
        lastNotice = waited;
        options.onWait?.(holder, waited);
      }
      if (waited >= timeoutMs) {
        throw new LockTimeoutError(
          `Timed out after ${Math.round(waited / 1000)} s waiting for the lock ${path}, held by ${holder === me ? `another ${task} in this process` : describe(holder)}.`,
          {
            remedy:
              holder === me
                ? `another ${task} in this process holds it; wait for it to finish, then retry`
                : holder
                  ? `wait for process ${holder.pid} to finish, or stop it (kill ${holder.pid}) and retry`
                  : `remove ${path} if no ${task} is running, then retry`,
          },
        );
      }
      await sleep(pollMs, undefined, options.signal ? { signal: options.signal } : undefined).catch(() => {
        throw new AbortedError();
      });
    }
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

/**
 * Runs `fn` while holding the lock at `path` (acquireLock's rules), releasing it however `fn` ends.
 *
 * @example await withLock(`${config.storedTokensPath}.hubkit.lock`, { task: "token refresh" }, refresh)
 */
export async function withLock<T>(path: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(path, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
