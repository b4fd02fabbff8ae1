import type { Env } from "../config/index.js";

/** The proxy variables hubkit's HTTP client honours (lower case first, like curl and undici). */
export interface ProxyVars {
  httpProxy: string | undefined;
  httpsProxy: string | undefined;
  noProxy: string | undefined;
}

const pick = (env: Env, name: string): string | undefined => {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v === undefined || v === "" ? undefined : v;
};

/**
 * HTTP_PROXY / HTTPS_PROXY / NO_PROXY in effect, read as `http/dispatcher.ts` reads them, without
 * loading undici (so `hf env` starts fast).
 *
 * @example readProxyVars({ HTTPS_PROXY: "http://proxy:3128" }).httpsProxy // "http://proxy:3128"
 */
export function readProxyVars(env: Env): ProxyVars {
  return {
    httpProxy: pick(env, "http_proxy"),
    httpsProxy: pick(env, "https_proxy"),
    noProxy: pick(env, "no_proxy"),
  };
}

/** `http://user:secret@proxy:3128` -> `http://user:****@proxy:3128`: proxy URLs may carry passwords. */
export function maskProxyUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:****@");
}
