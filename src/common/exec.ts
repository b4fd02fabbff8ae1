import { spawn } from "node:child_process";
import type { Env } from "./env.js";

export interface ExecResult {
  /** Exit code; -1 when the program could not be started (ENOENT) or was killed on timeout. */
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** ENOENT and friends, when the program could not be started. */
  spawnError?: string | undefined;
}

/**
 * Runs a program (no shell) with an explicit env, optional stdin, and a hard timeout after which it
 * is killed. Never rejects: the caller reads every outcome (exit code, timeout, spawn error) from the result.
 *
 * @example const r = await execBounded("git", ["--version"], { env: config.env, timeoutMs: 3000 });
 */
export function execBounded(
  cmd: string,
  args: string[],
  options: { env: Env; cwd?: string | undefined; input?: string | undefined; timeoutMs?: number | undefined },
): Promise<ExecResult> {
  return new Promise((resolve) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(cmd, args, { env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    } catch (e) {
      resolve({ code: -1, stdout: "", stderr: "", timedOut: false, spawnError: (e as Error).message });
      return;
    }
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let spawnError: string | undefined;
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      // Bounded: a runaway program must not fill memory (git grep on a huge repo).
      if (stdout.length < 4_000_000) stdout += d;
    });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < 100_000) stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 5_000);
    child.on("error", (e) => {
      spawnError = (e as NodeJS.ErrnoException).code ?? e.message;
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code: timedOut || spawnError !== undefined || code === null ? -1 : code,
        stdout,
        stderr,
        timedOut,
        spawnError,
      });
    });
    child.stdin?.on("error", () => {});
    child.stdin?.end(options.input ?? "");
  });
}

/** The env for a `git` child: the caller's env with prompts disabled, so git never waits on a TTY. */
export function gitEnv(env: Env): Env {
  return {
    ...env,
    GIT_TERMINAL_PROMPT: "0",
    // An empty GIT_ASKPASS stops git from trying core.askPass / SSH_ASKPASS programs (git's prompt.c).
    GIT_ASKPASS: "",
    SSH_ASKPASS: undefined,
    // Git Credential Manager would otherwise open a browser or a dialog.
    GCM_INTERACTIVE: "never",
  };
}
