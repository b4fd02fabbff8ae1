#!/usr/bin/env node
// Cold start of `hf auth token` (a token file present, as after `hf auth login`), side by side with
// bare `node -e 0` and Python's `hf auth token` (huggingface_hub 1.33 in .venv-py), in one run:
// each round runs the three commands once, in turn (interleaved, so machine noise hits all three
// alike), N rounds; reports the median and p90 wall time and the ratio to bare node.
// Target (issue 3): hubkit <= 1.3x bare node.
// Usage: node bench/auth-cold-start.mjs [--runs N]   (needs `npm run build`)
// Writes bench/results/auth-cold-start-<date>.md and prints it.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const i = process.argv.indexOf("--runs");
const N = i > 0 ? Number(process.argv[i + 1]) : 20;
const cli = join(root, "dist", "hf.cjs"); // the `hf` bin
const pyHf = join(root, ".venv-py", "bin", "hf");
if (!existsSync(cli)) {
  console.error("dist/hf.cjs is missing: run `npm run build` first");
  process.exit(1);
}

const home = mkdtempSync(join(tmpdir(), "hubkit-bench-auth-"));
const TOKEN = "hf_benchTokenForColdStart000000000000000";
mkdirSync(join(home, "hf"), { mode: 0o700 });
writeFileSync(join(home, "hf", "token"), TOKEN, { mode: 0o600 });
const env = {
  PATH: process.env.PATH ?? "",
  HOME: home,
  HF_HOME: join(home, "hf"),
  // Nothing in these runs may reach a network: Python's CLI otherwise checks for updates.
  HF_ENDPOINT: "http://127.0.0.1:9",
  HF_HUB_DISABLE_TELEMETRY: "1",
  HF_HUB_DISABLE_UPDATE_CHECK: "1",
  NO_COLOR: "1",
};

// The floor for any ESM program: node's module loader alone (an empty .mjs file).
const emptyEsm = join(home, "empty.mjs");
writeFileSync(emptyEsm, "");
const subjects = [
  { name: "bare node (`node -e 0`)", cmd: process.execPath, args: ["-e", "0"] },
  { name: "empty ES module (`node empty.mjs`, for reference)", cmd: process.execPath, args: [emptyEsm] },
  { name: "hubkit `hf auth token`", cmd: process.execPath, args: [cli, "auth", "token"], expect: TOKEN },
];
if (existsSync(pyHf)) {
  subjects.push({
    name: "Python `hf auth token` (huggingface_hub 1.33)",
    cmd: pyHf,
    args: ["auth", "token"],
    expect: TOKEN,
  });
}

function once(s) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(s.cmd, s.args, { env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || (s.expect && r.stdout.trim() !== s.expect)) {
    throw new Error(`${s.name} failed (exit ${r.status}): ${r.stderr.slice(0, 300)}`);
  }
  return ms;
}

// One warm-up round (page cache, Python's .pyc files), not counted.
for (const s of subjects) once(s);
const times = subjects.map(() => []);
for (let round = 0; round < N; round++) {
  subjects.forEach((s, k) => {
    times[k].push(once(s));
  });
}
rmSync(home, { recursive: true, force: true });

const q = (xs, p) => {
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.floor(p * (a.length - 1) + 0.5))];
};
const medians = times.map((t) => q(t, 0.5));
const base = medians[0];
const date = new Date().toISOString().slice(0, 10);
const lines = [
  `# Cold start of \`hf auth token\` (${date})`,
  "",
  `${N} interleaved runs each (after one warm-up round), token file present, wall time of the whole process.`,
  `Node ${process.versions.node}, ${process.platform}/${process.arch}. Target: hubkit <= 1.3x bare node.`,
  "",
  "| command | median (ms) | p90 (ms) | min (ms) | x bare node |",
  "|---|---:|---:|---:|---:|",
  ...subjects.map(
    (s, k) =>
      `| ${s.name} | ${medians[k].toFixed(1)} | ${q(times[k], 0.9).toFixed(1)} | ${Math.min(...times[k]).toFixed(1)} | ${(medians[k] / base).toFixed(2)} |`,
  ),
  "",
  "Command: `npm run build && node bench/auth-cold-start.mjs`",
  "",
];
const table = lines.join("\n");
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, "results", `auth-cold-start-${date}.md`), table);
console.log(table);
const ratio = medians[2] / base;
if (ratio > 1.3) console.error(`hubkit is ${ratio.toFixed(2)}x bare node (target 1.3x)`);
