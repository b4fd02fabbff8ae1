import { createPublicKey, type JsonWebKey, verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { validateFixture } from "../../src/server/index.js";
import { bearer, get, type HubServer, manualClock, startHub } from "../helpers/hub.js";
import { CI_MODEL_CLAIMS, claimsOf, OIDC_FIXTURE, REQUEST_TOKENS, tamper } from "../helpers/oidc.js";

// The server's own clock, moved by the tests: id tokens and exchanged tokens expire without sleeping.
const clock = manualClock();
let hub: HubServer;

beforeAll(async () => {
  hub = await startHub({ fixture: OIDC_FIXTURE, clock });
});
afterAll(() => hub.close());

const GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";

/** Exactly the JSON body huggingface_hub's `exchange_oidc_token` posts (key order included). */
async function exchange(subject_token: string, resource: string, extra: Record<string, unknown> = {}) {
  const res = await get(`${hub.url}/oauth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      grant_type: GRANT,
      subject_token_type: ID_TOKEN,
      subject_token,
      resource,
      ...extra,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string | number> };
}

async function mintGithub(requestToken: string | undefined, audience = hub.url) {
  const res = await get(`${hub.url}/_hubkit/oidc/github?audience=${encodeURIComponent(audience)}`, {
    headers: requestToken ? bearer(requestToken) : {},
  });
  return { status: res.status, body: (await res.json()) as { value?: string } };
}

async function tokenFor(resource: string, requestToken: string = REQUEST_TOKENS.ciModel): Promise<string> {
  const jwt = (await mintGithub(requestToken)).body.value as string;
  const r = await exchange(jwt, resource);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.access_token as string;
}

const status = async (path: string, token: string) =>
  (await get(hub.url + path, { headers: bearer(token) })).status;

describe("test issuer", () => {
  test("GitHub-style mint: the runner's request token as bearer, {value: jwt} with its claims", async () => {
    expect((await mintGithub(undefined)).status).toBe(401);
    expect((await mintGithub("req-nobody")).status).toBe(401);
    const r = await mintGithub(REQUEST_TOKENS.ciModel, "http://aud.example");
    expect(r.status).toBe(200);
    const c = claimsOf(r.body.value as string);
    const now = Math.floor(clock.now() / 1000);
    expect(c).toMatchObject({
      ...CI_MODEL_CLAIMS,
      iss: hub.oidcIssuer,
      aud: "http://aud.example",
      iat: now,
      nbf: now,
      exp: now + 300,
    });
    expect(hub.oidcIssuer).toBe(`${hub.url}/_hubkit/oidc`);
    // The GitHub bearer is not a Hub token, and the mint route never treats it as one.
    expect(hub.requests.at(-1)).toMatchObject({
      path: expect.stringContaining("/_hubkit/oidc/github"),
      status: 200,
    });
  });

  test("the discovery document's jwks_uri publishes the key the id tokens verify with", async () => {
    const conf = (await (await get(`${hub.url}/_hubkit/oidc/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(conf.issuer).toBe(hub.oidcIssuer);
    const { keys } = (await (await get(conf.jwks_uri)).json()) as { keys: (JsonWebKey & { kid: string })[] };
    expect(keys).toHaveLength(1);
    const jwt = hub.mintIdToken(CI_MODEL_CLAIMS);
    const [head, body, sig] = jwt.split(".") as [string, string, string];
    expect(JSON.parse(Buffer.from(head, "base64url").toString())).toEqual({
      alg: "ES256",
      typ: "JWT",
      kid: keys[0]?.kid,
    });
    const key = createPublicKey({ key: keys[0] as JsonWebKey, format: "jwk" });
    const ok = verify(
      "sha256",
      Buffer.from(`${head}.${body}`),
      { key, dsaEncoding: "ieee-p1363" },
      Buffer.from(sig, "base64url"),
    );
    expect(ok).toBe(true);
  });
});

