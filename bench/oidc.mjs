#!/usr/bin/env node
// What the OIDC trusted-publisher exchange costs a CI step: `hf auth whoami` run cold (a new process,
// as every CI step is) with HF_TOKEN, with a supplied HF_OIDC_ID_TOKEN (one more request: the RFC 8693
// exchange) and with GitHub Actions minting (two more: the id-token mint, then the exchange), side by
// side against a local Hub (`createHubServer`, loopback). Python's `hf auth whoami` (huggingface_hub
// 1.33 in .venv-py) in the same three setups, for reference. Each round runs every command once, in
// turn (interleaved, so machine noise hits all alike); N rounds; medians and p90. Then the lookup
// alone, in one process (hubkit's `resolveToken` with a fresh config each time, so nothing is
// memoized): what the exchange itself adds, without process start-up noise.
// Usage: node bench/oidc.mjs [--runs N] [--lookups M] [--no-python]   (needs `npm run build`)
// Writes bench/results/oidc-<date>.md and prints it.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const i = process.argv.indexOf("--runs");
const N = i > 0 ? Number(process.argv[i + 1]) : 15;
const l = process.argv.indexOf("--lookups");
const M = l > 0 ? Number(process.argv[l + 1]) : 200;
const withPython = !process.argv.includes("--no-python");
const cli = join(root, "dist", "hf.cjs");
const pyHf = join(root, ".venv-py", "bin", "hf");
if (!existsSync(cli)) {
  console.error("dist/hf.cjs is missing: run `npm run build` first");
  process.exit(1);
}
const { createHubServer, readConfig, resolveToken } = await import(join(root, "dist", "index.js"));

const TOKEN = "hf_aliceBenchTokenForOidcBench0000000000";
const CLAIMS = {
  repository: "acme/bench-model",
  repository_owner: "acme",
  sub: "repo:acme/bench-model:ref:refs/heads/main",
};
const REQUEST_TOKEN = "bench-actions-request-token";
const hub = await createHubServer({
  fixture: {
    users: [{ name: "alice", orgs: ["acme"], tokens: [{ name: "alice-read", token: TOKEN, role: "read" }] }],
    orgs: [{ name: "acme", members: ["alice"] }],
    repos: [
      { id: "acme/bench-model", private: true, commits: [{ files: { "config.json": { content: "{}\n" } } }] },
    ],
    trustedPublishers: [{ resource: "acme/bench-model", claims: CLAIMS, user: "alice" }],
    oidcRunners: [{ requestToken: REQUEST_TOKEN, claims: CLAIMS }],
  },
});
// One id token for the whole run (valid an hour): a CI job's supplied HF_OIDC_ID_TOKEN.
const idToken = hub.mintIdToken(CLAIMS, { ttl: 3600 });

const home = mkdtempSync(join(tmpdir(), "hubkit-bench-oidc-"));
const base = {
  PATH: process.env.PATH ?? "",
  HOME: home,
  HF_HOME: join(home, "hf"),
  HF_ENDPOINT: hub.url,
  HF_HUB_DISABLE_TELEMETRY: "1",
  HF_HUB_DISABLE_UPDATE_CHECK: "1",
  NO_COLOR: "1",
};
const setups = {
  token: { HF_TOKEN: TOKEN },
  supplied: { HF_OIDC_RESOURCE: "acme/bench-model", HF_OIDC_ID_TOKEN: idToken },
  github: {
    HF_OIDC_RESOURCE: "acme/bench-model",
    GITHUB_ACTIONS: "true",
    ACTIONS_ID_TOKEN_REQUEST_URL: `${hub.url}/_hubkit/oidc/github`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
  },
};
const label = {
  token: "`HF_TOKEN`",
  supplied: "OIDC, supplied `HF_OIDC_ID_TOKEN` (+1 request)",
  github: "OIDC, GitHub Actions mint (+2 requests)",
};
const subjects = [];
for (const [who, cmd, args] of [
  ["hubkit", process.execPath, [cli, "auth", "whoami", "-q"]],
  ...(withPython && existsSync(pyHf) ? [["Python", pyHf, ["auth", "whoami", "--format", "quiet"]]] : []),
]) {
  for (const setup of Object.keys(setups)) {
    subjects.push({
      name: `${who} \`hf auth whoami\`, ${label[setup]}`,
      who,
      setup,
      cmd,
      args,
      env: { ...base, ...setups[setup] },
    });
  }
}

