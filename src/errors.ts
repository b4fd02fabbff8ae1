/**
 * hubkit's errors. Every failure a user can meet is an `HfError` with a stable `code` (tests and
 * callers match on it, never on message text), a one-line `message`, a `remedy` in the library's
 * terms (an option such as `revision` or `repoType: "dataset"`, a variable, a URL; never a CLI flag),
 * structured `data` about what failed, and the underlying `cause`. The CLI words its own remedies
 * from the code and the data (src/cli/error-table.ts) and picks the exit code (src/cli/exit-codes.ts).
 * Messages never contain a token.
 */

import type { TokenSource } from "./common/token-source.js";

export type HfErrorCode =
  | "HF_USAGE"
  | "HF_CONFIG"
  | "HF_NOT_LOGGED_IN"
  | "HF_AUTH_INVALID"
  | "HF_FORBIDDEN"
  | "HF_GATED_REPO"
  | "HF_DISABLED_REPO"
  | "HF_REPO_NOT_FOUND"
  | "HF_REVISION_NOT_FOUND"
  | "HF_ENTRY_NOT_FOUND"
  | "HF_LOCAL_ENTRY_NOT_FOUND"
  | "HF_OFFLINE"
  | "HF_RATE_LIMITED"
  | "HF_SERVER_ERROR"
  | "HF_HTTP_ERROR"
  | "HF_NETWORK"
  | "HF_TIMEOUT"
  | "HF_TLS"
  | "HF_INTEGRITY"
  | "HF_LOCK_TIMEOUT"
  | "HF_DISK_FULL"
  | "HF_NOT_WRITABLE"
  | "HF_UNSAFE_PATH"
  | "HF_DEVICE_CODE"
  | "HF_OIDC"
  | "HF_ABORTED"
  | "HF_CACHE"
  | "HF_IO";

/**
 * Facts about a failure, for callers and for the CLI's wording of it. Never a token: a token's
 * source says where it came from (`{ kind: "env", name: "HF_TOKEN" }`), not what it is.
 */
export interface HfErrorData {
  /** A finer reason within the code, as stable as it: "not-cached", "invalid-repo-id", ... */
  reason?: string | undefined;
  revision?: string | undefined;
  /** A file in the repo. */
  filename?: string | undefined;
  /** A file or folder on disk the failure is about. */
  path?: string | undefined;
  /** The Hub the request went to. */
  endpoint?: string | undefined;
  /** Whether the failed request carried a token, and where that token came from. */
  tokenSent?: boolean | undefined;
  tokenSource?: TokenSource | undefined;
  /** The repo's web page: where access is requested, branches and files are listed. */
  repoUrl?: string | undefined;
  /** HF_HUB_OFFLINE was set, so nothing was asked of the Hub. */
  offline?: boolean | undefined;
  /** The type under which the same id does exist (a "model" that is a dataset). */
  suggestedRepoType?: string | undefined;
  /** What the caller may choose from instead (saved token names). */
  choices?: readonly string[] | undefined;
}

export interface HfErrorOptions {
  remedy?: string | undefined;
  cause?: unknown;
  /** HTTP status, when the error came from a response. */
  status?: number | undefined;
  /** Server request id (x-request-id and friends), when there was one. */
  requestId?: string | undefined;
  /** The server's own explanation (X-Error-Message / JSON `error`). */
  serverMessage?: string | undefined;
  url?: string | undefined;
  repoId?: string | undefined;
  repoType?: string | undefined;
  data?: HfErrorData | undefined;
}

export class HfError extends Error {
  readonly code: HfErrorCode;
  readonly remedy: string | undefined;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly serverMessage: string | undefined;
  readonly url: string | undefined;
  repoId: string | undefined;
  repoType: string | undefined;
  readonly data: HfErrorData;

  constructor(code: HfErrorCode, message: string, options: HfErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.remedy = options.remedy;
    this.status = options.status;
    this.requestId = options.requestId;
    this.serverMessage = options.serverMessage;
    this.url = options.url;
    this.repoId = options.repoId;
    this.repoType = options.repoType;
    this.data = options.data ?? {};
  }

  /**
   * @deprecated Exit codes belong to the CLI (`exitCodeOf` in src/cli/exit-codes.ts, which a test
   * keeps in step with this). Kept so callers of hubkit 0.1 keep working.
   */
  get exitCode(): number {
    return this.code === "HF_USAGE" ? 2 : this.code === "HF_TLS" ? 60 : this.code === "HF_ABORTED" ? 130 : 1;
  }
}

/** Bad flags, arguments or values (including an invalid repo id): exit 2. */
export class HfUsageError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_USAGE", message, options);
  }
}

/** A configuration file (hub.json, stored_tokens, .env) that cannot be used. */
export class HfConfigError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_CONFIG", message, options);
  }
}

/** The remedy for a missing token, in library terms (the CLI says `hf auth login`). */
export const LOGIN_REMEDY = "set HF_TOKEN, pass `token`, or save a login with loginWithToken()";

/**
 * No token anywhere, and the operation needs one. Without a `url`, nothing was sent (no token was
 * found); with one, the server asked for a token (401).
 */
