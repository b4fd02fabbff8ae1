import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { exchangeOidcToken } from "../../src/auth/exchange-oidc-token.js";
import { fromOidc, OIDC_REFRESH_MARGIN } from "../../src/auth/from-oidc.js";
import { getOidcToken } from "../../src/auth/get-oidc-token.js";
import { memoize } from "../../src/auth/memoize.js";
import { oidcLogin } from "../../src/auth/oidc-login.js";
import { describeTokenSource, resolveToken } from "../../src/auth/resolve-token.js";
import { whoami } from "../../src/auth/whoami.js";
import { redactTokens } from "../../src/common/mask-token.js";
import { readConfig } from "../../src/config/index.js";
import { HfError, HttpError, OidcError } from "../../src/errors.js";
import { createHubClient } from "../../src/http/hub-client.js";
import { type HubServer, manualClock, startHub } from "../helpers/hub.js";
import { CAROL_TOKEN, CI_MODEL_CLAIMS, OIDC_FIXTURE, REQUEST_TOKENS, tamper } from "../helpers/oidc.js";
import { startScriptedServer } from "../http/scripted-server.js";

let hub: HubServer;
let dir: string;
beforeAll(async () => {
  hub = await startHub({ fixture: OIDC_FIXTURE });
});
afterAll(() => hub.close());
beforeEach(async (ctx) => {
  dir = await mkdtemp(join(tmpdir(), "hubkit-oidc-"));
  hub.reset();
  ctx.onTestFinished(() => rm(dir, { recursive: true, force: true }));
});

/** A fresh config (so a fresh per-process memo) over a temp HF_HOME and the local Hub. */
const cfg = (env: Record<string, string> = {}) =>
  readConfig({ HF_HOME: dir, HOME: dir, HF_ENDPOINT: hub.url, ...env });
const exchanges = () => hub.requests.filter((r) => r.path === "/oauth/token").length;
const mints = () => hub.requests.filter((r) => r.path.startsWith("/_hubkit/oidc/github")).length;
const githubEnv = (requestToken: string = REQUEST_TOKENS.ciModel) => ({
  GITHUB_ACTIONS: "true",
  // GitHub's URL carries its own query; huggingface_hub (httpx) replaces it with ?audience=...
  ACTIONS_ID_TOKEN_REQUEST_URL: `${hub.url}/_hubkit/oidc/github?api-version=2.0`,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
});

async function userOf(token: string): Promise<string> {
  return (await whoami(createHubClient({ config: cfg(), token }))).name;
}

async function rejection(p: Promise<unknown>): Promise<HfError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HfError);
  return e as HfError;
}

