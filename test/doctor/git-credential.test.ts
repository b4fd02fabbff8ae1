import { chmod, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fillGitCredential, listCredentialHelpers } from "../../src/auth/git-credential.js";
import { checkGitCredential } from "../../src/doctor/git-credential.js";
import { type Sandbox, sandbox } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(() => sb.cleanup());

const ENDPOINT = "http://127.0.0.1:18080";
const STORED = "hf_gitStoredToken000000000000000000000000";
const ACTIVE = "hf_activeToken0000000000000000000000000000";

async function storeHelper(token = STORED): Promise<void> {
  sb.git(["config", "--global", "credential.helper", "store"], sb.home);
  // What `git credential approve` writes for Python's login --add-to-git-credential.
  const p = await sb.write(join(sb.home, ".git-credentials"), `http://hf_user:${token}@127.0.0.1%3a18080\n`);
  await chmod(p, 0o600);
}

describe("git credential helpers", () => {
  it("lists none when git has no helper configured", async () => {
    expect(await listCredentialHelpers({ env: sb.env, cwd: sb.work })).toEqual([]);
  });

  it("fill returns the stored credential; a miss returns undefined without prompting", async () => {
    await storeHelper();
    expect(await listCredentialHelpers({ env: sb.env, cwd: sb.work })).toEqual(["store"]);
    expect(await fillGitCredential(ENDPOINT, { env: sb.env, cwd: sb.work })).toEqual({
      username: "hf_user",
      password: STORED,
    });
    const t0 = Date.now();
    expect(
      await fillGitCredential("http://127.0.0.1:1", { env: sb.env, cwd: sb.work, timeoutMs: 5_000 }),
    ).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(4_000);
  });
});

describe("checkGitCredential", () => {
  it("skips when no helper is configured", async () => {
    const r = await checkGitCredential(sb.ctx({ HF_ENDPOINT: ENDPOINT }));
    expect(r).toMatchObject({ id: "git.credential", status: "skip" });
  });

  it("ok, masked, when the helper holds the active token", async () => {
    await storeHelper(ACTIVE);
    const r = await checkGitCredential(sb.ctx({ HF_ENDPOINT: ENDPOINT, HF_TOKEN: ACTIVE }));
    expect(r.status).toBe("ok");
    expect(r.message).toContain("hf_****0000");
    expect(r.message).toContain("(the active token)");
    expect(JSON.stringify(r)).not.toContain(ACTIVE);
  });

  it("warns when the helper holds another token than the active one, never printing either", async () => {
    await storeHelper();
    const r = await checkGitCredential(sb.ctx({ HF_ENDPOINT: ENDPOINT, HF_TOKEN: ACTIVE }));
    expect(r.status).toBe("warn");
    expect(r.remedy).toContain("git credential reject");
    const text = JSON.stringify(r);
    expect(text).not.toContain(STORED);
    expect(text).not.toContain(ACTIVE);
  });

  it("ok with 'no token stored' when the helper has nothing for this endpoint", async () => {
    await storeHelper();
    await mkdir(join(sb.home, "x"), { recursive: true });
    const r = await checkGitCredential(sb.ctx({ HF_ENDPOINT: "http://127.0.0.1:9" }));
    expect(r).toMatchObject({ status: "ok", message: expect.stringContaining("no token stored") });
  });
});
