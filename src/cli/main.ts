// The `hf` / `hubkit` binary. Kept tiny: it imports the registry and the runner only; every command
// module is loaded with import() when it runs.
import { runCli } from "./run-cli.js";

const code = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
});
process.exitCode = code;
