import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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
import { DEMO_TOKENS } from "../../src/server/index.js";
import { useHubHome } from "../helpers/hub.js";

// The README "Authentication" library example, against the local Hub.
const box = useHubHome("hubkit-auth-lib-");

describe("library API (README example)", () => {
  it("loginWithToken, resolveToken + describeTokenSource, whoami, list/switch, logout", async () => {
    const config = readConfig({
      HF_HOME: join(box.home, "hf"),
      HOME: box.home,
      HF_ENDPOINT: box.hub.url,
      GIT_CONFIG_NOSYSTEM: "1",
    });
    expect(await resolveToken({ config })).toBeUndefined();
    const bob = await loginWithToken({ config, token: DEMO_TOKENS.bob });
    expect(bob).toMatchObject({ tokenName: "bob-write", role: "write", gitHelpers: undefined });
    await loginWithToken({ config, token: DEMO_TOKENS.alice, addToGitCredential: false });

    const found = await resolveToken({ onWarning: console.error, config });
    expect(found).toBeDefined();
    const client = createHubClient({
      config,
      token: found?.token,
      tokenSource: found?.source,
    });
    const me = await whoami(client);
    expect(me.name).toBe("alice");
    expect(`${me.name} via ${describeTokenSource(found!.source)}`).toBe(
      `alice via token file ${config.tokenPath}`,
    );

    expect((await listStoredTokens({ config })).map((t) => t.name)).toEqual(["alice-read", "bob-write"]);
    await switchToken({ config, name: "bob-write" });
    expect(await getToken({ config })).toBe(DEMO_TOKENS.bob);
    await logout({ config, tokenName: "alice-read" });
    expect(await readFile(config.storedTokensPath, "utf8")).toBe(
      `[bob-write]\nhf_token = ${DEMO_TOKENS.bob}\n\n`,
    );
    await logout({ config });
    expect(await getToken({ config })).toBeUndefined();
  });

  it("a rejected token saves nothing", async () => {
    const config = readConfig({ HF_HOME: join(box.home, "hf2"), HOME: box.home, HF_ENDPOINT: box.hub.url });
    await expect(
      loginWithToken({ config, token: "hf_wrongwrongwrongwrongwrongwrong00" }),
    ).rejects.toMatchObject({
      code: "HF_AUTH_INVALID",
    });
    expect(await listStoredTokens({ config })).toEqual([]);
  });
});
