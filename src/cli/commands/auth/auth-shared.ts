// Helpers shared by the `hf auth ...` commands (not a command itself).

import { GIT_HELPER_REMEDY } from "../../../auth/git-credential.js";
import {
  describeTokenSource,
  listTokenSources,
  oidcSource,
  type TokenSource,
} from "../../../auth/resolve-token.js";
import type { CliContext } from "../../context.js";

/** Stdin and stdout are both terminals: prompts are allowed (as Python's `select_choice`). */
export function isInteractive(ctx: CliContext): boolean {
  return Boolean(ctx.stdin.isTTY) && Boolean(ctx.out.stdout.isTTY) && ctx.format === "human";
}

/** Warnings from the token chain (deprecated variable, refresh failure) go to stderr. */
export function warner(ctx: CliContext): (message: string) => void {
  return (m) => ctx.out.warn(m);
}

/**
 * The environment variable that provides a token and would win over the token file, if any: the
 * OIDC exchange (HF_OIDC_RESOURCE) first, then HF_TOKEN and the legacy names. Login, switch and
 * logout change only the files, so they must say when a variable still decides.
 */
export async function shadowingVariable(ctx: CliContext): Promise<string | undefined> {
  const oidc = oidcSource(ctx.config.env);
  if (oidc) return envName({ source: oidc });
  const sources = await listTokenSources(ctx.config);
  const env = sources.find((s) => s.source.kind === "env");
  return env && envName(env);
}

/** "HF_TOKEN" for an env source, "HF_OIDC_RESOURCE" for the OIDC exchange (for "unset X" remedies). */
export function envName(r: { source: TokenSource }): string {
  if (r.source.kind === "oidc") return "HF_OIDC_RESOURCE";
  return r.source.kind === "env" ? r.source.name : describeTokenSource(r.source);
}

/**
 * Says where `--add-to-git-credential` stored the token: the helpers (Python's message), or a warning
 * with the one-line fix when no helper is configured.
 */
export function reportGitHelpers(ctx: CliContext, helpers: string[]): void {
  if (helpers.length > 0) {
    ctx.out.info(
      `Your token has been saved in your configured git credential helpers (${helpers.join(",")}).`,
    );
  } else {
    ctx.out.warn(
      "Cannot store the token in git: no credential helper is configured, so `git push` to the Hub will ask again.",
    );
    ctx.out.hint(GIT_HELPER_REMEDY);
  }
}

/** Reads all of stdin as text (for `--token -`). */
export async function readAllStdin(ctx: CliContext): Promise<string> {
  let s = "";
  ctx.stdin.setEncoding("utf8");
  for await (const chunk of ctx.stdin) s += chunk as string;
  return s;
}
