import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The `hf` bin as npm installs it (package.json "bin"). */
export const CLI = join(ROOT, "dist", "hf.cjs");
export const PYTHON_BIN = join(ROOT, ".venv-py", "bin");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Merged over PATH, HOME and NO_COLOR=1; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  /** SIGKILL after this long (default 60 s). */
  timeoutMs?: number;
}

/**
 * Runs the built CLI (dist/hf.cjs, or `bin`) as a child process with exactly `env` (plus PATH/HOME unless
 * given), feeding `input` on stdin. End-to-end tests use this; it is the real binary users run.
 */
export function runHf(args: string[], options: RunOptions & { bin?: string } = {}): Promise<RunResult> {
  return runProcess(process.execPath, [options.bin ?? CLI, ...args], options);
}

/** Runs any program as a child process, the same way as `runHf`. */
export function runProcess(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    NO_COLOR: "1",
  };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/**
 * Runs a Python snippet with .venv-py's python (no skip when it is missing: the run fails); the
 * snippet's last stdout line is JSON, returned parsed. A run that prints no JSON throws with its
 * exit code, stdout and stderr.
 *
 * @example const out = await runPythonJson<{ name: string }>("print(json.dumps({'name': 'x'}))", { env });
 */
export async function runPythonJson<T = Record<string, unknown>>(
  code: string,
  options: RunOptions = {},
): Promise<T> {
  const r = await runProcess(join(PYTHON_BIN, "python"), ["-c", `import json\n${code}`], options);
  const last = r.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`python failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}
