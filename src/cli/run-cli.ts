import type { Command } from "commander";
import { redactTokens } from "../common/mask-token.js";
import { type Env, HF_DEBUG, isTrue } from "../config/index.js";
import { HfError, HfUsageError } from "../errors.js";
import { VERSION } from "../version.js";
import { type CliContext, createContext } from "./context.js";
import { describeForCli } from "./error-table.js";
import { EXIT, exitCodeOf } from "./exit-codes.js";
import { Exporter, resolveExportMode, type View } from "./exporter.js";
import { Output, type OutputFormat } from "./output.js";
import { COMMANDS, type CommandEntry, findCommand, GROUPS } from "./registry.js";

export interface RunCliOptions {
  argv: string[];
  env: Env;
  stdin: CliContext["stdin"];
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  cwd: string;
  /** Program name shown in help and errors. */
  bin?: string;
  commands?: CommandEntry[];
}

interface Globals {
  format: OutputFormat;
  formatHint: string | undefined;
  envFile: string | undefined;
  noColor: boolean;
  rest: string[];
}

/** `hf --version`: the line people read, or the versions a bug report needs. */
const versionView: View<string> = {
  json: (version) => ({ version, node: process.versions.node }),
  human: (version) => `hubkit ${version}`,
  quiet: (version) => `hubkit ${version}`,
};

const FORMATS = new Set(["human", "json", "quiet", "auto", "agent", "table", "csv"]);

/**
 * Pulls the global flags out of argv wherever they stand (as Python's `hf` does): `--format X`,
 * `--json`, `-q/--quiet`, `--env-file P`, `--no-color`. The rest goes to the command.
 */
export function extractGlobals(argv: string[]): Globals {
  const g: Globals = { format: "human", formatHint: undefined, envFile: undefined, noColor: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") {
      g.rest.push(...argv.slice(i));
      break;
    }
    let value: string | undefined;
    if (a === "--format" || a === "--env-file") {
      value = argv[++i];
      if (value === undefined) throw new HfUsageError(`${a} needs a value.`, { remedy: "hf --help" });
    } else if (a.startsWith("--format=") || a.startsWith("--env-file=")) {
      value = a.slice(a.indexOf("=") + 1);
    }
    if (a.startsWith("--format")) {
      const v = (value as string).toLowerCase();
      if (!FORMATS.has(v)) {
        throw new HfUsageError(`Unknown --format '${value}'.`, {
          remedy: "use --format human, json or quiet",
        });
      }
      g.formatHint = v;
      g.format = v === "json" ? "json" : v === "quiet" ? "quiet" : "human";
    } else if (a.startsWith("--env-file")) {
      g.envFile = value;
    } else if (a === "--json") {
      g.format = "json";
      g.formatHint = "json";
    } else if (a === "-q" || a === "--quiet") {
      g.format = "quiet";
      g.formatHint = "quiet";
    } else if (a === "--no-color") {
      g.noColor = true;
    } else {
      g.rest.push(a);
    }
  }
  return g;
}

/** The flags every command takes (extractGlobals), listed in the top-level help and in each command's. */
const GLOBAL_OPTIONS = [
  "Global options:",
  "  --format human|json|quiet  output format (--json and -q are short forms)",
  "  --env-file PATH            load KEY=VALUE settings from a .env file first",
  "  --no-color                 no ANSI colours (NO_COLOR=1 does the same)",
];

