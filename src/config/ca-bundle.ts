import type { Env } from "../common/env.js";
import * as V from "./env-vars.js";

/** Which setting chose the extra CAs hubkit trusts on top of Node's bundled roots. */
export type CaBundleOrigin =
  | typeof V.SSL_CERT_FILE
  | typeof V.SSL_CERT_DIR
  | typeof V.REQUESTS_CA_BUNDLE
  | typeof V.CURL_CA_BUNDLE
  | "system";

/**
 * The CA bundle in effect, as data: which paths to read and how, and where they came from. Nothing
 * here has touched the file system; `http/` reads the files, once per path, when the first https
 * connection is made.
 */
export interface CaBundle {
  origin: CaBundleOrigin;
  /**
   * How `paths` are read:
   * - "file": PEM bundles (OpenSSL's CAfile);
   * - "dir": folders of PEM certificates (OpenSSL's CApath);
   * - "file-or-dir": a bundle, or a folder when it is one (requests' rule for REQUESTS_CA_BUNDLE);
   * - "system": the platform's well-known bundle files; the first that exists is read, none is fine.
   */
  kind: "file" | "dir" | "file-or-dir" | "system";
  /** The variable's path (SSL_CERT_DIR: each folder of its `:`-separated list), or the system candidates. */
  paths: string[];
  /** `NODE_EXTRA_CA_CERTS`: always trusted as well, as Node adds it to its bundled roots at start-up. */
  nodeExtraCaCerts: string | undefined;
  /** Other CA variables that are set but lose to `origin` (`hf env` and `hf doctor` say so). */
  shadowed: { name: string; value: string }[];
}

/**
 * Where each operating system keeps its CA bundle, in the order Go's crypto/x509 tries them
 * (root_linux.go, root_bsd.go; macOS: the system's /etc/ssl/cert.pem). Node 20 cannot read the OS
 * store itself (no `tls.getCACertificates("system")`, which came in Node 22.15/23.5), so hubkit reads
 * the first of these files that exists. Windows has no such file: Node's bundled roots only there.
 */
export const SYSTEM_CA_FILES: Readonly<Record<string, readonly string[]>> = {
  linux: [
    "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Gentoo, Arch (update-ca-certificates)
    "/etc/pki/tls/certs/ca-bundle.crt", // Fedora, RHEL 6
    "/etc/ssl/ca-bundle.pem", // openSUSE
    "/etc/pki/tls/cacert.pem", // OpenELEC
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS, RHEL 7+
    "/etc/ssl/cert.pem", // Alpine
  ],
  darwin: ["/etc/ssl/cert.pem"],
  freebsd: ["/usr/local/etc/ssl/cert.pem", "/etc/ssl/cert.pem", "/usr/local/share/certs/ca-root-nss.crt"],
  openbsd: ["/etc/ssl/cert.pem"],
  netbsd: ["/etc/openssl/certs/ca-certificates.crt"],
  win32: [],
};

/**
 * The CA variables in precedence order. The first one set (non-empty) wins; the others are ignored.
 * - `SSL_CERT_FILE`, then `SSL_CERT_DIR`: what huggingface_hub >= 1.0 itself reads, through httpx
 *   (`httpx/_config.py::create_ssl_context`: SSL_CERT_FILE, elif SSL_CERT_DIR) and Python's `ssl`
 *   (OpenSSL's own default-path variables). A file set next to a folder wins, as in httpx.
 * - then `REQUESTS_CA_BUNDLE`, then `CURL_CA_BUNDLE`: what huggingface_hub < 1.0 read through
 *   requests, in requests' order (`sessions.py::merge_environment_settings`:
 *   `REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE`); requests also takes a folder there.
 * So when several are set, hubkit uses the file Python's current client uses.
 */
const PRECEDENCE = [
  { name: V.SSL_CERT_FILE, kind: "file" },
  { name: V.SSL_CERT_DIR, kind: "dir" },
  { name: V.REQUESTS_CA_BUNDLE, kind: "file-or-dir" },
  { name: V.CURL_CA_BUNDLE, kind: "file-or-dir" },
] as const;

/**
 * Which CAs hubkit trusts beyond Node's bundled (Mozilla) roots, read from an env object. Pure: no
 * file system access. The first of SSL_CERT_FILE, SSL_CERT_DIR, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE
 * that is set and non-empty wins; when none is, the operating system's bundle file (as huggingface_hub
 * 2.0 trusts the OS store when SSL_CERT_FILE and SSL_CERT_DIR are unset). NODE_EXTRA_CA_CERTS is
 * trusted in every case. An empty value counts as unset, as `os.environ.get(...)` is falsy in httpx
 * and requests; it never turns verification off (requests < 2.28 did that for `CURL_CA_BUNDLE=""`).
 * Unlike Python, where these variables replace certifi's roots, hubkit adds them to Node's roots, as
 * NODE_EXTRA_CA_CERTS does: a bundle holding only the corporate CA still reaches public hosts.
 *
 * @example
 * resolveCaBundle({ SSL_CERT_FILE: "/etc/corp/ca.pem", REQUESTS_CA_BUNDLE: "/x.pem" })
 * // { origin: "SSL_CERT_FILE", kind: "file", paths: ["/etc/corp/ca.pem"],
 * //   nodeExtraCaCerts: undefined, shadowed: [{ name: "REQUESTS_CA_BUNDLE", value: "/x.pem" }] }
 */
export function resolveCaBundle(env: Env, platform: string = process.platform): CaBundle {
  const set = PRECEDENCE.filter((p) => env[p.name] !== undefined && env[p.name] !== "");
  const nodeExtraCaCerts = env[V.NODE_EXTRA_CA_CERTS] || undefined;
  const [winner, ...rest] = set;
  const shadowed = rest.map((p) => ({ name: p.name, value: env[p.name] as string }));
  if (!winner) {
    return {
      origin: "system",
      kind: "system",
      paths: [...(SYSTEM_CA_FILES[platform] ?? SYSTEM_CA_FILES.linux ?? [])],
      nodeExtraCaCerts,
      shadowed,
    };
  }
  const value = env[winner.name] as string;
  // OpenSSL's X509_LOOKUP_add_dir (and Go's SSL_CERT_DIR) take a ':'-separated list of folders.
  const paths = winner.kind === "dir" ? value.split(":").filter((p) => p !== "") : [value];
  return { origin: winner.name, kind: winner.kind, paths, nodeExtraCaCerts, shadowed };
}