describe("the OIDC provider in the token chain", () => {
  it("a supplied HF_OIDC_ID_TOKEN is exchanged for a token of the publisher's user", async () => {
    const config = cfg({
      HF_OIDC_RESOURCE: "acme/ci-model",
      HF_OIDC_ID_TOKEN: hub.mintIdToken(CI_MODEL_CLAIMS),
    });
    const r = await resolveToken({ config });
    expect(r?.source).toEqual({ kind: "oidc", resource: "acme/ci-model" });
    expect(describeTokenSource(r!.source)).toBe("OIDC token exchange for HF_OIDC_RESOURCE=acme/ci-model");
    expect(r?.token).toMatch(/^hf_jwt_/);
    expect(Object.keys(r!)).toEqual(["token", "source"]);
    expect(await userOf(r!.token)).toBe("alice");
    expect([exchanges(), mints()]).toEqual([1, 0]);
  });

  it("on GitHub Actions the id token is minted with audience = the endpoint, replacing the URL's query", async () => {
    const r = await resolveToken({ config: cfg({ HF_OIDC_RESOURCE: "acme/ci-model", ...githubEnv() }) });
    expect(r?.source.kind).toBe("oidc");
    expect(await userOf(r!.token)).toBe("alice");
    const mint = hub.requests.find((q) => q.path.startsWith("/_hubkit/oidc/github"));
    expect(mint?.path).toBe(`/_hubkit/oidc/github?audience=${encodeURIComponent(hub.url)}`);
    expect(mint?.authorization).toBe(true);
    // The exchange itself carries no Authorization (Python posts on a bare session).
    expect(hub.requests.find((q) => q.path === "/oauth/token")?.authorization).toBe(false);
  });

  it("beats HF_TOKEN and the saved login; an explicit token beats it, with no exchange", async () => {
    await writeFile(join(dir, "token"), CAROL_TOKEN);
    const env = {
      HF_OIDC_RESOURCE: "acme/ci-model",
      HF_OIDC_ID_TOKEN: hub.mintIdToken(CI_MODEL_CLAIMS),
      HF_TOKEN: CAROL_TOKEN,
    };
    const r = await resolveToken({ config: cfg(env) });
    expect(r?.source.kind).toBe("oidc");
    expect(await userOf(r!.token)).toBe("alice");
    hub.reset();
    // Python's get_token_to_send sends a given string as it is and never calls get_token().
    expect(await resolveToken({ token: CAROL_TOKEN, config: cfg(env) })).toEqual({
      token: CAROL_TOKEN,
      source: { kind: "argument" },
    });
    // HF_HUB_DISABLE_IMPLICIT_TOKEN is checked before get_token(): no exchange either.
    expect(
      await resolveToken({ config: cfg({ ...env, HF_HUB_DISABLE_IMPLICIT_TOKEN: "1" }) }),
    ).toBeUndefined();
    expect(exchanges()).toBe(0);
  });

  it("HF_OIDC_RESOURCE without an id token fails, naming HF_OIDC_ID_TOKEN, and never falls back to HF_TOKEN", async () => {
    const e = await rejection(
      resolveToken({ config: cfg({ HF_OIDC_RESOURCE: "acme/ci-model", HF_TOKEN: CAROL_TOKEN }) }),
    );
    expect(e).toBeInstanceOf(OidcError);
    expect(e.code).toBe("HF_OIDC");
    expect(e.message).toBe(
      "HF_OIDC_RESOURCE is set but no OIDC id token is available: not running in a supported CI provider (github) and HF_OIDC_ID_TOKEN is not set.",
    );
    expect(e.remedy).toBe(
      "set HF_OIDC_ID_TOKEN to the id token minted by your CI provider, or unset HF_OIDC_RESOURCE",
    );
    expect(hub.requests).toHaveLength(0);
  });

  it("GitHub Actions without the request variables asks for `permissions: id-token: write`", async () => {
    const e = await rejection(
      resolveToken({ config: cfg({ HF_OIDC_RESOURCE: "acme/ci-model", GITHUB_ACTIONS: "true" }) }),
    );
    expect(e.message).toContain(
      "Cannot request an OIDC id token from GitHub Actions. Make sure the workflow job sets `permissions: id-token: write`.",
    );
    expect(e.message).toMatch(/^OIDC token exchange for HF_OIDC_RESOURCE=acme\/ci-model failed: /);
  });

  it("a refused exchange is one OidcError naming the source and the Hub's reason, never the id token", async () => {
    const good = hub.mintIdToken(CI_MODEL_CLAIMS);
    const cases: [string, string, RegExp][] = [
      ["expired", hub.mintIdToken(CI_MODEL_CLAIMS, { ttl: 0 }), /invalid_grant: the id token expired at/],
      [
        "tampered",
        tamper(good, { sub: "repo:acme/ci-model:ref:refs/heads/other" }),
        /signature does not verify/,
      ],
      [
        "wrong audience",
        hub.mintIdToken(CI_MODEL_CLAIMS, { audience: "https://huggingface.co" }),
        /audience/,
      ],
    ];
    for (const [what, jwt, reason] of cases) {
      const e = await rejection(
        resolveToken({
          config: cfg({ HF_OIDC_RESOURCE: "acme/ci-model", HF_OIDC_ID_TOKEN: jwt, HF_TOKEN: CAROL_TOKEN }),
        }),
      );
      expect(e, what).toBeInstanceOf(OidcError);
      expect(e.message, what).toMatch(
        /^OIDC token exchange for HF_OIDC_RESOURCE=acme\/ci-model failed: Bad request \(400\) for POST /,
      );
      expect(e.message, what).toMatch(reason);
      expect(e.message.includes("\n"), what).toBe(false);
      expect(e.message.includes(jwt) || e.message.includes(jwt.split(".")[1] as string), what).toBe(false);
      expect([e.status, e.remedy], what).toEqual([
        400,
        `check HF_OIDC_ID_TOKEN: fresh, with audience ${hub.url}, and matching a trusted publisher of acme/ci-model`,
      ]);
      expect((e as HfError & { cause: unknown }).cause).toBeInstanceOf(HttpError);
    }
  });

  it("a GitHub runner no publisher trusts (another branch) is refused", async () => {
    const e = await rejection(
      resolveToken({
        config: cfg({ HF_OIDC_RESOURCE: "acme/ci-model", ...githubEnv(REQUEST_TOKENS.featureBranch) }),
      }),
    );
    expect(e.message).toContain("no trusted publisher of 'acme/ci-model' matches this id token");
    expect(e.remedy).toContain("check that a trusted publisher of acme/ci-model");
  });

  it("concurrent lookups share one exchange", async () => {
    const config = cfg({ HF_OIDC_RESOURCE: "acme/ci-model", ...githubEnv() });
    const all = await Promise.all(Array.from({ length: 5 }, () => resolveToken({ config })));
    expect(new Set(all.map((r) => r?.token)).size).toBe(1);
    expect([mints(), exchanges()]).toEqual([1, 1]);
  });
});