function topLevelHelp(bin: string, commands: CommandEntry[]): string {
  const lines = [
    `Usage: ${bin} <command> [options]`,
    "",
    "The Hugging Face Hub from Node.js: log in, download, manage the cache.",
    "",
  ];
  lines.push("Commands:");
  const shown = new Set<string>();
  for (const c of commands) {
    const top = c.path.split(" ")[0] as string;
    if (GROUPS[top] && c.path !== top) {
      if (!shown.has(top)) lines.push(`  ${top.padEnd(22)}${GROUPS[top]}`);
      shown.add(top);
    } else {
      lines.push(`  ${c.path.padEnd(22)}${c.summary}`);
    }
  }
  lines.push(
    "",
    ...GLOBAL_OPTIONS,
    "  -V, --version              print the version",
    "  -h, --help                 help for any command: hf <command> --help",
    "",
    "Examples:",
    `  ${bin} auth login                       log in (browser code or pasted token)`,
    `  ${bin} auth whoami                      who am I, and which token is used`,
    `  ${bin} download acme/tiny-model         download a repo into the cache`,
    `  ${bin} cache ls                         what the cache holds`,
    `  ${bin} serve --demo                     a local Hub with demo users and repos`,
    "",
    "Exit codes: 0 ok, 1 error, 2 usage error, 60 TLS certificate not trusted (as curl), 130 interrupted.",
  );
  return `${lines.join("\n")}\n`;
}

function groupHelp(bin: string, group: string, commands: CommandEntry[]): string {
  const lines = [`Usage: ${bin} ${group} <command> [options]`, "", GROUPS[group] ?? "", "", "Commands:"];
  for (const c of commands) {
    if (c.path.startsWith(`${group} `))
      lines.push(`  ${c.path.slice(group.length + 1).padEnd(18)}${c.summary}`);
  }
  lines.push("", `Run '${bin} ${group} <command> --help' for a command's options.`);
  return `${lines.join("\n")}\n`;
}

/** Suggests the closest known command word, for "unknown command" errors. */
function suggest(word: string, candidates: string[]): string | undefined {
  const dist = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
    for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        (d[i] as number[])[j] = Math.min(
          (d[i - 1] as number[])[j]! + 1,
          (d[i] as number[])[j - 1]! + 1,
          (d[i - 1] as number[])[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
    return (d[a.length] as number[])[b.length] as number;
  };
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const dd = dist(word, c);
    if (dd < bestD) {
      best = c;
      bestD = dd;
    }
  }
  return best;
}

/**
 * The whole CLI as a function: parses argv, loads the chosen command lazily, runs it, and turns any
 * error into one line (plus a hint) and an exit code. Never calls process.exit; returns the code.
 */
export async function runCli(options: RunCliOptions): Promise<number> {
  const bin = options.bin ?? "hf";
  const commands = options.commands ?? COMMANDS;
  let env = options.env;
  const debug = isTrue(env[HF_DEBUG]);
  let out = new Output({
    format: "human",
    stdout: options.stdout as never,
    stderr: options.stderr as never,
    color: !env.NO_COLOR && Boolean(options.stderr.isTTY),
  });
  try {
    const g = extractGlobals(options.argv);
    if (g.envFile !== undefined) {
      const { loadEnvFile } = await import("../config/env-file.js");
      env = loadEnvFile(g.envFile, env);
    }
    out = new Output({
      format: g.format,
      stdout: options.stdout as never,
      stderr: options.stderr as never,
      color: !g.noColor && !env.NO_COLOR && Boolean(options.stderr.isTTY),
    });
    if (g.envFile !== undefined) {
      // A .env holds secrets: say so when git would commit it (with the .gitignore line to add).
      const { checkEnvFileIgnored } = await import("../config/env-file.js");
      const status = await checkEnvFileIgnored(g.envFile, env, options.cwd);
      if (status.warning) out.warn(status.warning);
    }
    const args = g.rest;
    const first = args[0];
    if (first === undefined || first === "-h" || first === "--help" || first === "help") {
      const sub = first === "help" ? args.slice(1) : [];
      if (sub.length === 0) {
        options.stdout.write(topLevelHelp(bin, commands));
        return EXIT.ok;
      }
      args.splice(0, args.length, ...sub, "--help");
    }
    if (first === "-V" || first === "--version" || first === "version") {
      new Exporter(out, resolveExportMode(g.format, g.formatHint), env.COLUMNS).write(versionView, VERSION);
      return EXIT.ok;
    }
    const match = findCommand(args, commands);
    if (!match) {
      const word = args[0] as string;
      if (GROUPS[word]) {
        const wantsHelp = args.length === 1 || args[1] === "--help" || args[1] === "-h";
        if (wantsHelp) {
          options.stdout.write(groupHelp(bin, word, commands));
          return EXIT.ok;
        }
        const subs = commands
          .filter((c) => c.path.startsWith(`${word} `))
          .map((c) => c.path.split(" ")[1] as string);
        const guess = suggest(args[1] ?? "", subs);
        throw new HfUsageError(`Unknown command '${bin} ${word} ${args[1]}'.`, {
          remedy: guess ? `did you mean '${bin} ${word} ${guess}'?` : `${bin} ${word} --help`,
        });
      }
      const tops = [
        ...new Set(commands.flatMap((c) => [c.path.split(" ")[0] as string, ...(c.aliases ?? [])])),
      ];
      const guess = word.startsWith("-") ? undefined : suggest(word, tops);
      throw new HfUsageError(
        word.startsWith("-") ? `Unknown option '${word}'.` : `Unknown command '${word}'.`,
        { remedy: guess ? `did you mean '${bin} ${guess}'?` : `${bin} --help` },
      );
    }
    const ctx = createContext({
      env,
      out,
      format: g.format,
      formatHint: g.formatHint,
      stdin: options.stdin,
      cwd: options.cwd,
    });
    const mod = await match.entry.load();
    const cmd: Command = mod.createCommand(ctx);
    cmd.name(`${bin} ${match.entry.path}`);
    cmd.addHelpText("afterAll", `\n${GLOBAL_OPTIONS.join("\n")}`);
    configureCommand(cmd, options);
    await cmd.parseAsync(match.rest, { from: "user" });
    return ctx.exitCode ?? EXIT.ok;
  } catch (e) {
    return reportError(e, out, debug);
  }
}

