import { promises as fsp } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/index.js";
import { BlobWriter } from "../../src/download/blob-writer.js";
import { HfConfigError, TlsError } from "../../src/errors.js";
import { loadCaCertificates } from "../../src/http/ca-certificates.js";
import { createDispatcher } from "../../src/http/dispatcher.js";
import { createHubClient } from "../../src/http/hub-client.js";
import { tlsErrorFrom } from "../../src/http/tls-error.js";
import { tlsOptions } from "../../src/http/tls-options.js";
import { probeTls } from "../../src/http/tls-probe.js";
import { tlsPair, tlsPath } from "../helpers/tls-fixtures.js";

const CA = tlsPath("ca.pem");
const body = Buffer.alloc(300_000, 7);
let https: Server;
let httpsUrl: string;
let plainUrl: string;
const plain = createHttpServer((_req, res) => res.end("plain"));
let dir: string;

beforeAll(async () => {
  https = createHttpsServer(tlsPair("leaf"), (_req, res) => {
    res.writeHead(200, { "content-length": String(body.length) });
    res.end(body);
  });
  await new Promise<void>((r) => https.listen(0, "127.0.0.1", r));
  httpsUrl = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
  plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => https.close(() => r()));
  await new Promise<void>((r) => plain.close(() => r()));
});
beforeEach(async (ctx) => {
  dir = await fsp.mkdtemp(join(tmpdir(), "hubkit-tls-unit-"));
  ctx.onTestFinished(() => fsp.rm(dir, { recursive: true, force: true }));
});

describe("loadCaCertificates", () => {
  it("adds only what Node's bundled roots lack, whatever the line wrapping, and reads each path once", async () => {
    const mixed = join(dir, "mixed.pem");
    // Two bundled roots re-wrapped at 76 columns (as some OS bundles are), then the test CA.
    const rewrap = (pem: string) =>
      pem.replace(/-----BEGIN CERTIFICATE-----\n([\s\S]+?)\n-----END CERTIFICATE-----/, (_m, b64: string) => {
        const flat = b64.replace(/\s+/g, "");
        return `-----BEGIN CERTIFICATE-----\n${flat.match(/.{1,76}/g)?.join("\n")}\n-----END CERTIFICATE-----`;
      });
    const roots = tls.rootCertificates.slice(0, 2).map(rewrap);
    expect(roots[0]).not.toBe(tls.rootCertificates[0]);
    await fsp.writeFile(mixed, `${roots.join("\n")}\n${await fsp.readFile(CA, "utf8")}`);
    const bundle = readConfig({ SSL_CERT_FILE: mixed }).caBundle;
    const first = loadCaCertificates(bundle);
    expect(first.sources).toEqual([{ path: mixed, from: "SSL_CERT_FILE", certificates: 3, added: 1 }]);
    expect(first.extra).toHaveLength(1);
    await fsp.rm(mixed);
    // Cached: the file is gone and the answer is the same.
    expect(loadCaCertificates(readConfig({ SSL_CERT_FILE: mixed }).caBundle)).toEqual(first);
  });

  it("a c_rehash folder is read through its hashed names only, as OpenSSL's CApath lookup does", async () => {
    const folder = join(dir, "capath");
    await fsp.cp(tlsPath("capath"), folder, { recursive: true });
    await fsp.copyFile(tlsPath("corp-ca.pem"), join(folder, "corp-ca.pem"));
    const r = loadCaCertificates(readConfig({ SSL_CERT_DIR: folder }).caBundle);
    expect(r.sources).toEqual([{ path: folder, from: "SSL_CERT_DIR", certificates: 1, added: 1 }]);
    expect(r.extra[0]).toBe((await fsp.readFile(CA, "utf8")).trim());
  });

  it("an unreadable path named by a variable is an HfConfigError; a missing OS bundle or NODE_EXTRA_CA_CERTS is skipped", () => {
    expect(() => loadCaCertificates(readConfig({ SSL_CERT_DIR: join(dir, "none") }).caBundle)).toThrow(
      HfConfigError,
    );
    const quiet = loadCaCertificates({
      origin: "system",
      kind: "system",
      paths: [join(dir, "no-such-bundle.crt")],
      nodeExtraCaCerts: join(dir, "no-extra.pem"),
      shadowed: [],
    });
    expect(quiet.extra).toEqual([]);
    expect(quiet.sources).toEqual([
      {
        path: join(dir, "no-extra.pem"),
        from: "NODE_EXTRA_CA_CERTS",
        certificates: 0,
        added: 0,
        error: "ENOENT",
      },
    ]);
  });
});

describe("tlsOptions", () => {
  it("one secure context per bundle per process; none at all when the bundle adds nothing", () => {
    const b = readConfig({ SSL_CERT_FILE: CA }).caBundle;
    expect(tlsOptions(b).secureContext).toBeDefined();
    expect(tlsOptions(b)).toBe(tlsOptions(readConfig({ SSL_CERT_FILE: CA }).caBundle));
    expect(
      tlsOptions({ origin: "system", kind: "system", paths: [], nodeExtraCaCerts: undefined, shadowed: [] }),
    ).toEqual({});
  });
});

