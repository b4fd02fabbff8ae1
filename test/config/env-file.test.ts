import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkEnvFileIgnored, loadEnvFile } from "../../src/config/env-file.js";
import { type Sandbox, sandbox } from "../doctor/helpers.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(() => sb.cleanup());

describe("loadEnvFile", () => {
  it("parses comments, quotes and export prefixes; explicit variables win over the file", async () => {
    const p = await sb.write(
      ".env",
      '# comment\nexport HF_ENDPOINT=http://127.0.0.1:9\nHF_HOME="/tmp/a b" # note\nHF_DEBUG=1\n',
    );
    const env = loadEnvFile(p, { HF_DEBUG: "0", PATH: "/bin" });
    expect(env.HF_ENDPOINT).toBe("http://127.0.0.1:9");
    expect(env.HF_HOME).toBe("/tmp/a b");
    expect(env.HF_DEBUG).toBe("0");
    expect(env.PATH).toBe("/bin");
  });

  it("a missing file is a config error naming the flag", () => {
    expect(() => loadEnvFile(join(sb.work, "nope.env"), {})).toThrow(/Cannot read the env file/);
  });
});

describe("checkEnvFileIgnored", () => {
  it("outside a git work tree there is nothing to warn about", async () => {
    const p = await sb.write(".env", "HF_TOKEN=x\n");
    const s = await checkEnvFileIgnored(p, sb.env, sb.work);
    expect(s).toMatchObject({ inGitRepo: false, ignored: false, tracked: false });
    expect(s.warning).toBeUndefined();
  });

  it("inside a repo and not ignored: warns with the exact .gitignore line, which then silences it", async () => {
    sb.git(["init", "-q"]);
    await sb.write(".env", "HF_TOKEN=x\n");
    const s = await checkEnvFileIgnored(".env", sb.env, sb.work);
    expect(s).toMatchObject({ inGitRepo: true, ignored: false, tracked: false, gitignoreLine: "/.env" });
    expect(s.gitignorePath).toBe(join(s.repoRoot as string, ".gitignore"));
    expect(s.warning).toContain("Add this line to");
    expect(s.warning).toContain("/.env");
    // Following the advice works.
    await sb.write(".gitignore", `${s.gitignoreLine}\n`);
    const after = await checkEnvFileIgnored(".env", sb.env, sb.work);
    expect(after).toMatchObject({ ignored: true, tracked: false });
    expect(after.warning).toBeUndefined();
  });

  it("a file in a subfolder gets an anchored line for that path", async () => {
    sb.git(["init", "-q"]);
    await sb.write("app/.env", "A=1\n");
    const s = await checkEnvFileIgnored(join(sb.work, "app/.env"), sb.env);
    expect(s.gitignoreLine).toBe("/app/.env");
  });

  it("a tracked .env says to untrack it (ignoring alone does not help)", async () => {
    sb.git(["init", "-q"]);
    await sb.write(".env", "A=1\n");
    sb.git(["add", ".env"]);
    await sb.write(".gitignore", ".env\n");
    const s = await checkEnvFileIgnored(".env", sb.env, sb.work);
    expect(s.tracked).toBe(true);
    expect(s.warning).toContain("git rm --cached .env");
    expect(await readFile(join(sb.work, ".gitignore"), "utf8")).toBe(".env\n");
  });
});
