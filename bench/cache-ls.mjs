#!/usr/bin/env node
// `hf cache ls` (hubkit, built CLI) vs Python huggingface_hub's `hf cache ls` on the same generated
// cache: 100 repos x 1,000 files (small blobs, real relative symlinks, refs/main, a few detached
// revisions, nested folders). Runs are interleaved (hubkit, python, hubkit, python, ...) so both see
// the same page-cache state; we report the median of each and the ratio, write
// bench/results/cache-ls-<date>.md and print it.
//
//   node bench/cache-ls.mjs [--repos 100] [--files 1000] [--runs 5] [--keep]
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function gitSha1(buf) {
  return createHash("sha1").update(`blob ${buf.length}\0`).update(buf).digest("hex");
}

/**
 * Writes a huggingface_hub-shaped cache: per repo `blobs/<git-sha1>`, `refs/main`, one snapshot with
 * `files` relative symlinks spread over a few nested folders; every tenth repo also has a detached
 * older revision sharing half of its blobs.
 */
export function generateCache(dir, repos, files) {
  mkdirSync(dir, { recursive: true });
  for (let r = 0; r < repos; r++) {
    const type = r % 10 === 9 ? "datasets" : "models";
    const repo = join(dir, `${type}--bench-org--repo-${String(r).padStart(3, "0")}`);
    const blobs = join(repo, "blobs");
    mkdirSync(blobs, { recursive: true });
    mkdirSync(join(repo, "refs"), { recursive: true });
    const commit = createHash("sha1").update(`commit-${r}`).digest("hex");
    writeFileSync(join(repo, "refs", "main"), commit);
    const names = [];
    for (let f = 0; f < files; f++) {
      const content = Buffer.from(`repo ${r} file ${f}\n`.repeat(1 + (f % 7)));
      const etag = gitSha1(content);
      writeFileSync(join(blobs, etag), content);
      const sub = f % 4 === 0 ? "" : `dir${f % 4}/${f % 3 === 0 ? "deep/" : ""}`;
      names.push([`${sub}file-${f}.txt`, etag]);
    }
    const link = (rev, list) => {
      for (const [name, etag] of list) {
        const p = join(repo, "snapshots", rev, name);
        mkdirSync(dirname(p), { recursive: true });
        symlinkSync(relative(dirname(p), join(blobs, etag)), p);
      }
    };
    link(commit, names);
    if (r % 10 === 0) link(createHash("sha1").update(`old-${r}`).digest("hex"), names.slice(0, files / 2));
  }
}

function time(cmd, args, env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, encoding: "utf8", maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const repos = arg("repos", 100);
  const files = arg("files", 1000);
  const runs = arg("runs", 5);
  const cli = join(root, "dist", "cli.js");
  const py = join(root, ".venv-py", "bin", "hf");
  if (!existsSync(cli)) throw new Error("dist/cli.js missing: run `npm run build` first");
  if (!existsSync(py)) throw new Error(".venv-py/bin/hf missing: run `npm run setup:python` first");
  const tmp = mkdtempSync(join(tmpdir(), "hubkit-bench-cache-"));
  const cache = join(tmp, "hub");
  try {
    const g0 = Date.now();
    generateCache(cache, repos, files);
    const genMs = Date.now() - g0;
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: tmp,
      HF_HUB_CACHE: cache,
      NO_COLOR: "1",
      COLUMNS: "200",
      HF_HUB_DISABLE_TELEMETRY: "1",
    };
    // One warm-up each (page cache, Python bytecode), then interleaved timed runs.
    const warmNode = time(process.execPath, [cli, "cache", "ls"], env);
    const warmPy = time(py, ["cache", "ls"], env);
    const node = [];
    const python = [];
    for (let i = 0; i < runs; i++) {
      node.push(time(process.execPath, [cli, "cache", "ls"], env).ms);
      python.push(time(py, ["cache", "ls"], env).ms);
    }
    const sameRows = warmNode.stdout.split("\n").length === warmPy.stdout.split("\n").length;
    const load = loadavg()[0].toFixed(2);
    const mn = median(node);
    const mp = median(python);
    const date = new Date().toISOString().slice(0, 10);
    const md = [
      `# hf cache ls: hubkit vs huggingface_hub (${date})`,
      "",
      `Cache: ${repos} repos x ${files} files (${repos * files} symlinks to small blobs; every 10th repo has a detached`,
      `second revision), generated in ${(genMs / 1000).toFixed(1)} s. ${runs} interleaved runs after one warm-up each;`,
      `machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, Node ${process.versions.node}, load average ${load} (shared machine). Same output row count: ${sameRows ? "yes" : "NO"}.`,
      "",
      "| command | median (ms) | min (ms) | max (ms) | runs (ms) |",
      "|---|---:|---:|---:|---|",
      `| hubkit \`hf cache ls\` | ${mn.toFixed(0)} | ${Math.min(...node).toFixed(0)} | ${Math.max(...node).toFixed(0)} | ${node.map((x) => x.toFixed(0)).join(", ")} |`,
      `| Python \`hf cache ls\` (huggingface_hub 1.33) | ${mp.toFixed(0)} | ${Math.min(...python).toFixed(0)} | ${Math.max(...python).toFixed(0)} | ${python.map((x) => x.toFixed(0)).join(", ")} |`,
      "",
      `**Ratio (Python / hubkit, medians): ${(mp / mn).toFixed(2)}x** (target >= 3x).`,
      "",
    ].join("\n");
    mkdirSync(join(root, "bench", "results"), { recursive: true });
    writeFileSync(join(root, "bench", "results", `cache-ls-${date}.md`), md);
    process.stdout.write(md);
  } finally {
    if (!process.argv.includes("--keep")) rmSync(tmp, { recursive: true, force: true });
    else process.stdout.write(`(kept ${cache})\n`);
  }
}