describe("token exchange (RFC 8693) and the trusted-publisher rule", () => {
  test("a repo publisher's token: whoami as its user, read and write that repo only, for an hour", async () => {
    const token = await tokenFor("acme/ci-model");
    expect(token).toMatch(/^hf_jwt_[A-Za-z0-9]{40}$/);
    const me = (await (await get(`${hub.url}/api/whoami-v2`, { headers: bearer(token) })).json()) as {
      name: string;
      auth: Record<string, unknown>;
    };
    expect(me.name).toBe("alice");
    expect(me.auth).toEqual({
      type: "access_token",
      accessToken: {
        displayName: "oidc-acme/ci-model",
        role: "fineGrained",
        createdAt: new Date(clock.now()).toISOString(),
        fineGrained: {
          canReadGatedRepos: false,
          global: [],
          scoped: [
            {
              entity: { type: "model", name: "acme/ci-model" },
              permissions: ["repo.content.read", "repo.write"],
            },
          ],
        },
      },
      expiresAt: new Date(clock.now() + 3600_000).toISOString(),
    });
    expect(await status("/acme/ci-model/resolve/main/config.json", token)).toBe(200);
    expect(await status("/api/models/acme/ci-model/auth-check/write", token)).toBe(200);
    // alice is a member of acme, but this token reaches acme/ci-model only.
    expect(await status("/api/models/acme/other-private", token)).toBe(404);
    expect(await status("/gated/llama/resolve/main/config.json", token)).toBe(403);
    expect(await status("/api/datasets/acme/ci-data/auth-check", token)).toBe(404);

    clock.advance(3600_000 - 1);
    expect(await status("/api/whoami-v2", token)).toBe(200);
    clock.advance(1);
    const expired = await get(`${hub.url}/api/whoami-v2`, { headers: bearer(token) });
    expect(expired.status).toBe(401);
    expect(expired.headers.get("x-error-message")).toBe("Invalid credentials in Authorization header");
  });

  test("a read-only publisher reads its dataset and cannot write it", async () => {
    const token = await tokenFor("datasets/acme/ci-data");
    expect(await status("/datasets/acme/ci-data/resolve/main/data.csv", token)).toBe(200);
    expect(await status("/api/datasets/acme/ci-data/auth-check/write", token)).toBe(403);
  });

  test("a user's CI/CD identity reads the gated repos the user was granted, no private repo, no write", async () => {
    const token = await tokenFor("alice", REQUEST_TOKENS.aliceEvals);
    expect(await status("/gated/llama/resolve/main/config.json", token)).toBe(200);
    expect(await status("/api/models/acme/ci-model", token)).toBe(404);
    expect(await status("/api/models/gated/llama/auth-check/write", token)).toBe(403);
    const me = (await (await get(`${hub.url}/api/whoami-v2`, { headers: bearer(token) })).json()) as {
      name: string;
      auth: { accessToken: { fineGrained: { canReadGatedRepos: boolean } } };
    };
    expect([me.name, me.auth.accessToken.fineGrained.canReadGatedRepos]).toEqual(["alice", true]);
  });

  test("refused id tokens: 400 invalid_grant with the reason", async () => {
    const good = hub.mintIdToken(CI_MODEL_CLAIMS);
    const refusals: [string, string, RegExp][] = [
      ["tampered", tamper(good, { repository: "acme/other-private" }), /signature does not verify/],
      ["not a JWT", "not-a-jwt", /not a JWT/],
      [
        "alg none",
        `${Buffer.from('{"alg":"none"}').toString("base64url")}.${good.split(".")[1]}.`,
        /algorithm none is not accepted/,
      ],
      [
        "wrong audience",
        hub.mintIdToken(CI_MODEL_CLAIMS, { audience: "https://huggingface.co" }),
        /audience/,
      ],
      [
        "another issuer",
        hub.mintIdToken({ ...CI_MODEL_CLAIMS, iss: "https://token.actions.example" }),
        /issuer/,
      ],
      ["expired", hub.mintIdToken(CI_MODEL_CLAIMS, { ttl: 0 }), /expired at/],
      [
        "not yet valid",
        hub.mintIdToken({ ...CI_MODEL_CLAIMS, nbf: Math.floor(clock.now() / 1000) + 60 }),
        /nbf/,
      ],
      [
        "another branch",
        hub.mintIdToken({ ...CI_MODEL_CLAIMS, sub: "repo:acme/ci-model:ref:refs/heads/feature" }),
        /no trusted publisher of 'acme\/ci-model' matches this id token \(repository=acme\/ci-model, sub=repo:acme\/ci-model:ref:refs\/heads\/feature\)/,
      ],
    ];
    for (const [what, jwt, reason] of refusals) {
      const r = await exchange(jwt, "acme/ci-model");
      expect([what, r.status, r.body.error]).toEqual([what, 400, "invalid_grant"]);
      expect(r.body.error_description, what).toMatch(reason);
    }
    // Another repo than the publisher's, with a token that matches the first one's claims.
    const other = await exchange(good, "acme/other-private");
    expect([other.status, other.body.error]).toEqual([400, "invalid_grant"]);
  });

  test("an id token is refused from the second its exp is reached (server clock)", async () => {
    const jwt = hub.mintIdToken(CI_MODEL_CLAIMS, { ttl: 300 });
    clock.advance(299_999);
    expect((await exchange(jwt, "acme/ci-model")).status).toBe(200);
    clock.advance(1);
    expect((await exchange(jwt, "acme/ci-model")).body.error).toBe("invalid_grant");
  });

  test("malformed requests and unknown targets", async () => {
    const jwt = hub.mintIdToken(CI_MODEL_CLAIMS);
    expect((await exchange(jwt, "a/b/c/d")).body.error).toBe("invalid_request");
    expect((await exchange(jwt, "")).body.error).toBe("invalid_request");
    expect((await exchange(jwt, "acme/ci-model", { subject_token_type: "urn:x" })).body.error).toBe(
      "invalid_request",
    );
    const missing = await exchange(jwt, "acme/nope");
    expect([missing.status, missing.body.error]).toEqual([400, "invalid_target"]);
    // The device-code grant still needs its client_id: the exchange is the only grant without one.
    const device = await exchange(jwt, "acme/ci-model", { grant_type: "refresh_token" });
    expect(device.body).toEqual({ error: "invalid_client", error_description: "client_id is required" });
  });

  test("a response carries RFC 8693's issued_token_type", async () => {
    const r = await exchange(hub.mintIdToken(CI_MODEL_CLAIMS), "acme/ci-model");
    expect(r.body).toMatchObject({
      issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
      token_type: "bearer",
      expires_in: 3600,
    });
  });
});

test("fixture checks name the field of a bad trusted publisher or runner", () => {
  const bad = (patch: object) => () => validateFixture({ ...OIDC_FIXTURE, ...patch }, "hub.json");
  expect(bad({ trustedPublishers: [{ resource: "acme/nope", claims: { a: "b" } }] })).toThrow(
    /trustedPublishers\[0\]\.resource: 'acme\/nope' is not a repo of the fixture/,
  );
  expect(bad({ trustedPublishers: [{ resource: "acme/ci-model", claims: {} }] })).toThrow(
    /trustedPublishers\[0\]\.claims: expected an object of claims/,
  );
  expect(bad({ trustedPublishers: [{ resource: "acme/ci-model", claims: { a: "b" } }] })).toThrow(
    /trustedPublishers\[0\]\.user: a publisher of a repo owned by an org needs the user/,
  );
  expect(bad({ oidcRunners: [{ requestToken: "x", claims: { a: 1 } }] })).toThrow(
    /oidcRunners\[0\]\.claims\["a"\]/,
  );
  expect(() => validateFixture(OIDC_FIXTURE, "fixture")).not.toThrow();
});
