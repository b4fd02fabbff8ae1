import { createHash } from "node:crypto";
import { promises as fsp } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { CACHEDIR_TAG, CACHEDIR_TAG_NAME } from "../cache/layout.js";
import { UnsafePathError } from "../errors.js";
import { validateRelativeFilename } from "./validators.js";

/**
 * Local-dir mode bookkeeping, as huggingface_hub 1.33 `_local_folder.py` (compat point 19):
 * `<dir>/.cache/huggingface/download/<path>.metadata` = `"<commit>\n<etag>\n<time.time()>\n"`,
 * valid while `mtime - 1 <= timestamp`; `.gitignore` = `*`; `CACHEDIR.TAG`.
 */
export interface LocalDirPaths {
  file: string;
  metadata: string;
  /** hubkit's lock (Python's flock file is `<path>.lock`; see cache/lock.ts for why we differ). */
  lock: string;
  /** Resumable partial: `<b64(sha1(metadata name))>.<etag>.incomplete` beside the metadata. */
  incomplete(etag: string): string;
}

export function huggingfaceDir(localDir: string): string {
  return join(localDir, ".cache", "huggingface");
}

export function localDirPaths(localDir: string, filename: string): LocalDirPaths {
  validateRelativeFilename(filename);
  const root = resolve(localDir);
  const file = resolve(root, ...filename.split("/"));
  if (!file.startsWith(root + sep)) {
    throw new UnsafePathError(`Invalid filename '${filename}': it would be written outside ${root}.`);
  }
  const metadata = join(huggingfaceDir(root), "download", `${filename.split("/").join(sep)}.metadata`);
  const shortHash = createHash("sha1").update(basename(metadata)).digest("base64url");
  // Python's urlsafe_b64encode keeps the "=" padding; base64url drops it.
  const padded = shortHash + "=".repeat((4 - (shortHash.length % 4)) % 4);
  return {
    file,
    metadata,
    lock: `${metadata.slice(0, -".metadata".length)}.lock.hubkit`,
    incomplete: (etag) => join(dirname(metadata), `${padded}.${etag}.incomplete`),
  };
}

/** Creates `.cache/huggingface/` with its `.gitignore` (`*`) and `CACHEDIR.TAG` when missing. */
export async function ensureHuggingfaceDir(localDir: string): Promise<void> {
  const dir = huggingfaceDir(localDir);
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(join(dir, ".gitignore"), "*", { flag: "wx" }).catch(() => undefined);
  await fsp.writeFile(join(dir, CACHEDIR_TAG_NAME), CACHEDIR_TAG, { flag: "wx" }).catch(() => undefined);
}

export interface LocalDownloadMetadata {
  commit: string;
  etag: string;
  timestamp: number;
}

/** Python's `str(time.time())`: shortest round-trip float, always with a decimal point. */
export function pyFloatString(x: number): string {
  const s = String(x);
  return Number.isInteger(x) && !s.includes("e") ? `${s}.0` : s;
}

/**
 * Reads the metadata of a local-dir file; undefined when missing, unparsable (then deleted, as
 * Python does) or outdated (the file changed after it was written).
 */
export async function readLocalMetadata(paths: LocalDirPaths): Promise<LocalDownloadMetadata | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(paths.metadata, "utf8");
  } catch {
    return undefined;
  }
  const lines = text.split("\n");
  const commit = (lines[0] ?? "").trim();
  const etag = (lines[1] ?? "").trim();
  const timestamp = Number.parseFloat((lines[2] ?? "").trim());
  if (!Number.isFinite(timestamp) || lines.length < 3) {
    await fsp.rm(paths.metadata, { force: true });
    return undefined;
  }
  try {
    const st = await fsp.stat(paths.file);
    if (st.mtimeMs / 1000 - 1 <= timestamp) return { commit, etag, timestamp };
  } catch {
    // file missing
  }
  return undefined;
}

export async function writeLocalMetadata(paths: LocalDirPaths, commit: string, etag: string): Promise<void> {
  await fsp.mkdir(dirname(paths.metadata), { recursive: true });
  const tmp = `${paths.metadata}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, `${commit}\n${etag}\n${pyFloatString(Date.now() / 1000)}\n`);
  await fsp.rename(tmp, paths.metadata);
}