function configureCommand(cmd: Command, options: RunCliOptions): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (s) => options.stdout.write(s),
    // Commander's own error text is re-thrown as a usage error below; do not print it twice.
    writeErr: () => {},
  });
  cmd.showHelpAfterError(false);
  for (const sub of cmd.commands) configureCommand(sub, options);
}

function isCommanderError(e: unknown): e is { code: string; exitCode: number; message: string } {
  return (
    typeof (e as { code?: unknown })?.code === "string" &&
    (e as { code: string }).code.startsWith("commander.")
  );
}

const TRACE_WORTHY = new Set<string>([
  "HF_NETWORK",
  "HF_TIMEOUT",
  "HF_SERVER_ERROR",
  "HF_HTTP_ERROR",
  "HF_IO",
  "HF_CACHE",
]);

/** Prints one `Error:` line (and a `Hint:`), a stack only with HF_DEBUG=1; returns the exit code. */
export function reportError(e: unknown, out: Output, debug: boolean): number {
  // Commander's errors, recognised by their code so that start-up never has to import commander.
  if (isCommanderError(e)) {
    if (e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.version")
      return EXIT.ok;
    out.error(e.message.replace(/^error: /, ""));
    out.hint("add --help to see the command's options");
    return EXIT.usage;
  }
  if (e instanceof HfError) {
    // The library's words, or the CLI's where the error table has some (commands, flags).
    const { message, remedy } = describeForCli(e);
    out.error(message);
    if (remedy) out.hint(remedy);
    if (debug && e.stack) out.stderr.write(`${redactTokens(e.stack)}\n`);
    // A trace helps only where the cause lies below the message (network, server, I/O); for
    // user-level errors (not logged in, gated, not found, usage) the remedy is the whole story.
    else if (TRACE_WORTHY.has(e.code)) out.hint("set HF_DEBUG=1 for the full trace");
    return exitCodeOf(e);
  }
  const err = e as NodeJS.ErrnoException;
  out.error(`unexpected failure: ${err?.message ?? String(e)}`);
  if (debug && err?.stack) out.stderr.write(`${redactTokens(err.stack)}\n`);
  else out.hint("set HF_DEBUG=1 for the full trace, and report it if it persists");
  return EXIT.error;
}
