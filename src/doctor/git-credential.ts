import { fillGitCredential, listCredentialHelpers } from "../auth/git-credential.js";
import { maskToken } from "../common/mask-token.js";
import { activeToken } from "./active-token.js";
import { type CheckResult, type DoctorContext, ok, skip, warn } from "./types.js";

/**
 * Is a git credential helper configured, and does it hold a token for the endpoint (what `git clone`
 * of a private repo over https would send)? A held token that differs from the active one is a
 * stale credential: git and hubkit would act as different users.
 *
 * @example await checkGitCredential(ctx) // { id: "git.credential", status: "ok", message: "store holds hf_****abcd ..." }
 */
export async function checkGitCredential(ctx: DoctorContext): Promise<CheckResult> {
  const endpoint = ctx.config.endpoint;
  const git = { env: ctx.env, cwd: ctx.cwd, timeoutMs: ctx.timeoutMs };
  // A missing git or a broken config reads as "no helper": this check only looks.
  const helpers = await listCredentialHelpers(git).catch(() => []);
  if (helpers.length === 0) {
    return skip(
      "git.credential",
      "no git credential helper configured (only needed to git clone/push private repos over https)",
    );
  }
  const cred = await fillGitCredential(endpoint, git);
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
  const active = await activeToken(ctx);
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
