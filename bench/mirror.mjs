#!/usr/bin/env node
// `hf serve --mirror`: aggregate throughput of 8 and 16 parallel clients pulling one cached LFS file
// through nginx (`--nginx`), through the Node app alone, and from nginx serving a static copy of the
// same file (the ceiling); the bytes the upstream sent per model (should equal the model's size);
// and the latency a cached HEAD /resolve adds. Clients are `curl -o /dev/null` processes (C, so the
// client side is cheap), all started at once; aggregate = clients x size / wall time of the slowest.
// Writes bench/results/mirror-<date>.md and prints it.
//
//   HUBKIT_BENCH_MIRROR_MIB=1024 node bench/mirror.mjs [--runs 2] [--heads 500]
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(root, "dist", "hf.cjs");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const sizeMiB = Number(process.env.HUBKIT_BENCH_MIRROR_MIB ?? 1024);
const runs = arg("runs", 2);
const heads = arg("heads", 500);
const size = sizeMiB * 2 ** 20;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const { createHubServer } = await import(join(root, "dist", "server.js"));
const nginxBin = [process.env.HUBKIT_NGINX, "/usr/sbin/nginx", "/usr/bin/nginx"].find(
  (p) => p && existsSync(p),
);
if (!nginxBin) throw new Error("bench/mirror.mjs needs nginx: apt-get install nginx-light");

function startMirror(upstream, data, extra) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, "serve", "--mirror", upstream, "--data", data, "--format", "json", ...extra],
      {
        stdio: ["ignore", "pipe", "ignore"],
        env: { PATH: `${process.env.PATH}:/usr/sbin`, HOME: process.env.HOME },
      },
    );
    child.once("exit", (code) => reject(new Error(`hf serve --mirror exited ${code}`)));
    createInterface({ input: child.stdout }).once("line", (l) => resolve({ child, ...JSON.parse(l) }));
  });
}

function curl(url) {
  return new Promise((resolve, reject) => {
    const c = spawn("curl", ["-sf", "-o", "/dev/null", "-w", "%{size_download}", url], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    c.stdout.on("data", (d) => {
      out += d;
    });
    c.once("exit", (code) =>
      code === 0 && Number(out) === size ? resolve() : reject(new Error(`curl ${url}: ${code} ${out}`)),
    );
  });
}

/** MiB/s of `n` clients at once, the best of `runs`. */
async function aggregate(url, n) {
  const speeds = [];
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    await Promise.all(Array.from({ length: n }, () => curl(url)));
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    speeds.push((n * sizeMiB) / s);
  }
  return Math.max(...speeds);
}

function head(url, agent) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    request(url, { method: "HEAD", agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(Number(process.hrtime.bigint() - t) / 1e6));
    })
      .on("error", reject)
      .end();
  });
}

async function headLatency(url) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 50; i++) await head(url, agent);
  const ms = [];
  for (let i = 0; i < heads; i++) ms.push(await head(url, agent));
  agent.destroy();
  return { median: median(ms), p99: pct(ms, 0.99) };
}

