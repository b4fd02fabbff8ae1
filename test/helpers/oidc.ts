import type { HubFixture } from "../../src/server/index.js";

/** GitHub-Actions-style request tokens of the OIDC fixture's CI jobs (ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
export const REQUEST_TOKENS = {
  /** acme/ci-model's main branch: a trusted publisher of the private model acme/ci-model. */
  ciModel: "req-acme-ci-model-main",
  /** acme/ci-model's feature branch: `sub` differs, so no publisher matches. */
  featureBranch: "req-acme-ci-model-feature",
  /** alice/evals: alice's CI/CD identity (read-only, gated repos alice was granted). */
  aliceEvals: "req-alice-evals",
} as const;

/** A classic read token of carol's, for "OIDC beats HF_TOKEN". */
export const CAROL_TOKEN = "hf_carolReadTokenForOidcTests00000000000";

const MAIN_SUB = "repo:acme/ci-model:ref:refs/heads/main";

/**
 * A small Hub for the OIDC tests: a private model and dataset of the org acme with trusted
 * publishers (the model's acts as alice and may write; the dataset's is read-only, as bob), alice's
 * CI/CD identity, another private repo the tokens must not reach, and a gated model granted to alice.
 */
export const OIDC_FIXTURE: HubFixture = {
  users: [
    { name: "alice", orgs: ["acme"] },
    { name: "bob", orgs: ["acme"] },
    { name: "carol", tokens: [{ name: "carol-read", token: CAROL_TOKEN, role: "read" }] },
  ],
  orgs: [{ name: "acme", members: ["alice", "bob"] }],
  repos: [
    {
      id: "acme/ci-model",
      private: true,
      commits: [
        {
          files: {
            "config.json": { content: '{"model_type": "bert"}\n' },
            "model.safetensors": { generate: { size: 65536, seed: "ci-model" }, lfs: true },
          },
        },
      ],
    },
    {
      id: "acme/ci-data",
      type: "dataset",
      private: true,
      commits: [{ files: { "data.csv": { content: "a,b\n1,2\n" } } }],
    },
    { id: "acme/other-private", private: true, commits: [{ files: { "config.json": { content: "{}\n" } } }] },
    {
      id: "gated/llama",
      gated: "manual",
      grants: ["alice"],
      commits: [{ files: { "config.json": { content: "{}\n" } } }],
    },
  ],
  trustedPublishers: [
    { resource: "acme/ci-model", claims: { repository: "acme/ci-model", sub: MAIN_SUB }, user: "alice" },
    {
      resource: "datasets/acme/ci-data",
      claims: { repository: "acme/ci-model" },
      user: "bob",
      readOnly: true,
    },
    { resource: "alice", claims: { repository: "alice/evals" } },
  ],
  oidcRunners: [
    {
      requestToken: REQUEST_TOKENS.ciModel,
      claims: {
        repository: "acme/ci-model",
        repository_owner: "acme",
        sub: MAIN_SUB,
        ref: "refs/heads/main",
      },
    },
    {
      requestToken: REQUEST_TOKENS.featureBranch,
      claims: {
        repository: "acme/ci-model",
        repository_owner: "acme",
        sub: "repo:acme/ci-model:ref:refs/heads/feature",
      },
    },
    {
      requestToken: REQUEST_TOKENS.aliceEvals,
      claims: {
        repository: "alice/evals",
        repository_owner: "alice",
        sub: "repo:alice/evals:ref:refs/heads/main",
      },
    },
  ],
};

/** The claims of the id token acme/ci-model's main branch gets (for `hub.mintIdToken`). */
export const CI_MODEL_CLAIMS = { repository: "acme/ci-model", repository_owner: "acme", sub: MAIN_SUB };

/** The same JWT with one claim changed and the signature kept: what a forger would send. */
export function tamper(jwt: string, claims: Record<string, unknown>): string {
  const [head, body, sig] = jwt.split(".") as [string, string, string];
  const payload = { ...JSON.parse(Buffer.from(body, "base64url").toString("utf8")), ...claims };
  return `${head}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${sig}`;
}

/** A JWT's claims, unverified (tests only). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1] as string, "base64url").toString("utf8"));
}
