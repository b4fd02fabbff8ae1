#!/usr/bin/env node
// Builds dist/: the CLI (dist/cli.js, dist/huggingface-cli.js) and the library (dist/index.js) in one
// esbuild pass with code splitting, so every command module becomes its own chunk that the CLI loads
// with import() only when that command runs. Types: tsc emits declarations into dist/types.
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: {
    cli: "src/cli/main.ts",
    "huggingface-cli": "src/cli/legacy.ts",
    index: "src/index.ts",
  },
  outdir: "dist",
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
chmodSync(join(dist, "cli.js"), 0o755);
chmodSync(join(dist, "huggingface-cli.js"), 0o755);

const tsc = spawnSync(
  process.execPath,
  [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
  {
    cwd: root,
    stdio: "inherit",
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
console.log("build: dist/cli.js, dist/huggingface-cli.js, dist/index.js, dist/types/");
