#!/usr/bin/env node
// What trusting a CA bundle costs on the hot path, side by side in one run, against two local Hubs
// (`hf serve --data`, each its own process): one plain http, one https with the TEST-ONLY leaf of
// test/fixtures/tls (scripts/make-test-certs.sh).
// 1. Cold `hf auth whoami` (HF_TOKEN set; one process per run, interleaved rounds): http without and
//    with SSL_CERT_FILE (never read there: the bundle loads on the first https connection), and
//    https trusting the test CA through NODE_EXTRA_CA_CERTS (no SSL_CERT_FILE: the OS bundle is in
//    effect), through SSL_CERT_FILE, and through SSL_CERT_FILE = a corporate-size bundle (the OS
//    bundle with the test CA appended, ~145 certificates, most of them already Node's roots).
// 2. A BENCH_TLS_MB (default 256) MiB LFS download from the CDN, http vs https, alternating runs,
//    a fresh cache each; curl over both for the ceiling. Wall time, MB/s, client CPU and peak RSS.
// Usage: npm run build && node bench/tls.mjs   (BENCH_RUNS=N downloads per side, --runs N whoami rounds)
// Writes bench/results/tls-<date>.md and prints it.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const cli = join(root, "dist", "hf.cjs");
if (!existsSync(cli)) {
  console.error("dist/hf.cjs is missing: run `npm run build` first");
  process.exit(1);
}
const argRuns = process.argv.indexOf("--runs");
const ROUNDS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MB = Number(process.env.BENCH_TLS_MB ?? 256);
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const CURL = spawnSync("curl", ["--version"]).status === 0;
const TLS = join(root, "test", "fixtures", "tls");
const CA = join(TLS, "ca.pem");
const TOKEN = "hf_benchTlsToken0000000000000000000000000";

const loadStart = loadavg()[0].toFixed(2);
const work = mkdtempSync(join(tmpdir(), "hubkit-bench-tls-"));
const fixture = {
  users: [{ name: "bench", tokens: [{ name: "bench-read", token: TOKEN, role: "read" }] }],
  repos: [
    {
      id: "bench/big",
      commits: [{ files: { "big.bin": { generate: { size: MB * 1024 * 1024, seed: "tls" }, lfs: true } } }],
    },
  ],
};

/** `hf serve --data DIR [extra]` in its own process; resolves with {url, cdnUrl, child}. */
function serve(name, extra) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "hub.json"), JSON.stringify(fixture));
  const child = spawn(process.execPath, [cli, "serve", "--data", dir, "--format", "json", ...extra], {
    env: { PATH: process.env.PATH, HOME: work },
    stdio: ["ignore", "pipe", "ignore"],
  });
  return new Promise((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve({ ...JSON.parse(buf.slice(0, nl)), child });
    });
    child.on("exit", (code) => reject(new Error(`hf serve exited ${code}`)));
  });
}

const [plain, secure] = await Promise.all([
  serve("http", []),
  serve("https", ["--tls-cert", join(TLS, "leaf.pem"), "--tls-key", join(TLS, "leaf.key")]),
]);

// A corporate-size bundle: the OS bundle (if any) with the test CA at the end.
const osBundle = [
  "/etc/ssl/certs/ca-certificates.crt",
  "/etc/pki/tls/certs/ca-bundle.crt",
  "/etc/ssl/cert.pem",
].find((p) => existsSync(p));
const bigBundle = join(work, "corporate-bundle.pem");
writeFileSync(bigBundle, `${osBundle ? readFileSync(osBundle, "utf8") : ""}\n${readFileSync(CA, "utf8")}`);
const bundleCerts = (readFileSync(bigBundle, "utf8").match(/BEGIN CERTIFICATE/g) ?? []).length;

const baseEnv = (endpoint, home) => ({
  PATH: process.env.PATH ?? "",
  HOME: home,
  HF_HOME: join(home, "hf"),
  HF_ENDPOINT: endpoint,
  HF_HUB_DISABLE_TELEMETRY: "1",
  HF_HUB_DISABLE_PROGRESS_BARS: "1",
  NO_COLOR: "1",
});

// 1. Cold whoami.
const home = join(work, "home");
mkdirSync(home, { recursive: true });
const whoami = [
  { name: "http, no CA variable", endpoint: plain.url, env: {} },
  {
    name: "http, SSL_CERT_FILE set (not read: no https connection)",
    endpoint: plain.url,
    env: { SSL_CERT_FILE: CA },
  },
  {
    name: "https, NODE_EXTRA_CA_CERTS=ca.pem (no SSL_CERT_FILE: OS bundle in effect)",
    endpoint: secure.url,
    env: { NODE_EXTRA_CA_CERTS: CA },
  },
  { name: "https, SSL_CERT_FILE=ca.pem (1 certificate)", endpoint: secure.url, env: { SSL_CERT_FILE: CA } },
  {
    name: `https, SSL_CERT_FILE=OS bundle + ca.pem (${bundleCerts} certificates)`,
    endpoint: secure.url,
    env: { SSL_CERT_FILE: bigBundle },
  },
];
function whoamiOnce(s) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, "auth", "whoami", "-q"], {
    env: { ...baseEnv(s.endpoint, home), HF_TOKEN: TOKEN, ...s.env },
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || r.stdout.trim() !== "bench")
    throw new Error(`${s.name}: exit ${r.status} ${r.stderr}`);
  return ms;
}
for (const s of whoami) whoamiOnce(s); // warm-up round, not counted
const wTimes = whoami.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (const [k, s] of whoami.entries()) wTimes[k].push(whoamiOnce(s));
}

