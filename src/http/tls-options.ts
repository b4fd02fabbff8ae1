import tls from "node:tls";
import type { CaBundle } from "../config/index.js";
import { loadCaCertificates } from "./ca-certificates.js";

/** What every TLS connection hubkit makes is given (`tls.connect` options). */
export interface TlsOptions {
  /** Node's bundled roots plus the CA bundle in effect; absent when that adds nothing. */
  secureContext?: tls.SecureContext | undefined;
}

const cache = new Map<string, TlsOptions>();

/** The native context's `addCACert`, which `tls.createSecureContext({ ca })` itself calls per CA. */
type NativeContext = { addCACert?: (pem: string) => void };

/**
 * The TLS options of every connection hubkit makes: the Hub and CDN dispatcher, proxies (undici's
 * `requestTls` / `proxyTls`), the fast `rawGet` path and, through the Hub client, the device-code
 * login. One secure context per CA bundle per process, built on the first https connection, so
 * plain-http runs never pay for it.
 *
 * Node's default context shares one store of its bundled roots; adding certificates to a context
 * copies that store once (Node's `SecureContext::AddCACert`), which costs a few milliseconds,
 * where passing `ca: [...tls.rootCertificates, ...extra]` parses all ~145 bundled roots again (~25 ms
 * on a 2-core VM). The copy does not hold NODE_EXTRA_CA_CERTS, which is why `loadCaCertificates`
 * reads that file itself. Without the native method (not Node), the public `ca` list is used.
 *
 * @example
 * const { secureContext } = tlsOptions(config.caBundle);
 * tls.connect({ host: "huggingface.co", port: 443, servername: "huggingface.co", secureContext });
 */
export function tlsOptions(bundle: CaBundle): TlsOptions {
  const key = JSON.stringify([bundle.kind, bundle.paths, bundle.nodeExtraCaCerts]);
  let options = cache.get(key);
  if (options) return options;
  const { extra } = loadCaCertificates(bundle);
  if (extra.length === 0) {
    options = {};
  } else {
    let secureContext = tls.createSecureContext();
    const native = (secureContext as unknown as { context?: NativeContext }).context;
    if (typeof native?.addCACert === "function") native.addCACert(extra.join("\n"));
    else secureContext = tls.createSecureContext({ ca: [...tls.rootCertificates, ...extra] });
    options = { secureContext };
  }
  cache.set(key, options);
  return options;
}
