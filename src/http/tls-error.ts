import type { CaBundle } from "../config/index.js";
import { TlsError, type TlsProblem } from "../errors.js";
import { describeTrust } from "./describe-trust.js";

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

/** What is wrong with a certificate, in a few words: "it has expired". */
export const TLS_PROBLEM_TEXT: Readonly<Record<TlsProblem, string>> = {
  "unknown-ca": "it is signed by an unknown CA",
  expired: "it has expired",
  "not-yet-valid": "it is not valid yet",
  "name-mismatch": "it is for another name",
  revoked: "it has been revoked",
  "bad-certificate": "it is invalid",
  "not-tls": "it does not speak TLS",
  handshake: "the handshake failed",
};

/**
 * The problem a Node TLS code names (`SELF_SIGNED_CERT_IN_CHAIN` -> "unknown-ca"), or `undefined` when
 * the code is no TLS code.
 *
 * @example tlsProblemOf("CERT_HAS_EXPIRED") // "expired"
 */
export function tlsProblemOf(code: string): TlsProblem | undefined {
  if (code in PROBLEMS) return PROBLEMS[code];
  return code.startsWith("ERR_SSL_") || code === "EPROTO" ? "handshake" : undefined;
}

/** The remedy for a CA hubkit does not know: what Python users of a TLS-inspecting proxy set. */
export const TRUST_REMEDY =
  "set SSL_CERT_FILE to your organisation's CA bundle (a PEM file), e.g. export SSL_CERT_FILE=/path/to/corporate-ca.pem";

/** The first Node/undici error in a cause chain whose code is a TLS one, with that code. */
function findTlsCause(e: unknown): { error: Error & { reason?: string }; code: string } | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur && typeof cur === "object"; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && tlsProblemOf(code)) return { error: cur as Error, code };
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
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
  const problem = tlsProblemOf(code) as TlsProblem;
  // Node's checkServerIdentity puts the mismatch itself in `reason` ("IP: 127.0.0.1 is not in the cert's list: 127.0.0.9").
  const detail = (problem === "name-mismatch" && error.reason) || error.message.split("\n")[0];
  const proxyNote = ctx.proxied
    ? "; a proxy is set (HTTPS_PROXY): if it inspects TLS, its CA is the one to trust"
    : "";
  let message: string;
  let remedy: string;
  switch (problem) {
    case "unknown-ca":
      message = `Cannot verify the TLS certificate of ${ctx.host}: ${TLS_PROBLEM_TEXT[problem]} (${detail}, ${code}); trusted: ${describeTrust(ctx.bundle)}.`;
      remedy = `${TRUST_REMEDY}; 'hf doctor' names the certificate's issuer${proxyNote}`;
      break;
    case "expired":
    case "not-yet-valid":
      message = `Cannot verify the TLS certificate of ${ctx.host}: ${TLS_PROBLEM_TEXT[problem]} (${detail}, ${code}).`;
      remedy = `check this computer's date and time (now ${new Date().toISOString()}); otherwise the server, or a proxy that inspects TLS, presents an out-of-date certificate and its administrators must renew it`;
      break;
    case "name-mismatch":
      message = `Cannot verify the TLS certificate of ${ctx.host}: ${TLS_PROBLEM_TEXT[problem]} (${detail}, ${code}).`;
      remedy = `check the host name in the URL${ctx.endpoint ? ` (HF_ENDPOINT is ${ctx.endpoint})` : ""}; a proxy that inspects TLS may present a certificate for another name`;
      break;
    case "revoked":
    case "bad-certificate":
      message = `Cannot verify the TLS certificate of ${ctx.host}: ${TLS_PROBLEM_TEXT[problem]} (${detail}, ${code}).`;
      remedy = `tell the server's administrators${proxyNote}`;
      break;
    case "not-tls":
      message = `TLS handshake with ${ctx.host} failed: ${TLS_PROBLEM_TEXT[problem]} (${detail}, ${code}).`;
      remedy = "if the server has no TLS, use an http:// URL (HF_ENDPOINT)";
      break;
    default:
      message = `TLS handshake with ${ctx.host} failed (${detail}, ${code}).`;
      remedy = `check the URL and the network${proxyNote}`;
  }
  return new TlsError(message, { host: ctx.host, problem, tlsCode: code, url: ctx.url, remedy, cause: e });
}
