import {
  defaultConfig,
  HF_TOKEN,
  HUGGING_FACE_HUB_TOKEN,
  HUGGINGFACE_TOKEN,
  type HubConfig,
} from "../config/index.js";
import {
  chain,
  cleanToken,
  fromArgument,
  fromEnv,
  fromTokenFile,
  type TokenProvider,
  type TokenResult,
  type TokenSource,
} from "./providers.js";
import { isRefreshDue } from "./refresh-check.js";
import { OAUTH_RECHECK_INTERVAL } from "./refresh-constants.js";
import { tokenCacheGeneration } from "./token-cache.js";

export { chain, cleanToken, type TokenResult, type TokenSource } from "./providers.js";
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
}

let warnedDeprecated = false;

/**
 * THE token lookup order, in one place. The first provider that has a token wins:
 *
 *   1. the explicit argument (`--token`, `{ token: "hf_..." }`)
 *   2. `HF_TOKEN`
 *   3. `HUGGING_FACE_HUB_TOKEN` (Python's legacy name, still read by huggingface_hub 1.33)
 *   4. `HUGGINGFACE_TOKEN` (deprecated, read by older tools; one warning naming HF_TOKEN)
 *   5. the token file: `HF_TOKEN_PATH`, else `$HF_HOME/token`
 *      (else `${XDG_CACHE_HOME:-~/.cache}/huggingface/token`), written by `hf auth login`
 *   6. none: anonymous requests
 *
 * Every value is cleaned as Python's `_clean_token` (CR/LF removed anywhere, trimmed; empty =
 * unset). One deliberate difference: Python lets a whitespace-only `HF_TOKEN` hide
 * `HUGGING_FACE_HUB_TOKEN`; here an empty value is simply unset, so the next variable is used.
 */
export function tokenChain(
  config: HubConfig,
  argument: string | undefined,
  onWarning?: (message: string) => void,
): TokenProvider[] {
  const env = config.env;
  return [
    fromArgument(argument),
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

// Per-process memo of implicit lookups (no explicit argument), keyed by config and the inputs that
// decide the answer. Concurrent callers share one in-flight promise. Login, logout and switch clear
// it (`clearTokenCache`) because they change the files.
// Entries expire after OAUTH_RECHECK_INTERVAL so a long-running process still refreshes OAuth tokens.
const memo = new WeakMap<HubConfig, Map<string, { at: number; pending: Promise<TokenResult | undefined> }>>();

function memoKey(config: HubConfig): string {
  const e = config.env;
  return JSON.stringify([
    tokenCacheGeneration(),
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
 * a source exists but is broken (an unreadable token file).
 *
 * With no config, the settings come from `process.env` when the call is made.
 *
 * @example
 * const r = await resolveToken();
 * if (r) console.error(`using the token from ${describeTokenSource(r.source)}`);
 */
export function resolveToken(
  options: ResolveTokenOptions = {},
  config: HubConfig = defaultConfig(),
): Promise<TokenResult | undefined> {
  const { token, onWarning } = options;
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
  const now = Date.now();
  const hit = byKey.get(key);
  if (hit && now - hit.at < OAUTH_RECHECK_INTERVAL * 1000) return hit.pending;
  const map = byKey;
  const pending = lookup(config, onWarning);
  const entry = { at: now, pending };
  map.set(key, entry);
  // A failed lookup is not remembered: the next caller tries again.
  pending.catch(() => {
    if (map.get(key) === entry) map.delete(key);
  });
  return pending;
}

async function lookup(
  config: HubConfig,
  onWarning: ((message: string) => void) | undefined,
): Promise<TokenResult | undefined> {
  const found = await chain(...tokenChain(config, undefined, onWarning));
  // The refresh code (lock file, HTTP client) is loaded only when an OAuth token is due.
  if (found?.source.kind === "file" && isRefreshDue(found.token, config)) {
    const { refreshIfNeeded } = await import("./oauth-refresh.js");
    const token = await refreshIfNeeded(found.token, config, onWarning);
    return { token, source: found.source };
  }
  return found;
}

/**
 * Every source that currently holds a token, in priority order (no refresh, no memo). whoami and
 * login use it to say "HF_TOKEN is set and hides your saved login". Unreadable files are skipped.
 *
 * @example (await listTokenSources(config)).map((r) => describeTokenSource(r.source))
 */
export async function listTokenSources(config: HubConfig = defaultConfig()): Promise<TokenResult[]> {
  const found: TokenResult[] = [];
  for (const provider of tokenChain(config, undefined).slice(1)) {
    try {
      found.push(await provider());
    } catch {
      // A miss, or a file that cannot be read: either way not a source to list.
    }
  }
  return found;
}

/**
 * A human label for a token source, used in whoami output and in every auth error.
 *
 * @example describeTokenSource({ kind: "env", name: "HF_TOKEN" }) // "HF_TOKEN environment variable"
 */
export function describeTokenSource(source: TokenSource): string {
  switch (source.kind) {
    case "argument":
      return "token argument";
    case "env":
      return `${source.name} environment variable`;
    case "file":
      return `token file ${source.path}`;
  }
}

/**
 * The token only (or `undefined`), for callers that do not care where it came from: Python's
 * `get_token()`. With no config, the settings come from `process.env` when the call is made.
 *
 * @example const token = await getToken(); // HF_TOKEN, ..., else the saved login
 */
export async function getToken(
  config: HubConfig = defaultConfig(),
  options: ResolveTokenOptions = {},
): Promise<string | undefined> {
  return (await resolveToken(options, config))?.token;
}