describe("re-exchange before expiry (injected clock, no sleeping)", () => {
  const HOUR = 3600_000;
  const clockAt = (t = 1_000_000) => ({ now: () => t, set: (v: number) => (t = v), start: t });

  it("a minted id token: exchanged again 300 s before the token's hour is up", async () => {
    const clock = clockAt();
    const config = cfg({ HF_OIDC_RESOURCE: "acme/ci-model", ...githubEnv() });
    const first = await resolveToken({ now: clock.now, config });
    clock.set(clock.start + HOUR - OIDC_REFRESH_MARGIN * 1000 - 1);
    expect((await resolveToken({ config }))?.token).toBe(first?.token);
    expect(exchanges()).toBe(1);
    clock.set(clock.start + HOUR - OIDC_REFRESH_MARGIN * 1000);
    const second = await resolveToken({ config });
    expect(second?.token).not.toBe(first?.token);
    expect([mints(), exchanges()]).toEqual([2, 2]);
  });

  it("a supplied id token cannot be minted again: the token is kept its whole hour (margin 0)", async () => {
    const clock = clockAt();
    const config = cfg({
      HF_OIDC_RESOURCE: "acme/ci-model",
      HF_OIDC_ID_TOKEN: hub.mintIdToken(CI_MODEL_CLAIMS),
    });
    const first = await resolveToken({ now: clock.now, config });
    clock.set(clock.start + HOUR - 1);
    expect((await resolveToken({ config }))?.token).toBe(first?.token);
    expect(exchanges()).toBe(1);
    clock.set(clock.start + HOUR);
    expect((await resolveToken({ config }))?.token).not.toBe(first?.token);
    expect(exchanges()).toBe(2);
  });

  it("fromOidc dates its answer from before the exchange, with the server's expires_in", async () => {
    const short = await startHub({ fixture: OIDC_FIXTURE, oidc: { tokenTtl: 600 } });
    try {
      const config = readConfig({
        HF_HOME: dir,
        HF_ENDPOINT: short.url,
        HF_OIDC_RESOURCE: "acme/ci-model",
        ...githubEnv(),
        ACTIONS_ID_TOKEN_REQUEST_URL: `${short.url}/_hubkit/oidc/github`,
      });
      const r = await fromOidc(config, () => 5_000)();
      expect(r.staleAt).toBe(5_000 + (600 - 300) * 1000);
    } finally {
      await short.close();
    }
  });
});

it("an exchanged token the Hub no longer accepts: the 401 names the OIDC source, and the remedy is not `hf auth login`", async () => {
  const clock = manualClock();
  const timed = await startHub({ fixture: OIDC_FIXTURE, clock });
  try {
    const config = readConfig({
      HF_HOME: dir,
      HF_ENDPOINT: timed.url,
      HF_OIDC_RESOURCE: "acme/ci-model",
      HF_OIDC_ID_TOKEN: timed.mintIdToken(CI_MODEL_CLAIMS),
    });
    const r = await resolveToken({ config });
    clock.advance(3600_000); // the server's hour is over; the client's memo has not caught up
    const e = await rejection(whoami(createHubClient({ config, token: r?.token, tokenSource: r?.source })));
    expect(e.code).toBe("HF_AUTH_INVALID");
    expect(e.message).toMatch(
      /^The token from OIDC token exchange for HF_OIDC_RESOURCE=acme\/ci-model was rejected by http:\/\/127\.0\.0\.1:\d+ \(401\)/,
    );
    expect(e.remedy).toBe(
      "run it again (a new OIDC exchange), or unset HF_OIDC_RESOURCE to use another token",
    );
  } finally {
    await timed.close();
  }
});

