import { spawn } from "node:child_process";
import type { Env } from "../config/index.js";

/** The git username huggingface_hub stores Hub tokens under (`utils/_git_credential.py`). */
export const GIT_USERNAME = "hf_user";

/** The one-line fix printed when no credential helper is configured. */
export const GIT_HELPER_REMEDY = "git config --global credential.helper store";

export interface GitOptions {
  /** The environment git runs with (HOME decides which ~/.gitconfig and ~/.git-credentials). */
  env: Env;
  /** Working folder: a repo-local `credential.helper` counts too, as in Python. */
  cwd?: string | undefined;
  /** The git binary, default "git". */
  git?: string | undefined;
}

interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

function runGit(args: string[], options: GitOptions, input?: string): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
    // Never let git ask on the terminal (a helper that would prompt must fail instead).
    env.GIT_TERMINAL_PROMPT = "0";
    const child = spawn(options.git ?? "git", args, {
      cwd: options.cwd,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on("error", () => {});
    child.stdin.end(input ?? "");
  });
}

/**
 * The configured `credential.helper` values (`git config --get-all credential.helper`), in config
 * order without duplicates; empty when none is set. Rejects with ENOENT when git is not installed.
 *
 * @example await listCredentialHelpers({ env: process.env }) // ["store"]
 */
export async function listCredentialHelpers(options: GitOptions): Promise<string[]> {
  const r = await runGit(["config", "--get-all", "credential.helper"], options);
  // Exit 1 = the key is not set; anything else non-zero is a broken config: report it.
  if (r.code === 1) return [];
  if (r.code !== 0) throw new Error(`git config failed: ${r.stderr.trim()}`);
  const seen = new Set<string>();
  for (const line of r.stdout.split("\n")) {
    const v = line.trim();
    if (v) seen.add(v);
  }
  return [...seen];
}

/** The credential description of an endpoint: protocol, host (with port) and path when it has one. */
export function credentialFields(endpoint: string): string {
  const u = new URL(endpoint);
  let s = `protocol=${u.protocol.replace(/:$/, "")}\nhost=${u.host}\n`;
  const path = u.pathname.replace(/^\/+|\/+$/g, "");
  if (path) s += `path=${path}\n`;
  return s;
}

/**
 * Stores `token` for `endpoint` in the user's git credential helpers (`git credential approve` with
 * protocol, host, username `hf_user`, password), so `git push` to the Hub works. Resolves to the
 * helpers it was given to; empty (and nothing run) when none is configured, in which case the
 * caller should show `GIT_HELPER_REMEDY`.
 *
 * @example
 * const helpers = await approveGitCredential("https://huggingface.co", token, { env: process.env });
 * if (helpers.length === 0) console.error(`no credential helper: ${GIT_HELPER_REMEDY}`);
 */
export async function approveGitCredential(
  endpoint: string,
  token: string,
  options: GitOptions,
): Promise<string[]> {
  let helpers: string[];
  try {
    helpers = await listCredentialHelpers(options);
  } catch (e) {
    // No git on this machine: nothing can store the credential (Python raises here, mid-login).
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  if (helpers.length === 0) return helpers;
  const r = await runGit(
    ["credential", "approve"],
    options,
    `${credentialFields(endpoint)}username=${GIT_USERNAME}\npassword=${token}\n\n`,
  );
  if (r.code !== 0) throw new Error(`git credential approve failed (exit ${r.code})`);
  return helpers;
}

/**
 * Removes the Hub credential for `endpoint` from the git helpers (`git credential reject` for
 * username `hf_user`), as Python's logout always does. Resolves to false when git is not installed.
 *
 * @example await rejectGitCredential("https://huggingface.co", { env: process.env })
 */
export async function rejectGitCredential(endpoint: string, options: GitOptions): Promise<boolean> {
  try {
    const r = await runGit(
      ["credential", "reject"],
      options,
      `${credentialFields(endpoint)}username=${GIT_USERNAME}\n\n`,
    );
    return r.code === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw e;
  }
}
