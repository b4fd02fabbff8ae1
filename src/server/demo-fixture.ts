/**
 * The built-in demo Hub (`hf serve --demo`, `createHubServer({ demo: true })`). Its tokens are FIXED
 * fake values that only this local server accepts; tests and the demo script rely on them.
 */
import type { HubFixture } from "./types.js";

export const DEMO_TOKENS = {
  alice: "hf_aliceReadDemoToken0000000000000000000",
  aliceFineGrained: "hf_aliceFineGrainedDemoToken00000000000",
  bob: "hf_bobWriteDemoToken00000000000000000000",
} as const;

const TINY_CONFIG = `${JSON.stringify(
  {
    architectures: ["TinyModel"],
    model_type: "tiny",
    hidden_size: 64,
    num_hidden_layers: 2,
    vocab_size: 256,
  },
  null,
  2,
)}\n`;

const TINY_TOKENIZER = `${JSON.stringify({ version: "1.0", model: { type: "BPE", vocab: { a: 0, b: 1 }, merges: [] } })}\n`;

/** Size of `acme/tiny-model`'s `model.safetensors` (LFS): 4 MiB. */
export const DEMO_MODEL_SIZE = 4 * 1024 * 1024;

export const DEMO_FIXTURE: HubFixture = {
  users: [
    {
      name: "alice",
      fullname: "Alice Anderson",
      email: "alice@example.com",
      orgs: ["acme"],
      tokens: [
        { name: "alice-read", token: DEMO_TOKENS.alice, role: "read" },
        {
          name: "alice-fine-grained",
          token: DEMO_TOKENS.aliceFineGrained,
          role: "fineGrained",
          scopes: ["repo.content.read"],
        },
      ],
    },
    {
      name: "bob",
      fullname: "Bob Brown",
      email: "bob@example.com",
      orgs: ["acme"],
      tokens: [{ name: "bob-write", token: DEMO_TOKENS.bob, role: "write" }],
    },
  ],
  orgs: [{ name: "acme", fullname: "ACME Corp", members: ["alice", "bob"] }],
  repos: [
    {
      id: "acme/tiny-model",
      type: "model",
      commits: [
        {
          message: "Initial commit",
          files: {
            ".gitattributes": { content: "*.safetensors filter=lfs diff=lfs merge=lfs -text\n" },
            "config.json": { content: TINY_CONFIG },
            "README.md": { content: "# tiny-model\n\nA tiny demo model served by `hf serve --demo`.\n" },
            "model.safetensors": { generate: { size: DEMO_MODEL_SIZE, seed: "acme/tiny-model" }, lfs: true },
          },
        },
        {
          message: "Add tokenizer and a nested file",
          files: {
            "tokenizer.json": { content: TINY_TOKENIZER },
            "subdir/nested.txt": { content: "a file in a folder\n" },
          },
        },
        {
          message: "Update README",
          files: {
            "README.md": {
              content:
                "# tiny-model\n\nA tiny demo model served by `hf serve --demo`.\n\nVersion 2 of this card.\n",
            },
          },
        },
      ],
      branches: { main: -1, dev: 1 },
      tags: { "v1.0": 0 },
    },
    {
      id: "meta-llama/Llama-3.2-1B",
      type: "model",
      gated: "manual",
      grants: ["alice"],
      commits: [
        {
          message: "Stand-in for a gated model",
          files: {
            "README.md": {
              content:
                "# Llama-3.2-1B (stand-in)\n\nThis is NOT the real model: a small stand-in served by `hf serve --demo` to exercise gated access.\nalice has been granted access; bob has not.\n",
            },
            "config.json": {
              content: `${JSON.stringify({ model_type: "llama", hidden_size: 64 }, null, 2)}\n`,
            },
            "model.safetensors": {
              generate: { size: 256 * 1024, seed: "meta-llama/Llama-3.2-1B" },
              lfs: true,
            },
          },
        },
      ],
    },
    {
      id: "alice/private-notes",
      type: "model",
      private: true,
      commits: [
        {
          message: "Private notes",
          files: {
            "README.md": { content: "# private-notes\n\nOnly alice can see this repo.\n" },
            "notes.txt": { content: "remember to rotate the demo tokens\n" },
          },
        },
      ],
    },
    {
      id: "acme/tiny-dataset",
      type: "dataset",
      commits: [
        {
          message: "Add data",
          files: {
            "README.md": { content: "# tiny-dataset\n\nA tiny demo dataset.\n" },
            "data/train.csv": { content: "text,label\nhello,0\nworld,1\n" },
            "data/test.csv": { content: "text,label\nfoo,1\n" },
            "data/train.parquet": { generate: { size: 128 * 1024, seed: "acme/tiny-dataset" }, lfs: true },
          },
        },
      ],
    },
    {
      id: "acme/tiny-space",
      type: "space",
      commits: [
        {
          message: "Add app",
          files: {
            "README.md": { content: "---\nsdk: static\n---\n# tiny-space\n" },
            "index.html": { content: "<!doctype html><title>tiny-space</title><p>Hello</p>\n" },
          },
        },
      ],
    },
  ],
};