const dir = mkdtempSync(join(tmpdir(), "hubkit-bench-mirror-"));
const store = join(dir, "store");
const upstream = await createHubServer({
  fixture: {
    repos: [
      {
        id: "bench/big",
        commits: [
          {
            files: {
              "big.bin": { generate: { size, seed: "bench-mirror" }, lfs: true },
              "config.json": { content: "{}" },
            },
          },
        ],
      },
    ],
  },
});
const procs = [];
let staticNginx;
try {
  const node = await startMirror(upstream.url, store, []);
  procs.push(node.child);
  const file = "/bench/big/resolve/main/big.bin";
  const t = process.hrtime.bigint();
  await curl(`${node.url}${file}`);
  const firstFetchS = Number(process.hrtime.bigint() - t) / 1e9;
  await (await fetch(`${node.url}/bench/big/resolve/main/config.json`)).arrayBuffer();
  const stats = await (await fetch(`${node.url}/_hubkit/mirror/stats`)).json();
  const ngx = await startMirror(upstream.url, store, ["--nginx"]);
  procs.push(ngx.child);

  // The ceiling: nginx serving the same blob as a static file, same settings, no app.
  const etag = (await fetch(`${node.url}${file}`, { method: "HEAD" })).headers
    .get("x-linked-etag")
    .replace(/"/g, "");
  const prefix = join(dir, "static-nginx");
  mkdirSync(join(prefix, "tmp"), { recursive: true });
  const port = 20000 + Math.floor(Math.random() * 20000);
  // The mirror's own nginx config, with the store location made public and no app behind it.
  const mirrorPrefix = join(store, ".locks", "hubkit-mirror", "nginx");
  const conf = readFileSync(join(mirrorPrefix, "nginx.conf"), "utf8")
    .split(mirrorPrefix)
    .join(prefix)
    .replace(/listen [^;]+;/, `listen 127.0.0.1:${port};`)
    .replace("internal;", "");
  writeFileSync(join(prefix, "nginx.conf"), conf);
  staticNginx = spawn(
    nginxBin,
    ["-e", join(prefix, "error.log"), "-c", join(prefix, "nginx.conf"), "-p", prefix],
    { stdio: "ignore" },
  );
  await new Promise((r) => setTimeout(r, 500));
  const staticUrl = `http://127.0.0.1:${port}/_hubkit_store/models--bench--big/blobs/${etag}`;

  const rows = [];
  for (const n of [8, 16]) {
    rows.push([
      n,
      await aggregate(`${ngx.url}${file}`, n),
      await aggregate(`${node.url}${file}`, n),
      await aggregate(staticUrl, n),
    ]);
  }
  const direct = await headLatency(`${upstream.url}${file}`);
  const viaNode = await headLatency(`${node.url}${file}`);
  const viaNginx = await headLatency(`${ngx.url}${file}`);

  const date = new Date().toISOString().slice(0, 10);
  const f = (x) => x.toFixed(0);
  const ms = (x) => x.toFixed(2);
  const added = (x) => `${x >= 0 ? "+" : ""}${ms(x)}`;
  const md = `# Pull-through mirror (${date})

Node ${process.versions.node}, ${cpus().length} CPU(s) (${cpus()[0]?.model.split(" ").slice(0, 2).join(" ")}), nginx-light 1.22. Command: \`HUBKIT_BENCH_MIRROR_MIB=${sizeMiB} node bench/mirror.mjs --runs ${runs} --heads ${heads}\` (part of \`npm run bench\`).
One ${sizeMiB} MiB LFS file, already in the mirror's store (page cache warm); each client is \`curl -o /dev/null\`, all started at once; MiB/s = clients x size / wall time, best of ${runs}. Clients, mirror, nginx and the upstream share the ${cpus().length} cores (with whatever else runs on the machine: compare columns of one run, not runs).

| parallel clients | through nginx (\`--nginx\`) | Node app alone | nginx, static copy (ceiling) |
|---|---|---|---|
${rows.map(([n, a, b, c]) => `| ${n} | ${f(a)} MiB/s | ${f(b)} MiB/s | ${f(c)} MiB/s |`).join("\n")}

| measure | value |
|---|---|
| upstream bytes for the whole model (big.bin + config.json), first pull | ${stats.upstreamBytes} (model size: ${size + 2}; ${stats.upstreamFetches} blobs fetched) |
| first fetch through the mirror (upstream -> store, verified, then served) | ${firstFetchS.toFixed(2)} s |
| cached HEAD /resolve, upstream directly (302 to its CDN) | median ${ms(direct.median)} ms, p99 ${ms(direct.p99)} ms |
| cached HEAD /resolve via the Node app (access cache hit) | median ${ms(viaNode.median)} ms, p99 ${ms(viaNode.p99)} ms (${added(viaNode.median - direct.median)} ms) |
| cached HEAD /resolve via nginx -> app | median ${ms(viaNginx.median)} ms, p99 ${ms(viaNginx.p99)} ms (${added(viaNginx.median - direct.median)} ms) |
`;
  const out = join(root, "bench", "results", `mirror-${date}.md`);
  writeFileSync(out, md);
  console.log(md);
} finally {
  staticNginx?.kill("SIGQUIT");
  for (const p of procs) p.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 1000));
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
}
