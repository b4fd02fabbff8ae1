import {
  ACTIONS_ID_TOKEN_REQUEST_TOKEN,
  ACTIONS_ID_TOKEN_REQUEST_URL,
  defaultConfig,
  GITHUB_ACTIONS,
  HF_OIDC_ID_TOKEN,
  HF_OIDC_RESOURCE,
  HF_TOKEN,
  HUGGING_FACE_HUB_TOKEN,
  HUGGINGFACE_TOKEN,
  type HubConfig,
} from "../config/index.js";
import { fromOidc } from "./from-oidc.js";
import { type MemoizedProvider, memoize } from "./memoize.js";
import {
  chain,
  cleanToken,
  fromArgument,
  fromEnv,
  fromTokenFile,
  type TokenProvider,
  type TokenResult,
} from "./providers.js";
import { isRefreshDue } from "./refresh-check.js";
import { OAUTH_RECHECK_INTERVAL } from "./refresh-constants.js";
import { tokenCacheGeneration } from "./token-cache.js";

export { describeTokenSource, type TokenSource } from "../common/token-source.js";
export { oidcSource } from "./from-oidc.js";
export { chain, cleanToken, type TokenResult } from "./providers.js";
export { clearTokenCache } from "./token-cache.js";

export interface ResolveTokenOptions {
  /**
   * - a string: use it (cleaned: CR/LF removed, trimmed); an empty string counts as not given;
   * - `false`: send no token at all (Python `token=False`);
   * - `true`: look it up even when HF_HUB_DISABLE_IMPLICIT_TOKEN is set (Python `token=True`);
   * - `undefined`: look it up unless HF_HUB_DISABLE_IMPLICIT_TOKEN is set (Python `token=None`).
   */
  token?: string | boolean | undefined;
  /** Receives one-line warnings (deprecated variable, OAuth refresh failure). Never a token. */
  onWarning?: ((message: string) => void) | undefined;
  /** Settings (token paths, HF_TOKEN...). Default: `process.env`, read when the call is made. */
  config?: HubConfig | undefined;
  /**
   * The clock (ms, `Date.now` by default) that decides when a remembered token is stale: an OIDC
   * token is exchanged again at its expiry minus the margin, a token file is re-read for OAuth
   * refresh every 5 minutes. Tests pass one they advance. The first lookup for a config sets it.
   */
  now?: (() => number) | undefined;
}

let warnedDeprecated = false;

/**
 * THE token lookup order, in one place. The first provider that has a token wins:
 *
 *   1. the explicit argument (`--token`, `{ token: "hf_..." }`)
 *   2. the OIDC trusted-publisher exchange, when `HF_OIDC_RESOURCE` is set: the id token from
 *      `HF_OIDC_ID_TOKEN`, else minted from GitHub Actions, exchanged for a short-lived token scoped
 *      to that repo or user (RFC 8693). It beats HF_TOKEN and the saved login, and a failure stops
 *      the lookup (no fallback), as Python's `get_token`. It comes after the explicit argument
 *      because Python's `get_token_to_send` sends a given string as it is and never calls
 *      `get_token` then.
 *   3. `HF_TOKEN`
 *   4. `HUGGING_FACE_HUB_TOKEN` (Python's legacy name, still read by huggingface_hub 1.33)
 *   5. `HUGGINGFACE_TOKEN` (deprecated, read by older tools; one warning naming HF_TOKEN)
 *   6. the token file: `HF_TOKEN_PATH`, else `$HF_HOME/token`
 *      (else `${XDG_CACHE_HOME:-~/.cache}/huggingface/token`), written by `hf auth login`
 *   7. none: anonymous requests
 *
 * Every value is cleaned as Python's `_clean_token` (CR/LF removed anywhere, trimmed; empty =
 * unset). One deliberate difference: Python lets a whitespace-only `HF_TOKEN` hide
 * `HUGGING_FACE_HUB_TOKEN`; here an empty value is simply unset, so the next variable is used.
 * `now` is the clock the OIDC provider dates its token with.
 */
export function tokenChain(
  config: HubConfig,
  argument: string | undefined,
  onWarning?: (message: string) => void,
  now: () => number = Date.now,
): TokenProvider[] {
  const env = config.env;
  return [
    fromArgument(argument),
    fromOidc(config, now),
    fromEnv(HF_TOKEN, env),
    fromEnv(HUGGING_FACE_HUB_TOKEN, env),
    fromEnv(HUGGINGFACE_TOKEN, env, () => {
      if (warnedDeprecated) return;
      warnedDeprecated = true;
      onWarning?.(
        'HUGGINGFACE_TOKEN is deprecated and will stop working; set HF_TOKEN instead (export HF_TOKEN="$HUGGINGFACE_TOKEN" and unset HUGGINGFACE_TOKEN).',
      );
    }),
    fromTokenFile(config.tokenPath),
  ];
}

/** A lookup's answer and when it goes stale (ms on the lookup's clock; undefined: never). */
interface Lookup {
  found: TokenResult | undefined;
  staleAt: number | undefined;
}

// Per-process memo of implicit lookups (no explicit argument), keyed by config and the inputs that
// decide the answer, each one `memoize(lookup, isExpired)`: concurrent callers share one lookup in
// flight (one OIDC exchange), and an answer is redone once stale (an OIDC token near expiry, the
// token file's 5-minute OAuth re-check). Login, logout and switch clear it (`clearTokenCache`)
// because they change the files.
const memo = new WeakMap<HubConfig, Map<string, MemoizedProvider<Lookup>>>();

