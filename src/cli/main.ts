// The `hf` / `hubkit` binary (dist/hf.cjs). Built as ONE self-contained CommonJS file
// (scripts/build.mjs): Node loads a CommonJS entry faster than an ES module, and start-up then reads a
// single small file. `hf auth token` (exactly those words) is answered right here by token-fast.ts,
// since scripts call it on every use (bench/auth-cold-start.mjs); every other command imports the
// runner (dist/cli-runner.js, which loads each command's chunk lazily). When the fast path cannot
// answer (not logged in, a broken file, a refresh due), the full CLI runs and reports.
import { tokenFastPath } from "./commands/auth/token-fast.js";

const argv = process.argv.slice(2);
const fast = argv.length === 2 && argv[0] === "auth" && argv[1] === "token";
void (fast ? tokenFastPath(process.env) : Promise.resolve(false)).then(async (done) => {
  // A URL keeps esbuild from bundling the runner into this file: it is the split build's entry.
  if (!done) await import(new URL("./cli-runner.js", import.meta.url).href);
});
