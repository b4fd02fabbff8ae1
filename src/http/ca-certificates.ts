import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import tls from "node:tls";
import type { CaBundle } from "../config/index.js";
import { HfConfigError } from "../errors.js";

/** One file or folder read for the CA bundle. */
export interface CaSource {
  path: string;
  /** The variable that named it ("SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "system"...). */
  from: string;
  /** Certificates found there. */
  certificates: number;
  /** Of those, the ones Node's bundled roots do not already hold. */
  added: number;
  /** NODE_EXTRA_CA_CERTS that cannot be read is skipped, as Node skips it (with a warning) at start-up. */
  error?: string | undefined;
}

export interface CaCertificates {
  /** PEM certificates to trust on top of Node's bundled roots, each once, none already among them. */
  extra: string[];
  /** What was read, in order. Empty for "system" when no OS bundle file exists (Windows). */
  sources: CaSource[];
}

// PEM_read_bio_X509_AUX, which Node's addCACert uses, reads both; Fedora's *.trust.crt bundles use the second.
const PEM_CERT = /-----BEGIN (TRUSTED )?CERTIFICATE-----[^-]+-----END (TRUSTED )?CERTIFICATE-----/g;
// OpenSSL's CApath lookup (X509_LOOKUP_hash_dir) opens `<subject hash>.<n>` (`.r<n>` for CRLs);
// c_rehash and `openssl rehash` create these names.
const HASHED_NAME = /^[0-9a-f]{8}\.\d+$/i;
const PEM_NAME = /\.(pem|crt|cer)$/i;

/**
 * A certificate's identity for de-duplication, cheap enough for a few hundred per start-up: the end
 * of its base64 body (the signature), whitespace removed. Node's bundled roots and the OS bundles
 * wrap their base64 differently, so whole strings never compare equal.
 */
function certKey(pem: string): string {
  return pem
    .slice(-240)
    .replace(/-----END (TRUSTED )?CERTIFICATE-----|\s+/g, "")
    .slice(-120);
}

let bundledKeys: Set<string> | undefined;
const fileCache = new Map<string, string[]>();
const bundleCache = new Map<string, CaCertificates>();

function pemCertificates(text: string): string[] {
  return text.match(PEM_CERT) ?? [];
}

function readPemFile(path: string): string[] {
  let certs = fileCache.get(path);
  if (!certs) {
    certs = pemCertificates(readFileSync(path, "latin1"));
    fileCache.set(path, certs);
  }
  return certs;
}

/**
 * The certificates of a CApath-style folder. Where it has hashed names (a c_rehash folder, like
 * /etc/ssl/certs) only those are read, as OpenSSL reads them; otherwise every *.pem, *.crt and
 * *.cer file (OpenSSL would find none of these: hubkit is lenient here, Python is not).
 */
function readPemFolder(path: string): string[] {
  let certs = fileCache.get(path);
  if (certs) return certs;
  const names = readdirSync(path).sort();
  const hashed = names.filter((n) => HASHED_NAME.test(n));
  certs = [];
  for (const name of hashed.length > 0 ? hashed : names.filter((n) => PEM_NAME.test(n))) {
    try {
      certs.push(...pemCertificates(readFileSync(join(path, name), "latin1")));
    } catch {
      // A dangling link or an unreadable entry: OpenSSL skips it too.
    }
  }
  fileCache.set(path, certs);
  return certs;
}

function explain(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? (e as Error)?.message ?? String(e);
}

/**
 * Reads the CA bundle in effect (`config.caBundle`): the winning variable's file(s) or folder(s),
 * or the first OS bundle file that exists, plus NODE_EXTRA_CA_CERTS. Each path is read once per
 * process. A path named by SSL_CERT_FILE / SSL_CERT_DIR / REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE that
 * cannot be read, or holds no PEM certificate, is an `HfConfigError` naming the variable (Python
 * fails there too, with a traceback); an OS bundle that does not exist is simply not used.
 *
 * @example
 * const { extra, sources } = loadCaCertificates(readConfig({ SSL_CERT_FILE: "/etc/corp/ca.pem" }).caBundle);
 * sources[0]; // { path: "/etc/corp/ca.pem", from: "SSL_CERT_FILE", certificates: 1, added: 1 }
 */
export function loadCaCertificates(bundle: CaBundle): CaCertificates {
  const key = JSON.stringify([bundle.kind, bundle.paths, bundle.nodeExtraCaCerts]);
  const cached = bundleCache.get(key);
  if (cached) return cached;
  bundledKeys ??= new Set(tls.rootCertificates.map(certKey));
  const seen = new Set(bundledKeys);
  const extra: string[] = [];
  const sources: CaSource[] = [];
  const add = (path: string, from: string, certs: string[], error?: string) => {
    let added = 0;
    for (const c of certs) {
      const k = certKey(c);
      if (seen.has(k)) continue;
      seen.add(k);
      extra.push(c);
      added++;
    }
    sources.push({ path, from, certificates: certs.length, added, ...(error ? { error } : {}) });
  };

  if (bundle.kind === "system") {
    for (const path of bundle.paths) {
      let certs: string[];
      try {
        certs = readPemFile(path);
      } catch {
        continue;
      }
      add(path, "system", certs);
      break;
    }
  } else {
    for (const path of bundle.paths) {
      let certs: string[];
      try {
        const isDir =
          bundle.kind === "dir" || (bundle.kind === "file-or-dir" && statSync(path).isDirectory());
        certs = isDir ? readPemFolder(path) : readPemFile(path);
      } catch (e) {
        const code = explain(e);
        throw new HfConfigError(
          `${bundle.origin}=${path} cannot be read (${code === "EISDIR" ? "it is a folder: use SSL_CERT_DIR for a folder" : code}), so no https connection can be verified.`,
          {
            remedy: `point ${bundle.origin} at a readable PEM ${bundle.kind === "dir" ? "folder" : "file"} (your organisation's CA bundle), or unset it`,
            cause: e,
          },
        );
      }
      if (certs.length === 0) {
        throw new HfConfigError(`${bundle.origin}=${path} holds no PEM certificate.`, {
          remedy: `point ${bundle.origin} at your organisation's CA bundle in PEM form (-----BEGIN CERTIFICATE-----; convert DER with: openssl x509 -inform der -in ca.cer -out ca.pem)`,
        });
      }
      add(path, bundle.origin, certs);
    }
  }
  if (bundle.nodeExtraCaCerts) {
    try {
      add(bundle.nodeExtraCaCerts, "NODE_EXTRA_CA_CERTS", readPemFile(bundle.nodeExtraCaCerts));
    } catch (e) {
      add(bundle.nodeExtraCaCerts, "NODE_EXTRA_CA_CERTS", [], explain(e));
    }
  }
  const result = { extra, sources };
  bundleCache.set(key, result);
  return result;
}