function memoKey(config: HubConfig): string {
  const e = config.env;
  return JSON.stringify([
    tokenCacheGeneration(),
    e[HF_OIDC_RESOURCE],
    e[HF_OIDC_ID_TOKEN],
    e[GITHUB_ACTIONS],
    e[ACTIONS_ID_TOKEN_REQUEST_URL],
    e[ACTIONS_ID_TOKEN_REQUEST_TOKEN],
    e[HF_TOKEN],
    e[HUGGING_FACE_HUB_TOKEN],
    e[HUGGINGFACE_TOKEN],
    config.tokenPath,
  ]);
}

/**
 * Finds the token to send, and where it came from, following `tokenChain`'s order. A token from the
 * file that is an OAuth access token about to expire is refreshed on the way (as Python's
 * `get_token`), which never fails the lookup. Resolves to `undefined` when there is no token (or
 * when `token: false`, or HF_HUB_DISABLE_IMPLICIT_TOKEN with no explicit request). Rejects only when
 * a source exists but is broken (an unreadable token file, an OIDC exchange that fails: `OidcError`).
 * The answer is remembered per process until it is stale; concurrent callers share one lookup.
 *
 * With no config, the settings come from `process.env` when the call is made.
 *
 * @example
 * const r = await resolveToken();
 * if (r) console.error(`using the token from ${describeTokenSource(r.source)}`);
 */
export function resolveToken(options: ResolveTokenOptions = {}): Promise<TokenResult | undefined> {
  const { token, onWarning } = options;
  const config = options.config ?? defaultConfig();
  if (token === false) return Promise.resolve(undefined);
  if (typeof token === "string") {
    const cleaned = cleanToken(token);
    if (cleaned !== undefined) return Promise.resolve({ token: cleaned, source: { kind: "argument" } });
  }
  // Python's get_token_to_send: HF_HUB_DISABLE_IMPLICIT_TOKEN only affects token=None; True still looks.
  if (token === undefined && config.disableImplicitToken) return Promise.resolve(undefined);

  let byKey = memo.get(config);
  if (!byKey) {
    byKey = new Map();
    memo.set(config, byKey);
  }
  const key = memoKey(config);
  let memoized = byKey.get(key);
  if (!memoized) {
    const now = options.now ?? Date.now;
    memoized = memoize(
      () => lookup(config, onWarning, now),
      (r) => r.staleAt !== undefined && now() >= r.staleAt,
    );
    byKey.set(key, memoized);
  }
  return found(memoized());
}

// The same lookup promise always maps to the same answer promise: concurrent callers (and callers
// while the answer is fresh) get one and the same promise, as the memo hands out one lookup.
const answers = new WeakMap<Promise<Lookup>, Promise<TokenResult | undefined>>();

function found(lookup: Promise<Lookup>): Promise<TokenResult | undefined> {
  let answer = answers.get(lookup);
  if (!answer) {
    answer = lookup.then((r) => r.found);
    answers.set(lookup, answer);
  }
  return answer;
}

async function lookup(
  config: HubConfig,
  onWarning: ((message: string) => void) | undefined,
  now: () => number,
): Promise<Lookup> {
  const found = await chain(...tokenChain(config, undefined, onWarning, now));
  if (!found) return { found: undefined, staleAt: undefined };
  const result: TokenResult = { token: found.token, source: found.source };
  if (found.source.kind !== "file") return { found: result, staleAt: found.staleAt };
  // The token file is looked at again every 5 minutes (Python's _OAUTH_RECHECK_INTERVAL), so a
  // long-running process still refreshes an OAuth token. The refresh code (lock file, HTTP client)
  // is loaded only when an OAuth token is due.
  const staleAt = now() + OAUTH_RECHECK_INTERVAL * 1000;
  if (isRefreshDue(found.token, config)) {
    const { refreshIfNeeded } = await import("./oauth-refresh.js");
    result.token = await refreshIfNeeded(found.token, config, onWarning);
  }
  return { found: result, staleAt };
}

/**
 * Every source that currently holds a token, in priority order (no refresh, no exchange, no memo).
 * whoami and login use it to say "HF_TOKEN is set and hides your saved login". Unreadable files are
 * skipped. The OIDC exchange holds no token until it runs, so it is not listed: `oidcSource(env)`
 * says whether it is on (and then it comes first).
 *
 * @example (await listTokenSources(config)).map((r) => describeTokenSource(r.source))
 */
export async function listTokenSources(config: HubConfig = defaultConfig()): Promise<TokenResult[]> {
  const found: TokenResult[] = [];
  // Not the argument (there is none here) and not the OIDC exchange (a request, not a stored token).
  for (const provider of tokenChain(config, undefined).slice(2)) {
    try {
      const { token, source } = await provider();
      found.push({ token, source });
    } catch {
      // A miss, or a file that cannot be read: either way not a source to list.
    }
  }
  return found;
}

/**
 * The token only (or `undefined`), for callers that do not care where it came from: Python's
 * `get_token()`. With no config, the settings come from `process.env` when the call is made.
 *
 * @example const token = await getToken(); // HF_TOKEN, ..., else the saved login
 */
export async function getToken(options: ResolveTokenOptions = {}): Promise<string | undefined> {
  return (await resolveToken(options))?.token;
}
