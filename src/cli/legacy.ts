// The `huggingface-cli` binary: the legacy names from the guide, mapped onto `hf` commands with one
// line naming the `hf` command to use from now on. (Python's huggingface_hub 1.33 keeps the name
// only to print "`huggingface-cli` is deprecated and no longer works"; hubkit keeps the guide's
// commands working instead.)
import { runCli } from "./run-cli.js";

interface LegacyEntry {
  /** The `hf` words it runs. */
  argv: string[];
  /** The command to recommend. */
  use: string;
  /** The target prints its own deprecation note (it also understands the old flags). */
  notes?: boolean;
}

const LEGACY: Record<string, LegacyEntry> = {
  login: { argv: ["auth", "login"], use: "hf auth login" },
  logout: { argv: ["auth", "logout"], use: "hf auth logout" },
  whoami: { argv: ["auth", "whoami"], use: "hf auth whoami" },
  download: { argv: ["download"], use: "hf download" },
  // `hf scan-cache` / `hf delete-cache` accept the old flags (--dir, -v, --disable-tui) and say
  // which `hf cache` command replaces them.
  "scan-cache": { argv: ["scan-cache"], use: "hf cache ls", notes: true },
  "delete-cache": { argv: ["delete-cache"], use: "hf cache rm", notes: true },
  env: { argv: ["env"], use: "hf env" },
};

function usage(): string {
  const rows = Object.entries(LEGACY).map(([name, e]) => `  ${name.padEnd(14)}-> ${e.use}`);
  return [
    "Usage: huggingface-cli <command> [options]",
    "",
    "huggingface-cli is kept for the guide's commands; each runs its 'hf' replacement:",
    ...rows,
    "",
    "Use 'hf' for everything else (hf --help).",
    "",
  ].join("\n");
}

const args = process.argv.slice(2);
const run = (argv: string[]) =>
  runCli({
    argv,
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
  });
const name = args[0];
const entry = name === undefined ? undefined : LEGACY[name];
if (name === undefined || name === "--help" || name === "-h" || name === "help") {
  process.stdout.write(usage());
  process.exitCode = 0;
} else if (name === "--version" || name === "-V" || name === "version") {
  process.exitCode = await run(["--version"]);
} else if (!entry) {
  process.stderr.write(
    `Error: 'huggingface-cli ${name}' is not supported. huggingface-cli keeps only ${Object.keys(LEGACY).join(", ")}; use 'hf' for everything else.\nHint: hf --help\n`,
  );
  process.exitCode = 2;
} else {
  if (!entry.notes) {
    process.stderr.write(`Note: 'huggingface-cli ${name}' is deprecated; use '${entry.use}'.\n`);
  }
  process.exitCode = await run([...entry.argv, ...args.slice(1)]);
}
