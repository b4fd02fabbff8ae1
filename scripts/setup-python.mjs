#!/usr/bin/env node
// Creates .venv-py with the real Python client (huggingface_hub==1.33.0) for the interop tests and
// benchmarks. Idempotent: does nothing when the venv already has the right version.
// `--retries 0` keeps pip from spending minutes backing off on index hosts this machine cannot reach;
// the package resolves from the locally configured index.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const VERSION = "1.33.0";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const venv = join(root, ".venv-py");
const python = join(venv, "bin", "python");

function installedVersion() {
  if (!existsSync(python)) return undefined;
  const r = spawnSync(python, ["-c", "import huggingface_hub; print(huggingface_hub.__version__)"], {
    encoding: "utf8",
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

if (installedVersion() === VERSION) process.exit(0);

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
  `huggingface_hub==${VERSION}`,
]);
const v = installedVersion();
if (v !== VERSION) {
  console.error(`setup-python: expected huggingface_hub ${VERSION} in ${venv}, found ${v ?? "nothing"}.`);
  process.exit(1);
}
console.log(`setup-python: huggingface_hub ${VERSION} ready in .venv-py`);
