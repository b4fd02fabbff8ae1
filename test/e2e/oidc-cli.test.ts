import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type RunResult, runHf } from "../helpers/cli.js";
import { useHubHome } from "../helpers/hub.js";
import { CAROL_TOKEN, CI_MODEL_CLAIMS, OIDC_FIXTURE, REQUEST_TOKENS, tamper } from "../helpers/oidc.js";

// The built `hf` against a local Hub with trusted publishers: CI without a stored secret.
const box = useHubHome("hubkit-oidc-e2e-", { hub: { fixture: OIDC_FIXTURE } });

const SOURCE = "OIDC token exchange for HF_OIDC_RESOURCE=acme/ci-model";
const hf = (args: string[], env: Record<string, string>) =>
  runHf(args, { env: { ...box.env, ...env }, cwd: box.home, timeoutMs: 30_000 });
const supplied = (jwt = box.hub.mintIdToken(CI_MODEL_CLAIMS)) => ({
  HF_OIDC_RESOURCE: "acme/ci-model",
  HF_OIDC_ID_TOKEN: jwt,
});
const github = (requestToken: string = REQUEST_TOKENS.ciModel) => ({
  HF_OIDC_RESOURCE: "acme/ci-model",
  GITHUB_ACTIONS: "true",
  ACTIONS_ID_TOKEN_REQUEST_URL: `${box.hub.url}/_hubkit/oidc/github`,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
});

/** Exit 1, exactly an `Error:` line and a `Hint:` line on stderr, nothing on stdout, no stack. */
function expectOneLineError(r: RunResult, error: RegExp, hint: RegExp, label = ""): void {
  expect(r.code, `${label} ${r.stderr}`).toBe(1);
  expect(r.stdout, label).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, `${label} ${r.stderr}`).toHaveLength(2);
  expect(lines[0], label).toMatch(/^Error: /);
  expect(lines[0], label).toMatch(error);
  expect(lines[1], label).toMatch(/^Hint: /);
  expect(lines[1], label).toMatch(hint);
  expect(r.stderr, label).not.toMatch(/\n\s+at /);
}

/** Nothing secret in the output: no id token (a JWT), no unmasked exchanged or Hub token. */
function expectNoSecrets(r: RunResult, ...secrets: string[]): void {
  const all = r.stdout + r.stderr;
  for (const s of secrets) expect(all.includes(s), "a secret was printed").toBe(false);
  expect(all).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}/);
  expect(all).not.toMatch(/hf_jwt_[A-Za-z0-9]/);
}

