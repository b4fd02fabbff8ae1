import { spawn } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLI, runHf } from "../helpers/cli.js";
import { DEMO_TOKENS, type HubServer, startHub } from "../helpers/hub.js";
import { type InspectingProxy, startInspectingProxy } from "../helpers/inspecting-proxy.js";
import { tlsPair, tlsPath } from "../helpers/tls-fixtures.js";

// hubkit over real TLS on loopback: hf serve's listeners present the TEST-ONLY certificates of
// test/fixtures/tls, and each run gets exactly the CA variables the test names (runProcess passes
// only PATH and HOME, so this machine's own SSL_CERT_FILE & co never leak in).
const CA = tlsPath("ca.pem");
const CORP_CA = tlsPath("corp-ca.pem");
const CONFIG = "config.json";

let hub: HubServer;
let expired: HubServer;
let wrongName: HubServer;
let proxy: InspectingProxy;
let home: string;
let corpDir: string;
const BIG = 17 * 1024 * 1024;

beforeAll(async () => {
  [hub, expired, wrongName] = await Promise.all([
    startHub({ demo: true, tls: tlsPair("leaf"), oauth: { interval: 1 } }),
    startHub({ fixture: {}, tls: tlsPair("expired") }),
    startHub({ fixture: {}, tls: tlsPair("wrong-name") }),
  ]);
  hub.addRepo({
    id: "acme/big-weights",
    commits: [{ files: { "model.bin": { generate: { size: BIG, seed: "tls" }, lfs: true } } }],
  });
  proxy = await startInspectingProxy({ ...tlsPair("corp-leaf"), upstreamCa: await readFile(CA) });
  corpDir = await mkdtemp(join(tmpdir(), "hubkit-corp-ca-"));
  await copyFile(CORP_CA, join(corpDir, "corp-ca.pem"));
});
afterAll(async () => {
  await Promise.all([hub?.close(), expired?.close(), wrongName?.close(), proxy?.close()]);
  if (corpDir) await rm(corpDir, { recursive: true, force: true });
});
beforeEach(async (ctx) => {
  home = await mkdtemp(join(tmpdir(), "hubkit-tls-"));
  ctx.onTestFinished(() => rm(home, { recursive: true, force: true }));
  hub.reset();
});

function hf(args: string[], env: Record<string, string> = {}, endpoint = hub.url) {
  return runHf(args, { env: { HOME: home, HF_HOME: join(home, "hf"), HF_ENDPOINT: endpoint, ...env } });
}

/** The one `Error:` line, its `Hint:`, and nothing else: no stack, no HF_DEBUG hint. */
function expectOneLineError(stderr: string): { error: string; hint: string } {
  const lines = stderr.trimEnd().split("\n");
  expect(lines, stderr).toHaveLength(2);
  expect(lines[0]).toMatch(/^Error: /);
  expect(lines[1]).toMatch(/^Hint: /);
  expect(stderr).not.toMatch(/\n\s+at |HF_DEBUG/);
  return { error: lines[0] as string, hint: lines[1] as string };
}

describe("an unknown CA", () => {
  it("hf download: one line naming the host, SELF_SIGNED_CERT_IN_CHAIN and the CAs trusted, the SSL_CERT_FILE remedy, exit 60", async () => {
    const r = await hf(["download", "acme/tiny-model", CONFIG]);
    expect(r.code).toBe(60);
    expect(r.stdout).toBe("");
    const { error, hint } = expectOneLineError(r.stderr);
    const host = new URL(hub.url).host;
    expect(error).toMatch(
      new RegExp(
        `^Error: Cannot verify the TLS certificate of ${host.replace(/\./g, "\\.")}: it is signed by an unknown CA \\(self-signed certificate in certificate chain, SELF_SIGNED_CERT_IN_CHAIN\\); trusted: Node's roots \\+ (the OS bundle /\\S+|no OS bundle .*)\\.$`,
      ),
    );
    expect(hint).toBe(
      "Hint: set SSL_CERT_FILE to your organisation's CA bundle (a PEM file), e.g. export SSL_CERT_FILE=/path/to/corporate-ca.pem; 'hf doctor' names the certificate's issuer",
    );
    // Not answered as "not in the local cache", and nothing was received.
    expect(hub.requests).toEqual([]);
  });
});

