import { describe, expect, it } from "vitest";
import { parseHfUri } from "../../src/common/hf-uri.js";
import { parseRepoTypeWord, REPO_TYPE_PLURALS, repoTypeFromPlural } from "../../src/common/repo.js";

// Expected values printed by the real huggingface_hub 1.33 (`utils.parse_hf_uri`) in .venv-py.
const OK: [string, [string, string, string | undefined, string]][] = [
  ["hf://acme/tiny", ["model", "acme/tiny", undefined, ""]],
  ["hf://datasets/acme/d@v1.0/data/", ["dataset", "acme/d", "v1.0", "data"]],
  ["hf://acme/x@refs/pr/3/train.json", ["model", "acme/x", "refs/pr/3", "train.json"]],
  ["hf://acme/x@refs%2Fheads%2Fmain", ["model", "acme/x", "refs/heads/main", ""]],
  ["hf://acme/x/a@b.txt", ["model", "acme/x", undefined, "a@b.txt"]],
  ["hf://spaces/acme/s", ["space", "acme/s", undefined, ""]],
  ["hf://kernels/acme/k", ["kernel", "acme/k", undefined, ""]],
  ["hf://buckets/acme/b/sub/f", ["bucket", "acme/b", undefined, "sub/f"]],
  ["hf://models//acme/x/", ["model", "acme/x", undefined, ""]],
  ["hf://acme/x@main/config.json", ["model", "acme/x", "main", "config.json"]],
  ["hf://a/b/c@d", ["model", "a/b", undefined, "c@d"]],
];
const BAD: [string, string][] = [
  ["hf://acme", "Invalid HF URI 'hf://acme'. Repository id must be 'namespace/name', got 'acme'. "],
  ["hf://", "Invalid HF URI 'hf://'. Empty body after 'hf://'."],
  [
    "hf://models",
    "Invalid HF URI 'hf://models'. Missing identifier after 'models'. Expected 'hf://models/<ID>'.",
  ],
  [
    "hf://model/acme/x",
    "Invalid HF URI 'hf://model/acme/x'. Type prefix must be plural, got 'model/'. Did you mean 'models/'?",
  ],
  [
    "hf://dataset",
    "Invalid HF URI 'hf://dataset'. Type prefix must be plural. Did you mean 'hf://datasets/...'?",
  ],
  ["hf://acme/x@", "Invalid HF URI 'hf://acme/x@'. Empty revision after '@'."],
  ["hf://@x", "Invalid HF URI 'hf://@x'. Missing repository id before '@'."],
  ["hf://a@b/c", "Invalid HF URI 'hf://a@b/c'. Repository id must be 'namespace/name', got 'a'."],
  [
    "hf://acme/x/a//b",
    "Invalid HF URI 'hf://acme/x/a//b'. Path must not contain empty segments (got 'a//b').",
  ],
  [
    "hf://buckets/acme/b@v",
    "Invalid HF URI 'hf://buckets/acme/b@v'. Bucket URIs do not support a revision marker ('@').",
  ],
];

describe("parseHfUri (Python's parse_hf_uri)", () => {
  it.each(OK)("%s", (uri, [type, id, revision, pathInRepo]) => {
    expect(parseHfUri(uri)).toEqual({ type, id, revision, pathInRepo });
  });
  it.each(BAD)("%s is refused with Python's message, as a usage error", (uri, message) => {
    expect(() => parseHfUri(uri)).toThrow(expect.objectContaining({ code: "HF_USAGE", message }));
  });
});

describe("the repo-type word table", () => {
  it("plurals are exact (cache folders, hf:// prefixes); words people type are any case", () => {
    expect(Object.values(REPO_TYPE_PLURALS)).toEqual(["models", "datasets", "spaces", "kernels"]);
    expect(repoTypeFromPlural("datasets")).toBe("dataset");
    expect(repoTypeFromPlural("Datasets")).toBeUndefined();
    expect(repoTypeFromPlural("dataset")).toBeUndefined();
    expect(parseRepoTypeWord("Dataset")).toBe("dataset");
    expect(parseRepoTypeWord("KERNELS")).toBe("kernel");
    expect(parseRepoTypeWord("constructor")).toBeUndefined();
    expect(parseRepoTypeWord("buckets")).toBeUndefined();
  });
});
