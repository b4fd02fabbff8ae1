#!/usr/bin/env node
// Installs transformers.js (@huggingface/transformers, pinned by test/transformers-js/package-lock.json)
// for the hubkit/transformers adapter's tests and benchmark, in its own folder so that hubkit's own
// `npm ci` stays small (transformers.js + onnxruntime-node is about 475 MB). Idempotent: does nothing
// when the locked version is already there.
//
// --ignore-scripts: onnxruntime-node's postinstall downloads extra binaries from the internet; the
// CPU runtime it needs ships in the npm tarball (bin/napi-v6/<platform>/<arch>). npm runs with this
// process's whole environment, so the machine's registry, proxy and CA settings apply.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, "test", "transformers-js");
const PKG = "@huggingface/transformers";

const locked = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")).packages[
  `node_modules/${PKG}`
]?.version;
const installedVersion = (name) => {
  const p = join(dir, "node_modules", name, "package.json");
  return existsSync(p) ? JSON.parse(readFileSync(p, "utf8")).version : undefined;
};

if (locked && installedVersion(PKG) === locked && installedVersion("onnxruntime-node")) process.exit(0);

const started = Date.now();
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const r = spawnSync(npm, ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel", "error"], {
  cwd: dir,
  stdio: ["ignore", "inherit", "inherit"],
  env: process.env,
});
if (r.status !== 0) {
  console.error(`setup-transformers: 'npm ci --ignore-scripts' in ${dir} failed (exit ${r.status}).`);
  process.exit(1);
}
if (installedVersion(PKG) !== locked) {
  console.error(
    `setup-transformers: expected ${PKG} ${locked} in ${dir}, found ${installedVersion(PKG) ?? "nothing"}.`,
  );
  process.exit(1);
}
console.log(
  `setup-transformers: ${PKG} ${locked} ready in test/transformers-js (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
