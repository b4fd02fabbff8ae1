/**
 * hubkit's public library API. This file is the only entry library users import; it never pulls in
 * the CLI.
 */

export {
  type DeviceFlowOptions,
  type DeviceFlowResult,
  type DeviceFlowState,
  type DeviceVerification,
  runDeviceFlow,
} from "./auth/device-flow.js";
export {
  type ExchangeOidcTokenOptions,
  exchangeOidcToken,
  type OidcTokenResponse,
} from "./auth/exchange-oidc-token.js";
export { fromOidc, OIDC_REFRESH_MARGIN, oidcSource } from "./auth/from-oidc.js";
export { type GetOidcTokenOptions, getOidcToken } from "./auth/get-oidc-token.js";
export {
  approveGitCredential,
  fillGitCredential,
  GIT_USERNAME,
  type GitCredential,
  listCredentialHelpers,
  rejectGitCredential,
} from "./auth/git-credential.js";
export { type LoginOptions, type LoginResult, loginWithToken, logout } from "./auth/login.js";
export { type MemoizedProvider, memoize } from "./auth/memoize.js";
export { OAuthError } from "./auth/oauth-error.js";
export { type OidcLoginOptions, oidcLogin } from "./auth/oidc-login.js";
export { detectOidcProvider, type OidcProvider } from "./auth/oidc-provider.js";
export {
  chain,
  fromArgument,
  fromEnv,
  fromTokenFile,
  type ProvidedToken,
  ProviderMiss,
  type TokenProvider,
} from "./auth/providers.js";
export {
  cleanToken,
  clearTokenCache,
  describeTokenSource,
  getToken,
  listTokenSources,
  type ResolveTokenOptions,
  resolveToken,
  type TokenResult,
  type TokenSource,
  tokenChain,
} from "./auth/resolve-token.js";
export {
  deleteAllTokens,
  deleteStoredToken,
  getStoredToken,
  listStoredTokens,
  type StoredToken,
  saveToken,
  switchToken,
} from "./auth/token-store.js";
export { describeRole, type WhoAmI, type WhoAmIOrg, whoami } from "./auth/whoami.js";
export { formatSize, formatTimeSince, parseDuration, parseSize } from "./cache/format.js";
export { readRef, repoFolderName, repoPaths } from "./cache/layout.js";
export {
  type CachePlan,
  type DeletedKind,
  type ExecuteOptions,
  type ExecuteResult,
  executePlan,
  type PlannedFile,
  type PlannedRepo,
  type PlanPruneOptions,
  type PlanRemovalOptions,
  planPrune,
  planRemoval,
} from "./cache/plan.js";
export {
  type CachedFileInfo,
  type CachedRepoInfo,
  type CachedRepoType,
  type CachedRevisionInfo,
  type CacheScan,
  type CacheWarning,
  type CacheWarningKind,
  type IncompleteFileInfo,
  type ScanCacheOptions,
  scanCache,
} from "./cache/scan.js";
export {
  CACHED_NO_EXIST,
  type TryToLoadFromCacheOptions,
  tryToLoadFromCache,
} from "./cache/try-to-load-from-cache.js";
export {
  type CorruptFile,
  type HashAlgorithm,
  type VerifyOptions,
  type VerifyResult,
  verifyRevision,
} from "./cache/verify.js";
export { maskToken, redactTokens } from "./common/mask-token.js";
export { isCommitHash, type RepoType } from "./common/repo.js";
export { checkEnvFileIgnored, type EnvFileGitStatus, loadEnvFile } from "./config/env-file.js";
export * from "./config/index.js";
export {
  type Check,
  type CheckResult,
  type CheckStatus,
  checkCache,
  checkDotEnv,
  checkEndpoint,
  checkGitCredential,
  checkHfOnPath,
  checkOffline,
  checkProxy,
  checkRepoAccess,
  checkStoredTokens,
  checkTokenExpiry,
  checkTokenFileMode,
  checkTokenLeaks,
  checkTokenSource,
  checkTokenValid,
  collectEnvInfo,
  DOCTOR_CHECKS,
  type DoctorCheck,
  type DoctorContext,
  type DoctorReport,
  type EnvInfo,
  findTokenLeaks,
  formatDoctorReport,
  formatEnvInfo,
  runDoctor,
  type TokenLeak,
} from "./doctor/index.js";
export { downloadFile, resolveUrl } from "./download/download-file.js";
export {
  type GetFileMetadataOptions,
  getFileMetadata,
  type HubFileMetadata,
} from "./download/get-file-metadata.js";
export { type FileMetadata, normalizeEtag, parseFileMetadata } from "./download/metadata.js";
export { filterRepoPaths, fnmatch } from "./download/patterns.js";
export { snapshotDownload } from "./download/snapshot-download.js";
export type {
  DownloadEvent,
  DownloadFileOptions,
  DryRunFile,
  SnapshotDownloadOptions,
  SnapshotResult,
} from "./download/types.js";
export { validateRelativeFilename, validateRepoId } from "./download/validators.js";
export * from "./errors.js";
export { authorizationFor } from "./http/authorization-for.js";
export { closeSharedDispatchers, createDispatcher, type DispatcherOptions } from "./http/dispatcher.js";
export { displayUrl } from "./http/display-url.js";
export {
  buildUrl,
  createHubClient,
  type HttpHooks,
  type HttpMethod,
  HUB_HOSTS,
  type HubClient,
  type HubClientOptions,
  type HubRequest,
  type HubResponse,
  isSameOrHubHost,
  type RedirectMode,
  type RequestInfo,
  type ResponseInfo,
  type RetryInfo,
} from "./http/hub-client.js";
export {
  describeAuth,
  type ErrorContext,
  errorFromResponse,
  parseRepoFromUrl,
  raiseForStatus,
  replaceTokenRemedy,
  repoNotFoundRemedy,
  repoWebUrl,
} from "./http/raise-for-status.js";
export {
  DEFAULT_RETRY_POLICY,
  nextDelay,
  parseRateLimit,
  parseRetryAfter,
  type RateLimitInfo,
  type RetryPolicy,
} from "./http/retry-policy.js";
export { buildUserAgent } from "./http/user-agent.js";
export {
  createHubServer,
  DEMO_TOKENS,
  type FaultSpec,
  type HubFixture,
  type HubServer,
  type HubServerOptions,
  type RepoSpec,
  type RequestLogEntry,
} from "./server/index.js";
export { VERSION } from "./version.js";