describe("memoize (aws-sdk's, with isExpired)", () => {
  it("shares the lookup in flight, keeps the answer until it expires, forgets failures", async () => {
    let calls = 0;
    let fail = true;
    let expired = false;
    const m = memoize(
      async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 5));
        if (fail) throw new Error("once");
        return calls;
      },
      () => expired,
    );
    const [a, b] = await Promise.allSettled([m(), m()]);
    expect([a.status, b.status, calls]).toEqual(["rejected", "rejected", 1]);
    fail = false;
    expect(await m()).toBe(2);
    expect(await m()).toBe(2);
    expired = true;
    expect(await Promise.all([m(), m()])).toEqual([3, 3]);
    expired = false;
    expect(await m({ forceRefresh: true })).toBe(4);
  });

  it("requiresRefresh false keeps an answer that would be expired", async () => {
    let calls = 0;
    const m = memoize(
      async () => ++calls,
      () => true,
      (v) => v > 1,
    );
    expect([await m(), await m(), calls]).toEqual([1, 1, 1]);
  });
});

describe("library API (huggingface_hub _oidc.py)", () => {
  it("exchangeOidcToken posts Python's JSON body, in its key order, without Authorization", async () => {
    const srv = await startScriptedServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"access_token":"hf_jwt_x","token_type":"bearer","expires_in":3600}');
    });
    try {
      const out = await exchangeOidcToken({
        subjectToken: "a.b.c",
        resource: "acme/x",
        config: readConfig({ HF_ENDPOINT: srv.url }),
      });
      expect(out).toEqual({ access_token: "hf_jwt_x", token_type: "bearer", expires_in: 3600 });
      const seen = srv.requests[0];
      expect([seen?.method, seen?.url, seen?.headers["content-type"], seen?.headers.authorization]).toEqual([
        "POST",
        "/oauth/token",
        "application/json",
        undefined,
      ]);
      expect(seen?.body).toBe(
        '{"grant_type":"urn:ietf:params:oauth:grant-type:token-exchange","subject_token_type":"urn:ietf:params:oauth:token-type:id_token","subject_token":"a.b.c","resource":"acme/x"}',
      );
    } finally {
      await srv.close();
    }
  });

  it("a refusal is the Hub's HTTP error (Python: HfHubHTTPError, not OIDCError)", async () => {
    const e = await rejection(
      exchangeOidcToken({ subjectToken: "x.y.z", resource: "acme/ci-model", config: cfg() }),
    );
    expect(e).toBeInstanceOf(HttpError);
    expect([e.status, e.serverMessage]).toEqual([400, "invalid_grant: the subject_token is not a JWT"]);
  });

  it("oidcLogin mints and exchanges; getOidcToken outside CI names the supported providers", async () => {
    const config = cfg(githubEnv(REQUEST_TOKENS.aliceEvals));
    const res = await oidcLogin({ resource: "alice", config });
    expect(res).toMatchObject({ token_type: "bearer", expires_in: 3600 });
    expect(await userOf(res.access_token)).toBe("alice");
    const supplied = await oidcLogin({
      resource: "acme/ci-model",
      subjectToken: hub.mintIdToken(CI_MODEL_CLAIMS),
      config: cfg(),
    });
    expect(await userOf(supplied.access_token)).toBe("alice");
    const e = await rejection(getOidcToken({ config: cfg() }));
    expect(e.message).toBe(
      "No supported CI OIDC provider detected. Trusted Publishers currently supports: github.",
    );
  });
});

it("redactTokens masks id tokens (JWTs) and hf_jwt_ tokens", () => {
  const jwt = hub.mintIdToken(CI_MODEL_CLAIMS);
  const out = redactTokens(`id ${jwt} then hf_jwt_abc.def-ghi_jklmnopq done`);
  expect(out).not.toContain(jwt.split(".")[1]);
  expect(out).toBe(`id eyJ****${jwt.slice(-4)} then hf_****nopq done`);
});
