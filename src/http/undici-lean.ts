// undici's index module loads everything it offers (fetch, WebSocket, EventSource, caches, mocks...)
// at import time: ~8 MiB more peak RSS for every CLI command that makes a request (a real request
// with `node --liftoff-only`: 63 MiB through the index, 55 MiB through these modules). The Hub
// client needs only the connection pools and `request`, so it loads those modules directly. They
// are the same classes the index exports (undici 7, no "exports" map restricts deep imports).
import type {
  Dispatcher,
  Agent as UndiciAgent,
  buildConnector as UndiciBuildConnector,
  EnvHttpProxyAgent as UndiciEnvHttpProxyAgent,
} from "undici";
// @ts-expect-error undici ships declarations for its index only
import api from "undici/lib/api/index.js";
// @ts-expect-error undici ships declarations for its index only
import DispatcherImpl from "undici/lib/dispatcher/dispatcher.js";

// As undici's index does: dispatchers get request/stream/pipeline/connect/upgrade (ProxyAgent's
// CONNECT tunnel calls `client.connect`).
Object.assign((DispatcherImpl as { prototype: object }).prototype, api);

// @ts-expect-error undici ships declarations for its index only
import buildConnectorImpl from "undici/lib/core/connect.js";
// @ts-expect-error undici ships declarations for its index only
import AgentImpl from "undici/lib/dispatcher/agent.js";
// @ts-expect-error undici ships declarations for its index only
import EnvHttpProxyAgentImpl from "undici/lib/dispatcher/env-http-proxy-agent.js";

export const Agent = AgentImpl as typeof UndiciAgent;
/** undici's `buildConnector`: how its pools open sockets (net, or tls with the given options). */
export const buildConnector = buildConnectorImpl as typeof UndiciBuildConnector;
export const EnvHttpProxyAgent = EnvHttpProxyAgentImpl as typeof UndiciEnvHttpProxyAgent;

export type LeanRequestOptions = Omit<Dispatcher.RequestOptions, "origin" | "path" | "method"> & {
  dispatcher: Dispatcher;
  method?: Dispatcher.HttpMethod | undefined;
};

/**
 * undici's `request(url, { dispatcher, ... })` (what its index's `makeDispatcher` does: split the
 * URL into origin and path, then `api.request` on the dispatcher), without loading the index.
 *
 * @example const res = await request("http://127.0.0.1:8080/api/whoami-v2", { dispatcher, method: "GET" });
 */
export function request(url: string, opts: LeanRequestOptions): Promise<Dispatcher.ResponseData> {
  const u = new URL(url);
  const { dispatcher, ...rest } = opts;
  return (
    api.request as (this: Dispatcher, o: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>
  ).call(dispatcher, {
    ...rest,
    origin: u.origin,
    path: u.search ? `${u.pathname}${u.search}` : u.pathname,
    method: rest.method ?? (rest.body ? "PUT" : "GET"),
  } as Dispatcher.RequestOptions);
}
