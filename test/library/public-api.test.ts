import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";

// The package's public surface is an explicit list (src/index.ts): what it names is kept stable,
// everything else is private. A name that appears or disappears here is a decision, made in review.
const MAIN = [
  "AbortedError",
  "AuthInvalidError",
  "CACHED_NO_EXIST",
  "CacheError",
  "DEFAULT_ENDPOINT",
  "DEFAULT_RETRY_POLICY",
  "DOCTOR_CHECKS",
  "DeviceCodeError",
  "DisabledRepoError",
  "DiskFullError",
  "EntryNotFoundError",
  "OidcError",
  "exchangeOidcToken",
  "getOidcToken",
  "oidcLogin",
  "ForbiddenError",
  "GIT_USERNAME",
  "GatedRepoError",
  "HfConfigError",
  "HfError",
  "HfUsageError",
  "HttpError",
  "IntegrityError",
  "LocalEntryNotFoundError",
  "LockTimeoutError",
  "NetworkError",
  "NotLoggedInError",
  "NotWritableError",
  "OAuthError",
  "OfflineModeError",
  "RateLimitedError",
  "RepoNotFoundError",
  "RevisionNotFoundError",
  "TimeoutError",
  "UnsafePathError",
  "VERSION",
  "approveGitCredential",
  "authorizationFor",
  "checkEnvFileIgnored",
  "clearTokenCache",
  "closeSharedDispatchers",
  "collectEnvInfo",
  "createHubClient",
  "defaultConfig",
  "deleteAllTokens",
  "deleteStoredToken",
  "describeRole",
  "describeTokenSource",
  "downloadFile",
  "executePlan",
  "fillGitCredential",
  "filterRepoPaths",
  "findTokenLeaks",
  "formatDoctorReport",
  "formatEnvInfo",
  "formatSize",
  "formatTimeSince",
  "getFileMetadata",
  "getStoredToken",
  "getToken",
  "isCommitHash",
  "isHfError",
  "listCredentialHelpers",
  "listStoredTokens",
  "listTokenSources",
  "loadEnvFile",
  "loginWithToken",
  "logout",
  "maskToken",
  "parseDuration",
  "parseRepoFromUrl",
  "parseSize",
  "planPrune",
  "planRemoval",
  "raiseForStatus",
  "readConfig",
  "readRef",
  "redactTokens",
  "rejectGitCredential",
  "repoFolderName",
  "repoPaths",
  "resolveToken",
  "resolveUrl",
  "runDeviceFlow",
  "runDoctor",
  "saveToken",
  "scanCache",
  "snapshotDownload",
  "switchToken",
  "tryToLoadFromCache",
  "verifyRevision",
  "whoami",
];

const load = (entry: string) => import(pathToFileURL(join(ROOT, "dist", entry)).href);

describe("public API", () => {
  it("hubkit exports exactly the documented list", async () => {
    expect(Object.keys(await load("index.js")).sort()).toEqual([...MAIN].sort());
  });

  it("the local Hub is hubkit/server, not the main entry", async () => {
    const server = await load("server.js");
    expect(typeof server.createHubServer).toBe("function");
    expect(server.DEMO_TOKENS.alice).toMatch(/^hf_/);
    expect(MAIN).not.toContain("createHubServer");
  });
});
