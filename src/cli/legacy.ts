// The `huggingface-cli` binary: the legacy names from the guide, mapped onto `hf` commands with a
// one-line note naming the new command.
import { runCli } from "./run-cli.js";

const LEGACY: Record<string, string[]> = {
  login: ["auth", "login"],
  logout: ["auth", "logout"],
  whoami: ["auth", "whoami"],
  download: ["download"],
  "scan-cache": ["cache", "ls"],
  "delete-cache": ["cache", "rm"],
  env: ["env"],
};

const [name, ...rest] = process.argv.slice(2);
const mapped = name === undefined ? undefined : LEGACY[name];
if (!mapped) {
  process.stderr.write(
    `huggingface-cli is kept for the guide's commands (${Object.keys(LEGACY).join(", ")}); use 'hf' for everything else.\n`,
  );
  process.exitCode = name === undefined || name === "--help" || name === "-h" ? 0 : 2;
} else {
  process.stderr.write(`Note: 'huggingface-cli ${name}' is deprecated; use 'hf ${mapped.join(" ")}'.\n`);
  process.exitCode = await runCli({
    argv: [...mapped, ...rest],
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
  });
}
