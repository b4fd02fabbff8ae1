/**
 * hubkit's errors. Every failure a user can meet is an `HfError` with a stable `code` (tests and
 * callers match on it, never on message text), a one-line `message`, a `remedy` (a runnable command
 * or a URL) and the underlying `cause`. The CLI prints `Error: <message>` and `Hint: <remedy>` and
 * exits with `exitCode`. Messages never contain a token.
 */

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
  | "HF_ABORTED"
  | "HF_CACHE"
  | "HF_IO";

/**
 * Documented exit codes (README "Exit codes"). `tls` is curl's for the same failure
 * (CURLE_PEER_FAILED_VERIFICATION, 60: the server's certificate could not be verified), so scripts
 * that already know curl's code recognise it.
 */
export const EXIT = { ok: 0, error: 1, usage: 2, tls: 60, interrupted: 130 } as const;

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
  }

  /** 2 for usage errors, 60 for TLS, 130 (128 + SIGINT) for an interruption, 1 for everything else. */
  get exitCode(): number {
    switch (this.code) {
      case "HF_USAGE":
        return EXIT.usage;
      case "HF_TLS":
        return EXIT.tls;
      case "HF_ABORTED":
        return EXIT.interrupted;
      default:
        return EXIT.error;
    }
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

/** No token anywhere, and the operation needs one. */
export class NotLoggedInError extends HfError {
  constructor(message = "Not logged in.", options: HfErrorOptions = {}) {
    super("HF_NOT_LOGGED_IN", message, { remedy: "hf auth login  (or export HF_TOKEN=...)", ...options });
  }
}

/** The server rejected the token (401 "Invalid credentials" / invalid user token). */
export class AuthInvalidError extends HfError {
  constructor(message: string, options: HfErrorOptions = {}) {
    super("HF_AUTH_INVALID", message, { remedy: "hf auth login --force", ...options });
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
