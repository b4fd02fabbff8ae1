import { withLock } from "../common/lock.js";
import type { HubConfig } from "../config/index.js";
import { OAuthError } from "./oauth-error.js";
import type { OAuthPost } from "./oauth-http.js";
import { OAUTH_RECHECK_INTERVAL, OAUTH_REFRESH_MARGIN } from "./refresh-constants.js";
import { readStoredTokensFull, readTokenFile, saveToken, writeSecret } from "./token-store.js";

export { OAUTH_RECHECK_INTERVAL, OAUTH_REFRESH_MARGIN };
/** How long to wait for another process's refresh (Python: `WeakFileLock(..., timeout=30)`), ms. */
export const OAUTH_LOCK_TIMEOUT_MS = 30_000;

export interface RefreshDeps {
  /** Wall clock in ms (Date.now). */
  now?: () => number;
  /** Defaults to the real Hub client (`createOAuthPost`), imported only when a refresh is due. */
  post?: OAuthPost;
}

interface RefreshCache {
  fileToken: string;
  resolvedToken: string;
  /** Unix seconds. */
  recheckAt: number;
}

// Per-process state, as Python's module globals `_OAUTH_REFRESH_CACHE` / `_OAUTH_REFRESH_WARNED`.
let cache: RefreshCache | undefined;
let warnedTransient = false;
// One refresh at a time inside this process (Python's `_OAUTH_REFRESH_LOCK`).
let inProcess: Promise<unknown> = Promise.resolve();

/** Forgets the per-process refresh state (tests). */
export function resetRefreshState(): void {
  cache = undefined;
  warnedTransient = false;
}

/**
 * Python's `_refresh_oauth_token_if_needed` (utils/_auth.py, 1.33): given the token read from the
 * token file, returns the token to use. When it is an OAuth access token (its stored_tokens section
 * has `refresh_token` and an integer `expires_at`) that expires within a day, it is exchanged for a
 * new one under a cross-process lock, re-reading the section after taking the lock (another process
 * may have refreshed already), saving the new section, and rewriting the token file only if it
 * still holds the old token (compare-and-swap). NEVER throws: on failure the old token is returned
 * and `onWarning` is told (`invalid_grant` every time; other failures once per process, retried
 * after 5 minutes).
 *
 * @example const token = await refreshIfNeeded(fileToken, config, (m) => console.error(m));
 */
export function refreshIfNeeded(
  token: string,
  config: HubConfig,
  onWarning?: (message: string) => void,
  deps: RefreshDeps = {},
): Promise<string> {
  const run = inProcess.then(() => refreshLocked(token, config, onWarning, deps));
  inProcess = run.catch(() => {});
  return run.catch(() => token);
}

