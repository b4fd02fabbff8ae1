import { HfUsageError, UnsafePathError } from "../errors.js";

/**
 * Python's `REPO_ID_REGEX` (utils/_validators.py), compiled with `re.ASCII`: JavaScript's `\w` and
 * `\b` are ASCII-only already, so the pattern ports as written.
 */
const REPO_ID_REGEX = /^(\b[\w\-.]{1,96}\b\/)?\b[\w\-.]{1,96}\b$/;

/**
 * Validates a repo id with huggingface_hub's rules and messages (`validate_repo_id`), in the same
 * order, so `hf download bad--id/x` fails exactly as Python's does. Throws `HfUsageError` (exit 2).
 *
 * @example
 * validateRepoId("acme/tiny-model"); // ok
 * validateRepoId("bad--id/x");       // throws "Cannot have -- or .. in repo_id: 'bad--id/x'."
 */
export function validateRepoId(repoId: unknown): asserts repoId is string {
  if (typeof repoId !== "string") {
    throw new HfUsageError(`Repo id must be a string, not ${typeof repoId}: '${String(repoId)}'.`);
  }
  const invalidId = {
    remedy:
      "repo ids look like 'namespace/repo_name' (e.g. acme/tiny-model); for a dataset pass repoType: \"dataset\"",
    data: { reason: "invalid-repo-id" },
  };
  if (repoId.split("/").length - 1 > 1) {
    throw new HfUsageError(
      `Repo id must be in the form 'repo_name' or 'namespace/repo_name': '${repoId}'. Use \`repo_type\` argument if needed.`,
      invalidId,
    );
  }
  if (!REPO_ID_REGEX.test(repoId)) {
    throw new HfUsageError(
      `Repo id must use alphanumeric chars, '-', '_' or '.'. The name cannot start or end with '-' or '.' and the maximum length is 96: '${repoId}'.`,
      invalidId,
    );
  }
  if (repoId.includes("--") || repoId.includes("..")) {
    throw new HfUsageError(`Cannot have -- or .. in repo_id: '${repoId}'.`, invalidId);
  }
  if (repoId.endsWith(".git")) {
    throw new HfUsageError(`Repo_id cannot end by '.git': '${repoId}'.`, invalidId);
  }
}

/** Windows anchors for one `/`-separated segment: `C:`, `C:\x`, `\x`, `\\host\share` (PureWindowsPath drive/root). */
function isWindowsAnchored(segment: string): boolean {
  return /^[A-Za-z]:/.test(segment) || segment.startsWith("\\");
}

/**
 * Refuses a repo filename that could escape the folder it is joined onto: a `..` segment, an
 * absolute / drive / UNC path (checked under POSIX and, per segment, Windows rules), as Python's
 * `_local_folder._validate_relative_filename` does, with its messages. hubkit also refuses empty
 * names, empty or `.` segments and NUL bytes, which Python would turn into odd paths.
 *
 * @example
 * validateRelativeFilename("sub/dir/file.txt"); // ok
 * validateRelativeFilename("../x");             // throws UnsafePathError
 */
export function validateRelativeFilename(filename: string): void {
  const remedy = "ask the repository owner to rename this file";
  if (filename.replace(/\\/g, "/").split("/").includes("..")) {
    throw new UnsafePathError(
      `Invalid filename '${filename}': cannot contain a '..' path segment. Please ask the repository owner to rename this file.`,
      { remedy },
    );
  }
  if (filename.startsWith("/") || filename.split("/").some(isWindowsAnchored)) {
    throw new UnsafePathError(
      `Invalid filename '${filename}': cannot be an absolute, drive-relative or UNC path. Please ask the repository owner to rename this file.`,
      { remedy },
    );
  }
  if (filename === "" || filename.includes("\0") || filename.split("/").some((s) => s === "" || s === ".")) {
    throw new UnsafePathError(`Invalid filename '${filename}': empty, '.' or NUL path segment.`, { remedy });
  }
}
