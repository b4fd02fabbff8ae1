import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkTokenExpiry, checkTokenSource, checkTokenValid } from "../../src/doctor/token-check.js";
import { createHubServer, DEMO_TOKENS, type HubServer } from "../../src/server/index.js";
import { type Sandbox, sandbox } from "./helpers.js";

let hub: HubServer;
let sb: Sandbox;
beforeAll(async () => {
  hub = await createHubServer({ demo: true });
});
afterAll(() => hub.close());
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(() => sb.cleanup());

async function saveToken(token: string, stored?: string): Promise<void> {
  const dir = sb.env.HF_HOME as string;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "token"), token);
  await chmod(join(dir, "token"), 0o600);
  if (stored !== undefined) await writeFile(join(dir, "stored_tokens"), stored);
}

const noToken = (s: string) => {
  for (const t of Object.values(DEMO_TOKENS)) expect(s).not.toContain(t);
};

describe("checkTokenSource", () => {
  it("warns when there is no token", async () => {
    const r = await checkTokenSource(sb.ctx({ HF_ENDPOINT: hub.url }));
    expect(r).toMatchObject({ status: "warn", remedy: expect.stringContaining("hf auth login") });
  });

  it("names the source, and the saved login HF_TOKEN hides, with the variable to unset", async () => {
    await saveToken(DEMO_TOKENS.alice);
    const r = await checkTokenSource(sb.ctx({ HF_ENDPOINT: hub.url, HF_TOKEN: DEMO_TOKENS.bob }));
    expect(r.status).toBe("warn");
    expect(r.message).toContain("hf_****0000 from the HF_TOKEN environment variable");
    expect(r.message).toContain("it hides token file");
    expect(r.remedy).toMatch(/^unset HF_TOKEN/);
    noToken(JSON.stringify(r));
  });

  it("a token file that exists but cannot be read fails (every command would), with its remedy", async () => {
    const r = await checkTokenSource(sb.ctx({ HF_TOKEN_PATH: sb.work }));
    expect(r.status).toBe("fail");
    expect(r.message).toContain(`Cannot read the token file ${sb.work}`);
    expect(r.remedy).toBeTruthy();
  });

  it("ok with one source; HF_HUB_DISABLE_IMPLICIT_TOKEN is called out", async () => {
    await saveToken(DEMO_TOKENS.alice);
    expect((await checkTokenSource(sb.ctx())).status).toBe("ok");
    const r = await checkTokenSource(sb.ctx({ HF_HUB_DISABLE_IMPLICIT_TOKEN: "1" }));
    expect(r).toMatchObject({
      status: "warn",
      remedy: expect.stringContaining("HF_HUB_DISABLE_IMPLICIT_TOKEN"),
    });
  });
});

describe("checkTokenValid", () => {
  it("valid read token: user and role, no warning", async () => {
    const rs = await checkTokenValid(sb.ctx({ HF_ENDPOINT: hub.url, HF_TOKEN: DEMO_TOKENS.alice }));
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({ id: "token.valid", status: "ok", data: { user: "alice", role: "read" } });
  });

  it("a write token used for reading gets a least-privilege warning", async () => {
    const rs = await checkTokenValid(sb.ctx({ HF_ENDPOINT: hub.url, HF_TOKEN: DEMO_TOKENS.bob }));
    expect(rs.map((r) => [r.id, r.status])).toEqual([
      ["token.valid", "ok"],
      ["token.role", "warn"],
    ]);
  });

  it("a rejected token fails and names the variable to fix", async () => {
    const bad = "hf_notARealTokenAtAll000000000000000000";
    const rs = await checkTokenValid(sb.ctx({ HF_ENDPOINT: hub.url, HF_TOKEN: bad }));
    expect(rs[0]).toMatchObject({ status: "fail", remedy: expect.stringMatching(/^unset HF_TOKEN/) });
    expect(JSON.stringify(rs)).not.toContain(bad);
  });

  it("a rejected saved token says to log in again", async () => {
    await saveToken("hf_notARealTokenAtAll000000000000000000");
    const rs = await checkTokenValid(sb.ctx({ HF_ENDPOINT: hub.url }));
    expect(rs[0]).toMatchObject({ status: "fail", remedy: "hf auth login --force" });
  });
});

describe("checkTokenExpiry", () => {
  const oauth = "hf_oauth_AccessToken00000000000000000000000";
  const now = Date.UTC(2026, 10, 24);
  const section = (fields: string) => `[oauth-alice]\nhf_token = ${oauth}\n${fields}\n`;

  it("an expired OAuth token without a refresh token fails: log in again", async () => {
    await saveToken(oauth, section(`expires_at = ${now / 1000 - 60}\n`));
    const r = await checkTokenExpiry(sb.ctx({}, { now }));
    expect(r).toMatchObject({ status: "fail", remedy: "hf auth login --force" });
    expect(r.message).toContain("'oauth-alice' expired at");
  });

  it("expired but refreshable is a warning; in the future is ok; classic tokens have no expiry", async () => {
    await saveToken(oauth, section(`refresh_token = hf_oauth_R\nexpires_at = ${now / 1000 - 60}\n`));
    expect((await checkTokenExpiry(sb.ctx({}, { now }))).status).toBe("warn");
    await saveToken(oauth, section(`expires_at = ${now / 1000 + 3600}\n`));
    expect((await checkTokenExpiry(sb.ctx({}, { now }))).status).toBe("ok");
    await saveToken(DEMO_TOKENS.alice, `[alice-read]\nhf_token = ${DEMO_TOKENS.alice}\n`);
    expect((await checkTokenExpiry(sb.ctx({}, { now }))).message).toContain("no expiry");
  });
});
