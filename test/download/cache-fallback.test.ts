import { describe, expect, it } from "vitest";
import { isCacheFallbackError, isRaisedAsIs } from "../../src/download/cache-fallback.js";
import {
  AbortedError,
  AuthInvalidError,
  DiskFullError,
  EntryNotFoundError,
  ForbiddenError,
  GatedRepoError,
  HttpError,
  LocalEntryNotFoundError,
  NetworkError,
  NotLoggedInError,
  OfflineModeError,
  RateLimitedError,
  RepoNotFoundError,
  RevisionNotFoundError,
  TimeoutError,
  UnsafePathError,
} from "../../src/errors.js";

// huggingface_hub 1.33 file_download._get_metadata_or_catch_error / _raise_on_head_call_error and
// snapshot_download: [error, does the cache get a chance, raised as is when it has nothing].
describe("which Hub failures the cache may answer (Python's list)", () => {
  it.each([
    ["connection error", new NetworkError("x"), true, false],
    ["timeout", new TimeoutError("x"), true, false],
    ["offline mode", new OfflineModeError("http://x"), true, false],
    ["answer without X-Repo-Commit / ETag", new LocalEntryNotFoundError("x"), true, false],
    ["5xx", new HttpError("x", { status: 503 }), true, false],
    ["other 4xx", new HttpError("x", { status: 400 }), true, false],
    ["403", new ForbiddenError("x"), true, false],
    ["429", new RateLimitedError("x"), true, false],
    ["repo not found", new RepoNotFoundError("x"), true, true],
    ["gated repo", new GatedRepoError("x"), true, true],
    ["401 without a token", new NotLoggedInError("x"), true, true],
    ["401 with a token", new AuthInvalidError("x"), true, true],
    ["revision not found", new RevisionNotFoundError("x"), false, false],
    ["entry not found", new EntryNotFoundError("x"), false, false],
    ["abort", new AbortedError(), false, false],
    ["hostile file name", new UnsafePathError("x"), false, false],
    ["full disk", new DiskFullError("x"), false, false],
    ["not an HfError", new Error("x"), false, false],
  ])("%s", (_what, e, fallback, asIs) => {
    expect(isCacheFallbackError(e)).toBe(fallback);
    expect(isRaisedAsIs(e)).toBe(asIs);
  });
});
