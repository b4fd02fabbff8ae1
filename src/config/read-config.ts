import { homedir } from "node:os";
import { dirname } from "node:path";
import { type Env, isTrue } from "../common/env.js";
import type { HttpHooks } from "../common/http-hooks.js";
import { HfUsageError } from "../errors.js";
import { type CaBundle, resolveCaBundle } from "./ca-bundle.js";
import * as V from "./env-vars.js";

export type { Env };
export { isTrue };

/** Where a resolved path came from: the variable that set it, or "default". */
export type Origin = string;

export interface HubConfig {
  /** `$HF_HOME`, default `${XDG_CACHE_HOME:-~/.cache}/huggingface`. */
  hfHome: string;
  /** The hub cache: `HF_HUB_CACHE` > `HUGGINGFACE_HUB_CACHE` > `$HF_HOME/hub`. */
  hubCache: string;
  /** The active token file: `HF_TOKEN_PATH` > `$HF_HOME/token`. */
  tokenPath: string;
  /** The named-token INI file: `HF_STORED_TOKENS_PATH` > `dirname(tokenPath)/stored_tokens`. */
  storedTokensPath: string;
  /** Hub endpoint without trailing slash, default `https://huggingface.co`. */
  endpoint: string;
  offline: boolean;
  disableTelemetry: boolean;
  /** `undefined` when the variable is unset: the caller decides (TTY or not). */
  disableProgressBars: boolean | undefined;
  disableImplicitToken: boolean;
  /**
   * `HF_HUB_DISABLE_SYMLINKS`: the cache holds files instead of symlinks in `snapshots/` (as where
   * the file system has no symlinks, which is also detected).
   */
  disableSymlinks: boolean;
  /** `HF_HUB_DISABLE_SYMLINKS_WARNING`: no warning when symlinks turn out to be unsupported. */
  disableSymlinksWarning: boolean;
  /** Seconds. */
  etagTimeout: number;
  /** Seconds. */
  downloadTimeout: number;
  userAgentOrigin: string | undefined;
  debug: boolean;
  deviceCodeClientId: string;
  /**
   * The CAs trusted on top of Node's bundled roots (SSL_CERT_FILE > SSL_CERT_DIR > REQUESTS_CA_BUNDLE >
   * CURL_CA_BUNDLE > the OS bundle, plus NODE_EXTRA_CA_CERTS): paths and origin only; `http/` reads them.
   */
  caBundle: CaBundle;
  /** Which variable chose each path (for `hf env` and `hf doctor`). */
  origins: {
    hfHome: Origin;
    hubCache: Origin;
    tokenPath: Origin;
    storedTokensPath: Origin;
    endpoint: Origin;
  };
  /** The env the config was read from, for token providers that must re-read it. */
  env: Env;
  /** Request observers every HTTP client built from this config calls (the CLI's HF_DEBUG log). */
  httpHooks?: HttpHooks | undefined;
}

export const DEFAULT_ENDPOINT = "https://huggingface.co";
export const DEFAULT_ETAG_TIMEOUT = 10;
export const DEFAULT_DOWNLOAD_TIMEOUT = 10;
/** huggingface_hub's public OAuth app for `hf auth login` (constants.DEVICE_CODE_OAUTH_CLIENT_ID). */
export const DEFAULT_DEVICE_CODE_CLIENT_ID = "26be6b09-91c5-47da-9861-d2d2bb7a7e36";

/**
 * Python's `os.path.expanduser` then `os.path.expandvars`: a leading `~` or `~/` becomes the home
 * folder; `$VAR` and `${VAR}` are replaced when VAR is set and left as written when it is not.
 */
export function expandPath(value: string, env: Env): string {
  let out = value;
  if (out === "~" || out.startsWith("~/")) {
    const home = env.HOME || homedir();
    out = home + out.slice(1);
  }
  return out.replace(/\$(\w+)|\$\{([^}]*)\}/g, (whole, a: string | undefined, b: string | undefined) => {
    const name = a ?? b ?? "";
    const v = env[name];
    return v === undefined ? whole : v;
  });
}

/** Python's `os.path.join(a, b)` for two POSIX parts: no normalisation of `..` (unlike node's join). */
function pyJoin(a: string, b: string): string {
  if (a === "" || b.startsWith("/")) return b;
  return a.endsWith("/") ? a + b : `${a}/${b}`;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  // Python: `_as_int(value) or DEFAULT`, so unset and "0" both give the default; garbage raises.
  if (raw === undefined || raw === "") return fallback;
  if (!/^\s*[+-]?\d+\s*$/.test(raw)) {
    throw new HfUsageError(`${name} must be a whole number of seconds, got '${raw}'.`, {
      remedy: `export ${name}=${fallback}`,
    });
  }
  const n = Number.parseInt(raw, 10);
  return n === 0 ? fallback : n;
}

/**
 * Reads every setting hubkit uses from an env object, with huggingface_hub 1.33's defaults and
 * precedence (`constants.py`). Pure: no file system access, no `process.env`.
 *
 * @example
 * const config = readConfig({ HF_HOME: "/tmp/hf", HF_ENDPOINT: "http://127.0.0.1:8080/" });
 * config.tokenPath; // "/tmp/hf/token"
 * config.endpoint;  // "http://127.0.0.1:8080"
 */
