import { readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { IniParseError, parseStoredTokens } from "../auth/stored-tokens-ini.js";
import { type CheckResult, type DoctorContext, fail, ok, skip, warn } from "./types.js";

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, "0");

/**
 * The saved token file must be readable by its owner only (0600) and its folder 0700: what
 * huggingface_hub's `_save_token` sets on every login (`os.chmod(path, 0o600)`, parent 0o700).
 * A group/world-readable token is a leak on shared machines. Skipped on Windows, where modes mean
 * nothing.
 *
 * @example await checkTokenFileMode({ config, env, cwd }) // [{ id: "token.file-mode", status: "ok", ... }]
 */
export async function checkTokenFileMode(ctx: DoctorContext): Promise<CheckResult[]> {
  if (process.platform === "win32") return [skip("token.file-mode", "file modes are not checked on Windows")];
  const results: CheckResult[] = [];
  const files = [ctx.config.tokenPath, ctx.config.storedTokensPath];
  const dirs = new Set<string>();
  let anyFile = false;
  for (const path of files) {
    const st = await stat(path).catch(() => undefined);
    if (!st) continue;
    anyFile = true;
    dirs.add(dirname(path));
    if ((st.mode & 0o077) !== 0) {
      results.push(
        fail(
          "token.file-mode",
          `${path} is readable by others (mode ${octal(st.mode)})`,
          `chmod 600 ${path}`,
          {
            data: { path, mode: octal(st.mode) },
          },
        ),
      );
    } else {
      results.push(
        ok("token.file-mode", `${path} has mode ${octal(st.mode)}`, { path, mode: octal(st.mode) }),
      );
    }
  }
  if (!anyFile) return [skip("token.file-mode", `no saved token (${ctx.config.tokenPath} does not exist)`)];
  for (const dir of dirs) {
    const st = await stat(dir).catch(() => undefined);
    if (!st) continue;
    if ((st.mode & 0o077) !== 0) {
      results.push(
        warn(
          "token.dir-mode",
          `${dir} (holds the token) is open to others (mode ${octal(st.mode)})`,
          `chmod 700 ${dir}`,
          {
            data: { path: dir, mode: octal(st.mode) },
          },
        ),
      );
    } else {
      results.push(
        ok("token.dir-mode", `${dir} has mode ${octal(st.mode)}`, { path: dir, mode: octal(st.mode) }),
      );
    }
  }
  return results;
}

/**
 * `stored_tokens` (the named tokens of `hf auth list/switch`) must parse as Python's configparser
 * reads it, or every Python and hubkit auth command that touches it fails. Reports how many
 * tokens it holds, never the tokens.
 *
 * @example await checkStoredTokens(ctx) // { id: "token.stored", status: "ok", message: "... holds 2 tokens" }
 */
export async function checkStoredTokens(ctx: DoctorContext): Promise<CheckResult> {
  const path = ctx.config.storedTokensPath;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return skip("token.stored", `no stored tokens (${path} does not exist)`);
    return fail(
      "token.stored",
      `cannot read ${path} (${code})`,
      code === "EACCES" ? `chmod 600 ${path}` : `ls -l ${path}`,
      {
        data: { path, error: code },
      },
    );
  }
  try {
    const sections = parseStoredTokens(text);
    const names = [...sections.keys()];
    const broken = names.filter((n) => !sections.get(n)?.get("hf_token"));
    if (broken.length > 0) {
      return warn(
        "token.stored",
        `${path}: ${broken.length} section(s) without hf_token (${broken.join(", ")})`,
        `hf auth logout --token-name ${broken[0]}`,
        { data: { path, names, broken } },
      );
    }
    return ok("token.stored", `${path} holds ${names.length} token${names.length === 1 ? "" : "s"}`, {
      path,
      names,
    });
  } catch (e) {
    if (!(e instanceof IniParseError)) throw e;
    return fail(
      "token.stored",
      `${path} cannot be parsed: ${e.message}`,
      `mv ${path} ${path}.bak && hf auth login`,
      {
        data: { path, error: e.message },
      },
    );
  }
}
