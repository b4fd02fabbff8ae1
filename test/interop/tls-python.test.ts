import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PYTHON_BIN, runHf, runProcess } from "../helpers/cli.js";
import { type HubServer, startHub } from "../helpers/hub.js";
import { type InspectingProxy, startInspectingProxy } from "../helpers/inspecting-proxy.js";
import { tlsPair, tlsPath } from "../helpers/tls-fixtures.js";

// The same environment given to hubkit and to the real Python client (huggingface_hub 1.33 on
// httpx 0.28, whose create_ssl_context reads SSL_CERT_FILE, else SSL_CERT_DIR, else certifi), one
// download each over real TLS: the same success or failure per case, except where Python 1.33
// reads less than hubkit, which the table says and the test pins.
const PY = join(PYTHON_BIN, "python");
const CA = tlsPath("ca.pem");
const CORP_CA = tlsPath("corp-ca.pem");

let hub: HubServer;
let expired: HubServer;
let wrongName: HubServer;
let proxy: InspectingProxy;
let root: string;

beforeAll(async () => {
  [hub, expired, wrongName] = await Promise.all([
    startHub({ demo: true, tls: tlsPair("leaf") }),
    startHub({ demo: true, tls: tlsPair("expired") }),
    startHub({ demo: true, tls: tlsPair("wrong-name") }),
  ]);
  proxy = await startInspectingProxy({ ...tlsPair("corp-leaf"), upstreamCa: await readFile(CA) });
  root = await mkdtemp(join(tmpdir(), "hubkit-tls-py-"));
});
afterAll(async () => {
  await Promise.all([hub?.close(), expired?.close(), wrongName?.close(), proxy?.close()]);
  if (root) await rm(root, { recursive: true, force: true });
});

let n = 0;
/** A fresh HF_HOME per run, so no answer comes from a cache. */
async function envFor(endpoint: string, extra: Record<string, string>): Promise<Record<string, string>> {
  const home = join(root, String(++n));
  return {
    HOME: home,
    HF_HOME: join(home, "hf"),
    HF_ENDPOINT: endpoint,
    HF_HUB_DISABLE_TELEMETRY: "1",
    HF_HUB_DISABLE_XET: "1",
    HF_HUB_DISABLE_PROGRESS_BARS: "1",
    ...extra,
  };
}

async function hubkit(endpoint: string, extra: Record<string, string>) {
  const r = await runHf(["download", "acme/tiny-model", "config.json"], {
    env: await envFor(endpoint, extra),
  });
  return { ok: r.code === 0, code: r.code, error: r.stderr };
}