describe("each CA variable is honoured", () => {
  const cases: [string, () => Record<string, string>][] = [
    ["SSL_CERT_FILE", () => ({ SSL_CERT_FILE: CA })],
    ["SSL_CERT_DIR (a c_rehash folder)", () => ({ SSL_CERT_DIR: tlsPath("capath") })],
    ["SSL_CERT_DIR (a folder of *.pem, not hashed)", () => ({ SSL_CERT_DIR: tlsPath("pem-dir") })],
    ["SSL_CERT_DIR (a ':' list)", () => ({ SSL_CERT_DIR: `${corpDir}:${tlsPath("capath")}` })],
    ["REQUESTS_CA_BUNDLE (a file)", () => ({ REQUESTS_CA_BUNDLE: CA })],
    ["REQUESTS_CA_BUNDLE (a folder, as requests allows)", () => ({ REQUESTS_CA_BUNDLE: tlsPath("capath") })],
    ["CURL_CA_BUNDLE", () => ({ CURL_CA_BUNDLE: CA })],
    ["NODE_EXTRA_CA_CERTS", () => ({ NODE_EXTRA_CA_CERTS: CA })],
    [
      "NODE_EXTRA_CA_CERTS next to another bundle",
      () => ({ NODE_EXTRA_CA_CERTS: CA, SSL_CERT_FILE: CORP_CA }),
    ],
  ];
  it.each(cases)("%s -> the download succeeds", async (_name, env) => {
    const r = await hf(["download", "acme/tiny-model", CONFIG], env());
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(await readFile(r.stdout.trim(), "utf8")).toContain("{");
  });

  // SSL_CERT_FILE > SSL_CERT_DIR > REQUESTS_CA_BUNDLE > CURL_CA_BUNDLE: the first set wins and the
  // others are not read, so the right CA in the winner works and the right CA in the loser does not.
  const precedence: [string, string, () => Record<string, string>, () => Record<string, string>][] = [
    [
      "SSL_CERT_FILE",
      "SSL_CERT_DIR",
      () => ({ SSL_CERT_FILE: CA, SSL_CERT_DIR: corpDir }),
      () => ({ SSL_CERT_FILE: CORP_CA, SSL_CERT_DIR: tlsPath("capath") }),
    ],
    [
      "SSL_CERT_DIR",
      "REQUESTS_CA_BUNDLE",
      () => ({ SSL_CERT_DIR: tlsPath("capath"), REQUESTS_CA_BUNDLE: CORP_CA }),
      () => ({ SSL_CERT_DIR: corpDir, REQUESTS_CA_BUNDLE: CA }),
    ],
    [
      "REQUESTS_CA_BUNDLE",
      "CURL_CA_BUNDLE",
      () => ({ REQUESTS_CA_BUNDLE: CA, CURL_CA_BUNDLE: CORP_CA }),
      () => ({ REQUESTS_CA_BUNDLE: CORP_CA, CURL_CA_BUNDLE: CA }),
    ],
  ];
  it.each(precedence)("%s wins over %s", async (winner, _loser, good, bad) => {
    const ok = await hf(["download", "acme/tiny-model", CONFIG], good());
    expect(ok.code, ok.stderr).toBe(0);
    const b = bad();
    const r = await hf(["download", "acme/tiny-model", CONFIG], b);
    expect(r.code, r.stderr).toBe(60);
    expect(r.stderr).toContain(`trusted: Node's roots + ${winner}=${b[winner]}.`);
  });

  it("an unreadable or empty bundle is a config error naming the variable (exit 1), not a TLS one", async () => {
    const missing = await hf(["download", "acme/tiny-model", CONFIG], {
      SSL_CERT_FILE: join(home, "nope.pem"),
    });
    expect(missing.code).toBe(1);
    expect(expectOneLineError(missing.stderr).error).toBe(
      `Error: SSL_CERT_FILE=${join(home, "nope.pem")} cannot be read (ENOENT), so no https connection can be verified.`,
    );
    const empty = join(home, "empty.pem");
    await writeFile(empty, "not a certificate\n");
    const r = await hf(["download", "acme/tiny-model", CONFIG], { CURL_CA_BUNDLE: empty });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`CURL_CA_BUNDLE=${empty} holds no PEM certificate.`);
  });
});

