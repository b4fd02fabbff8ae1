import type { CaBundle } from "../config/index.js";
import { type CaSource, loadCaCertificates } from "./ca-certificates.js";

/**
 * "Node's roots + SSL_CERT_FILE=/etc/corp/ca.pem": the CAs a connection trusted, in one phrase, for
 * error messages, `hf env` and `hf doctor`.
 *
 * @example describeTrust(readConfig({}).caBundle) // "Node's roots + the OS bundle /etc/ssl/certs/ca-certificates.crt"
 */
export function describeTrust(bundle: CaBundle): string {
  const parts = ["Node's roots"];
  let sources: CaSource[] = [];
  try {
    sources = loadCaCertificates(bundle).sources;
  } catch {
    // An unreadable bundle fails before any handshake; the variable is named below all the same.
  }
  const osFile = sources.find((s) => s.from === "system");
  if (bundle.origin === "system")
    parts.push(osFile ? `the OS bundle ${osFile.path}` : "no OS bundle (none of its usual paths exists)");
  else parts.push(`${bundle.origin}=${bundle.paths.join(":")}`);
  if (bundle.nodeExtraCaCerts) parts.push(`NODE_EXTRA_CA_CERTS=${bundle.nodeExtraCaCerts}`);
  return parts.join(" + ");
}
