#!/usr/bin/env node
// The local Hub (`hf serve`): how fast it starts, how fast it builds a large generated LFS file, how
// fast its CDN streams it, and how many HEAD /resolve requests a second it answers. Writes
// bench/results/server-<date>.md and prints it.
//
//   node bench/server.mjs [--size-mib 512] [--runs 3] [--heads 2000]
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** ms from spawning `hf serve --demo --format json` to its first stdout line; then SIGTERM. */
function serveStartup() {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      [join(root, "dist", "cli.js"), "serve", "--demo", "--format", "json"],
      {
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    createInterface({ input: child.stdout }).once("line", () => {
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      child.once("exit", (code) => (code === 0 ? resolve(ms) : reject(new Error(`hf serve exited ${code}`))));
      child.kill("SIGTERM");
    });
    child.once("error", reject);
  });
}

/** Streams a URL to nowhere; returns { ms, bytes }. */
function download(url, agent) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    let bytes = 0;
    request(url, { agent }, (res) => {
      res.on("data", (c) => {
        bytes += c.length;
      });
      res.on("end", () => resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, bytes }));
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

function head(url, agent) {
  return new Promise((resolve, reject) => {
    request(url, { method: "HEAD", agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    })
      .on("error", reject)
      .end();
  });
}

const sizeMiB = arg("size-mib", 512);
const runs = arg("runs", 3);
const heads = arg("heads", 2000);
const { createHubServer } = await import(join(root, "dist", "server.js"));

const startups = [];
for (let i = 0; i < runs; i++) startups.push(await serveStartup());

let t = process.hrtime.bigint();
const hub = await createHubServer({
  fixture: {
    repos: [
      {
        id: "bench/big",
        commits: [
          {
            files: {
              "big.bin": { generate: { size: sizeMiB * 1024 * 1024, seed: "bench" }, lfs: true },
              "config.json": { content: "{}" },
            },
          },
        ],
      },
    ],
  },
});
const buildMs = Number(process.hrtime.bigint() - t) / 1e6;
const rssAfterBuild = process.memoryUsage().rss / 2 ** 20;
const agent = new Agent({ keepAlive: true });
try {
  const res = await fetch(`${hub.url}/bench/big/resolve/main/big.bin`, {
    method: "HEAD",
    redirect: "manual",
  });
  const location = res.headers.get("location");
  const speeds = [];
  for (let i = 0; i < runs; i++) {
    const d = await download(location, agent);
    if (d.bytes !== sizeMiB * 1024 * 1024) throw new Error(`short download: ${d.bytes}`);
    speeds.push(d.bytes / 2 ** 20 / (d.ms / 1000));
  }
  const rssAfterServe = process.memoryUsage().rss / 2 ** 20;
  const url = `${hub.url}/bench/big/resolve/main/config.json`;
  for (let i = 0; i < 100; i++) await head(url, agent);
  t = process.hrtime.bigint();
  for (let i = 0; i < heads; i++) await head(url, agent);
  const headsPerSec = heads / (Number(process.hrtime.bigint() - t) / 1e9);

  const date = new Date().toISOString().slice(0, 10);
  const table = [
    `# Local Hub server (${date})`,
    "",
    `Node ${process.versions.node}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? "?"}). Command: \`node bench/server.mjs --size-mib ${sizeMiB} --runs ${runs} --heads ${heads}\`.`,
    "",
    "| measure | value |",
    "|---|---|",
    `| \`hf serve --demo\` spawn to first JSON line (median of ${runs}) | ${median(startups).toFixed(0)} ms |`,
    `| build a ${sizeMiB} MiB generated LFS file (hash + write, in-process) | ${buildMs.toFixed(0)} ms |`,
    `| RSS after the build | ${rssAfterBuild.toFixed(0)} MiB |`,
    `| CDN GET of the ${sizeMiB} MiB file, 127.0.0.2 (median of ${runs}) | ${median(speeds).toFixed(0)} MiB/s |`,
    `| RSS after serving it ${runs} times | ${rssAfterServe.toFixed(0)} MiB |`,
    `| sequential HEAD /resolve (regular file, keep-alive) | ${headsPerSec.toFixed(0)} req/s |`,
    "",
  ].join("\n");
  console.log(table);
  mkdirSync(join(root, "bench", "results"), { recursive: true });
  writeFileSync(join(root, "bench", "results", `server-${date}.md`), table);
} finally {
  agent.destroy();
  await hub.close();
}
