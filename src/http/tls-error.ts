import type { CaBundle } from "../config/index.js";
import { TlsError, type TlsProblem } from "../errors.js";
import { loadCaCertificates } from "./ca-certificates.js";

/**
 * Node's TLS failure codes (OpenSSL's X509_V_ERR_* names, plus Node's own ERR_TLS_* and ERR_SSL_*)
 * and what each means to a user.
 */
const PROBLEMS: Readonly<Record<string, TlsProblem>> = {
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "unknown-ca",
  UNABLE_TO_GET_ISSUER_CERT: "unknown-ca",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "unknown-ca",
  SELF_SIGNED_CERT_IN_CHAIN: "unknown-ca",
  DEPTH_ZERO_SELF_SIGNED_CERT: "unknown-ca",
  CERT_UNTRUSTED: "unknown-ca",
  CERT_HAS_EXPIRED: "expired",
  CERT_NOT_YET_VALID: "not-yet-valid",
  ERR_TLS_CERT_ALTNAME_INVALID: "name-mismatch",
  HOSTNAME_MISMATCH: "name-mismatch",
  CERT_REVOKED: "revoked",
  CERT_SIGNATURE_FAILURE: "bad-certificate",
  CERT_REJECTED: "bad-certificate",
  INVALID_CA: "bad-certificate",
  INVALID_PURPOSE: "bad-certificate",
  PATH_LENGTH_EXCEEDED: "bad-certificate",
  CERT_CHAIN_TOO_LONG: "bad-certificate",
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: "bad-certificate",
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: "bad-certificate",
  ERROR_IN_CERT_NOT_BEFORE_FIELD: "bad-certificate",
  ERROR_IN_CERT_NOT_AFTER_FIELD: "bad-certificate",
  ERR_SSL_WRONG_VERSION_NUMBER: "not-tls",
  ERR_SSL_PACKET_LENGTH_TOO_LONG: "not-tls",
};

const WHAT: Readonly<Record<TlsProblem, string>> = {
  "unknown-ca": "it is signed by an unknown CA",
  expired: "it has expired",
  "not-yet-valid": "it is not valid yet",
  "name-mismatch": "it is for another name",
  revoked: "it has been revoked",
  "bad-certificate": "it is invalid",
  "not-tls": "",
  handshake: "",
};

/** The remedy for a CA hubkit does not know: what Python users of a TLS-inspecting proxy set. */
export const TRUST_REMEDY =
  "set SSL_CERT_FILE to your organisation's CA bundle (a PEM file), e.g. export SSL_CERT_FILE=/path/to/corporate-ca.pem";

/** The first Node/undici error in a cause chain whose code is a TLS one, with that code. */
function findTlsCause(e: unknown): { error: Error & { reason?: string }; code: string } | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur && typeof cur === "object"; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && (code in PROBLEMS || code.startsWith("ERR_SSL_") || code === "EPROTO"))
      return { error: cur as Error, code };
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * "Node's roots + SSL_CERT_FILE=/etc/corp/ca.pem": which CAs were trusted, for the unknown-CA message.
 *
 * @example describeTrust(readConfig({}).caBundle) // "Node's roots + the OS bundle /etc/ssl/certs/ca-certificates.crt"
 */
export function describeTrust(bundle: CaBundle): string {
  const parts = ["Node's roots"];
  let sources: ReturnType<typeof loadCaCertificates>["sources"] = [];
  try {
    sources = loadCaCertificates(bundle).sources;
  } catch {
    // An unreadable bundle fails before any handshake; nothing to describe here.
  }
  const osFile = sources.find((s) => s.from === "system");
  if (bundle.origin === "system")
    parts.push(osFile ? `the OS bundle ${osFile.path}` : "no OS bundle (none of its usual paths exists)");
  else parts.push(`${bundle.origin}=${bundle.paths.join(":")}`);
  if (bundle.nodeExtraCaCerts) parts.push(`NODE_EXTRA_CA_CERTS=${bundle.nodeExtraCaCerts}`);
  return parts.join(" + ");
}

export interface TlsErrorContext {
  /** `host:port` the handshake was with (the target, or the proxy for its own TLS). */
  host: string;
  /** As `displayUrl` shows it. */
  url: string;
  bundle: CaBundle;
  /** A proxy carried the connection (its CA may be the one to trust). */
  proxied?: boolean | undefined;
  endpoint?: string | undefined;
}

/**
 * Turns a Node/undici TLS failure into one `TlsError` line: the host, what is wrong with its
 * certificate (unknown CA, expired, not valid yet, another name, revoked) or with the handshake, in
 * Node's words and code, and the remedy. `undefined` when `e` is no TLS failure.
 *
 * @example
 * tlsErrorFrom(err, { host: "huggingface.co:443", url, bundle: config.caBundle })?.message
 * // "Cannot verify the TLS certificate of huggingface.co:443: it is signed by an unknown CA
 * //  (self-signed certificate in certificate chain, SELF_SIGNED_CERT_IN_CHAIN); trusted: Node's roots + ..."
 */
export function tlsErrorFrom(e: unknown, ctx: TlsErrorContext): TlsError | undefined {
  const found = findTlsCause(e);
  if (!found) return undefined;
  const { error, code } = found;
  const problem: TlsProblem = PROBLEMS[code] ?? "handshake";
  // Node's checkServerIdentity puts the mismatch itself in `reason` ("IP: 127.0.0.1 is not in the cert's list: 127.0.0.9").
  const detail = (problem === "name-mismatch" && error.reason) || error.message.split("\n")[0];
  const proxyNote = ctx.proxied
    ? "; a proxy is set (HTTPS_PROXY): if it inspects TLS, its CA is the one to trust"
    : "";
  let message: string;
  let remedy: string;
  switch (problem) {
    case "unknown-ca":
      message = `Cannot verify the TLS certificate of ${ctx.host}: ${WHAT[problem]} (${detail}, ${code}); trusted: ${describeTrust(ctx.bundle)}.`;
      remedy = `${TRUST_REMEDY}; 'hf doctor' names the certificate's issuer${proxyNote}`;
      break;
    case "expired":
    case "not-yet-valid":
      message = `Cannot verify the TLS certificate of ${ctx.host}: ${WHAT[problem]} (${detail}, ${code}).`;
      remedy = `check this computer's date and time (now ${new Date().toISOString()}); otherwise the server, or a proxy that inspects TLS, presents an out-of-date certificate and its administrators must renew it`;
      break;
    case "name-mismatch":
      message = `Cannot verify the TLS certificate of ${ctx.host}: ${WHAT[problem]} (${detail}, ${code}).`;
      remedy = `check the host name in the URL${ctx.endpoint ? ` (HF_ENDPOINT is ${ctx.endpoint})` : ""}; a proxy that inspects TLS may present a certificate for another name`;
      break;
    case "revoked":
    case "bad-certificate":
      message = `Cannot verify the TLS certificate of ${ctx.host}: ${WHAT[problem]} (${detail}, ${code}).`;
      remedy = `tell the server's administrators${proxyNote}`;
      break;
    case "not-tls":
      message = `TLS handshake with ${ctx.host} failed: it does not speak TLS (${detail}, ${code}).`;
      remedy = "if the server has no TLS, use an http:// URL (HF_ENDPOINT)";
      break;
    default:
      message = `TLS handshake with ${ctx.host} failed (${detail}, ${code}).`;
      remedy = `check the URL and the network${proxyNote}`;
  }
  return new TlsError(message, { host: ctx.host, problem, tlsCode: code, url: ctx.url, remedy, cause: e });
}
