import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, lstat, readdir, rm, stat, statfs, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { formatSize } from "../cache/format.js";
import { type CheckResult, type DoctorContext, fail, ok, warn } from "./types.js";

/** Below this much free space next to the cache, doctor warns (a single model shard is often 5 GB). */
export const LOW_FREE_SPACE_BYTES = 5 * 1024 ** 3;

/**
 * Sizes as Python's CLI prints bytes in prose: `_format_size` plus "B" (cli/jobs.py does
 * `f"{_format_size(n)}B"`), so `4.2MB` here is the `4.2M` of `hf cache ls`, rounded the same way.
 */
function formatBytes(n: number): string {
  return `${formatSize(n)}B`;
}

async function nearestExisting(path: string): Promise<string> {
  let p = path;
  for (;;) {
    if (
      await stat(p).then(
        () => true,
        () => false,
      )
    )
      return p;
    const up = dirname(p);
    if (up === p) return p;
    p = up;
  }
}

export interface CacheUsage {
  /** Bytes of regular files under the cache (symlinks not followed, so blobs count once). */
  bytes: number;
  files: number;
  /** `blobs/*.incomplete`: partial downloads left by an interrupted run. */
  incomplete: { path: string; bytes: number }[];
  /** The walk stopped at `maxEntries`: the figures are lower bounds. */
  truncated: boolean;
}

/**
 * Walks the cache once (lstat only, no symlink following): total size, file count and leftover
 * `*.incomplete` partial files. Bounded by `maxEntries` so doctor stays fast on huge caches.
 *
 * @example const u = await measureCache(config.hubCache); u.incomplete.length
 */
export async function measureCache(root: string, maxEntries = 200_000): Promise<CacheUsage> {
  const usage: CacheUsage = { bytes: 0, files: 0, incomplete: [], truncated: false };
  let seen = 0;
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (++seen > maxEntries) {
        usage.truncated = true;
        return usage;
      }
      const p = join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) {
        const st = await lstat(p).catch(() => undefined);
        if (!st) continue;
        usage.bytes += st.size;
        usage.files++;
        if (e.name.endsWith(".incomplete")) usage.incomplete.push({ path: p, bytes: st.size });
      }
    }
  }
  return usage;
}

/**
 * The hub cache: where it is and which variable chose it (HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE,
 * HF_HOME, XDG_CACHE_HOME or the default), whether hubkit can write there (a real file is created
 * and removed, since permission bits lie on read-only mounts), the free space of its file system,
 * its size, and partial downloads left behind.
 *
 * @example await checkCache(ctx) // [cache.location, cache.writable, cache.free-space, cache.size, cache.partial]
 */
export async function checkCache(ctx: DoctorContext): Promise<CheckResult[]> {
  const dir = ctx.config.hubCache;
  const origin = ctx.config.origins.hubCache;
  const results: CheckResult[] = [];
  const exists = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  results.push(
    ok(
      "cache.location",
      `cache ${dir} (set by ${origin === "default" ? "the default location" : origin})${exists ? "" : ", not created yet"}`,
      { path: dir, origin, exists },
    ),
  );

  // Writable: a probe file in the cache, or (not created yet) the folder it would be created in.
  const probeDir = exists ? dir : await nearestExisting(dir);
  let writable = false;
  let writeError: string | undefined;
  if (exists) {
    const probe = join(dir, `.hubkit-doctor-${randomBytes(4).toString("hex")}`);
    try {
      await writeFile(probe, "");
      writable = true;
    } catch (e) {
      writeError = (e as NodeJS.ErrnoException).code;
    } finally {
      await rm(probe, { force: true }).catch(() => {});
    }
  } else {
    writable = await access(probeDir, constants.W_OK | constants.X_OK).then(
      () => true,
      (e) => {
        writeError = (e as NodeJS.ErrnoException).code;
        return false;
      },
    );
  }
  results.push(
    writable
      ? ok(
          "cache.writable",
          exists ? `${dir} is writable` : `${probeDir} is writable (the cache will be created inside)`,
          {
            path: probeDir,
          },
        )
      : fail(
          "cache.writable",
          `cannot write in ${exists ? dir : probeDir} (${writeError ?? "denied"})`,
          `export HF_HUB_CACHE=/a/writable/folder  (or: sudo chown -R "$USER" ${exists ? dir : probeDir})`,
          { data: { path: probeDir, error: writeError } },
        ),
  );

  const fs = await statfs(probeDir).catch(() => undefined);
  if (fs) {
    const free = fs.bavail * fs.bsize;
    const data = { path: probeDir, freeBytes: free, totalBytes: fs.blocks * fs.bsize };
    results.push(
      free < LOW_FREE_SPACE_BYTES
        ? warn(
            "cache.free-space",
            `only ${formatBytes(free)} free for the cache`,
            "hf cache prune  (or: export HF_HUB_CACHE=/a/bigger/disk)",
            {
              data,
            },
          )
        : ok("cache.free-space", `${formatBytes(free)} free`, data),
    );
  }

  if (!exists) return results;
  const usage = await measureCache(dir);
  results.push(
    ok(
      "cache.size",
      `${usage.truncated ? "at least " : ""}${formatBytes(usage.bytes)} in ${usage.files} files`,
      {
        bytes: usage.bytes,
        files: usage.files,
        truncated: usage.truncated,
      },
    ),
  );
  const partialBytes = usage.incomplete.reduce((s, f) => s + f.bytes, 0);
  results.push(
    usage.incomplete.length === 0
      ? ok("cache.partial", "no partial downloads left", { count: 0 })
      : warn(
          "cache.partial",
          `${usage.incomplete.length} partial download${usage.incomplete.length === 1 ? "" : "s"} (${formatBytes(partialBytes)}) left by interrupted runs; a new download of the same file resumes it`,
          `find ${dir} -name '*.incomplete' -delete  (when no download is running)`,
          {
            details: usage.incomplete.slice(0, 10).map((f) => `${f.path} (${formatBytes(f.bytes)})`),
            data: {
              count: usage.incomplete.length,
              bytes: partialBytes,
              files: usage.incomplete.map((f) => f.path),
            },
          },
        ),
  );
  return results;
}
