#!/usr/bin/env node
// `npm run bench`: runs every benchmark script in bench/ (or the ones named on the command line,
// e.g. `npm run bench -- cache-ls`), one after another so they do not compete for the two cores.
// Each script prints its table and writes it to bench/results/<name>-<date>.md.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith(".mjs") && f !== "run.mjs")
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
let failed = 0;
for (const s of scripts) {
  console.log(`\n## bench/${s}\n`);
  const r = spawnSync(process.execPath, [join(here, s)], { stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    console.error(`bench/${s} failed (exit ${r.status})`);
  }
}
process.exitCode = failed ? 1 : 0;