// 1b. The trust set-up alone, timed inside fresh processes: first Node's default context (its
// bundled roots, parsed once per process: what any https connection in Node pays), then the first
// `tlsOptions(config.caBundle)` (src/http/tls-options.ts, bundled here with esbuild), which is what
// hubkit adds; or, for comparison, the public way of adding CAs (`ca: [...tls.rootCertificates,
// ...extra]`, which parses the roots again).
const entry = join(work, "trust-entry.ts");
writeFileSync(
  entry,
  `export { tlsOptions } from ${JSON.stringify(join(root, "src", "http", "tls-options.ts"))};\nexport { readConfig } from ${JSON.stringify(join(root, "src", "config", "index.ts"))};\n`,
);
const trustLib = join(work, "trust.mjs");
await build({
  entryPoints: [entry],
  outfile: trustLib,
  bundle: true,
  format: "esm",
  platform: "node",
  logLevel: "error",
});
const timed = (added) => `import tls from "node:tls";
import { readFileSync } from "node:fs";
import { readConfig, tlsOptions } from ${JSON.stringify(trustLib)};
const t0 = performance.now();
tls.createSecureContext();
const t1 = performance.now();
${added}
console.log(JSON.stringify([t1 - t0, performance.now() - t1]));`;
const trust = [
  ...[
    ["`tlsOptions`, no CA variable (the OS bundle)", {}],
    ["`tlsOptions`, SSL_CERT_FILE=ca.pem", { SSL_CERT_FILE: CA }],
    [`\`tlsOptions\`, SSL_CERT_FILE=${bundleCerts}-certificate bundle`, { SSL_CERT_FILE: bigBundle }],
  ].map(([name, env]) => ({ name, env, code: timed("tlsOptions(readConfig(process.env).caBundle);") })),
  {
    name: `the public API instead: \`ca: [...tls.rootCertificates, ...${bundleCerts}-certificate bundle]\``,
    env: { BUNDLE: bigBundle },
    code: timed(
      'tls.createSecureContext({ ca: [...tls.rootCertificates, ...(readFileSync(process.env.BUNDLE, "latin1").match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [])] });',
    ),
  },
];
function trustOnce(s) {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", s.code], {
    env: { PATH: process.env.PATH ?? "", HOME: home, ...s.env },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`${s.name}: exit ${r.status} ${r.stderr}`);
  return JSON.parse(r.stdout.trim());
}
for (const s of trust) trustOnce(s);
const tNode = trust.map(() => []);
const tAdded = trust.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (const [k, s] of trust.entries()) {
    const [a, b] = trustOnce(s);
    tNode[k].push(a);
    tAdded[k].push(b);
  }
}

// 2. The big download.
/** Runs a command; resolves with { ms, rssMiB, cpuS }. */
function measure(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const full = TIME ? [TIME, ["-v", cmd, ...args]] : [cmd, args];
    const t = process.hrtime.bigint();
    const child = spawn(full[0], full[1], { env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (code !== 0)
        return reject(new Error(`${cmd} ${args.join(" ")} exited ${code}\n${err.slice(-1500)}`));
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      const user = /User time \(seconds\): ([\d.]+)/.exec(err);
      const sys = /System time \(seconds\): ([\d.]+)/.exec(err);
      resolve({
        ms,
        rssMiB: rss ? Number(rss[1]) / 1024 : Number.NaN,
        cpuS: user && sys ? Number(user[1]) + Number(sys[1]) : Number.NaN,
      });
    });
  });
}
const cdnUrlOf = async (hub, extraCurl) => {
  const r = spawnSync("curl", ["-sI", ...extraCurl, `${hub.url}/bench/big/resolve/main/big.bin`], {
    encoding: "utf8",
  });
  return /^location: (\S+)/im.exec(r.stdout)?.[1];
};
const downloads = [
  { name: "hubkit `hf download`, http", hub: plain, env: {} },
  { name: "hubkit `hf download`, https (SSL_CERT_FILE=ca.pem)", hub: secure, env: { SSL_CERT_FILE: CA } },
];
const curls = [];
if (CURL) {
  const httpCdn = await cdnUrlOf(plain, []);
  const httpsCdn = await cdnUrlOf(secure, ["--cacert", CA]);
  curls.push({
    name: "curl, http (the ceiling; nothing verified)",
    args: ["-s", "-o", "/dev/null", httpCdn],
  });
  curls.push({ name: "curl, https", args: ["-s", "--cacert", CA, "-o", "/dev/null", httpsCdn] });
}
const bytes = MB * 1024 * 1024;
const dl = downloads.map(() => []);
const cu = curls.map(() => []);
// The servers generate the blob on the first request: one untimed download each first.
for (const c of curls) await measure("curl", c.args, { PATH: process.env.PATH });
for (let run = 0; run < RUNS; run++) {
  // Alternate which side goes first, so neither always follows the other.
  const order = run % 2 === 0 ? [0, 1] : [1, 0];
  for (const k of order) {
    const d = downloads[k];
    const h = join(work, `dl-${k}`);
    rmSync(h, { recursive: true, force: true });
    dl[k].push(
      await measure(process.execPath, [cli, "download", "bench/big", "big.bin"], {
        ...baseEnv(d.hub.url, h),
        ...d.env,
      }),
    );
    rmSync(h, { recursive: true, force: true });
  }
  for (const [k, c] of curls.entries()) cu[k].push(await measure("curl", c.args, { PATH: process.env.PATH }));
}
plain.child.kill("SIGTERM");
secure.child.kill("SIGTERM");
rmSync(work, { recursive: true, force: true });