describe("the Hub client over https", () => {
  it("request() and the fast receive() path both verify against the bundle, and both fail with HF_TLS without it", async () => {
    const trusted = createHubClient({
      config: readConfig({ HF_ENDPOINT: "http://127.0.0.1:9", SSL_CERT_FILE: CA }),
    });
    const res = await trusted.request({ url: `${httpsUrl}/x` });
    expect((await res.text()).length).toBe(body.length);
    const w = new BlobWriter({ kind: undefined, size: body.length, path: join(dir, "blob") });
    const raw = await trusted.receive({ url: `${httpsUrl}/blob` }, w);
    expect(raw?.status).toBe(200);
    await raw?.done;
    await w.finish();

    const untrusted = createHubClient({ config: readConfig({ HF_ENDPOINT: "http://127.0.0.1:9" }) });
    await expect(untrusted.request({ url: `${httpsUrl}/x` })).rejects.toMatchObject({
      code: "HF_TLS",
      problem: "unknown-ca",
      tlsCode: "SELF_SIGNED_CERT_IN_CHAIN",
      host: new URL(httpsUrl).host,
      exitCode: 60,
    });
    const w2 = new BlobWriter({ kind: undefined, size: body.length, path: join(dir, "blob2") });
    await expect(untrusted.receive({ url: `${httpsUrl}/blob` }, w2)).rejects.toBeInstanceOf(TlsError);
  });

  it("a plain-http run never reads the CA bundle: an unreadable SSL_CERT_FILE only fails https requests", async () => {
    const config = readConfig({ HF_ENDPOINT: plainUrl, SSL_CERT_FILE: join(dir, "missing.pem") });
    const dispatcher = createDispatcher({ env: config.env, caBundle: config.caBundle });
    const client = createHubClient({ config, dispatcher });
    expect(await (await client.request({ url: "/" })).text()).toBe("plain");
    await expect(client.request({ url: `${httpsUrl}/x`, retry: false })).rejects.toMatchObject({
      code: "HF_CONFIG",
      message: expect.stringContaining(`SSL_CERT_FILE=${join(dir, "missing.pem")} cannot be read (ENOENT)`),
    });
    await dispatcher.close();
  });
});

describe("tlsErrorFrom", () => {
  const ctx = { host: "h:443", url: "https://h/x", bundle: readConfig({}).caBundle };
  const coded = (code: string, message = code.toLowerCase(), extra: object = {}) =>
    Object.assign(new Error(message), { code, ...extra });

  it.each([
    ["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "unknown-ca", "it is signed by an unknown CA"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "unknown-ca", "it is signed by an unknown CA"],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unknown-ca", "it is signed by an unknown CA"],
    ["CERT_HAS_EXPIRED", "expired", "it has expired"],
    ["CERT_NOT_YET_VALID", "not-yet-valid", "it is not valid yet"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "name-mismatch", "it is for another name"],
    ["CERT_REVOKED", "revoked", "it has been revoked"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", "not-tls", "it does not speak TLS"],
    ["ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE", "handshake", "TLS handshake with h:443 failed"],
  ])("%s -> %s", (code, problem, words) => {
    const e = tlsErrorFrom(coded(code), ctx);
    expect(e).toMatchObject({ code: "HF_TLS", problem, tlsCode: code });
    expect(e?.message).toContain(words);
    expect(e?.message).toContain(code);
    expect(e?.message).not.toContain("\n");
  });

  it("finds the code under undici's wrappers (a proxy's TLS error is a cause); other errors are not TLS", () => {
    const wrapped = Object.assign(new Error("wrapped"), {
      code: "UND_ERR_PRX_TLS",
      cause: coded("CERT_HAS_EXPIRED"),
    });
    expect(tlsErrorFrom(wrapped, ctx)?.problem).toBe("expired");
    expect(tlsErrorFrom(coded("ECONNREFUSED"), ctx)).toBeUndefined();
  });
});

describe("probeTls", () => {
  it("describes the chain and tells a private root from a public one, verified or not", async () => {
    const trusted = await probeTls(httpsUrl, { bundle: readConfig({ SSL_CERT_FILE: CA }).caBundle });
    expect(trusted).toMatchObject({ authorized: true, publicRoot: false });
    expect(trusted.chain.map((c) => c.subject)).toEqual(["hubkit test server", "hubkit TEST-ONLY root CA"]);
    const untrusted = await probeTls(httpsUrl, { bundle: readConfig({}).caBundle });
    expect(untrusted).toMatchObject({ authorized: false, errorCode: "SELF_SIGNED_CERT_IN_CHAIN" });
    expect(untrusted.chain[0]?.issuer).toBe("hubkit TEST-ONLY root CA");
  });
});
