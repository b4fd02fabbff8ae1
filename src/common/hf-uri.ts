import { HfUsageError } from "../errors.js";
import { type CachedRepoType, repoTypeFromPlural } from "./repo.js";

/**
 * `hf://[<TYPE>/]<ID>[@<REVISION>][/<PATH>]`, huggingface_hub 1.33's grammar
 * (`utils/_hf_uris.py::parse_hf_uri`), the one parser `hf download` and `hf cache rm` share.
 * Not ported: web URLs (`https://huggingface.co/...`), mounts, and the repo-id validation of
 * `HfUri.__post_init__` (callers run `validateRepoId` where Python's command would).
 */

/** What an `hf://` URI can point at: a repo of any cached type, or a bucket. */
export type HfUriType = CachedRepoType | "bucket";

export interface HfUri {
  type: HfUriType;
  /** `namespace/name`. */
  id: string;
  /** After `@`, URL-decoded; `refs/pr/N` and `refs/convert/<name>` kept whole. */
  revision?: string | undefined;
  /** Inside the repo, without leading or trailing `/`; "" for the root. */
  pathInRepo: string;
}

const PROTOCOL = "hf://";
/** Special refs that contain a `/` and win when splitting `<revision>/<path>` (`_SPECIAL_REFS_REVISION_REGEX`). */
const SPECIAL_REF = /^refs\/(?:convert\/[\w.-]+|pr\/\d+)/;

/**
 * Whether `value` is meant as an `hf://` URI (Python branches on the prefix, the user's intent).
 *
 * @example isHfUri("hf://acme/x") // true; isHfUri("acme/x") // false
 */
export function isHfUri(value: string): boolean {
  return value.startsWith(PROTOCOL);
}

function invalid(uri: string, msg: string): HfUsageError {
  // Python's HfUriError wording.
  return new HfUsageError(`Invalid HF URI '${uri}'. ${msg}`);
}

/** Python's `urllib.parse.unquote`: decodes each run of `%XX` escapes, leaving malformed ones as they are. */
function unquote(s: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run; // not UTF-8 (Python would put U+FFFD there)
    }
  });
}

/** `_split_type`: the optional plural type prefix; a singular one is refused with the plural. */
function splitType(uri: string, location: string): [HfUriType, string] {
  const slash = location.indexOf("/");
  const first = slash < 0 ? location : location.slice(0, slash);
  const plural = first === "buckets" ? "bucket" : repoTypeFromPlural(first);
  if (slash < 0) {
    if (plural)
      throw invalid(uri, `Missing identifier after '${first}'. Expected '${PROTOCOL}${first}/<ID>'.`);
    if (first === "bucket" || repoTypeFromPlural(`${first}s`)) {
      throw invalid(uri, `Type prefix must be plural. Did you mean '${PROTOCOL}${first}s/...'?`);
    }
    return ["model", location];
  }
  if (plural) return [plural, location.slice(slash + 1)];
  if (first === "bucket" || repoTypeFromPlural(`${first}s`)) {
    throw invalid(uri, `Type prefix must be plural, got '${first}/'. Did you mean '${first}s/'?`);
  }
  return ["model", location];
}

const stripSlashes = (s: string) => s.replace(/^\/+|\/+$/g, "");

/**
 * Parses an `hf://` URI as huggingface_hub does. Throws `HfUsageError` (Python's `HfUriError`
 * messages) for a malformed one.
 *
 * @example
 * parseHfUri("hf://datasets/acme/data@refs/pr/3/train.json")
 * // { type: "dataset", id: "acme/data", revision: "refs/pr/3", pathInRepo: "train.json" }
 */
export function parseHfUri(uri: string): HfUri {
  if (!isHfUri(uri)) {
    throw invalid(
      uri,
      `Must start with '${PROTOCOL}'. Expected format: ${PROTOCOL}[<TYPE>/]<ID>[@<REVISION>][/<PATH>]`,
    );
  }
  const body = uri.slice(PROTOCOL.length);
  if (!body) throw invalid(uri, `Empty body after '${PROTOCOL}'.`);
  const [type, rest] = splitType(uri, body);
  const location = stripSlashes(rest);
  let id: string;
  let revision: string | undefined;
  let pathInRepo: string;
  if (type === "bucket") {
    const parts = location.split("/");
    if (parts.length < 2 || !parts[0] || !parts[1]) {
      throw invalid(uri, `Bucket id must be 'namespace/name', got '${location}'.`);
    }
    id = `${parts[0]}/${parts[1]}`;
    if (id.includes("@")) throw invalid(uri, "Bucket URIs do not support a revision marker ('@').");
    pathInRepo = parts.slice(2).join("/");
  } else {
    if (!location) throw invalid(uri, "Missing repository id.");
    // `@` marks the revision only right after `namespace/name`; deeper it is part of a file name.
    const at = location.indexOf("@");
    if (at < 0 || location.slice(0, at).split("/").length > 2) {
      const parts = location.split("/");
      if (parts.length < 2) throw invalid(uri, `Repository id must be 'namespace/name', got '${location}'. `);
      id = `${parts[0]}/${parts[1]}`;
      pathInRepo = parts.slice(2).join("/");
    } else {
      id = location.slice(0, at);
      const revAndPath = location.slice(at + 1);
      if (!id) throw invalid(uri, "Missing repository id before '@'.");
      if (id.split("/").length !== 2)
        throw invalid(uri, `Repository id must be 'namespace/name', got '${id}'.`);
      const special = SPECIAL_REF.exec(revAndPath);
      const slash = revAndPath.indexOf("/");
      const rawRev = special ? special[0] : slash < 0 ? revAndPath : revAndPath.slice(0, slash);
      pathInRepo = revAndPath.slice(rawRev.length).replace(/^\//, "");
      revision = unquote(rawRev);
      if (!revision) throw invalid(uri, "Empty revision after '@'.");
    }
  }
  // `HfUri.__post_init__`'s checks, but for the repo id rules (see the module comment).
  if (id.split("/").length !== 2 || id.startsWith("/") || id.endsWith("/")) {
    throw invalid(uri, `Id must be 'namespace/name', got '${id}'.`);
  }
  if (pathInRepo.startsWith("/") || pathInRepo.includes("//")) {
    throw invalid(uri, `Path must not contain empty segments (got '${pathInRepo}').`);
  }
  return { type, id, revision, pathInRepo };
}
