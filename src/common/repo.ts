/**
 * Repo types, ids and URL pieces shared by the client and the local server. Neutral: imports nothing
 * from either side, so the server never borrows a client behaviour it should be testing.
 */

export type RepoType = "model" | "dataset" | "space";
export const REPO_TYPES: readonly RepoType[] = ["model", "dataset", "space"];

/**
 * The types a cache folder or an `hf://` URI can name: hubkit's three, plus Python's kernels
 * (`constants.REPO_TYPES_MAPPING`), which the cache commands list and remove but nothing downloads.
 */
export type CachedRepoType = RepoType | "kernel";

/**
 * Each type's plural, the one word table: cache folders (`models--org--name`), API paths
 * (`/api/datasets/...`) and `hf://` prefixes (`constants.HF_URI_TYPE_PREFIXES`) all spell it so.
 */
export const REPO_TYPE_PLURALS: Readonly<Record<CachedRepoType, string>> = {
  model: "models",
  dataset: "datasets",
  space: "spaces",
  kernel: "kernels",
};

/** `/resolve` URL prefix per type (constants.REPO_TYPES_URL_PREFIXES): none for models. */
export const URL_PREFIX: Readonly<Record<RepoType, string>> = {
  model: "",
  dataset: `${REPO_TYPE_PLURALS.dataset}/`,
  space: `${REPO_TYPE_PLURALS.space}/`,
};

export function isRepoType(value: string): value is RepoType {
  return (REPO_TYPES as readonly string[]).includes(value);
}

/**
 * The type a plural names, exactly as written (`"datasets"` -> `"dataset"`), else undefined: how
 * Python reads a cache folder's prefix and an `hf://` type segment.
 *
 * @example repoTypeFromPlural("kernels") // "kernel"; repoTypeFromPlural("model") // undefined
 */
export function repoTypeFromPlural(word: string): CachedRepoType | undefined {
  for (const [type, plural] of Object.entries(REPO_TYPE_PLURALS)) {
    if (plural === word) return type as CachedRepoType;
  }
  return undefined;
}

/**
 * A type as people type it, singular or plural, any case (`Dataset`, `models`): `--repo-type`
 * values and the `type/` of `hf cache rm dataset/org/name`. Undefined for anything else.
 *
 * @example parseRepoTypeWord("Datasets") // "dataset"
 */
export function parseRepoTypeWord(word: string): CachedRepoType | undefined {
  const w = word.toLowerCase();
  return Object.hasOwn(REPO_TYPE_PLURALS, w) ? (w as CachedRepoType) : repoTypeFromPlural(w);
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
