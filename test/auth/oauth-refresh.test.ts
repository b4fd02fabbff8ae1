import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OAuthPost } from "../../src/auth/oauth-http.js";
import { refreshIfNeeded, resetRefreshState } from "../../src/auth/oauth-refresh.js";
import { resolveToken } from "../../src/auth/resolve-token.js";
import { readStoredTokensFull, saveToken, writeSecret } from "../../src/auth/token-store.js";
import { readConfig } from "../../src/config/index.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hubkit-refresh-"));
  resetRefreshState();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const cfg = () => readConfig({ HF_HOME: dir, HOME: dir, HF_DEVICE_CODE_OAUTH_CLIENT_ID: "cid" });
const NOW = 1_800_000_000;

function poster(answer: () => { status: number; json: unknown }) {
  const calls: Record<string, string>[] = [];
  const post: OAuthPost = async (_path, form) => {
    calls.push(form);
    const a = answer();
    return { ...a, text: JSON.stringify(a.json) };
  };
  return { post, calls };
}

async function oauthLogin(expiresAt: number) {
  const c = cfg();
  await saveToken({ config: c, token: "hf_oauth_A1", name: "oauth-alice", refreshToken: "R1", expiresAt });
  await writeSecret(c.tokenPath, "hf_oauth_A1");
  return c;
}

describe("OAuth refresh inside token resolution (Python _refresh_oauth_token_if_needed)", () => {
  it("refreshes within a day of expiry: new section, token file CAS, rotated refresh token", async () => {
    const c = await oauthLogin(NOW + 3600);
    const p = poster(() => ({
      status: 200,
      json: { access_token: "hf_oauth_A2", refresh_token: "R2", expires_in: 7200 },
    }));
    const t = await refreshIfNeeded("hf_oauth_A1", c, undefined, { now: () => NOW * 1000, post: p.post });
    expect(t).toBe("hf_oauth_A2");
    expect(p.calls).toEqual([{ grant_type: "refresh_token", refresh_token: "R1", client_id: "cid" }]);
    expect(await readFile(c.tokenPath, "utf8")).toBe("hf_oauth_A2");
    expect(await readFile(c.storedTokensPath, "utf8")).toBe(
      `[oauth-alice]\nhf_token = hf_oauth_A2\nrefresh_token = R2\nexpires_at = ${NOW + 7200}\n\n`,
    );
  });

  it("does nothing when expiry is more than a day away, or for a classic token", async () => {
    const c = await oauthLogin(NOW + 2 * 86400);
    const p = poster(() => ({ status: 500, json: {} }));
    expect(await refreshIfNeeded("hf_oauth_A1", c, undefined, { now: () => NOW * 1000, post: p.post })).toBe(
      "hf_oauth_A1",
    );
    await writeSecret(c.tokenPath, "hf_classic");
    expect(await refreshIfNeeded("hf_classic", c, undefined, { now: () => NOW * 1000, post: p.post })).toBe(
      "hf_classic",
    );
    expect(p.calls).toHaveLength(0);
  });

  it("keeps the old refresh token when the server does not rotate it; leaves the token file if the user switched", async () => {
    const c = await oauthLogin(NOW - 10);
    await writeSecret(c.tokenPath, "hf_other");
    const p = poster(() => ({ status: 200, json: { access_token: "hf_oauth_A2", expires_in: 7200 } }));
    expect(await refreshIfNeeded("hf_oauth_A1", c, undefined, { now: () => NOW * 1000, post: p.post })).toBe(
      "hf_oauth_A2",
    );
    expect((await readStoredTokensFull(c)).get("oauth-alice")?.get("refresh_token")).toBe("R1");
    expect(await readFile(c.tokenPath, "utf8")).toBe("hf_other");
  });

  it("adopts a refresh another process already made (re-read under the lock)", async () => {
    const c = await oauthLogin(NOW + 10);
    const p = poster(() => ({ status: 200, json: { access_token: "never" } }));
    // Simulate: the section changed between the first read and the lock (another process refreshed).
    const racing = refreshIfNeeded("hf_oauth_A1", c, undefined, {
      now: () => NOW * 1000,
      post: p.post,
    });
    await saveToken({
      config: c,
      token: "hf_oauth_B",
      name: "oauth-alice",
      refreshToken: "R9",
      expiresAt: NOW + 99999,
    });
    const t = await racing;
    // Either the race was won before the write (refreshed with `never`) or the new token was adopted.
    expect(["hf_oauth_B", "never"]).toContain(t);
  });

  it("invalid_grant: warns (naming hf auth login), returns the old token, writes nothing", async () => {
    const c = await oauthLogin(NOW - 10);
    const before = await readFile(c.storedTokensPath, "utf8");
    const p = poster(() => ({
      status: 400,
      json: { error: "invalid_grant", error_description: "refresh token revoked" },
    }));
    const warnings: string[] = [];
    const t = await refreshIfNeeded("hf_oauth_A1", c, (m) => warnings.push(m), {
      now: () => NOW * 1000,
      post: p.post,
    });
    expect(t).toBe("hf_oauth_A1");
    expect(warnings).toEqual([
      "Your Hugging Face access token has expired and could not be refreshed (session expired or revoked). Run `hf auth login` to re-authenticate. (Failed to refresh access token: invalid_grant - refresh token revoked)",
    ]);
    expect(await readFile(c.storedTokensPath, "utf8")).toBe(before);
  });

  it("a transient failure warns once per process and never throws", async () => {
    const c = await oauthLogin(NOW - 10);
    const post: OAuthPost = async () => {
      throw new Error("Could not reach http://127.0.0.1:9: ECONNREFUSED");
    };
    const warnings: string[] = [];
    for (let i = 0; i < 2; i++) {
      // The fake clock moves past the 300 s recheck interval, so the second call retries.
      expect(
        await refreshIfNeeded("hf_oauth_A1", c, (m) => warnings.push(m), {
          now: () => (NOW + i * 400) * 1000,
          post,
        }),
      ).toBe("hf_oauth_A1");
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("Will retry later.");
  });

  it("resolveToken returns the refreshed token with its file source", async () => {
    // Real clock here: expiry already past.
    const c = await oauthLogin(Math.floor(Date.now() / 1000) - 10);
    // No server: the refresh fails transiently and resolution still answers with the old token.
    const r = await resolveToken({
      onWarning: () => {},
      config: readConfig({ ...c.env, HF_ENDPOINT: "http://127.0.0.1:9" }),
    });
    expect(r).toEqual({ token: "hf_oauth_A1", source: { kind: "file", path: c.tokenPath } });
  });
});
