import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHubClient,
  describeTokenSource,
  getToken,
  listStoredTokens,
  loginWithToken,
  logout,
  readConfig,
  resolveToken,
  switchToken,
  whoami,
} from "../../src/index.js";
import { createHubServer, DEMO_TOKENS, type HubServer } from "../../src/server/index.js";

// The README "Authentication" library example, against the local Hub.
let hub: HubServer;
let home: string;
beforeAll(async () => {
  hub = await createHubServer({ demo: true });
  home = await mkdtemp(join(tmpdir(), "hubkit-auth-lib-"));
});
afterAll(async () => {
  await hub.close();
  await rm(home, { recursive: true, force: true });
});

describe("library API (README example)", () => {
  it("loginWithToken, resolveToken + describeTokenSource, whoami, list/switch, logout", async () => {
    const config = readConfig({
      HF_HOME: join(home, "hf"),
      HOME: home,
      HF_ENDPOINT: hub.url,
      GIT_CONFIG_NOSYSTEM: "1",
    });
    expect(await resolveToken({}, config)).toBeUndefined();
    const bob = await loginWithToken(config, DEMO_TOKENS.bob);
    expect(bob).toMatchObject({ tokenName: "bob-write", role: "write", gitHelpers: undefined });
    await loginWithToken(config, DEMO_TOKENS.alice, { addToGitCredential: false });

    const found = await resolveToken({ onWarning: console.error }, config);
    expect(found).toBeDefined();
    const client = createHubClient({
      config,
      token: found?.token,
      tokenSource: describeTokenSource(found!.source),
    });
    const me = await whoami(client);
    expect(me.name).toBe("alice");
    expect(`${me.name} via ${describeTokenSource(found!.source)}`).toBe(
      `alice via token file ${config.tokenPath}`,
    );

    expect((await listStoredTokens(config)).map((t) => t.name)).toEqual(["alice-read", "bob-write"]);
    await switchToken(config, "bob-write");
    expect(await getToken(config)).toBe(DEMO_TOKENS.bob);
    await logout(config, { tokenName: "alice-read" });
    expect(await readFile(config.storedTokensPath, "utf8")).toBe(
      `[bob-write]\nhf_token = ${DEMO_TOKENS.bob}\n\n`,
    );
    await logout(config);
    expect(await getToken(config)).toBeUndefined();
  });

  it("a rejected token saves nothing", async () => {
    const config = readConfig({ HF_HOME: join(home, "hf2"), HOME: home, HF_ENDPOINT: hub.url });
    await expect(loginWithToken(config, "hf_wrongwrongwrongwrongwrongwrong00")).rejects.toMatchObject({
      code: "HF_AUTH_INVALID",
    });
    expect(await listStoredTokens(config)).toEqual([]);
  });
});