async function refreshLocked(
  token: string,
  config: HubConfig,
  onWarning: ((message: string) => void) | undefined,
  deps: RefreshDeps,
): Promise<string> {
  const nowMs = deps.now ?? Date.now;
  const now = nowMs() / 1000;
  if (cache && cache.fileToken === token && now < cache.recheckAt) return cache.resolvedToken;

  const sections = await readStoredTokensFull(config).catch(() => new Map<string, Map<string, string>>());
  let tokenName: string | undefined;
  let fields: Map<string, string> | undefined;
  for (const [name, f] of sections) {
    if (f.get("hf_token") === token) {
      tokenName = name;
      fields = f;
      break;
    }
  }
  const refreshToken = fields?.get("refresh_token");
  const expiresAt = parseExpiresAt(fields);
  if (tokenName === undefined || refreshToken === undefined || expiresAt === undefined) {
    // The file may just have been rewritten by a concurrent refresh: serve the new token, uncached.
    const current = await readTokenFile(config).catch(() => undefined);
    if (current !== undefined && current !== token) return current;
    cache = { fileToken: token, resolvedToken: token, recheckAt: now + OAUTH_RECHECK_INTERVAL };
    return token;
  }
  if (expiresAt - OAUTH_REFRESH_MARGIN > now) {
    cache = { fileToken: token, resolvedToken: token, recheckAt: expiresAt - OAUTH_REFRESH_MARGIN };
    return token;
  }

  let newToken: string;
  let newExpiresAt: number | undefined;
  try {
    const name = tokenName;
    [newToken, newExpiresAt] = await withLock(
      `${config.storedTokensPath}.hubkit.lock`,
      // Two processes must never spend the same refresh token (the server rotates it).
      { timeoutMs: OAUTH_LOCK_TIMEOUT_MS, task: "token refresh", mode: 0o600 },
      async (): Promise<[string, number | undefined]> => {
        // Re-read under the lock: another process may have refreshed in the meantime.
        const again = (await readStoredTokensFull(config)).get(name);
        if (again?.get("hf_token") !== token) {
          return [again?.get("hf_token") || token, parseExpiresAt(again)];
        }
        const post = deps.post ?? (await import("./oauth-http.js")).createOAuthPost(config);
        const resp = await refreshAccessToken(post, config, refreshToken);
        const exp =
          resp.expires_in !== undefined ? Math.floor(now) + Math.trunc(Number(resp.expires_in)) : undefined;
        await saveToken({
          config,
          token: resp.access_token,
          name,
          // The server may rotate the refresh token; keep the old one if it does not.
          refreshToken: resp.refresh_token || refreshToken,
          expiresAt: exp,
        });
        // Compare-and-swap: only replace the active token if nobody switched away from it meanwhile.
        if ((await readTokenFile(config)) === token) await writeSecret(config.tokenPath, resp.access_token);
        return [resp.access_token, exp];
      },
    );
  } catch (e) {
    let recheckAt: number;
    if (e instanceof OAuthError && e.oauthError === "invalid_grant") {
      onWarning?.(
        `Your Hugging Face access token has expired and could not be refreshed (session expired or revoked). Run \`hf auth login\` to re-authenticate. (${e.message})`,
      );
      recheckAt = Number.POSITIVE_INFINITY;
    } else {
      if (!warnedTransient) {
        warnedTransient = true;
        onWarning?.(
          `Could not refresh your Hugging Face access token: ${(e as Error).message}. Will retry later.`,
        );
      }
      recheckAt = now + OAUTH_RECHECK_INTERVAL;
    }
    cache = { fileToken: token, resolvedToken: token, recheckAt };
    return token;
  }
  cache = {
    fileToken: newToken,
    resolvedToken: newToken,
    // The floor guards against lifetimes under the margin (refresh on every call otherwise).
    recheckAt: Math.max(
      now + OAUTH_RECHECK_INTERVAL,
      newExpiresAt !== undefined ? newExpiresAt - OAUTH_REFRESH_MARGIN : 0,
    ),
  };
  return newToken;
}

function parseExpiresAt(fields: Map<string, string> | undefined): number | undefined {
  const raw = fields?.get("expires_at");
  if (raw === undefined || !/^\s*[+-]?\d+\s*$/.test(raw)) return undefined;
  return Number.parseInt(raw, 10);
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number | string;
  token_type?: string;
}

/**
 * Python's `refresh_access_token`: `POST {endpoint}/oauth/token` with
 * `grant_type=refresh_token&refresh_token=...&client_id=...` (RFC 6749 §6). Any JSON with an
 * `access_token` is accepted whatever the status; otherwise an `OAuthError` carrying the server's
 * `error` value (e.g. `invalid_grant`).
 */
export async function refreshAccessToken(
  post: OAuthPost,
  config: HubConfig,
  refreshToken: string,
): Promise<TokenResponse> {
  let res: Awaited<ReturnType<OAuthPost>>;
  try {
    res = await post("/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: config.deviceCodeClientId,
    });
  } catch (e) {
    throw new OAuthError(`Failed to refresh access token: ${(e as Error).message}`, undefined, { cause: e });
  }
  const data = res.json as Record<string, unknown> | undefined;
  if (data === undefined || typeof data !== "object" || data === null) {
    throw new OAuthError(
      `Failed to parse response from ${config.endpoint}/oauth/token (status ${res.status}): ${res.text.slice(0, 500)}`,
    );
  }
  if (typeof data.access_token === "string" && data.access_token) return data as unknown as TokenResponse;
  const error = typeof data.error === "string" ? data.error : undefined;
  const description = typeof data.error_description === "string" ? data.error_description : "";
  throw new OAuthError(`Failed to refresh access token: ${error ?? res.status} - ${description}`, error, {
    status: res.status,
  });
}
