import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { CLI, ROOT } from "../helpers/cli.js";

/**
 * The CLI to spawn in multi-process tests: dist/cli.js when HUBKIT_TEST_DIST=1 (CI, after
 * `npm run build`), else a private esbuild bundle of src/ made once per test file, so these tests
 * exercise the current sources even while another part of the tree fails to type-check.
 */
export async function privateCli(): Promise<string> {
  if (process.env.HUBKIT_TEST_DIST === "1" && existsSync(CLI)) return CLI;
  const out = mkdtempSync(join(tmpdir(), "hubkit-cli-"));
  await build({
    absWorkingDir: ROOT,
    // main.ts loads the runner by URL (./cli-runner.js), as in scripts/build.mjs.
    entryPoints: {
      cli: "src/cli/main.ts",
      ...(existsSync(join(ROOT, "src/cli/runner-entry.ts"))
        ? { "cli-runner": "src/cli/runner-entry.ts" }
        : {}),
    },
    outdir: out,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    define: { __HUBKIT_VERSION__: '"0.0.0-test"' },
    banner: {
      js: "import { createRequire as __hubkitCreateRequire } from 'node:module'; const require = __hubkitCreateRequire(import.meta.url);",
    },
    logLevel: "error",
  });
  return join(out, "cli.js");
}