const q = (xs, p) => {
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.floor(p * (a.length - 1) + 0.5))];
};
const med = (xs) => q(xs, 0.5);
// Both sides of a comparison run back to back in every round, so a per-round ratio
// cancels most of what other work on the machine does to both: its median is the figure to read.
const pairedRatio = (xs, base) => med(xs.map((x, i) => x / base[i]));

const date = new Date().toISOString().slice(0, 10);
const mbps = (ms) => bytes / 1e6 / (ms / 1000);
const dlRow = (name, rs, base) => {
  const ms = med(rs.map((r) => r.ms));
  const ratio = pairedRatio(
    rs.map((r) => r.ms),
    base.map((r) => r.ms),
  );
  return `| ${name} | ${(ms / 1000).toFixed(2)} | ${mbps(ms).toFixed(0)} | ${ratio.toFixed(2)} | ${med(rs.map((r) => r.cpuS)).toFixed(2)} | ${med(rs.map((r) => r.rssMiB)).toFixed(0)} |`;
};
const lines = [
  `# What trusting a CA bundle costs (${date})`,
  "",
  `Node ${process.versions.node}, ${process.platform}/${process.arch}; two \`hf serve --data\` processes (http, and https with`,
  `the TEST-ONLY leaf), loopback, same disk; load average ${loadStart} at the start, ${loadavg()[0].toFixed(2)} at the end (2 cores shared).`,
  "",
  `## Cold \`hf auth whoami\` (${ROUNDS} interleaved rounds after one warm-up, wall time of the whole process)`,
  "",
  "| run | median (ms) | p90 (ms) | min (ms) | x http, no CA variable (median of per-round ratios) |",
  "|---|---:|---:|---:|---:|",
  ...whoami.map(
    (s, k) =>
      `| ${s.name} | ${med(wTimes[k]).toFixed(1)} | ${q(wTimes[k], 0.9).toFixed(1)} | ${Math.min(...wTimes[k]).toFixed(1)} | ${pairedRatio(wTimes[k], wTimes[0]).toFixed(2)} |`,
  ),
  "",
  `## The trust set-up alone, timed inside fresh processes (${ROUNDS} interleaved rounds, medians)`,
  "",
  "| what | Node's default context first (ms) | then what hubkit adds (ms) | p90 (ms) | min (ms) |",
  "|---|---:|---:|---:|---:|",
  ...trust.map(
    (s, k) =>
      `| ${s.name} | ${med(tNode[k]).toFixed(1)} | ${med(tAdded[k]).toFixed(1)} | ${q(tAdded[k], 0.9).toFixed(1)} | ${Math.min(...tAdded[k]).toFixed(1)} |`,
  ),
  "",
  `## A ${MB} MiB LFS download from the CDN (${RUNS} runs per side, alternating, fresh cache each; medians)`,
  "",
  "| run | wall (s) | MB/s | x hubkit http (per-run median) | client CPU (s) | peak RSS (MiB) |",
  "|---|---:|---:|---:|---:|---:|",
  ...downloads.map((d, k) => dlRow(d.name, dl[k], dl[0])),
  ...curls.map((c, k) => dlRow(c.name, cu[k], dl[0])),
  "",
  "Command: `npm run build && node bench/tls.mjs` (BENCH_TLS_MB, BENCH_RUNS, --runs N)",
  "",
];
const table = lines.join("\n");
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, "results", `tls-${date}.md`), table);
console.log(table);
