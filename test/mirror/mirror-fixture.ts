import type { HubFixture } from "../../src/server/index.js";

/** Tokens of the upstream used by the mirror tests (fake: only that local Hub accepts them). */
export const TOKENS = {
  alice: "hf_aliceMirrorTestToken000000000000000",
  bob: "hf_bobMirrorTestToken00000000000000000",
} as const;

/**
 * The upstream's users and repos: a public model, a gated one alice is granted, a private one of
 * alice's. LFS content is generated (deterministic), `bigBytes` for the public model's weights.
 */
export function mirrorFixture(bigBytes = 3 << 20): HubFixture {
  const files = (seed: string, size: number) => ({
    "config.json": { content: `{"model": "${seed}"}\n` },
    "sub/notes.txt": { content: `notes of ${seed}\n` },
    "model.safetensors": { generate: { size, seed }, lfs: true },
  });
  return {
    users: [
      { name: "alice", tokens: [{ name: "read", token: TOKENS.alice, role: "read" }] },
      { name: "bob", tokens: [{ name: "read", token: TOKENS.bob, role: "read" }] },
    ],
    repos: [
      { id: "acme/open", commits: [{ files: files("acme/open", bigBytes) }] },
      {
        id: "acme/gated",
        gated: "manual",
        grants: ["alice"],
        commits: [{ files: files("acme/gated", 1 << 20) }],
      },
      { id: "alice/secret", private: true, commits: [{ files: files("alice/secret", 1 << 20) }] },
    ],
  };
}
