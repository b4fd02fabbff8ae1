import { chmod, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkStoredTokens, checkTokenFileMode } from "../../src/doctor/token-files.js";
import { type Sandbox, sandbox } from "./helpers.js";

let sb: Sandbox;
let hfHome: string;
beforeEach(async () => {
  sb = await sandbox();
  hfHome = sb.env.HF_HOME as string;
  await mkdir(hfHome, { recursive: true, mode: 0o700 });
  await chmod(hfHome, 0o700);
});
afterEach(() => sb.cleanup());

const TOKEN = "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH";

describe("checkTokenFileMode", () => {
  it("skips when nothing is saved", async () => {
    const [r] = await checkTokenFileMode(sb.ctx());
    expect(r?.status).toBe("skip");
  });

  it("ok for 0600 files in a 0700 folder (what login writes)", async () => {
    const p = await sb.write(join(hfHome, "token"), TOKEN);
    await chmod(p, 0o600);
    const rs = await checkTokenFileMode(sb.ctx());
    expect(rs.map((r) => [r.id, r.status])).toEqual([
      ["token.file-mode", "ok"],
      ["token.dir-mode", "ok"],
    ]);
  });

  it("fails for a group-readable token file and warns for an open folder, each with the chmod", async () => {
    const p = await sb.write(join(hfHome, "token"), TOKEN);
    await chmod(p, 0o644);
    await chmod(hfHome, 0o755);
    const rs = await checkTokenFileMode(sb.ctx());
    expect(rs[0]).toMatchObject({ id: "token.file-mode", status: "fail", remedy: `chmod 600 ${p}` });
    expect(rs[0]?.message).toContain("mode 644");
    expect(rs[1]).toMatchObject({ id: "token.dir-mode", status: "warn", remedy: `chmod 700 ${hfHome}` });
    expect(JSON.stringify(rs)).not.toContain(TOKEN);
  });
});

describe("checkStoredTokens", () => {
  it("counts the named tokens without showing them", async () => {
    await sb.write(
      join(hfHome, "stored_tokens"),
      `[a]\nhf_token = ${TOKEN}\n\n[b]\nhf_token = ${TOKEN}x\n\n`,
    );
    const r = await checkStoredTokens(sb.ctx());
    expect(r).toMatchObject({ status: "ok", message: expect.stringContaining("holds 2 tokens") });
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });

  it("fails on a file configparser would refuse, with a remedy", async () => {
    await sb.write(join(hfHome, "stored_tokens"), "hf_token = x\n");
    const r = await checkStoredTokens(sb.ctx());
    expect(r.status).toBe("fail");
    expect(r.remedy).toContain("hf auth login");
  });

  // Root ignores permission bits, so this runs only as a normal user.
  it.skipIf(process.getuid?.() === 0)("fails on an unreadable file", async () => {
    const p = await sb.write(join(hfHome, "stored_tokens"), "[a]\nhf_token = x\n");
    await chmod(p, 0o000);
    const r = await checkStoredTokens(sb.ctx());
    expect(r).toMatchObject({ status: "fail", remedy: `chmod 600 ${p}` });
  });

  it("skips when there is no file", async () => {
    expect((await checkStoredTokens(sb.ctx())).status).toBe("skip");
  });
});