/** huggingface_hub's hf_hub_download, and the error chain (type: message, cause first-in) when it fails. */
async function python(endpoint: string, extra: Record<string, string>) {
  const r = await runProcess(
    PY,
    [
      "-c",
      `import json, time
from huggingface_hub import hf_hub_download
# A failed HEAD is retried with backoff (1+2+4+8+8 s, _http_backoff_base): the same handshakes, unslept.
time.sleep = lambda seconds: None
try:
    hf_hub_download("acme/tiny-model", "config.json")
    print(json.dumps({"ok": True}))
except Exception as e:
    chain, x = [], e
    while x is not None and len(chain) < 8:
        chain.append(f"{type(x).__name__}: {x}")
        x = x.__cause__ or x.__context__
    print(json.dumps({"ok": False, "error": " <- ".join(chain)}))`,
    ],
    { env: await envFor(endpoint, extra), timeoutMs: 60_000 },
  );
  const last = r.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(last) as { ok: boolean; error?: string };
  } catch {
    throw new Error(`python failed (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

/** requests (huggingface_hub < 1.0's HTTP client), which reads REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE. */
async function requestsGet(endpoint: string, extra: Record<string, string>) {
  const r = await runProcess(
    PY,
    [
      "-c",
      `import json, requests
try:
    requests.get("${endpoint}/api/models/acme/tiny-model", timeout=10).raise_for_status()
    print(json.dumps({"ok": True}))
except Exception as e:
    print(json.dumps({"ok": False, "error": str(e)}))`,
    ],
    { env: await envFor(endpoint, extra), timeoutMs: 60_000 },
  );
  return JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as { ok: boolean; error?: string };
}

type Server = () => HubServer;
const main: Server = () => hub;
/** [case, server, env, hubkit succeeds, Python 1.33 succeeds, what Python says when it fails] */
const CASES: [string, Server, () => Record<string, string>, boolean, boolean, RegExp | undefined][] = [
  [
    "no CA variable",
    main,
    () => ({}),
    false,
    false,
    /CERTIFICATE_VERIFY_FAILED.*self-signed certificate in certificate chain/,
  ],
  ["SSL_CERT_FILE", main, () => ({ SSL_CERT_FILE: CA }), true, true, undefined],
  [
    "SSL_CERT_DIR, a c_rehash folder",
    main,
    () => ({ SSL_CERT_DIR: tlsPath("capath") }),
    true,
    true,
    undefined,
  ],
  // OpenSSL's CApath lookup opens only <subject hash>.N names; hubkit also reads *.pem there.
  [
    "SSL_CERT_DIR, a folder of *.pem (not hashed)",
    main,
    () => ({ SSL_CERT_DIR: tlsPath("pem-dir") }),
    true,
    false,
    /CERTIFICATE_VERIFY_FAILED/,
  ],
  // httpx reads neither; requests (below) reads both, and so does hubkit.
  ["REQUESTS_CA_BUNDLE", main, () => ({ REQUESTS_CA_BUNDLE: CA }), true, false, /CERTIFICATE_VERIFY_FAILED/],
  ["CURL_CA_BUNDLE", main, () => ({ CURL_CA_BUNDLE: CA }), true, false, /CERTIFICATE_VERIFY_FAILED/],
  [
    "SSL_CERT_FILE (wrong CA) beats SSL_CERT_DIR (right CA)",
    main,
    () => ({ SSL_CERT_FILE: CORP_CA, SSL_CERT_DIR: tlsPath("capath") }),
    false,
    false,
    /CERTIFICATE_VERIFY_FAILED/,
  ],
  [
    "SSL_CERT_FILE (right CA) beats REQUESTS_CA_BUNDLE (wrong CA)",
    main,
    () => ({ SSL_CERT_FILE: CA, REQUESTS_CA_BUNDLE: CORP_CA }),
    true,
    true,
    undefined,
  ],
  [
    "inspecting proxy + SSL_CERT_FILE = corporate CA",
    main,
    () => ({ HTTPS_PROXY: proxy.url, SSL_CERT_FILE: CORP_CA }),
    true,
    true,
    undefined,
  ],
  [
    "inspecting proxy, no CA variable",
    main,
    () => ({ HTTPS_PROXY: proxy.url }),
    false,
    false,
    /CERTIFICATE_VERIFY_FAILED/,
  ],
  [
    "inspecting proxy + SSL_CERT_FILE = the server's own CA",
    main,
    () => ({ HTTPS_PROXY: proxy.url, SSL_CERT_FILE: CA }),
    false,
    false,
    /CERTIFICATE_VERIFY_FAILED/,
  ],
  [
    "expired certificate",
    () => expired,
    () => ({ SSL_CERT_FILE: CA }),
    false,
    false,
    /certificate has expired/,
  ],
  [
    "certificate for another name",
    () => wrongName,
    () => ({ SSL_CERT_FILE: CA }),
    false,
    false,
    /IP address mismatch/,
  ],
];

describe.runIf(existsSync(PY))("TLS parity with Python huggingface_hub 1.33 (httpx)", () => {
  it.each(CASES)("%s", async (_name, server, env, hubkitOk, pythonOk, pythonSays) => {
    const url = server().url;
    const [h, p] = await Promise.all([hubkit(url, env()), python(url, env())]);
    expect(h.ok, h.error).toBe(hubkitOk);
    expect(p.ok, p.error).toBe(pythonOk);
    if (!hubkitOk) {
      // hubkit: exit 60 and its one line; Python: a LocalEntryNotFoundError over httpx.ConnectError.
      expect(h.code, h.error).toBe(60);
      expect(h.error).toMatch(/^Error: Cannot verify the TLS certificate of /);
    }
    if (pythonSays) expect(p.error).toMatch(pythonSays);
  });

  it("requests, which huggingface_hub < 1.0 used, honours REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE, as hubkit does", async () => {
    for (const name of ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"]) {
      expect((await requestsGet(hub.url, { [name]: CA })).ok, name).toBe(true);
    }
    expect((await requestsGet(hub.url, {})).ok).toBe(false);
  });
});
