export {
  type CacheUsage,
  checkCache,
  LOW_FREE_SPACE_BYTES,
  measureCache,
} from "./cache-check.js";
export { checkDotEnv } from "./dotenv-check.js";
export { collectEnvInfo, type EnvInfo, formatEnvInfo } from "./env-info.js";
export { checkGitCredential } from "./git-credential.js";
export { checkEndpoint, checkOffline, checkProxy, maskProxyUrl } from "./network-check.js";
export { checkHfOnPath, findOnPath, type HfKind, type HfOnPath, identifyHf } from "./path-check.js";
export { checkRepoAccess } from "./repo-check.js";
export {
  DOCTOR_CHECKS,
  type DoctorCheck,
  type DoctorReport,
  formatDoctorReport,
  runDoctor,
} from "./run-doctor.js";
export { checkTokenExpiry, checkTokenSource, checkTokenValid } from "./token-check.js";
export { checkStoredTokens, checkTokenFileMode } from "./token-files.js";
export { checkTokenLeaks, findTokenLeaks, type TokenLeak } from "./token-leaks.js";
export type { Check, CheckResult, CheckStatus, DoctorContext } from "./types.js";