describe("hf with HF_OIDC_RESOURCE", () => {
  it("a supplied HF_OIDC_ID_TOKEN: whoami names the OIDC source and the user; the private repo downloads", async () => {
    const env = supplied();
    const w = await hf(["auth", "whoami"], env);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toContain("  user: alice\n");
    expect(w.stdout).toContain(`  source: ${SOURCE}\n`);
    expect(w.stdout).toContain("  token: oidc-acme/ci-model\n");
    expectNoSecrets(w, env.HF_OIDC_ID_TOKEN);

    const json = JSON.parse((await hf(["auth", "whoami", "--json"], env)).stdout);
    expect(json).toMatchObject({ user: "alice", source: SOURCE, role: "fine-grained" });

    const d = await hf(["download", "acme/ci-model"], env);
    expect(d.code, d.stderr).toBe(0);
    const snapshot = d.stdout.trim();
    expect(await readFile(join(snapshot, "config.json"), "utf8")).toBe('{"model_type": "bert"}\n');
    expect((await readFile(join(snapshot, "model.safetensors"))).length).toBe(65536);
    expectNoSecrets(d, env.HF_OIDC_ID_TOKEN);

    // The token reaches acme/ci-model only: another private repo of acme is not found.
    const other = await hf(["download", "acme/other-private", "config.json"], env);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`not visible to the token from ${SOURCE}`);
    expect(other.stderr).toContain("the OIDC token reaches only HF_OIDC_RESOURCE=acme/ci-model");
  });

  it("GitHub Actions: the id token is minted from ACTIONS_ID_TOKEN_REQUEST_URL (two requests, then the work)", async () => {
    box.hub.reset();
    const w = await hf(["auth", "whoami", "-q"], github());
    expect([w.code, w.stdout]).toEqual([0, "alice\n"]);
    expect(
      box.hub.requests.map((r) => `${r.method} ${r.path.replace(/\?.*/, "")} ${r.authorization}`),
    ).toEqual(["GET /_hubkit/oidc/github true", "POST /oauth/token false", "GET /api/whoami-v2 true"]);
    const t = await hf(["auth", "token"], github());
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/^hf_jwt_[A-Za-z0-9]{40}\n$/);
  });

  it("beats HF_TOKEN, and says which token it hides", async () => {
    const w = await hf(["auth", "whoami"], { ...github(), HF_TOKEN: CAROL_TOKEN });
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toContain("  user: alice\n");
    expect(w.stderr).toBe(
      `Warning: ${SOURCE} takes precedence over the HF_TOKEN environment variable. Unset it to use that token: unset HF_OIDC_RESOURCE\n`,
    );
    expectNoSecrets(w, CAROL_TOKEN);
    // --token still wins over it (Python sends an explicit token as it is).
    const arg = await hf(["download", "acme/ci-model", "config.json", "--token", CAROL_TOKEN], github());
    expect(arg.code).toBe(1);
    expect(arg.stderr).toContain("not visible to the token from --token argument");
  });

  it("an expired, tampered or wrong-audience id token: one Error line and a Hint, exit 1, no secret", async () => {
    const good = box.hub.mintIdToken(CI_MODEL_CLAIMS);
    const cases: [string, string, RegExp][] = [
      ["expired", box.hub.mintIdToken(CI_MODEL_CLAIMS, { ttl: 0 }), /invalid_grant: the id token expired at/],
      [
        "tampered",
        tamper(good, { repository: "acme/other-private" }),
        /invalid_grant: the id token's signature does not verify/,
      ],
      [
        "wrong audience",
        box.hub.mintIdToken(CI_MODEL_CLAIMS, { audience: "https://huggingface.co" }),
        /audience/,
      ],
    ];
    for (const [what, jwt, reason] of cases) {
      for (const args of [
        ["auth", "whoami"],
        ["download", "acme/ci-model", "config.json"],
        ["auth", "token"],
      ]) {
        const r = await hf(args, { ...supplied(jwt), HF_TOKEN: CAROL_TOKEN });
        expectOneLineError(
          r,
          new RegExp(`^Error: ${SOURCE} failed: Bad request \\(400\\) for POST .*${reason.source}`),
          /HF_OIDC_ID_TOKEN/,
          `${what}: hf ${args.join(" ")}`,
        );
        expectNoSecrets(r, jwt, good, CAROL_TOKEN);
      }
    }
  });

  it("a workflow no publisher trusts is refused the same way, with the publisher to check", async () => {
    const r = await hf(["auth", "whoami"], github(REQUEST_TOKENS.featureBranch));
    expectOneLineError(
      r,
      /no trusted publisher of 'acme\/ci-model' matches this id token \(repository=acme\/ci-model, sub=repo:acme\/ci-model:ref:refs\/heads\/feature\)/,
      /check that a trusted publisher of acme\/ci-model on http:\/\/127\.0\.0\.1:\d+ matches this workflow/,
    );
    expectNoSecrets(r, REQUEST_TOKENS.featureBranch);
  });

  it("HF_OIDC_RESOURCE with no id token and no CI names HF_OIDC_ID_TOKEN, and does not use HF_TOKEN", async () => {
    for (const args of [
      ["auth", "whoami"],
      ["auth", "token"],
      ["download", "acme/ci-model", "config.json"],
    ]) {
      const r = await hf(args, { HF_OIDC_RESOURCE: "acme/ci-model", HF_TOKEN: CAROL_TOKEN });
      expectOneLineError(
        r,
        /^Error: HF_OIDC_RESOURCE is set but no OIDC id token is available: not running in a supported CI provider \(github\) and HF_OIDC_ID_TOKEN is not set\.$/,
        /^Hint: set HF_OIDC_ID_TOKEN to the id token minted by your CI provider, or unset HF_OIDC_RESOURCE$/,
      );
    }
    const gh = await hf(["auth", "whoami"], { HF_OIDC_RESOURCE: "acme/ci-model", GITHUB_ACTIONS: "true" });
    expectOneLineError(gh, /`permissions: id-token: write`/, /id-token: write/);
  });

  it("hf env and hf doctor name the source; neither prints the id token", async () => {
    const env = { ...supplied(), HF_TOKEN: CAROL_TOKEN };
    const e = await hf(["env"], env);
    expect(e.code).toBe(0);
    expect(e.stdout).toContain(`- Token: (exchanged when used) from the ${SOURCE}\n`);
    expect(e.stdout).toContain("- Token hidden by it: hf_****0000 from the HF_TOKEN environment variable\n");
    expect(e.stdout).toContain("- HF_OIDC_RESOURCE: acme/ci-model\n");
    expect(e.stdout).toContain("- HF_OIDC_ID_TOKEN: (set, hidden)\n");
    expectNoSecrets(e, env.HF_OIDC_ID_TOKEN, CAROL_TOKEN);
    const ej = JSON.parse((await hf(["env", "--json"], env)).stdout);
    expect(ej.token).toMatchObject({ found: true, source: SOURCE });
    expect(ej.settings).toContainEqual({
      name: "HF_OIDC_ID_TOKEN",
      value: "(set, hidden)",
      effective: "(set, hidden)",
    });

    const d = await hf(["doctor", "acme/ci-model", "--json"], env);
    expectNoSecrets(d, env.HF_OIDC_ID_TOKEN, CAROL_TOKEN);
    const checks = Object.fromEntries(
      (JSON.parse(d.stdout).checks as { id: string; status: string; message: string }[]).map((c) => [
        c.id,
        c,
      ]),
    );
    expect(checks["token.source"]).toMatchObject({
      status: "warn",
      message: expect.stringContaining(SOURCE),
    });
    expect(checks["token.valid"]).toMatchObject({
      status: "ok",
      message: `valid: alice (fine-grained token), from the ${SOURCE}`,
    });
    expect(checks["token.expiry"]?.status).toBe("ok");
    expect(checks["repo.access"]?.status).toBe("ok");

    const bad = await hf(["doctor", "--json"], supplied(box.hub.mintIdToken(CI_MODEL_CLAIMS, { ttl: 0 })));
    expect(bad.code).toBe(1);
    const valid = (JSON.parse(bad.stdout).checks as { id: string; status: string; message: string }[]).find(
      (c) => c.id === "token.valid",
    );
    expect(valid).toMatchObject({ status: "fail", message: expect.stringContaining(`${SOURCE} failed:`) });
  });
});