export class NotLoggedInError extends HfError {
  constructor(
    message = "Not logged in: no token was found and none was given.",
    options: HfErrorOptions = {},
  ) {
    super("HF_NOT_LOGGED_IN", message, { remedy: LOGIN_REMEDY, ...options });
  }
}

/** The server rejected the token (401 "Invalid credentials" / invalid user token). */
export class AuthInvalidError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_AUTH_INVALID", message, {
      remedy: "pass a valid token, or save a new login with loginWithToken()",
      ...options,
    });
  }
}

/** 403 without a more specific code: the token lacks a permission. */
export class ForbiddenError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_FORBIDDEN", message, options);
  }
}

/** `X-Error-Code: GatedRepo`: the repo exists but this user has not been granted access. */
export class GatedRepoError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_GATED_REPO", message, options);
  }
}

export class DisabledRepoError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_DISABLED_REPO", message, options);
  }
}

/** `X-Error-Code: RepoNotFound`: missing, private to someone else, or the wrong repo type. */
export class RepoNotFoundError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_REPO_NOT_FOUND", message, options);
  }
}

export class RevisionNotFoundError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_REVISION_NOT_FOUND", message, options);
  }
}

/** The file does not exist at that revision (server said EntryNotFound). */
export class EntryNotFoundError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_ENTRY_NOT_FOUND", message, options);
  }
}

/** The file is not in the local cache and the network cannot or may not be used. */
export class LocalEntryNotFoundError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_LOCAL_ENTRY_NOT_FOUND", message, options);
  }
}

/** A request was about to be sent while HF_HUB_OFFLINE is set. */
export class OfflineModeError extends HfError {
  constructor(url: string, options: HfErrorOptions = {}) {
    super(
      "HF_OFFLINE",
      `Cannot reach ${url}: offline mode is enabled. To disable it, please unset the \`HF_HUB_OFFLINE\` environment variable.`,
      { url, ...options },
    );
  }
}

export class RateLimitedError extends HfError {
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, options: HfErrorOptions & { retryAfterSeconds?: number | undefined } = {}) {
    super("HF_RATE_LIMITED", message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Any other HTTP failure (5xx: HF_SERVER_ERROR, other 4xx: HF_HTTP_ERROR). */
export class HttpError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super(
      options.status !== undefined && options.status >= 500 ? "HF_SERVER_ERROR" : "HF_HTTP_ERROR",
      message,
      options,
    );
  }
}

/** The endpoint could not be reached (ECONNREFUSED, DNS, reset before a response). */
export class NetworkError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_NETWORK", message, options);
  }
}

/** What is wrong with a TLS connection, from Node's verification codes (see `http/tls-error.ts`). */
export type TlsProblem =
  | "unknown-ca"
  | "expired"
  | "not-yet-valid"
  | "name-mismatch"
  | "revoked"
  | "bad-certificate"
  | "not-tls"
  | "handshake";

/**
 * A TLS connection could not be verified (an unknown CA, as behind a TLS-inspecting proxy; an
 * expired certificate; a name mismatch) or set up: exit 60. `host` is the `host:port` it was for,
 * `tlsCode` Node's code (SELF_SIGNED_CERT_IN_CHAIN, CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID...).
 */
export class TlsError extends HfError {
  readonly host: string;
  readonly problem: TlsProblem;
  readonly tlsCode: string;
  constructor(
    message: string,
    options: HfErrorOptions & { host: string; problem: TlsProblem; tlsCode: string },
  ) {
    super("HF_TLS", message, options);
    this.host = options.host;
    this.problem = options.problem;
    this.tlsCode = options.tlsCode;
  }
}

export class TimeoutError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_TIMEOUT", message, options);
  }
}

/** Downloaded bytes do not match the expected sha256 / git sha1 / size. */
export class IntegrityError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_INTEGRITY", message, options);
  }
}

export class LockTimeoutError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_LOCK_TIMEOUT", message, options);
  }
}

export class DiskFullError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_DISK_FULL", message, options);
  }
}

/** The cache or local dir cannot be written (read-only mount, permissions). */
export class NotWritableError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_NOT_WRITABLE", message, options);
  }
}

/** A server-provided path that would escape the cache or local folder. */
export class UnsafePathError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_UNSAFE_PATH", message, options);
  }
}

/** The OAuth device flow failed (expired code, access denied, bad server answer). */
export class DeviceCodeError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_DEVICE_CODE", message, options);
  }
}

/**
 * The OIDC trusted-publisher exchange cannot give a token (huggingface_hub's `OIDCError`): no id token
 * to exchange, the CI provider would not mint one, or the Hub refused the exchange. Opting in with
 * HF_OIDC_RESOURCE is explicit, so this stops the token lookup instead of falling back to HF_TOKEN.
 */
export class OidcError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_OIDC", message, options);
  }
}

export class AbortedError extends HfError {
  constructor(message = "The operation was aborted.", options: HfErrorOptions = {}) {
    super("HF_ABORTED", message, options);
  }
}

export class CacheError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_CACHE", message, options);
  }
}

export function isHfError(e: unknown): e is HfError {
  return e instanceof HfError;
}
