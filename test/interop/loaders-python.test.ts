import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { DEMO_HIDDEN_SIZE, DEMO_VOCAB_SIZE } from "../../src/server/index.js";
import { runPythonJson } from "../helpers/cli.js";
import { DEMO_TOKENS, type HubServer, startHub } from "../helpers/hub.js";

/**
 * Real loaders against `hf serve --demo`: Python transformers (AutoTokenizer, AutoConfig) and
 * datasets (load_dataset) from .venv-py (scripts/setup-python.mjs installs them). They prove the
 * demo's files are loadable, not just downloadable. No skip when Python is missing: CI installs it.
 */
const SENTENCE = "Hello, world! The tiny model runs offline.";
// "runs" and "offline" are not in the vocabulary: WordPiece splits them (run ##s, off ##line).
const TOKENS = [
  "[CLS]",
  "hello",
  ",",
  "world",
  "!",
  "the",
  "tiny",
  "model",
  "run",
  "##s",
  "off",
  "##line",
  ".",
  "[SEP]",
];
const IDS = [2, 260, 16, 261, 5, 119, 215, 244, 243, 109, 196, 115, 18, 3];

let hub: HubServer;
let root: string;
let home: string;
let homeCounter = 0;

beforeAll(async () => {
  hub = await startHub({ demo: true });
  root = await mkdtemp(join(tmpdir(), "hubkit-loaders-py-"));
});
afterAll(async () => {
  await hub.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  home = join(root, `home-${++homeCounter}`);
  hub.reset();
});

/** Runs a Python snippet in this test's HF_HOME against the demo Hub; its last stdout line is JSON. */
function py<T = Record<string, unknown>>(code: string, token?: string): Promise<T> {
  const env: Record<string, string> = {
    HF_HOME: home,
    HF_ENDPOINT: hub.url,
    HF_HUB_DISABLE_TELEMETRY: "1",
    HF_HUB_DISABLE_PROGRESS_BARS: "1",
    HF_DATASETS_DISABLE_PROGRESS_BARS: "1",
  };
  if (token) env.HF_TOKEN = token;
  return runPythonJson<T>(code, { env, timeoutMs: 90_000 });
}

const LOAD_MODEL = (repo: string) => `
from transformers import AutoConfig, AutoTokenizer
from tokenizers import Tokenizer
from huggingface_hub import hf_hub_download
tok = AutoTokenizer.from_pretrained(${JSON.stringify(repo)})
ids = tok(${JSON.stringify(SENTENCE)})["input_ids"]
pair = tok("hello", "world")
# tokenizer.json on its own, through the tokenizers library: the file itself is valid.
raw = Tokenizer.from_file(hf_hub_download(${JSON.stringify(repo)}, "tokenizer.json"))
cfg = AutoConfig.from_pretrained(${JSON.stringify(repo)})
print(json.dumps({"class": type(tok).__name__, "ids": ids, "tokens": tok.convert_ids_to_tokens(ids),
  "decoded": tok.decode(ids, skip_special_tokens=True), "raw": raw.encode(${JSON.stringify(SENTENCE)}).ids,
  "pair": [pair["input_ids"], pair["token_type_ids"]], "max": tok.model_max_length,
  "special": [tok.pad_token, tok.unk_token, tok.cls_token, tok.sep_token, tok.mask_token],
  "config": [type(cfg).__name__, cfg.model_type, cfg.vocab_size, cfg.hidden_size, cfg.architectures]}))`;

const LOADED = {
  class: "BertTokenizer",
  ids: IDS,
  tokens: TOKENS,
  decoded: "hello, world! the tiny model runs offline.",
  raw: IDS,
  pair: [
    [2, 260, 3, 261, 3],
    [0, 0, 0, 1, 1],
  ],
  max: 64,
  special: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
  config: ["BertConfig", "bert", DEMO_VOCAB_SIZE, DEMO_HIDDEN_SIZE, ["BertModel"]],
};

describe("Python loaders against hf serve --demo", () => {
  test("transformers: AutoTokenizer and AutoConfig load acme/tiny-model; the tokenizer encodes to the expected ids", async () => {
    expect(await py(LOAD_MODEL("acme/tiny-model"))).toEqual(LOADED);
    expect(hub.unknownRoutes).toEqual([]);
  });

  test("transformers: the gated Llama stand-in loads with alice's token; bob and anonymous are refused", async () => {
    expect(await py(LOAD_MODEL("meta-llama/Llama-3.2-1B"), DEMO_TOKENS.alice)).toEqual(LOADED);
    const refused = `
from transformers import AutoTokenizer
try:
    AutoTokenizer.from_pretrained("meta-llama/Llama-3.2-1B")
    print(json.dumps("loaded"))
except OSError as e:
    print(json.dumps("gated" if "gated repo" in str(e) else str(e)))`;
    // Each in a cache of their own: with alice's files in the same cache, huggingface_hub answers a
    // 403 on HEAD with the cached copy (as it does for any failed HEAD), and transformers loads it.
    home = join(root, `bob-${homeCounter}`);
    expect(await py(refused, DEMO_TOKENS.bob)).toBe("gated");
    home = join(root, `anonymous-${homeCounter}`);
    expect(await py(refused)).toBe("gated");
    expect(hub.unknownRoutes).toEqual([]);
  });

  test("datasets: load_dataset reads both parquet splits with their rows and column types", async () => {
    const out = await py(`
from datasets import load_dataset
ds = load_dataset("acme/tiny-dataset")
print(json.dumps({s: {"rows": ds[s].to_list(), "features": {k: str(v) for k, v in ds[s].features.items()},
  "builder": ds[s].info.builder_name} for s in sorted(ds)}))`);
    const features = { text: "Value('string')", label: "Value('int64')" };
    expect(out).toEqual({
      test: {
        rows: [
          { text: "a fast and simple hub", label: 1 },
          { text: "the cache is empty", label: 0 },
        ],
        features,
        builder: "parquet",
      },
      train: {
        rows: [
          { text: "i love this tiny model", label: 1 },
          { text: "the download was slow and broken", label: 0 },
          { text: "it works offline", label: 1 },
          { text: "the token was rejected", label: 0 },
        ],
        features,
        builder: "parquet",
      },
    });
    expect(hub.unknownRoutes).toEqual([]);
  });
});
