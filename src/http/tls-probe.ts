import { X509Certificate } from "node:crypto";
import net from "node:net";
import tls from "node:tls";
import type { CaBundle } from "../config/index.js";
import { tlsOptions } from "./tls-options.js";

/** One certificate of the chain a server presented, as `hf doctor` reports it. */
export interface ProbedCertificate {
  /** The subject's CN (else O). */
  subject: string;
  /** The issuer's CN (else O). */
  issuer: string;
  validTo: string;
  fingerprint256: string;
}

export interface TlsProbeResult {
  /** `host:port` of the handshake. */
  host: string;
  /** The chain verified against the CA bundle in effect, and the name matched. */
  authorized: boolean;
  /** Node's code when not authorized (SELF_SIGNED_CERT_IN_CHAIN, ERR_TLS_CERT_ALTNAME_INVALID...). */
  errorCode?: string | undefined;
  errorMessage?: string | undefined;
  /** Leaf first, up to the root (from the trust store when the server did not send it). */
  chain: ProbedCertificate[];
  /** The chain ends at one of Node's bundled (Mozilla) roots: a public CA, not a private or inspecting one. */
  publicRoot: boolean;
  /** The proxy the handshake went through (CONNECT), when one was given. */
  proxy?: string | undefined;
}

export interface TlsProbeOptions {
  bundle: CaBundle;
  /** An http(s) proxy URL to tunnel through with CONNECT, as the dispatcher would. */
  proxy?: string | undefined;
  timeoutMs?: number | undefined;
}

let bundledFingerprints: Set<string> | undefined;

function name(n: Record<string, string | string[] | undefined> | undefined): string {
  const pick = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return pick(n?.CN) ?? pick(n?.O) ?? "(no name)";
}

function describeChain(leaf: tls.DetailedPeerCertificate): ProbedCertificate[] {
  const chain: ProbedCertificate[] = [];
  const seen = new Set<string>();
  for (let c = leaf; c?.fingerprint256 && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
    seen.add(c.fingerprint256);
    chain.push({
      subject: name(c.subject as never),
      issuer: name(c.issuer as never),
      validTo: c.valid_to,
      fingerprint256: c.fingerprint256,
    });
  }
  return chain;
}

/** Opens a CONNECT tunnel to `target` (`host:port`) through an http(s) proxy. */
function tunnel(proxyUrl: string, target: string, bundle: CaBundle, timeoutMs: number): Promise<net.Socket> {
  const p = new URL(proxyUrl);
  const port = Number(p.port || (p.protocol === "https:" ? 443 : 80));
  const host = p.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve, reject) => {
    const socket =
      p.protocol === "https:"
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...tlsOptions(bundle) })
        : net.connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer from the proxy ${p.host}`)));
    socket.once("error", reject);
    const auth = p.username
      ? `proxy-authorization: Basic ${Buffer.from(`${decodeURIComponent(p.username)}:${decodeURIComponent(p.password)}`).toString("base64")}\r\n`
      : "";
    socket.once(p.protocol === "https:" ? "secureConnect" : "connect", () =>
      socket.write(`CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n${auth}\r\n`),
    );
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head.toString("latin1"))?.[1]);
      if (status !== 200) {
        socket.destroy();
        reject(new Error(`the proxy ${p.host} answered ${status || "garbage"} to CONNECT ${target}`));
        return;
      }
      socket.setTimeout(0);
      socket.off("error", reject);
      if (head.length > end + 4) socket.unshift(head.subarray(end + 4));
      resolve(socket);
    };
    socket.on("data", onData);
  });
}

/**
 * One TLS handshake with `url`'s host (through `proxy` when given), sending nothing: which chain it
 * presents, whether that chain verifies against Node's roots + the CA bundle in effect, and whether
 * it ends at a public root. A connection that verifies only thanks to an extra CA, where a public
 * root was expected, is what a TLS-inspecting proxy looks like. For `hf doctor`; the handshake runs
 * with verification reported rather than enforced, so an untrusted chain can still be described.
 *
 * @example
 * const r = await probeTls("https://huggingface.co", { bundle: config.caBundle, proxy: "http://proxy:3128" });
 * if (r.authorized && !r.publicRoot) console.log(`inspected: issued by ${r.chain.at(-1)?.subject}`);
 */
export async function probeTls(url: string, options: TlsProbeOptions): Promise<TlsProbeResult> {
  const u = new URL(url);
  const hostname = u.hostname.replace(/^\[|\]$/g, "");
  const port = Number(u.port || 443);
  const host = `${u.hostname}:${port}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const socket = options.proxy ? await tunnel(options.proxy, host, options.bundle, timeoutMs) : undefined;
  const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
    const s = tls.connect({
      ...tlsOptions(options.bundle),
      ...(socket ? { socket } : { host: hostname, port }),
      servername: net.isIP(hostname) ? undefined : hostname,
      // Verified below and reported; nothing is ever written to this socket.
      rejectUnauthorized: false,
    });
    s.setTimeout(timeoutMs, () => s.destroy(new Error(`no TLS handshake with ${host} in ${timeoutMs} ms`)));
    s.once("secureConnect", () => resolve(s));
    s.once("error", reject);
  });
  try {
    const leaf = secure.getPeerCertificate(true);
    const chain = describeChain(leaf);
    let errorCode: string | undefined;
    let errorMessage: string | undefined;
    if (!secure.authorized) {
      // Node gives the OpenSSL code as a string here (an Error in some versions).
      const e = secure.authorizationError as unknown as string | (Error & { code?: string });
      errorCode = typeof e === "string" ? e : (e?.code ?? String(e));
      errorMessage = typeof e === "string" ? undefined : e?.message;
    } else {
      const mismatch = tls.checkServerIdentity(hostname, leaf) as
        | (Error & { code?: string; reason?: string })
        | undefined;
      if (mismatch) {
        errorCode = mismatch.code;
        errorMessage = mismatch.reason ?? mismatch.message;
      }
    }
    bundledFingerprints ??= new Set(
      tls.rootCertificates.map((pem) => new X509Certificate(pem).fingerprint256),
    );
    const root = chain.at(-1);
    return {
      host,
      authorized: errorCode === undefined,
      errorCode,
      errorMessage,
      chain,
      publicRoot: root !== undefined && bundledFingerprints.has(root.fingerprint256),
      proxy: options.proxy,
    };
  } finally {
    secure.destroy();
  }
}