export function readConfig(env: Env = {}): HubConfig {
  // HF_HOME: os.getenv("HF_HOME", default) -- an empty string counts as set, as in Python.
  const home = env.HOME || homedir();
  let hfHome: string;
  let hfHomeOrigin: Origin;
  if (env[V.HF_HOME] !== undefined) {
    hfHome = expandPath(env[V.HF_HOME] as string, env);
    hfHomeOrigin = V.HF_HOME;
  } else if (env[V.XDG_CACHE_HOME] !== undefined) {
    hfHome = expandPath(pyJoin(env[V.XDG_CACHE_HOME] as string, "huggingface"), env);
    hfHomeOrigin = V.XDG_CACHE_HOME;
  } else {
    hfHome = pyJoin(pyJoin(home, ".cache"), "huggingface");
    hfHomeOrigin = "default";
  }

  let hubCache: string;
  let hubCacheOrigin: Origin;
  if (env[V.HF_HUB_CACHE] !== undefined) {
    hubCache = expandPath(env[V.HF_HUB_CACHE] as string, env);
    hubCacheOrigin = V.HF_HUB_CACHE;
  } else if (env[V.HUGGINGFACE_HUB_CACHE] !== undefined) {
    hubCache = expandPath(env[V.HUGGINGFACE_HUB_CACHE] as string, env);
    hubCacheOrigin = V.HUGGINGFACE_HUB_CACHE;
  } else {
    hubCache = pyJoin(hfHome, "hub");
    hubCacheOrigin = hfHomeOrigin;
  }

  const tokenPathOrigin = env[V.HF_TOKEN_PATH] !== undefined ? V.HF_TOKEN_PATH : hfHomeOrigin;
  const tokenPath =
    env[V.HF_TOKEN_PATH] !== undefined
      ? expandPath(env[V.HF_TOKEN_PATH] as string, env)
      : pyJoin(hfHome, "token");
  // Python has no variable for this file; hubkit adds HF_STORED_TOKENS_PATH and otherwise follows
  // Python: `join(dirname(HF_TOKEN_PATH), "stored_tokens")`.
  const storedSet = env[V.HF_STORED_TOKENS_PATH] !== undefined && env[V.HF_STORED_TOKENS_PATH] !== "";
  const storedTokensPath = storedSet
    ? expandPath(env[V.HF_STORED_TOKENS_PATH] as string, env)
    : pyJoin(dirname(tokenPath), "stored_tokens");

  const endpointRaw = env[V.HF_ENDPOINT];
  const endpoint = (endpointRaw !== undefined ? endpointRaw : DEFAULT_ENDPOINT).replace(/\/+$/, "");
  if (endpointRaw !== undefined && !/^https?:\/\/[^/]+/i.test(endpoint)) {
    throw new HfUsageError(`HF_ENDPOINT must be an http(s) URL, got '${endpointRaw}'.`, {
      remedy: `export HF_ENDPOINT=${DEFAULT_ENDPOINT}`,
    });
  }

  const progressRaw = env[V.HF_HUB_DISABLE_PROGRESS_BARS];

  return {
    hfHome,
    hubCache,
    tokenPath,
    storedTokensPath,
    endpoint,
    offline: isTrue(env[V.HF_HUB_OFFLINE] || env[V.TRANSFORMERS_OFFLINE]),
    disableTelemetry:
      isTrue(env[V.HF_HUB_DISABLE_TELEMETRY]) ||
      isTrue(env[V.DISABLE_TELEMETRY]) ||
      isTrue(env[V.DO_NOT_TRACK]),
    disableProgressBars: progressRaw === undefined ? undefined : isTrue(progressRaw),
    disableImplicitToken: isTrue(env[V.HF_HUB_DISABLE_IMPLICIT_TOKEN]),
    disableSymlinks: isTrue(env[V.HF_HUB_DISABLE_SYMLINKS]),
    disableSymlinksWarning: isTrue(env[V.HF_HUB_DISABLE_SYMLINKS_WARNING]),
    etagTimeout: positiveInt(env, V.HF_HUB_ETAG_TIMEOUT, DEFAULT_ETAG_TIMEOUT),
    downloadTimeout: positiveInt(env, V.HF_HUB_DOWNLOAD_TIMEOUT, DEFAULT_DOWNLOAD_TIMEOUT),
    userAgentOrigin: env[V.HF_HUB_USER_AGENT_ORIGIN] || undefined,
    debug: isTrue(env[V.HF_DEBUG]),
    deviceCodeClientId: env[V.HF_DEVICE_CODE_OAUTH_CLIENT_ID] || DEFAULT_DEVICE_CODE_CLIENT_ID,
    caBundle: resolveCaBundle(env),
    origins: {
      hfHome: hfHomeOrigin,
      hubCache: hubCacheOrigin,
      tokenPath: tokenPathOrigin,
      storedTokensPath: storedSet ? V.HF_STORED_TOKENS_PATH : tokenPathOrigin,
      endpoint: endpointRaw !== undefined ? V.HF_ENDPOINT : "default",
    },
    env,
  };
}
