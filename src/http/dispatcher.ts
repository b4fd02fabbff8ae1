import { setFlagsFromString } from "node:v8";
import type {
  buildConnector as BuildConnector,
  Dispatcher,
  EnvHttpProxyAgent as UndiciEnvHttpProxyAgent,
} from "undici";
import { type CaBundle, type Env, resolveCaBundle } from "../config/index.js";
import { tlsOptions } from "./tls-options.js";
import { Agent, buildConnector, EnvHttpProxyAgent } from "./undici-lean.js";

/** Proxy settings read from an env object (never `process.env`), lower case first like curl/undici. */
export interface ProxySettings {
  httpProxy: string | undefined;
  httpsProxy: string | undefined;
  noProxy: string | undefined;
}

function pick(env: Env, name: string): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v === undefined || v === "" ? undefined : v;
}

/**
 * HTTP_PROXY / HTTPS_PROXY / NO_PROXY (any case) from `env`, or `undefined` when none is set.
 *
 * @example proxySettingsFromEnv({ HTTPS_PROXY: "http://proxy:3128" })?.httpsProxy // "http://proxy:3128"
 */
export function proxySettingsFromEnv(env: Env): ProxySettings | undefined {
  const s = {
    httpProxy: pick(env, "http_proxy"),
    httpsProxy: pick(env, "https_proxy"),
    noProxy: pick(env, "no_proxy"),
  };
  return s.httpProxy || s.httpsProxy || s.noProxy ? s : undefined;
}

export interface DispatcherOptions {
  /** The env to read proxy variables from (`config.env`); undefined = no proxy. */
  env?: Env | undefined;
  /** The CAs to trust beyond Node's roots (`config.caBundle`); default: `resolveCaBundle(env)`. */
  caBundle?: CaBundle | undefined;
  /** Sockets per origin; `undefined` = unlimited (undici's default). Downloads raise it. */
  connections?: number | undefined;
  /** How long an idle keep-alive socket is kept (ms). */
  keepAliveTimeoutMs?: number | undefined;
  /** TCP/TLS connect timeout (ms), default 10 s. Per-request timeouts cover headers and body. */
  connectTimeoutMs?: number | undefined;
}

/**
 * undici's connector (`buildConnector`) with the CA bundle's TLS options, which are only built when
 * the first https connection is made: a run that only speaks plain http never reads a CA file.
 */
function lazyTlsConnector(timeoutMs: number, bundle: CaBundle): BuildConnector.connector {
  const plain = buildConnector({ timeout: timeoutMs });
  let secure: BuildConnector.connector | undefined;
  return (opts, callback) => {
    if (opts.protocol !== "https:") return plain(opts, callback);
    try {
      secure ??= buildConnector({ timeout: timeoutMs, ...tlsOptions(bundle) });
    } catch (e) {
      // An unreadable SSL_CERT_FILE (HfConfigError) fails the request that needed it.
      callback(e as Error, null);
      return;
    }
    return secure(opts, callback);
  };
}

/**
 * A keep-alive dispatcher: an undici `Agent`, or an `EnvHttpProxyAgent` when proxy variables are set
 * in `options.env`. Plain-http targets go through the proxy in absolute form (`GET http://h/p`), as
 * httpx does; https targets are tunnelled with CONNECT. The proxy variables are passed explicitly so
 * undici never falls back to `process.env`. Every TLS connection (to the Hub, the CDN, through a
 * CONNECT tunnel, or to an https proxy) verifies against `tlsOptions(caBundle)`.
 *
 * @example
 * const dispatcher = createDispatcher({ env: config.env, connections: 16 });
 * const client = createHubClient({ config, dispatcher });
 */
export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  const bundle = options.caBundle ?? resolveCaBundle(options.env ?? {});
  const agentOptions = {
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    connect: lazyTlsConnector(options.connectTimeoutMs ?? 10_000, bundle),
    ...(options.connections !== undefined ? { connections: options.connections } : {}),
  };
  const proxy = options.env ? proxySettingsFromEnv(options.env) : undefined;
  if (!proxy) return new Agent(agentOptions);
  // ProxyAgent builds its connectors when it is created, so with a proxy the TLS options are too.
  const tls = tlsOptions(bundle);
  return new EnvHttpProxyAgent({
    ...agentOptions,
    // "" (not undefined) stops undici from reading process.env for the missing ones.
    httpProxy: proxy.httpProxy ?? "",
    httpsProxy: proxy.httpsProxy ?? "",
    noProxy: proxy.noProxy ?? "",
    proxyTunnel: false,
    // requestTls: the target's handshake inside the CONNECT tunnel; proxyTls: an https:// proxy's own.
    requestTls: { ...tls },
    proxyTls: { ...tls },
  } as UndiciEnvHttpProxyAgent.Options);
}

const shared = new Map<string, Dispatcher>();

/**
 * The process-wide dispatcher for a given proxy and CA configuration: one keep-alive pool shared by
 * every client, so consecutive API calls reuse their connections.
 */
export function sharedDispatcher(
  env: Env | undefined,
  connectTimeoutMs?: number,
  caBundle: CaBundle = resolveCaBundle(env ?? {}),
): Dispatcher {
  const proxy = env ? proxySettingsFromEnv(env) : undefined;
  const key = JSON.stringify([proxy ?? null, connectTimeoutMs ?? null, caBundle]);
  let d = shared.get(key);
  if (!d) {
    d = createDispatcher({ env, connectTimeoutMs, caBundle });
    shared.set(key, d);
  }
  return d;
}

/** Closes every shared dispatcher (tests; a CLI that wants to exit without waiting for idle sockets). */
export async function closeSharedDispatchers(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  await Promise.all(all.map((d) => d.close().catch(() => undefined)));
}

let baselineWasm = false;

/**
 * Compiles undici's HTTP parser (llhttp, WebAssembly) with V8's baseline compiler (Liftoff) only.
 * The optimising compile of that module alone raises a process's peak RSS by ~35 MiB (a bare
 * `hf download --dry-run`: 99 MiB -> 63 MiB, measured with /usr/bin/time -v on node 20), for no
 * measurable speed: llhttp only parses headers and counts body bytes. Must run before the first
 * undici request of the process (the module is compiled once, lazily). Process-wide, so only the
 * CLI calls it, never the library.
 *
 * @example useBaselineWasmCompiler(); // first thing in a CLI command that makes requests
 */
export function useBaselineWasmCompiler(): void {
  if (baselineWasm) return;
  baselineWasm = true;
  setFlagsFromString("--liftoff-only");
}
