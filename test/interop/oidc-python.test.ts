import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveToken } from "../../src/auth/resolve-token.js";
import { type WhoAmI, whoami } from "../../src/auth/whoami.js";
import { readConfig } from "../../src/config/index.js";
import { createHubClient } from "../../src/http/hub-client.js";
import { PYTHON_BIN, runProcess, runPythonJson } from "../helpers/cli.js";
import { useHubHome } from "../helpers/hub.js";
import { CAROL_TOKEN, CI_MODEL_CLAIMS, OIDC_FIXTURE, REQUEST_TOKENS } from "../helpers/oidc.js";

/**
 * The same environment, two clients: the real huggingface_hub 1.33 (.venv-py) `get_token()` and
 * hubkit's `resolveToken()` both run the OIDC exchange against `hf serve` and must end up with a
 * token for the same scope. Tokens differ per exchange, so the whoami answers are compared.
 */
const box = useHubHome("hubkit-oidc-interop-", {
  hub: { fixture: OIDC_FIXTURE },
  env: { HF_HUB_DISABLE_TELEMETRY: "1", HF_HUB_DISABLE_UPDATE_CHECK: "1" },
});

/** whoami-v2 without the fields that differ per token (times). */
function scopeOf(info: WhoAmI | Record<string, unknown>) {
  const i = info as WhoAmI;
  const access = i.auth?.accessToken;
  return {
    name: i.name,
    type: i.auth?.type,
    displayName: access?.displayName,
    role: access?.role,
    fineGrained: access?.fineGrained,
  };
}

const PY_GET_TOKEN_WHOAMI = [
  "from huggingface_hub import get_token, whoami",
  "t = get_token()",
  "info = whoami(t)",
  "print(json.dumps({'prefix': t[:7], 'info': info}))",
].join("\n");

async function both(env: Record<string, string>) {
  const full = { ...box.env, ...env };
  const py = await runPythonJson<{ prefix: string; info: WhoAmI }>(PY_GET_TOKEN_WHOAMI, {
    env: full,
    timeoutMs: 60_000,
  });
  const config = readConfig(full);
  const r = await resolveToken({ config });
  const ours = await whoami(createHubClient({ config, token: r?.token }));
  return { py, ours, source: r?.source };
}

describe("OIDC interop with Python huggingface_hub", () => {
  it("a supplied HF_OIDC_ID_TOKEN: both get a token for acme/ci-model, as alice, with the same scope", async () => {
    const env = { HF_OIDC_RESOURCE: "acme/ci-model", HF_OIDC_ID_TOKEN: box.hub.mintIdToken(CI_MODEL_CLAIMS) };
    const { py, ours, source } = await both(env);
    expect(py.prefix).toBe("hf_jwt_");
    expect(source).toEqual({ kind: "oidc", resource: "acme/ci-model" });
    expect(scopeOf(ours)).toEqual(scopeOf(py.info));
    expect(scopeOf(ours)).toMatchObject({
      name: "alice",
      displayName: "oidc-acme/ci-model",
      role: "fineGrained",
    });
  });

  it("GitHub Actions minting: the same mint request (query replaced by ?audience=), the same scope, over HF_TOKEN", async () => {
    box.hub.reset();
    const env = {
      HF_OIDC_RESOURCE: "alice",
      HF_TOKEN: CAROL_TOKEN,
      GITHUB_ACTIONS: "true",
      ACTIONS_ID_TOKEN_REQUEST_URL: `${box.hub.url}/_hubkit/oidc/github?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKENS.aliceEvals,
    };
    const { py, ours } = await both(env);
    expect(scopeOf(ours)).toEqual(scopeOf(py.info));
    expect(ours.auth?.accessToken?.fineGrained?.canReadGatedRepos).toBe(true);
    const mints = box.hub.requests
      .filter((r) => r.path.startsWith("/_hubkit/oidc/github"))
      .map((r) => r.path);
    expect(mints).toEqual([
      `/_hubkit/oidc/github?audience=${encodeURIComponent(box.hub.url)}`,
      `/_hubkit/oidc/github?audience=${encodeURIComponent(box.hub.url)}`,
    ]);
  });

  it("no id token and no CI: the same error text from both, and neither falls back to HF_TOKEN", async () => {
    const env = { ...box.env, HF_OIDC_RESOURCE: "acme/ci-model", HF_TOKEN: CAROL_TOKEN };
    const py = await runProcess(join(PYTHON_BIN, "hf"), ["auth", "token"], { env, timeoutMs: 60_000 });
    expect(py.code).toBe(1);
    const pyMessage = /OIDC Exchange failed\. (.*)/.exec(py.stderr)?.[1] ?? "";
    const ours = await resolveToken({ config: readConfig(env) }).catch((e: Error) => e);
    expect(ours).toBeInstanceOf(Error);
    // Python puts the remedy in the sentence; hubkit splits it into the remedy.
    expect(pyMessage.startsWith((ours as Error).message)).toBe(true);
    expect(pyMessage).toContain("Set HF_OIDC_ID_TOKEN to the id token minted by your CI provider");
  });

  it("an expired id token: both fail with the Hub's invalid_grant, exit 1", async () => {
    const env = {
      ...box.env,
      HF_OIDC_RESOURCE: "acme/ci-model",
      HF_OIDC_ID_TOKEN: box.hub.mintIdToken(CI_MODEL_CLAIMS, { ttl: 0 }),
    };
    const py = await runProcess(join(PYTHON_BIN, "hf"), ["auth", "whoami"], { env, timeoutMs: 60_000 });
    expect(py.code).toBe(1);
    expect(py.stderr).toContain("invalid_grant: the id token expired at");
    const ours = await resolveToken({ config: readConfig(env) }).catch((e: Error) => e);
    expect((ours as Error).message).toContain("invalid_grant: the id token expired at");
  });
});
