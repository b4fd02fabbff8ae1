// The `hf` / `hubkit` binary. Kept tiny: it imports the registry and the runner only; every command
// module is loaded with import() when it runs.
const argv = process.argv.slice(2);
// `hf auth token` (exactly) skips the runner and the registry: scripts call it on every use. It loads
// dist/auth-token.js, a self-contained build of token-fast.ts (scripts/build.mjs); when that cannot
// answer (not logged in, broken file, refresh due), the full CLI runs and reports.
const done = argv.length === 2 && argv[0] === "auth" && argv[1] === "token" && (await tokenFastPath());
if (!done) {
  const { runCli } = await import("./run-cli.js");
  process.exitCode = await runCli({
    argv,
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
  });
}

async function tokenFastPath(): Promise<boolean> {
  type FastPath = typeof import("./commands/auth/token-fast.js");
  let mod: FastPath;
  try {
    // A URL esbuild does not follow: the standalone file next to dist/cli.js.
    mod = (await import(new URL("./auth-token.js", import.meta.url).href)) as FastPath;
  } catch {
    mod = await import("./commands/auth/token-fast.js");
  }
  return mod.tokenFastPath(process.env);
}
