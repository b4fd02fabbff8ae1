import { type ExecResult, execBounded, gitEnv } from "../common/exec.js";
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
  /** Kill git after this long (a helper that waits on a dialog must not hang the command). Default 10 s. */
  timeoutMs?: number | undefined;
}

/**
 * Runs git with every prompt disabled (`gitEnv`) and a timeout. Rejects with code ENOENT when git is
 * not installed, and on a timeout; otherwise resolves with git's exit code and output.
 */
async function runGit(args: string[], options: GitOptions, input?: string): Promise<ExecResult> {
  const r = await execBounded(options.git ?? "git", args, {
    env: gitEnv(options.env),
    cwd: options.cwd,
    input,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  if (r.spawnError !== undefined) {
    throw Object.assign(new Error(`could not run git: ${r.spawnError}`), { code: r.spawnError });
  }
  if (r.timedOut)
    throw new Error(`git ${args.join(" ")} did not finish in time (a credential helper waiting for input?)`);
  return r;
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

export interface GitCredential {
  username?: string | undefined;
  /** The secret git would send. Callers must only ever display `maskToken(password)`. */
  password: string;
}

/**
 * Asks git's helpers for the credential they hold for `url` (`git credential fill`), with every
 * prompt disabled and a timeout, so it never blocks. `undefined` when no helper has one, or when git
 * cannot be run.
 *
 * @example const c = await fillGitCredential("https://huggingface.co", { env, cwd }); c && maskToken(c.password)
 */
export async function fillGitCredential(
  url: string,
  options: GitOptions,
): Promise<GitCredential | undefined> {
  const r = await runGit(["credential", "fill"], options, `url=${url}\n\n`).catch(() => undefined);
  if (r?.code !== 0) return undefined;
  const fields = new Map<string, string>();
  for (const line of r.stdout.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const password = fields.get("password");
  if (!password) return undefined;
  return { username: fields.get("username"), password };
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
