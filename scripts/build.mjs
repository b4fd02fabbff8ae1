#!/usr/bin/env node
// Builds dist/: the CLI runner (dist/cli-runner.js, dist/huggingface-cli.js) and the library
// (dist/index.js, and dist/transformers.js for `hubkit/transformers`) in one esbuild pass with code splitting, so every command module becomes its own
// chunk that the CLI loads with import() only when that command runs; then the `hf` entry itself
// (dist/cli.js) as one self-contained file with the `hf auth token` fast path inlined, so that start-up
// reads a single small module. Types: tsc emits declarations into dist/types.
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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
    "cli-runner": "src/cli/runner-entry.ts",
    "huggingface-cli": "src/cli/legacy.ts",
    index: "src/index.ts",
    // `hubkit/transformers` (package.json exports): shares its chunks with index.js, so both
    // entries see one token memo and one set of dispatchers.
    transformers: "src/adapters/transformers/index.ts",
    // `hubkit/server`: the local Hub, for tests and demos; the main entry is the client.
    server: "src/server/index.ts",
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
// dist/hf.cjs: the `hf` bin, ONE self-contained CommonJS file (no shared chunks to resolve and load;
// CommonJS because Node starts a CJS entry faster than an ES module) holding the `hf auth token` fast
// path (src/cli/main.ts, src/cli/commands/auth/token-fast.ts, bench/auth-cold-start.mjs); it imports
// dist/cli-runner.js for everything else. dist/cli.js is an ES module alias of it.
await build({
  absWorkingDir: root,
  entryPoints: { hf: "src/cli/main.ts" },
  outdir: outRel,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  splitting: false,
  format: "cjs",
  platform: "node",
  target: "node20",
  // Fewer bytes to read and parse on every `$(hf auth token)`.
  minify: true,
  // The OIDC exchange (and the HTTP client under it) stays out of this file: token-fast.ts hands
  // every HF_OIDC_RESOURCE run to the full CLI before the token chain could import it.
  external: ["*/get-oidc-token.js", "*/exchange-oidc-token.js"],
  legalComments: "none",
  define: { __HUBKIT_VERSION__: JSON.stringify(pkg.version), "import.meta.url": "__hubkitEntryUrl" },
  banner: {
    js: '#!/usr/bin/env node\nconst __hubkitEntryUrl = require("node:url").pathToFileURL(__filename).href;',
  },
  logLevel: "warning",
});
writeFileSync(join(out, "cli.js"), '#!/usr/bin/env node\nimport "./hf.cjs";\n');
chmodSync(join(out, "hf.cjs"), 0o755);
chmodSync(join(out, "cli.js"), 0o755);
chmodSync(join(out, "huggingface-cli.js"), 0o755);

// HUBKIT_SKIP_TYPES=1 skips the declarations (a faster build while iterating; never in CI or npm pack).
const tsc =
  process.env.HUBKIT_SKIP_TYPES === "1"
    ? { status: 0 }
    : spawnSync(
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
console.log(
  "build: dist/hf.cjs (bin), dist/cli.js, dist/cli-runner.js, dist/huggingface-cli.js, dist/index.js, dist/transformers.js, dist/server.js, dist/types/",
);
