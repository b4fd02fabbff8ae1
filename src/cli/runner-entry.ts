// dist/cli-runner.js: the full CLI, imported by dist/cli.js for every command but the fast path.
import { runCli } from "./run-cli.js";

process.exitCode = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
});
