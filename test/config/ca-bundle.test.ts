import { describe, expect, it } from "vitest";
import { readConfig, resolveCaBundle, SYSTEM_CA_FILES } from "../../src/config/index.js";

describe("resolveCaBundle", () => {
  it("none set: the OS bundle files of the platform (Go's crypto/x509 lists), NODE_EXTRA_CA_CERTS kept", () => {
    const b = resolveCaBundle({ NODE_EXTRA_CA_CERTS: "/extra.pem" }, "linux");
    expect(b).toEqual({
      origin: "system",
      kind: "system",
      paths: [...(SYSTEM_CA_FILES.linux as string[])],
      nodeExtraCaCerts: "/extra.pem",
      shadowed: [],
    });
    expect(b.paths[0]).toBe("/etc/ssl/certs/ca-certificates.crt");
    expect(resolveCaBundle({}, "darwin").paths).toEqual(["/etc/ssl/cert.pem"]);
    expect(resolveCaBundle({}, "win32").paths).toEqual([]);
  });

  it("precedence: SSL_CERT_FILE > SSL_CERT_DIR > REQUESTS_CA_BUNDLE > CURL_CA_BUNDLE; the losers are listed", () => {
    const all = {
      SSL_CERT_FILE: "/f.pem",
      SSL_CERT_DIR: "/d",
      REQUESTS_CA_BUNDLE: "/r.pem",
      CURL_CA_BUNDLE: "/c.pem",
    };
    const b = resolveCaBundle(all);
    expect([b.origin, b.kind, b.paths]).toEqual(["SSL_CERT_FILE", "file", ["/f.pem"]]);
    expect(b.shadowed.map((s) => s.name)).toEqual(["SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"]);
    const { SSL_CERT_FILE: _f, ...noFile } = all;
    expect(resolveCaBundle(noFile)).toMatchObject({ origin: "SSL_CERT_DIR", kind: "dir", paths: ["/d"] });
    const { SSL_CERT_DIR: _d, ...requests } = noFile;
    expect(resolveCaBundle(requests)).toMatchObject({ origin: "REQUESTS_CA_BUNDLE", kind: "file-or-dir" });
    expect(resolveCaBundle({ CURL_CA_BUNDLE: "/c.pem" })).toMatchObject({
      origin: "CURL_CA_BUNDLE",
      paths: ["/c.pem"],
    });
  });

  it("an empty value counts as unset and never turns verification off (CURL_CA_BUNDLE='' in old requests)", () => {
    const b = resolveCaBundle({ SSL_CERT_FILE: "", CURL_CA_BUNDLE: "" }, "linux");
    expect(b.origin).toBe("system");
    expect(resolveCaBundle({ SSL_CERT_FILE: "", REQUESTS_CA_BUNDLE: "/r.pem" }).origin).toBe(
      "REQUESTS_CA_BUNDLE",
    );
  });

  it("SSL_CERT_DIR is a ':'-separated list of folders, as OpenSSL's X509_LOOKUP_add_dir reads it", () => {
    expect(resolveCaBundle({ SSL_CERT_DIR: "/a:/b::/c" }).paths).toEqual(["/a", "/b", "/c"]);
  });

  it("readConfig carries it, and touches no file (paths that do not exist are fine here)", () => {
    const c = readConfig({ SSL_CERT_FILE: "/no/such/file.pem" });
    expect(c.caBundle.origin).toBe("SSL_CERT_FILE");
    expect(c.caBundle.paths).toEqual(["/no/such/file.pem"]);
  });
});
