#!/usr/bin/env node
// Creates .venv-py with the real Python clients for the interop tests and benchmarks: huggingface_hub
// 1.33.0, plus the loaders that must load the demo Hub (transformers' AutoTokenizer/AutoConfig,
// datasets' load_dataset; no torch, neither needs it). Idempotent: when every pinned version is
// already installed it only asks importlib.metadata (no heavy import), so `pretest` stays quick.
// The pins are versions that resolve together from this machine's index: transformers 5.18 and
// datasets 5.0 accept huggingface_hub 1.33, which stays pinned in the same pip run so that the
// resolver cannot move it. From scratch the install takes about 45 s (2 shared cores); when all is
// installed, well under a second.
// `--retries 0` keeps pip from spending minutes backing off on index hosts this machine cannot reach;
// the packages resolve from the locally configured index.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PINS = {
  huggingface_hub: "1.33.0",
  transformers: "5.18.0",
  tokenizers: "0.23.2",
  datasets: "5.0.1",
};
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const venv = join(root, ".venv-py");
const python = join(venv, "bin", "python");

/** The installed version of each pinned package (null when missing), or undefined without a venv. */
function installedVersions() {
  if (!existsSync(python)) return undefined;
  const code = `import json, importlib.metadata as m
def v(name):
    try:
        return m.version(name)
    except m.PackageNotFoundError:
        return None
print(json.dumps({n: v(n) for n in ${JSON.stringify(Object.keys(PINS))}}))`;
  const r = spawnSync(python, ["-c", code], { encoding: "utf8" });
  return r.status === 0 ? JSON.parse(r.stdout) : undefined;
}

const wrong = (found) => Object.entries(PINS).filter(([name, version]) => found?.[name] !== version);

if (wrong(installedVersions()).length === 0) process.exit(0);

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) {
    console.error(`setup-python: '${cmd} ${args.join(" ")}' failed (exit ${r.status}).`);
    process.exit(1);
  }
};
if (!existsSync(python)) run("python3", ["-m", "venv", venv]);
run(join(venv, "bin", "pip"), [
  "install",
  "--quiet",
  "--disable-pip-version-check",
  "--retries",
  "0",
  "--timeout",
  "15",
  ...Object.entries(PINS).map(([name, version]) => `${name}==${version}`),
]);
const found = installedVersions();
const missing = wrong(found);
if (missing.length > 0) {
  const list = missing.map(([name, version]) => `${name} ${version} (found ${found?.[name] ?? "nothing"})`);
  console.error(`setup-python: expected in ${venv}: ${list.join(", ")}.`);
  process.exit(1);
}
console.log(
  `setup-python: ${Object.entries(PINS)
    .map(([name, version]) => `${name} ${version}`)
    .join(", ")} ready in .venv-py`,
);