describe("certificates that are wrong in other ways", () => {
  it("expired: its own wording, exit 60", async () => {
    const r = await hf(["auth", "whoami"], { SSL_CERT_FILE: CA, HF_TOKEN: DEMO_TOKENS.alice }, expired.url);
    expect(r.code).toBe(60);
    const { error, hint } = expectOneLineError(r.stderr);
    expect(error).toBe(
      `Error: Cannot verify the TLS certificate of ${new URL(expired.url).host}: it has expired (certificate has expired, CERT_HAS_EXPIRED).`,
    );
    expect(hint).toMatch(/^Hint: check this computer's date and time \(now \d{4}-/);
  });

  it("a name mismatch: its own wording with the names the certificate has, exit 60", async () => {
    const r = await hf(["download", "acme/tiny-model", CONFIG], { SSL_CERT_FILE: CA }, wrongName.url);
    expect(r.code).toBe(60);
    const { error, hint } = expectOneLineError(r.stderr);
    expect(error).toBe(
      `Error: Cannot verify the TLS certificate of ${new URL(wrongName.url).host}: it is for another name (IP: 127.0.0.1 is not in the cert's list: 127.0.0.9, ERR_TLS_CERT_ALTNAME_INVALID).`,
    );
    expect(hint).toContain(`HF_ENDPOINT is ${wrongName.url}`);
  });
});

describe("through a TLS-inspecting proxy (HTTPS_PROXY)", () => {
  it("SSL_CERT_FILE = the corporate CA: the download (Hub and CDN, both tunnelled) works", async () => {
    const before = proxy.connects.length;
    const r = await hf(["download", "acme/tiny-model"], { HTTPS_PROXY: proxy.url, SSL_CERT_FILE: CORP_CA });
    expect(r.code, r.stderr).toBe(0);
    const tunnelled = proxy.connects.slice(before);
    expect(tunnelled).toContain(new URL(hub.url).host);
    expect(tunnelled).toContain(new URL(hub.cdnUrl).host);
  });

  it("without it (or with the server's own CA, which the proxy hides): the one-line error, exit 60", async () => {
    for (const env of [{}, { SSL_CERT_FILE: CA }] as Record<string, string>[]) {
      const r = await hf(["download", "acme/tiny-model", CONFIG], { HTTPS_PROXY: proxy.url, ...env });
      expect(r.code).toBe(60);
      const { error, hint } = expectOneLineError(r.stderr);
      expect(error).toContain("it is signed by an unknown CA (self-signed certificate in certificate chain");
      expect(hint).toContain("a proxy is set (HTTPS_PROXY): if it inspects TLS, its CA is the one to trust");
    }
  });

  it("hf doctor reports the inspection and names the issuer; without the CA it fails naming it", async () => {
    const env = { HTTPS_PROXY: proxy.url, SSL_CERT_FILE: CORP_CA };
    const r = await hf(["doctor", "--format", "json"], env);
    const report = JSON.parse(r.stdout) as {
      checks: { id: string; status: string; message: string; data?: Record<string, unknown> }[];
    };
    const tls = report.checks.find((c) => c.id === "network.tls");
    expect(tls).toMatchObject({
      status: "warn",
      data: { inspected: true, publicRoot: false, issuer: "hubkit TEST-ONLY corporate inspection CA" },
    });
    expect(tls?.message).toContain(`through the proxy ${proxy.url} looks inspected`);
    const bundle = report.checks.find((c) => c.id === "network.ca-bundle");
    expect(bundle?.message).toBe(`CA bundle: Node's roots + SSL_CERT_FILE=${CORP_CA} (from SSL_CERT_FILE)`);

    const human = await hf(["doctor"], { HTTPS_PROXY: proxy.url });
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(
      /✗ TLS to 127\.0\.0\.1:\d+ through the proxy http:\/\/127\.0\.0\.1:\d+ does not verify: it is signed by an unknown CA \(SELF_SIGNED_CERT_IN_CHAIN\); the certificate is issued by 'hubkit TEST-ONLY corporate inspection CA', which looks like a TLS-inspecting proxy's CA/,
    );
    expect(human.stdout).toContain("→ fix: set SSL_CERT_FILE to your organisation's CA bundle");
  });
});

describe("hf env and hf doctor say which CA bundle is in effect", () => {
  it("hf env: the bundle, where it came from, what was read and which variables lose", async () => {
    const r = await hf(["env"], { SSL_CERT_DIR: tlsPath("capath"), CURL_CA_BUNDLE: CORP_CA });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `- CA bundle: Node's roots + SSL_CERT_DIR=${tlsPath("capath")} (from SSL_CERT_DIR)\n`,
    );
    expect(r.stdout).toContain(`- CA file ${tlsPath("capath")}: 1 certificate, 1 not in Node's roots\n`);
    expect(r.stdout).toContain("- CA variables ignored: CURL_CA_BUNDLE (SSL_CERT_DIR wins)\n");
    const j = await hf(["env", "--format", "json"], { SSL_CERT_FILE: CA });
    expect(JSON.parse(j.stdout).caBundle).toMatchObject({
      origin: "SSL_CERT_FILE",
      paths: [CA],
      sources: [{ path: CA, from: "SSL_CERT_FILE", certificates: 1, added: 1 }],
      error: null,
    });
  });

  it("hf doctor on a private CA without a proxy: verified, issuer named, not called inspected", async () => {
    const r = await hf(["doctor", "--format", "json"], { SSL_CERT_FILE: CA, CURL_CA_BUNDLE: CORP_CA });
    const checks = JSON.parse(r.stdout).checks as { id: string; status: string; message: string }[];
    expect(checks.find((c) => c.id === "network.tls")).toMatchObject({
      status: "ok",
      message: expect.stringContaining("issued by 'hubkit TEST-ONLY root CA', a private CA trusted through"),
    });
    // CURL_CA_BUNDLE points elsewhere and loses: worth a warning.
    expect(checks.find((c) => c.id === "network.ca-bundle")).toMatchObject({ status: "warn" });
  });
});

