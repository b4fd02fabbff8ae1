#!/usr/bin/env node
// Builds dist/: the CLI (dist/cli.js, dist/huggingface-cli.js) and the library (dist/index.js) in one
// esbuild pass with code splitting, so every command module becomes its own chunk that the CLI loads
// with import() only when that command runs. Types: tsc emits declarations into dist/types.
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const dist = join(root, "dist");
// Build into a private folder and swap it in at the end, so tests running the CLI from dist/ in
// another process never see a half-written tree.
const outRel = `dist.tmp-${process.pid}`;
const out = join(root, outRel);
rmSync(out, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: {
    cli: "src/cli/main.ts",
    "huggingface-cli": "src/cli/legacy.ts",
    index: "src/index.ts",
  },
  outdir: outRel,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: false,
  minifySyntax: true,
  legalComments: "none",
  define: { __HUBKIT_VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (commander, cli-progress) call require() for Node built-ins.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __hubkitCreateRequire } from 'node:module'; const require = __hubkitCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
// `hf auth token` start-up path as ONE self-contained file (no shared chunks to resolve and load):
// dist/cli.js imports it for that exact command (src/cli/commands/auth/token-fast.ts,
// bench/auth-cold-start.mjs).
await build({
  absWorkingDir: root,
  entryPoints: { "auth-token": "src/cli/commands/auth/token-fast.ts" },
  outdir: outRel,
  bundle: true,
  splitting: false,
  format: "esm",
  platform: "node",
  target: "node20",
  // Fewer bytes to read and parse on every `$(hf auth token)`.
  minify: true,
  legalComments: "none",
  define: { __HUBKIT_VERSION__: JSON.stringify(pkg.version) },
  logLevel: "warning",
});
chmodSync(join(out, "cli.js"), 0o755);
chmodSync(join(out, "huggingface-cli.js"), 0o755);

const tsc = spawnSync(
  process.execPath,
  [
    join(root, "node_modules/typescript/bin/tsc"),
    "-p",
    "tsconfig.build.json",
    "--outDir",
    join(out, "types"),
  ],
  {
    cwd: root,
    stdio: "inherit",
  },
);
if (tsc.status !== 0) {
  rmSync(out, { recursive: true, force: true });
  process.exit(tsc.status ?? 1);
}
const old = `${dist}.old-${process.pid}`;
try {
  renameSync(dist, old);
} catch {}
renameSync(out, dist);
rmSync(old, { recursive: true, force: true });
console.log("build: dist/cli.js, dist/huggingface-cli.js, dist/index.js, dist/types/");
