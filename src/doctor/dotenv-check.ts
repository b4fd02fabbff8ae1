import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { checkEnvFileIgnored } from "../config/env-file.js";
import { HF_TOKEN, HUGGING_FACE_HUB_TOKEN, HUGGINGFACE_TOKEN } from "../config/index.js";
import { type CheckResult, type DoctorContext, fail, ok, skip, warn } from "./types.js";

/**
 * `.env` in the current folder: does it hold a token variable, and would git commit it? A token in
 * a tracked or un-ignored `.env` fails (it is one `git add .` away from a public leak); a `.env`
 * without a token that git would commit is a warning.
 *
 * @example await checkDotEnv(ctx) // { id: "dotenv", status: "fail", remedy: "echo '/.env' >> /repo/.gitignore" }
 */
export async function checkDotEnv(ctx: DoctorContext): Promise<CheckResult> {
  const path = join(ctx.cwd, ".env");
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) return skip("dotenv", "no .env in the current folder");
  let vars: Record<string, string> = {};
  try {
    vars = parseEnv(text) as Record<string, string>;
  } catch {}
  // The Hub's own variables, and any other variable whose value looks like a Hub token
  // (HUGGINGFACEHUB_API_TOKEN of LangChain, HF_API_KEY, ...).
  const names = new Set<string>([HF_TOKEN, HUGGING_FACE_HUB_TOKEN, HUGGINGFACE_TOKEN]);
  const tokenVars = Object.keys(vars).filter(
    (k) => (names.has(k) && (vars[k] ?? "").trim() !== "") || /hf_[A-Za-z0-9]{30,}/.test(vars[k] ?? ""),
  );
  const git = await checkEnvFileIgnored(path, ctx.env, ctx.cwd);
  const data = {
    path,
    tokenVariables: tokenVars,
    inGitRepo: git.inGitRepo,
    ignored: git.ignored,
    tracked: git.tracked,
  };
  const has = tokenVars.length > 0 ? `holds ${tokenVars.join(", ")}` : "holds no token variable";
  if (!git.inGitRepo) return ok("dotenv", `.env ${has}; not inside a git repository`, data);
  if (git.tracked) {
    return (tokenVars.length > 0 ? fail : warn)(
      "dotenv",
      `.env ${has} and is tracked by git${tokenVars.length > 0 ? ": the token is in the repository" : ""}`,
      `git rm --cached .env && echo '${git.gitignoreLine}' >> ${git.gitignorePath}${tokenVars.length > 0 ? `; then rotate the token at ${ctx.config.endpoint}/settings/tokens` : ""}`,
      { data },
    );
  }
  if (!git.ignored) {
    return (tokenVars.length > 0 ? fail : warn)(
      "dotenv",
      `.env ${has} and is not ignored by git (one 'git add .' from a commit)`,
      `echo '${git.gitignoreLine}' >> ${git.gitignorePath}`,
      { data },
    );
  }
  return ok("dotenv", `.env ${has}; ignored by git`, data);
}