describe("the fast download path and the device-code login honour the bundle", () => {
  it("a 17 MiB LFS file from the CDN over https (the raw-get transport) arrives whole", async () => {
    const r = await hf(["download", "acme/big-weights", "model.bin"], { SSL_CERT_FILE: CA });
    expect(r.code, r.stderr).toBe(0);
    const got = await readFile(r.stdout.trim());
    expect(got.length).toBe(BIG);
    const cdn = hub.requests.filter((q) => q.server === "cdn");
    expect(cdn.map((q) => q.status)).toEqual([200]);
    // Without the CA the CDN is never reached: the Hub's HEAD fails first, with HF_TLS.
    hub.reset();
    const bad = await hf(["download", "acme/big-weights", "model.bin"]);
    expect(bad.code).toBe(60);
    expect(hub.requests.filter((q) => q.server === "cdn")).toEqual([]);
  });

  it("hf auth login (device code) over https with SSL_CERT_FILE; without it, exit 60 before any code is shown", async () => {
    const bad = await hf(["auth", "login", "--format", "json"]);
    expect(bad.code).toBe(60);
    expect(JSON.parse(bad.stdout)).toMatchObject({ event: "failure", code: "HF_TLS" });
    expect(bad.stderr).toMatch(
      /^Error: Cannot verify the TLS certificate of 127\.0\.0\.1:\d+: it is signed by an unknown CA/,
    );

    const child = spawn(process.execPath, [CLI, "auth", "login", "--format", "json"], {
      env: {
        PATH: process.env.PATH ?? "",
        NO_COLOR: "1",
        HOME: home,
        HF_HOME: join(home, "hf"),
        HF_ENDPOINT: hub.url,
        SSL_CERT_FILE: CA,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdin.end();
    let stdout = "";
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const code = await new Promise<number>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      let approved = false;
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        stdout += d;
        if (!approved && stdout.includes("\n")) {
          approved = true;
          hub.approveDeviceCode(JSON.parse(stdout.split("\n")[0] as string).user_code, "alice");
        }
      });
      child.on("close", (c) => {
        clearTimeout(timer);
        resolve(c ?? 1);
      });
    });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('"event":"success"');
    const w = await hf(["auth", "whoami", "-q"], { SSL_CERT_FILE: CA });
    expect(w.stdout).toBe("alice\n");
  });
});

describe("hf serve --tls-cert / --tls-key", () => {
  it("prints https URLs for both listeners and serves them", async () => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        "serve",
        "--demo",
        "--format",
        "json",
        "--tls-cert",
        tlsPath("leaf.pem"),
        "--tls-key",
        tlsPath("leaf.key"),
      ],
      { env: { PATH: process.env.PATH ?? "", HOME: home }, stdio: ["ignore", "pipe", "pipe"] },
    );
    const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    const first = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        if (out.includes("\n")) resolve(out.split("\n")[0] as string);
      });
      child.once("exit", (c) => reject(new Error(`hf serve exited ${c}`)));
    });
    const info = JSON.parse(first) as { url: string; cdnUrl: string };
    expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(info.cdnUrl).toMatch(/^https:\/\/127\.0\.0\.2:\d+$/);
    const r = await hf(["download", "acme/tiny-model"], { SSL_CERT_FILE: CA }, info.url);
    expect(r.code, r.stderr).toBe(0);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("--tls-cert without --tls-key, or a key that is not the certificate's, is a usage error", async () => {
    const alone = await hf(["serve", "--demo", "--tls-cert", tlsPath("leaf.pem")]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("--tls-cert and --tls-key go together.");
    const mismatch = await hf([
      "serve",
      "--demo",
      "--tls-cert",
      tlsPath("leaf.pem"),
      "--tls-key",
      tlsPath("corp-leaf.key"),
    ]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain(`Cannot use --tls-cert ${tlsPath("leaf.pem")}`);
  });
});