/** One cold run, wall time in ms; the server answers in this process, so the child is awaited. */
function once(s) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(s.cmd, s.args, { env: s.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0 || out.trim() !== "alice")
        reject(new Error(`${s.name} failed (exit ${code}): ${err.slice(0, 300)}`));
      else resolve(ms);
    });
  });
}

const loadBefore = loadavg()[0];
for (const s of subjects) await once(s); // warm-up (page cache, .pyc), not counted
const times = subjects.map(() => []);
const requests = { token: 0, supplied: 0, github: 0 };
for (let round = 0; round < N; round++) {
  for (const [k, s] of subjects.entries()) {
    const before = hub.requests.length;
    times[k].push(await once(s));
    if (s.who === "hubkit" && round === 0) requests[s.setup] = hub.requests.length - before;
  }
}
// The lookup alone, in this process: a fresh config each time, so each call really looks up.
const lookupTimes = { token: [], supplied: [], github: [] };
for (let round = 0; round < M + 5; round++) {
  for (const setup of Object.keys(setups)) {
    const config = readConfig({ ...base, ...setups[setup] });
    const t0 = process.hrtime.bigint();
    const r = await resolveToken({ config });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!r?.token) throw new Error(`lookup ${setup} found no token`);
    if (round >= 5) lookupTimes[setup].push(ms); // 5 warm-up rounds (JIT, keep-alive sockets)
  }
}
await hub.close();
rmSync(home, { recursive: true, force: true });

const q = (xs, p) => {
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.floor(p * (a.length - 1) + 0.5))];
};
const med = times.map((t) => q(t, 0.5));
const baseOf = (s) => med[subjects.findIndex((o) => o.who === s.who && o.setup === "token")];
const date = new Date().toISOString().slice(0, 10);
const lines = [
  `# OIDC exchange: \`hf auth whoami\` cold, HF_TOKEN vs OIDC (${date})`,
  "",
  `${N} interleaved rounds (after one warm-up round); wall time of the whole process; a local Hub on`,
  `loopback (\`createHubServer\`, same machine), so the added time is client work + loopback round trips,`,
  `not a real Hub's latency. Node ${process.versions.node}, ${process.platform}/${process.arch}, ${cpus().length} cores,`,
  `1-minute load average ${loadBefore.toFixed(1)} at the start and ${loadavg()[0].toFixed(1)} at the end (other work on the machine`,
  "inflates the whole-process times; the in-process lookup table below is less sensitive to it).",
  `Requests per hubkit run: HF_TOKEN ${requests.token}, supplied id token ${requests.supplied}, GitHub mint ${requests.github}.`,
  "",
  "| command | median (ms) | p90 (ms) | min (ms) | median - HF_TOKEN's (ms) | min - HF_TOKEN's (ms) | x HF_TOKEN (medians) |",
  "|---|---:|---:|---:|---:|---:|---:|",
  ...subjects.map((s, k) => {
    const b = baseOf(s);
    const bMin = Math.min(...times[subjects.findIndex((o) => o.who === s.who && o.setup === "token")]);
    const min = Math.min(...times[k]);
    const diff = (x) => (s.setup === "token" ? "-" : `${x >= 0 ? "+" : ""}${x.toFixed(1)}`);
    return `| ${s.name} | ${med[k].toFixed(1)} | ${q(times[k], 0.9).toFixed(1)} | ${min.toFixed(1)} | ${diff(med[k] - b)} | ${diff(min - bMin)} | ${(med[k] / b).toFixed(2)} |`;
  }),
  "",
  `The token lookup alone, in one process (\`resolveToken\` with a fresh config, ${M} rounds, interleaved,`,
  "after 5 warm-up rounds; keep-alive connections to the local Hub, as within one CLI run):",
  "",
  "| lookup | median (ms) | p90 (ms) | min (ms) |",
  "|---|---:|---:|---:|",
  ...Object.keys(setups).map(
    (k) =>
      `| ${label[k]} | ${q(lookupTimes[k], 0.5).toFixed(2)} | ${q(lookupTimes[k], 0.9).toFixed(2)} | ${Math.min(...lookupTimes[k]).toFixed(2)} |`,
  ),
  "",
  "Command: `npm run build && node bench/oidc.mjs`",
  "",
];
const table = lines.join("\n");
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, "results", `oidc-${date}.md`), table);
console.log(table);
