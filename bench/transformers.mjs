#!/usr/bin/env node
// transformers.js 4.3.2 (test/transformers-js, `npm run setup:transformers`) loading a model side by
// side, in ONE run, through useHubkit(env) and through its own fetch + file-system cache (with
// `env.remoteHost` pointed at the same local Hub, for fairness): a first load (download into an
// empty cache) and a cached load, each an AutoTokenizer plus a feature-extraction pipeline (config,
// tokenizer, ONNX weights of BENCH_WEIGHTS_MB, default 64 MiB), each in a fresh process as a
// program's run would be. The Hub runs as its own process (`hf serve --data`). Reports medians of
// the in-process load time, ratios (useHubkit / transformers.js's own) and peak RSS, and writes
// bench/results/transformers-<date>.md.
//
//   npm run build && npm run setup:transformers && node bench/transformers.mjs   (BENCH_RUNS=5)
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WEIGHTS_MB = Number(process.env.BENCH_WEIGHTS_MB ?? 64);
const RUNNER = join(root, "test", "transformers-js", "runner.mjs");
const MODEL = "bench/embed";

const { createHubServer } = await import(join(root, "dist", "server.js"));
const { embeddingModel } = await import(join(root, "test", "transformers-js", "make-onnx.mjs"));

// The demo model's config and tokenizer (fetched from an in-process demo Hub), with ONNX weights
// of the wanted size: a Gather over a [vocab, hidden] embedding.
const work = mkdtempSync(join(tmpdir(), "hubkit-bench-tjs-"));
const files = {};
{
  const demo = await createHubServer({ demo: true });
  for (const f of ["config.json", "tokenizer.json", "tokenizer_config.json"]) {
    files[f] = { content: await (await fetch(`${demo.url}/acme/tiny-model/resolve/main/${f}`)).text() };
  }
  await demo.close();
}
const vocab = JSON.parse(files["config.json"].content).vocab_size;
const hidden = Math.max(1, Math.round((WEIGHTS_MB * 2 ** 20) / 4 / vocab));
const onnx = embeddingModel({ vocab, hidden })["onnx/model.onnx"];
mkdirSync(join(work, "data", "files"), { recursive: true });
writeFileSync(join(work, "data", "files", "model.onnx"), onnx);
files["onnx/model.onnx"] = { file: "files/model.onnx", lfs: true };
writeFileSync(
  join(work, "data", "hub.json"),
  JSON.stringify({
    users: [],
    repos: [{ id: MODEL, type: "model", commits: [{ message: "model", files }] }],
  }),
);
const server = spawn(
  process.execPath,
  [join(root, "dist", "cli.js"), "serve", "--data", join(work, "data"), "--format", "json"],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const hub = await new Promise((resolve, reject) => {
  let buf = "";
  server.stdout.on("data", (d) => {
    buf += d;
    const nl = buf.indexOf("\n");
    if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
  });
  server.on("exit", (code) => reject(new Error(`hf serve exited ${code}`)));
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One program run: { ms (tokenizer + pipeline load, in-process), wallMs, rssMiB }. */
function runOnce(spec, env) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(process.execPath, [RUNNER, JSON.stringify(spec)], {
      cwd: dirname(RUNNER),
      env: { PATH: process.env.PATH, HOME: work, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
      const line = out.split("\n").find((l) => l.startsWith("@@RESULT "));
      if (code !== 0 || !line) return reject(new Error(`runner exited ${code}: ${err.slice(-2000)}`));
      const r = JSON.parse(line.slice(9));
      const failed = r.steps.find((s) => !s.ok);
      if (failed) return reject(new Error(`load failed: ${JSON.stringify(failed.error)}`));
      resolve({ ms: r.steps.reduce((a, s) => a + s.ms, 0), wallMs, rssMiB: r.maxRssMiB });
    });
  });
}

const steps = [
  { load: "tokenizer", model: MODEL, input: "Hello, world! The tiny model runs offline." },
  { load: "pipeline", model: MODEL, input: "Hello, world! The tiny model runs offline." },
];
let fresh = 0;
/** A new, empty cache for each side: HF_HOME for hubkit, env.cacheDir for transformers.js. */
function caches() {
  const dir = join(work, `run-${++fresh}`);
  rmSync(dir, { recursive: true, force: true });
  return {
    hubkit: { HF_HOME: join(dir, "hf"), HF_ENDPOINT: hub.url, HF_HUB_DISABLE_TELEMETRY: "1" },
    own: join(dir, "transformers-cache"),
  };
}
const sides = {
  hubkit: (c, extra = {}) => runOnce({ hubkit: true, steps }, { ...c.hubkit, ...extra }),
  own: (c) => runOnce({ hubkit: false, remoteHost: `${hub.url}/`, cacheDir: c.own, steps }, {}),
};

const results = { firstHubkit: [], firstOwn: [], cachedHubkit: [], cachedOwn: [], cachedOffline: [] };
try {
  // One unmeasured round warms the server's blob and the OS caches; then every run alternates
  // which side goes first.
  for (let i = 0; i <= RUNS; i++) {
    const c = caches();
    const order = i % 2 === 0 ? ["hubkit", "own"] : ["own", "hubkit"];
    const first = {};
    for (const side of order) first[side] = await sides[side](c);
    const cached = {};
    for (const side of order) cached[side] = await sides[side](c);
    const offline = await sides.hubkit(c, { HF_HUB_OFFLINE: "1" });
    if (i === 0) continue;
    results.firstHubkit.push(first.hubkit);
    results.firstOwn.push(first.own);
    results.cachedHubkit.push(cached.hubkit);
    results.cachedOwn.push(cached.own);
    results.cachedOffline.push(offline);
  }
} finally {
  server.kill("SIGTERM");
}

const m = (rs, k = "ms") => median(rs.map((r) => r[k]));
const peak = (rs) => Math.max(...rs.map((r) => r.rssMiB));
const ratio = (a, b) => `${(m(a) / m(b)).toFixed(2)}x`;
// The same round's two sides ran back to back, so a round's ratio cancels most of what other
// processes on the machine did to both; its median is the steadier figure on a busy machine.
const paired = (a, b) => {
  const rs = a.map((r, i) => r.ms / b[i].ms);
  return `${median(rs).toFixed(2)}x (${Math.min(...rs).toFixed(2)}-${Math.max(...rs).toFixed(2)})`;
};
const load = (() => {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "?";
  }
})();
const row = (what, rs) =>
  `| ${what} | ${m(rs).toFixed(0)} ms | ${m(rs, "wallMs").toFixed(0)} ms | ${peak(rs).toFixed(0)} MiB |`;
