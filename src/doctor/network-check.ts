import { HF_HUB_OFFLINE, TRANSFORMERS_OFFLINE } from "../config/index.js";
import { doctorClient } from "./active-token.js";
import { maskProxyUrl, proxyForUrl, readProxyVars } from "./proxy-vars.js";

export { maskProxyUrl } from "./proxy-vars.js";

import { type CheckResult, type DoctorContext, fail, ok, skip, warn } from "./types.js";

/**
 * HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) and its effect: no request at all, files resolve from the
 * cache only. Not a failure, but the first thing to know when "it cannot find my file".
 *
 * @example await checkOffline(ctx) // { id: "network.offline", status: "warn", ... } when set
 */
export async function checkOffline(ctx: DoctorContext): Promise<CheckResult> {
  if (!ctx.config.offline)
    return ok("network.offline", "online (HF_HUB_OFFLINE is not set)", { offline: false });
  const name = ctx.env[HF_HUB_OFFLINE] ? HF_HUB_OFFLINE : TRANSFORMERS_OFFLINE;
  return warn(
    "network.offline",
    `offline mode (${name}=${ctx.env[name]}): no request is sent; downloads use only what the cache already holds`,
    `unset ${name}`,
    { data: { offline: true, variable: name } },
  );
}

/**
 * The proxy variables in effect (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, any case; passwords masked), and
 * whether the endpoint's host is excluded by NO_PROXY.
 *
 * @example await checkProxy(ctx) // { id: "network.proxy", message: "HTTPS_PROXY=http://proxy:3128 ..." }
 */
export async function checkProxy(ctx: DoctorContext): Promise<CheckResult> {
  const p = readProxyVars(ctx.env);
  if (!p.httpProxy && !p.httpsProxy && !p.noProxy)
    return ok("network.proxy", "no proxy variables set (direct connections)", { proxy: null });
  const parts: string[] = [];
  if (p.httpsProxy) parts.push(`https_proxy=${maskProxyUrl(p.httpsProxy)}`);
  if (p.httpProxy) parts.push(`http_proxy=${maskProxyUrl(p.httpProxy)}`);
  if (p.noProxy) parts.push(`no_proxy=${p.noProxy}`);
  const url = new URL(ctx.config.endpoint);
  const via = proxyForUrl(p, ctx.config.endpoint);
  const route = via ? `via ${maskProxyUrl(via)}` : "direct (not proxied)";
  return ok("network.proxy", `${parts.join(", ")}; ${url.host} is reached ${route}`, {
    httpsProxy: p.httpsProxy ? maskProxyUrl(p.httpsProxy) : null,
    httpProxy: p.httpProxy ? maskProxyUrl(p.httpProxy) : null,
    noProxy: p.noProxy ?? null,
    proxied: via !== undefined,
  });
}

/**
 * Can the endpoint be reached? One unauthenticated GET of `/api/whoami-v2` (any HTTP answer, even
 * 401, proves the network path; the token is checked separately). Skipped in offline mode.
 *
 * @example await checkEndpoint(ctx) // { id: "network.endpoint", status: "ok", message: "https://huggingface.co answered in 120 ms" }
 */
export async function checkEndpoint(ctx: DoctorContext): Promise<CheckResult> {
  const endpoint = ctx.config.endpoint;
  if (ctx.config.offline) return skip("network.endpoint", `${endpoint} not contacted (offline mode)`);
  const client = doctorClient(ctx, undefined);
  const started = Date.now();
  try {
    const res = await client.request({
      url: "/api/whoami-v2",
      auth: false,
      throwOnError: false,
      retry: false,
      timeoutMs: ctx.timeoutMs ?? 10_000,
    });
    await res.dump();
    const ms = Date.now() - started;
    if (res.status >= 500) {
      return warn(
        "network.endpoint",
        `${endpoint} answered ${res.status} (server trouble)`,
        "retry later; status: https://status.huggingface.co",
        {
          data: { endpoint, status: res.status, ms },
        },
      );
    }
    // `hf serve --mirror` marks every answer: say so, since files then come from its store.
    if (res.headers["x-hubkit-mirror"] !== undefined)
      return ok(
        "network.endpoint",
        `${endpoint} answered in ${ms} ms; it is a hubkit mirror (files from its store, access checked upstream)`,
        { endpoint, status: res.status, ms, mirror: true },
      );
    return ok("network.endpoint", `${endpoint} answered in ${ms} ms`, { endpoint, status: res.status, ms });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return fail(
      "network.endpoint",
      err.message ?? `cannot reach ${endpoint}`,
      ctx.config.origins.endpoint === "HF_ENDPOINT"
        ? `check HF_ENDPOINT (${endpoint}), or unset HF_ENDPOINT`
        : "check the network connection and the proxy variables (HTTPS_PROXY)",
      { data: { endpoint, error: err.code ?? "error" } },
    );
  }
}
