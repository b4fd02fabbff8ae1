import { execFile } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { parseEnv } from "node:util";
import { HfConfigError } from "../errors.js";
import type { Env } from "./read-config.js";

/**
 * Loads a `.env` file (dotenv syntax, parsed by Node's `util.parseEnv`) and returns a new env in
 * which the file's values fill in what `env` does not already set: explicit variables win.
 *
 * @example
 * const env = loadEnvFile(".env", process.env);
 * const config = readConfig(env);
 */
export function loadEnvFile(path: string, env: Env): Env {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HfConfigError(`Cannot read the env file ${path} (${code ?? "error"}).`, {
      remedy: "check the path",
      data: { reason: "env-file-unreadable", path },
      cause: e,
    });
  }
  const parsed = parseEnv(text) as Record<string, string>;
  return { ...parsed, ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) };
}

/** Whether git would commit a file: the answer of `checkEnvFileIgnored`. */
export interface EnvFileGitStatus {
  /** The file is inside a git work tree. */
  inGitRepo: boolean;
  /** `git check-ignore` says the file is ignored. */
  ignored: boolean;
  /** The file is already tracked (committed or staged): ignoring it no longer helps. */
  tracked: boolean;
  /** The work tree's top folder, when inGitRepo. */
  repoRoot?: string | undefined;
  /** The line to add to `.gitignore` (`/.env`, or `/sub/.env`), when not ignored. */
  gitignoreLine?: string | undefined;
  /** The `.gitignore` file the line belongs in (at the work tree's top). */
  gitignorePath?: string | undefined;
  /** A one-line warning with the fix, or undefined when there is nothing to say. */
  warning?: string | undefined;
}

function git(args: string[], cwd: string, env: Env): Promise<{ code: number; stdout: string }> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  childEnv.GIT_TERMINAL_PROMPT = "0";
  return new Promise((done) => {
    execFile("git", args, { cwd, env: childEnv, timeout: 5_000, encoding: "utf8" }, (err, stdout) => {
      const code = err
        ? typeof (err as { code?: unknown }).code === "number"
          ? (err as { code: number }).code
          : -1
        : 0;
      done({ code, stdout: String(stdout ?? "") });
    });
  });
}

/**
 * Asks git whether a `.env` file would be committed: is it inside a work tree, ignored
 * (`git check-ignore`), or already tracked (`git ls-files`)? A secret in a committed `.env` is the
 * classic token leak, so `--env-file` and `hf doctor` warn with the exact `.gitignore` line to add.
 * Outside a git work tree (or without git) there is nothing to warn about.
 *
 * @example
 * const s = await checkEnvFileIgnored(".env", process.env);
 * if (s.warning) console.error(s.warning);
 */
export async function checkEnvFileIgnored(path: string, env: Env, cwd?: string): Promise<EnvFileGitStatus> {
  let abs = resolve(cwd ?? process.cwd(), path);
  // git prints the top folder with symlinks resolved (/tmp -> /private/tmp on macOS).
  try {
    abs = realpathSync(abs);
  } catch {}
  const dir = dirname(abs);
  const top = await git(["rev-parse", "--show-toplevel"], dir, env);
  if (top.code !== 0) return { inGitRepo: false, ignored: false, tracked: false };
  const repoRoot = top.stdout.trim();
  const [ignoredRes, trackedRes] = await Promise.all([
    git(["check-ignore", "-q", "--", abs], dir, env),
    git(["ls-files", "--error-unmatch", "--", abs], dir, env),
  ]);
  const ignored = ignoredRes.code === 0;
  const tracked = trackedRes.code === 0;
  const rel = relative(repoRoot, abs).split("\\").join("/");
  const gitignorePath = `${repoRoot}/.gitignore`;
  // An anchored line ignores exactly this file (`.env` alone would ignore it in every folder).
  const gitignoreLine = `/${rel}`;
  let warning: string | undefined;
  if (tracked) {
    warning = `${path} is tracked by git: its secrets are (or will be) in the repository's history. Run: git rm --cached ${rel} && echo '${gitignoreLine}' >> ${gitignorePath}, then rotate any token it held.`;
  } else if (!ignored) {
    warning = `${path} is inside a git work tree and not ignored by git, so it could be committed. Add this line to ${gitignorePath}: ${gitignoreLine}`;
  }
  return {
    inGitRepo: true,
    ignored,
    tracked,
    repoRoot,
    ...(ignored && !tracked ? {} : { gitignoreLine, gitignorePath }),
    warning,
  };
}
