import { HfError, type HfErrorCode } from "../errors.js";

/**
 * Hub failures after which the cache may still answer, for `downloadFile` and `snapshotDownload`
 * alike. huggingface_hub 1.33 (`file_download._get_metadata_or_catch_error`, and the same
 * try/except in `_snapshot_download.snapshot_download`) catches connection errors, timeouts,
 * `OfflineModeIsEnabled`, every `HfHubHTTPError` (a private, gated or missing repo, a rejected
 * token, 5xx, 429...) and `FileMetadataError` (an answer without X-Repo-Commit or ETag: our
 * `LocalEntryNotFoundError`), then looks in the cache. It re-raises at once only
 * `RevisionNotFoundError` and `RemoteEntryNotFoundError` (the Hub said what does not exist), and
 * anything that is not an HTTP failure (an abort, a bad file name, a full disk...).
 */
const FALLBACK_CODES: ReadonlySet<HfErrorCode> = new Set<HfErrorCode>([
  "HF_NETWORK",
  "HF_TIMEOUT",
  "HF_OFFLINE",
  "HF_LOCAL_ENTRY_NOT_FOUND",
  "HF_NOT_LOGGED_IN",
  "HF_AUTH_INVALID",
  "HF_FORBIDDEN",
  "HF_GATED_REPO",
  "HF_DISABLED_REPO",
  "HF_REPO_NOT_FOUND",
  "HF_RATE_LIMITED",
  "HF_SERVER_ERROR",
  "HF_HTTP_ERROR",
]);

/**
 * Failures that, when the cache has nothing either, surface as they are rather than as "not in the
 * cache and the Hub could not be reached": a missing or gated repo and a 401 (Python's
 * `_raise_on_head_call_error`, and snapshot_download's last `elif`).
 */
const RAISED_AS_IS: ReadonlySet<HfErrorCode> = new Set<HfErrorCode>([
  "HF_REPO_NOT_FOUND",
  "HF_GATED_REPO",
  "HF_NOT_LOGGED_IN",
  "HF_AUTH_INVALID",
]);

/**
 * Whether the cache may answer after this failure to reach the Hub.
 *
 * @example isCacheFallbackError(new TimeoutError("...")) // true; an EntryNotFoundError: false
 */
export function isCacheFallbackError(e: unknown): e is HfError {
  return e instanceof HfError && FALLBACK_CODES.has(e.code);
}

/** Whether a fallback failure is re-raised as is when the cache does not have the file either. */
export function isRaisedAsIs(e: unknown): e is HfError {
  return e instanceof HfError && RAISED_AS_IS.has(e.code);
}
