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

/**
 * The proxy a request to `url` goes through, or `undefined` for a direct connection: HTTPS_PROXY
 * for https (else HTTP_PROXY, undici's EnvHttpProxyAgent rule), HTTP_PROXY for http, unless NO_PROXY
 * lists the host (or a parent domain, `*` for all).
 *
 * @example proxyForUrl(readProxyVars({ HTTPS_PROXY: "http://p:3128" }), "https://huggingface.co") // "http://p:3128"
 */
export function proxyForUrl(vars: ProxyVars, url: string): string | undefined {
  const u = new URL(url);
  const via = u.protocol === "https:" ? (vars.httpsProxy ?? vars.httpProxy) : vars.httpProxy;
  const bypass = (vars.noProxy ?? "")
    .split(",")
    .map((s) => s.trim().replace(/^\*?\./, ""))
    .some((h) => h === "*" || (h !== "" && (u.hostname === h || u.hostname.endsWith(`.${h}`))));
  return via && !bypass ? via : undefined;
}

/** `http://user:secret@proxy:3128` -> `http://user:****@proxy:3128`: proxy URLs may carry passwords. */
export function maskProxyUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:****@");
}