const date = new Date().toISOString().slice(0, 10);
const table = [
  `# transformers.js through useHubkit vs its own fetch and cache (${date})`,
  "",
  `Node ${process.versions.node}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? "?"}), transformers.js 4.3.2 with onnxruntime-node 1.30.0. ` +
    `A public model on the local Hub (\`hf serve --data\`, its own process, loopback): the demo BERT config and WordPiece tokenizer plus ${(onnx.length / 2 ** 20).toFixed(0)} MiB of ONNX weights (LFS, served by the CDN host). ` +
    `Each load is AutoTokenizer.from_pretrained + pipeline("feature-extraction") + one inference, in a fresh process; "load" is the time inside the process, "process" includes Node and transformers.js start-up. ` +
    `Medians of ${RUNS} runs (after one unmeasured), the two sides alternating which goes first. transformers.js's own side has \`env.remoteHost\` set to the same Hub. ` +
    `Command: \`BENCH_RUNS=${RUNS} BENCH_WEIGHTS_MB=${WEIGHTS_MB} node bench/transformers.mjs\`.`,
  "",
  "| load | load | process | peak RSS |",
  "|---|---|---|---|",
  row("first load (download), useHubkit", results.firstHubkit),
  row("first load (download), transformers.js's own fetch + FS cache", results.firstOwn),
  row("cached, useHubkit (one HEAD for the revision)", results.cachedHubkit),
  row("cached, transformers.js's own FS cache (no request)", results.cachedOwn),
  row("cached, useHubkit with HF_HUB_OFFLINE=1 (no request)", results.cachedOffline),
  "",
  `Ratios (useHubkit / transformers.js's own, load time), of the medians: first load ${ratio(results.firstHubkit, results.firstOwn)}, ` +
    `cached ${ratio(results.cachedHubkit, results.cachedOwn)}, cached offline ${ratio(results.cachedOffline, results.cachedOwn)}. ` +
    `Median of the per-round ratios (range): first load ${paired(results.firstHubkit, results.firstOwn)}, ` +
    `cached ${paired(results.cachedHubkit, results.cachedOwn)}, cached offline ${paired(results.cachedOffline, results.cachedOwn)}. ` +
    `Load average at the end: ${load} (other work shares the machine's cores).`,
  "",
  `All runs (load ms): first useHubkit ${results.firstHubkit.map((r) => r.ms.toFixed(0)).join(", ")}; first own ${results.firstOwn.map((r) => r.ms.toFixed(0)).join(", ")}; ` +
    `cached useHubkit ${results.cachedHubkit.map((r) => r.ms.toFixed(0)).join(", ")}; cached own ${results.cachedOwn.map((r) => r.ms.toFixed(0)).join(", ")}; ` +
    `cached offline ${results.cachedOffline.map((r) => r.ms.toFixed(0)).join(", ")}.`,
  "",
].join("\n");
console.log(table);
mkdirSync(join(root, "bench", "results"), { recursive: true });
writeFileSync(join(root, "bench", "results", `transformers-${date}.md`), table);
rmSync(work, { recursive: true, force: true });
