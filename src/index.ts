/**
 * hubkit's public library API: the only entry library users import (`hubkit`); it never pulls in the
 * CLI. The list is explicit, and what it names is what is kept stable; everything else in src/ is
 * private and free to change. The local Hub server is `hubkit/server`, the transformers.js adapter
 * `hubkit/transformers`.
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
export { OAuthError } from "./auth/oauth-error.js";
export { type OidcLoginOptions, oidcLogin } from "./auth/oidc-login.js";
export {
  clearTokenCache,
  describeTokenSource,
  getToken,
  listTokenSources,
  type ResolveTokenOptions,
  resolveToken,
  type TokenResult,
  type TokenSource,
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
export { defaultConfig } from "./config/default-config.js";
export { checkEnvFileIgnored, type EnvFileGitStatus, loadEnvFile } from "./config/env-file.js";
export { DEFAULT_ENDPOINT, type Env, type HubConfig, readConfig } from "./config/read-config.js";
export {
  type Check,
  type CheckResult,
  type CheckStatus,
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
export { filterRepoPaths } from "./download/patterns.js";
export { snapshotDownload } from "./download/snapshot-download.js";
export type {
  DownloadEvent,
  DownloadFileOptions,
  DryRunFile,
  SnapshotDownloadOptions,
  SnapshotResult,
} from "./download/types.js";
export {
  AbortedError,
  AuthInvalidError,
  CacheError,
  DeviceCodeError,
  DisabledRepoError,
  DiskFullError,
  EntryNotFoundError,
  ForbiddenError,
  GatedRepoError,
  HfConfigError,
  HfError,
  type HfErrorCode,
  type HfErrorOptions,
  HfUsageError,
  HttpError,
  IntegrityError,
  isHfError,
  LocalEntryNotFoundError,
  LockTimeoutError,
  NetworkError,
  NotLoggedInError,
  NotWritableError,
  OfflineModeError,
  OidcError,
  RateLimitedError,
  RepoNotFoundError,
  RevisionNotFoundError,
  TimeoutError,
  UnsafePathError,
} from "./errors.js";
export { authorizationFor } from "./http/authorization-for.js";
export { closeSharedDispatchers } from "./http/dispatcher.js";
export {
  createHubClient,
  type HttpHooks,
  type HttpMethod,
  type HubClient,
  type HubClientOptions,
  type HubRequest,
  type HubResponse,
  type RedirectMode,
  type RequestInfo,
  type ResponseInfo,
  type RetryInfo,
} from "./http/hub-client.js";
export { parseRepoFromUrl, raiseForStatus } from "./http/raise-for-status.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./http/retry-policy.js";
export { VERSION } from "./version.js";
