/**
 * Repo types, ids and URL pieces shared by the client and the local server. Neutral: imports nothing
 * from either side, so the server never borrows a client behaviour it should be testing.
 */

export type RepoType = "model" | "dataset" | "space";
export const REPO_TYPES: readonly RepoType[] = ["model", "dataset", "space"];

/** `/resolve` URL prefix per type (constants.REPO_TYPES_URL_PREFIXES). */
export const URL_PREFIX: Record<RepoType, string> = { model: "", dataset: "datasets/", space: "spaces/" };

export function isRepoType(value: string): value is RepoType {
  return (REPO_TYPES as readonly string[]).includes(value);
}

/** `[0-9a-f]{40}` full match, lower-case only: anything else is a ref name (Python's REGEX_COMMIT_HASH). */
export function isCommitHash(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

/** Python's `quote(value, safe="")`: encodes everything except `A-Za-z0-9_.-~`. Used for revisions. */
export function quoteAll(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Python's `quote(path)` (safe="/"): like quoteAll but keeps `/`. Used for filenames. */
export function quotePath(path: string): string {
  return path.split("/").map(quoteAll).join("/");
}
