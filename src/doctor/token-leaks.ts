import { execBounded, gitEnv } from "../common/exec.js";
import { maskToken } from "../common/mask-token.js";
import type { Env } from "../config/index.js";
import { type CheckResult, type DoctorContext, fail, ok, skip } from "./types.js";

/** `hf_` + 30 or more letters/digits (user access tokens), or `hf_oauth_` + the same (OAuth tokens). */
export const LEAK_PATTERN_GIT = "hf_(oauth_)?[A-Za-z0-9]{30,}";
const LEAK_PATTERN = /hf_(?:oauth_)?[A-Za-z0-9]{30,}/g;

export interface TokenLeak {
  file: string;
  line: number;
  /** The token, masked (`hf_****wxyz`). The raw value never leaves this module. */
  masked: string;
}

/**
 * Token-like strings in the files git tracks in the repository around `cwd` (`git grep -n -I -E`:
 * tracked files only, binaries skipped, working-tree contents). `undefined` when `cwd` is not in a
 * git work tree. Paths are relative to `cwd`, as git prints them.
 *
 * @example (await findTokenLeaks(process.cwd(), process.env))?.map((l) => `${l.file}:${l.line} ${l.masked}`)
 */
export async function findTokenLeaks(
  cwd: string,
  env: Env,
  timeoutMs = 10_000,
): Promise<TokenLeak[] | undefined> {
  const genv = gitEnv(env);
  const inside = await execBounded("git", ["rev-parse", "--is-inside-work-tree"], {
    env: genv,
    cwd,
    timeoutMs,
  });
  if (inside.code !== 0 || inside.stdout.trim() !== "true") return undefined;
  // -z: NUL after the file name, so names with ':' parse; --full-name off keeps paths cwd-relative.
  const r = await execBounded("git", ["grep", "-n", "-I", "-z", "-E", "--no-color", "-e", LEAK_PATTERN_GIT], {
    env: genv,
    cwd,
    timeoutMs,
  });
  // git grep exits 1 when nothing matches.
  if (r.code !== 0) return [];
  const leaks: TokenLeak[] = [];
  for (const row of r.stdout.split("\n")) {
    if (row === "") continue;
    const [file, lineNo, ...rest] = row.split("\0");
    const text = rest.join("\0");
    for (const m of text.matchAll(LEAK_PATTERN)) {
      leaks.push({ file: file as string, line: Number(lineNo), masked: maskToken(m[0]) });
    }
  }
  return leaks;
}

/**
 * Fails when a token-like string sits in a file git tracks: committed or about to be, it will reach
 * every clone. Lists each as `file:line  hf_****wxyz`.
 *
 * @example await checkTokenLeaks(ctx) // { id: "git.token-leaks", status: "fail", details: ["config.py:3  hf_****wxyz"] }
 */
export async function checkTokenLeaks(ctx: DoctorContext): Promise<CheckResult> {
  const leaks = await findTokenLeaks(ctx.cwd, ctx.env, ctx.timeoutMs ?? 10_000);
  if (leaks === undefined)
    return skip("git.token-leaks", "not inside a git repository (no tracked files to scan)");
  if (leaks.length === 0)
    return ok("git.token-leaks", "no token-like strings in files tracked by git", { leaks: [] });
  const files = new Set(leaks.map((l) => l.file));
  return fail(
    "git.token-leaks",
    `${leaks.length} token-like string${leaks.length === 1 ? "" : "s"} in ${files.size} file${files.size === 1 ? "" : "s"} tracked by git`,
    `revoke each token at ${ctx.config.endpoint}/settings/tokens, remove it from the file (read it from HF_TOKEN instead), and if it was committed purge it from history (git filter-repo --replace-text)`,
    {
      details: leaks
        .slice(0, 20)
        .map((l) => `${l.file}:${l.line}  ${l.masked}`)
        .concat(leaks.length > 20 ? [`... and ${leaks.length - 20} more`] : []),
      data: { leaks },
    },
  );
}
