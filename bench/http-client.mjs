#!/usr/bin/env node
// Hub HTTP client overhead against a local node:http server (127.0.0.1): hubkit's createHubClient
// versus bare undici `request` on the same keep-alive pool settings.
//   1. sequential small JSON GETs (headers, auth, trace id, error mapping on the path);
//   2. one large streamed body read through `res.body` (the stall-watchdog wrapper) vs undici's body.
// Usage: node bench/http-client.mjs [--requests N] [--mib M]
// Writes bench/results/http-client-<date>.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { Agent, request } from "undici";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg("--requests", 2000);
const MIB = arg("--mib", 256);

// Bundle the client straight from src/ so the bench does not depend on a complete dist/.
const tmp = mkdtempSync(join(tmpdir(), "hubkit-bench-http-"));
await build({
  absWorkingDir: root,
  stdin: {
    contents:
      'export { createHubClient } from "./src/http/hub-client.js"; export { readConfig } from "./src/config/index.js"; export { createDispatcher } from "./src/http/dispatcher.js";',
    resolveDir: root,
    loader: "ts",
  },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["undici"],
  outfile: join(tmp, "client.mjs"),
  logLevel: "warning",
});
// The bundle imports "undici": resolve it from the repo's node_modules by placing it there.
const bundlePath = join(root, "node_modules", `.hubkit-bench-client-${process.pid}.mjs`);
writeFileSync(bundlePath, (await import("node:fs")).readFileSync(join(tmp, "client.mjs")));
const { createHubClient, readConfig, createDispatcher } = await import(pathToFileURL(bundlePath).href);
rmSync(bundlePath);
rmSync(tmp, { recursive: true, force: true });

const chunk = Buffer.alloc(1 << 20, 120);
const server = createServer((req, res) => {
  if (req.url === "/big") {
    res.writeHead(200, { "content-length": String(MIB * chunk.length) });
    let left = MIB;
    const pump = () => {
      while (left > 0) {
        left--;
        if (!res.write(chunk)) return res.once("drain", pump);
      }
      res.end();
    };
    return pump();
  }
  res.setHeader("content-type", "application/json");
  res.end('{"name":"alice","type":"user"}');
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;

const config = readConfig({ HF_HOME: tmpdir(), HF_ENDPOINT: base });
const dispatcher = createDispatcher({ env: {} });
const client = createHubClient({ config, token: "hf_benchBenchBenchBenchBenchBench0000", dispatcher });
const bare = new Agent({ keepAliveTimeout: 4000 });

async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
async function smallHub() {
  for (let i = 0; i < N; i++) await client.json({ url: "/api/whoami-v2" });
}
// Same headers as the client sends, so the comparison measures the client's code, not header bytes.
const sameHeaders = () => ({
  "user-agent": client.userAgent,
  "x-amzn-trace-id": crypto.randomUUID(),
  authorization: "Bearer hf_benchBenchBenchBenchBenchBench0000",
});
async function smallBare() {
  for (let i = 0; i < N; i++) {
    await (await request(`${base}/api/whoami-v2`, { dispatcher: bare, headers: sameHeaders() })).body.json();
  }
}
async function bigHub() {
  const res = await client.request({ url: "/big" });
  let n = 0;
  for await (const c of res.body) n += c.length;
  if (n !== MIB * chunk.length) throw new Error(`short read ${n}`);
}
async function bigBare() {
  const res = await request(`${base}/big`, { dispatcher: bare });
  let n = 0;
  for await (const c of res.body) n += c.length;
  if (n !== MIB * chunk.length) throw new Error(`short read ${n}`);
}

// Warm up both pools, then alternate runs and keep the best of 3.
await smallHub();
await smallBare();
const best = async (fn) => Math.min(await time(fn), await time(fn), await time(fn));
const rows = [
  [
    "sequential GET (small JSON), req/s",
    N / ((await best(smallBare)) / 1000),
    N / ((await best(smallHub)) / 1000),
  ],
  [
    `stream ${MIB} MiB body, MiB/s`,
    MIB / ((await best(bigBare)) / 1000),
    MIB / ((await best(bigHub)) / 1000),
  ],
];
server.close();
await Promise.all([bare.close(), dispatcher.close()]);

const lines = [
  `# hubkit HTTP client vs bare undici (node ${process.versions.node}, ${new Date().toISOString()})`,
  "",
  `Local node:http server on 127.0.0.1 (same process); best of 3 runs; ${N} requests with the same headers; ${MIB} MiB body.`,
  "",
  "| measure | bare undici | createHubClient | ratio |",
  "|---|---:|---:|---:|",
  ...rows.map(([m, b, h]) => `| ${m} | ${b.toFixed(0)} | ${h.toFixed(0)} | ${(h / b).toFixed(2)} |`),
];
const text = lines.join("\n");
console.log(text);
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, "results", `http-client-${new Date().toISOString().slice(0, 10)}.md`), `${text}\n`);
