import { maskToken } from "../auth/mask-token.js";
import { listTokenSources } from "../auth/resolve-token.js";
import type { Env } from "../config/index.js";
import { execBounded, gitEnv } from "./exec.js";
import { type CheckResult, type DoctorContext, ok, skip, warn } from "./types.js";

/**
 * The configured git credential helpers (`git config --get-all credential.helper`, run in `cwd`
 * so a repository's own config counts). `[]` when none, or when git is missing.
 *
 * @example await listCredentialHelpers(process.env, process.cwd()) // ["store"]
 */
export async function listCredentialHelpers(env: Env, cwd: string, timeoutMs = 3_000): Promise<string[]> {
  const r = await execBounded("git", ["config", "--get-all", "credential.helper"], {
    env: gitEnv(env),
    cwd,
    timeoutMs,
  });
  if (r.code !== 0) return [];
  return r.stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

export interface GitCredential {
  username?: string | undefined;
  /** The secret git would send. Callers must only ever display `maskToken(password)`. */
  password: string;
}

/**
 * Asks git's helpers for the credential they hold for `url` (`git credential fill`), with every
 * prompt disabled (GIT_TERMINAL_PROMPT=0, no askpass, GCM non-interactive) and a timeout, so it
 * never blocks. `undefined` when no helper has one.
 *
 * @example const c = await fillGitCredential("https://huggingface.co", env, cwd); c && maskToken(c.password)
 */
export async function fillGitCredential(
  url: string,
  env: Env,
  cwd: string,
  timeoutMs = 5_000,
): Promise<GitCredential | undefined> {
  const r = await execBounded("git", ["credential", "fill"], {
    env: gitEnv(env),
    cwd,
    input: `url=${url}\n\n`,
    timeoutMs,
  });
  if (r.code !== 0) return undefined;
  const fields = new Map<string, string>();
  for (const line of r.stdout.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const password = fields.get("password");
  if (!password) return undefined;
  return { username: fields.get("username"), password };
}

/**
 * Is a git credential helper configured, and does it hold a token for the endpoint (what `git clone`
 * of a private repo over https would send)? A held token that differs from the active one is a
 * stale credential: git and hubkit would act as different users.
 *
 * @example await checkGitCredential(ctx) // { id: "git.credential", status: "ok", message: "store holds hf_****abcd ..." }
 */
export async function checkGitCredential(ctx: DoctorContext): Promise<CheckResult> {
  const endpoint = ctx.config.endpoint;
  const helpers = await listCredentialHelpers(ctx.env, ctx.cwd, ctx.timeoutMs);
  if (helpers.length === 0) {
    return skip(
      "git.credential",
      "no git credential helper configured (only needed to git clone/push private repos over https)",
    );
  }
  const cred = await fillGitCredential(endpoint, ctx.env, ctx.cwd, ctx.timeoutMs);
  const data: Record<string, unknown> = { helpers, endpoint, holdsToken: Boolean(cred) };
  if (!cred) {
    return {
      ...ok(
        "git.credential",
        `git credential helper ${helpers.join(", ")}; no token stored for ${endpoint}`,
        data,
      ),
    };
  }
  const masked = maskToken(cred.password);
  data.token = masked;
  const active = ctx.config.disableImplicitToken ? undefined : (await listTokenSources(ctx.config))[0];
  if (active && active.token !== cred.password) {
    data.matchesActiveToken = false;
    return warn(
      "git.credential",
      `git credential helper (${helpers.join(", ")}) holds ${masked} for ${endpoint}, not the active token ${maskToken(active.token)}: git and hf act with different tokens`,
      `printf 'url=${endpoint}\\n\\n' | git credential reject && hf auth login --add-to-git-credential`,
      { data },
    );
  }
  data.matchesActiveToken = Boolean(active);
  return ok(
    "git.credential",
    `git credential helper (${helpers.join(", ")}) holds ${masked} for ${endpoint}${active ? " (the active token)" : ""}`,
    data,
  );
}
