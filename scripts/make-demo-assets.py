#!/usr/bin/env python3
"""Generates src/server/demo-assets.ts: the files that make the demo Hub loadable by real loaders.

The demo Hub (`hf serve --demo`) serves acme/tiny-model, the gated meta-llama/Llama-3.2-1B stand-in
and acme/tiny-dataset. This script builds, with the libraries the loaders themselves use:
  - a BERT-style WordPiece tokenizer (`tokenizers`): tokenizer.json, tokenizer_config.json,
    special_tokens_map.json, vocab.txt (Python transformers' AutoTokenizer, transformers.js);
  - config.json (model_type "bert", dimensions that match the ONNX graph);
  - onnx/model.onnx (`onnx`): word + token-type embeddings, zeroed where attention_mask is 0. Not a
    trained model, just the smallest graph with a BertModel's inputs and output, so a
    feature-extraction pipeline runs end to end;
  - the dataset's parquet splits (`pyarrow`), so `datasets.load_dataset("acme/tiny-dataset")` works.

Run it (from the repo root) with a Python that has the three libraries, e.g.:
    python3 -m venv /tmp/demo-assets-venv
    /tmp/demo-assets-venv/bin/pip install tokenizers==0.23.2 onnx==1.23.1 pyarrow==25.0.1
    npm ci   # the script formats its output with the repo's Biome
    /tmp/demo-assets-venv/bin/python scripts/make-demo-assets.py
Add onnxruntime to the venv and the script also runs the graph once as a check.

The output is deterministic: no timestamps, fixed seeds, fixed order. Running it twice gives the same
bytes (with the same library versions: parquet records its writer's version in the file).
"""

import base64
import io
import json
import random
import struct
import subprocess
import sys
from pathlib import Path

import onnx
import pyarrow as pa
import pyarrow.parquet as pq
from onnx import TensorProto, helper
from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import WordPiece

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "server" / "demo-assets.ts"

HIDDEN_SIZE = 8
MAX_LENGTH = 64
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# A few hundred tokens: every character the demo's sentences use, its "##" continuation, some
# suffixes, and whole words. "offline" and "runs" are left out on purpose so that they split into
# word pieces (off ##line, run ##s), which shows the WordPiece model really runs.
LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
DIGITS = [str(d) for d in range(10)]
PUNCTUATION = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
SUFFIXES = ["##s", "##es", "##ed", "##ing", "##er", "##ly", "##line", "##ness", "##able", "##ment"]
WORDS = """
the a an and or but not no yes is are was were be been has have had do does did it its this that
these those there here what which who when where why how all any some many more most one two three
i you he she we they me my your our their him her us them of in on at to from by with for about as
into over under after before up down out off again very so too just only also than then now new old
good bad fast slow small big tiny simple easy hard empty full broken safe open closed public private
love like want need use make get give take see know think say find work works run model models hub
data set dataset file files cache token tokens login download upload read write hello world demo
test train text label split server client local remote python node script library loader access
gated granted request page user name repo branch tag commit main dev version card config vocab
""".split()


def build_vocab():
    vocab = SPECIAL + PUNCTUATION + DIGITS + LETTERS + ["##" + c for c in LETTERS + DIGITS] + SUFFIXES
    for w in WORDS:
        if w not in vocab:
            vocab.append(w)
    return vocab


def build_tokenizer(vocab):
    # The same pipeline as bert-base-uncased's tokenizer.json.
    tok = Tokenizer(
        WordPiece({t: i for i, t in enumerate(vocab)}, unk_token="[UNK]", max_input_chars_per_word=100)
    )
    tok.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True
    )
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    cls, sep = vocab.index("[CLS]"), vocab.index("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0",
        pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    tok.decoder = decoders.WordPiece(prefix="##")
    for t in SPECIAL:
        tok.add_special_tokens([t])
    return tok


def tokenizer_config(vocab):
    # What transformers writes for a BertTokenizer, with the special tokens spelled out so that a
    # loader does not need special_tokens_map.json.
    added = {
        str(vocab.index(t)): {
            "content": t,
            "lstrip": False,
            "normalized": False,
            "rstrip": False,
            "single_word": False,
            "special": True,
        }
        for t in SPECIAL
    }
    return {
        "added_tokens_decoder": added,
        "clean_up_tokenization_spaces": True,
        "cls_token": "[CLS]",
        "do_basic_tokenize": True,
        "do_lower_case": True,
        "mask_token": "[MASK]",
        "model_max_length": MAX_LENGTH,
        "never_split": None,
        "pad_token": "[PAD]",
        "sep_token": "[SEP]",
        "strip_accents": None,
        "tokenize_chinese_chars": True,
        "tokenizer_class": "BertTokenizer",
        "unk_token": "[UNK]",
    }


def model_config(vocab):
    # Dimensions match the ONNX graph (vocab_size, type_vocab_size, hidden_size); the rest are what
    # BertConfig needs to be a consistent (if layer-less) BERT.
    return {
        "architectures": ["BertModel"],
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": HIDDEN_SIZE,
        "initializer_range": 0.02,
        "intermediate_size": 4 * HIDDEN_SIZE,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": MAX_LENGTH,
        "model_type": "bert",
        "num_attention_heads": 2,
        "num_hidden_layers": 1,
        "pad_token_id": vocab.index("[PAD]"),
        "position_embedding_type": "absolute",
        "type_vocab_size": 2,
        "use_cache": True,
        "vocab_size": len(vocab),
    }


def floats(rng, rows, cols):
    # Rounded to 1/64 so the values are exact in float32 and print short in a test.
    return struct.pack(f"<{rows * cols}f", *(round(rng.uniform(-1, 1) * 64) / 64 for _ in range(rows * cols)))


def build_onnx(vocab_size):
    rng = random.Random("hubkit demo model")
    word = helper.make_tensor(
        "embeddings.word_embeddings.weight",
        TensorProto.FLOAT,
        [vocab_size, HIDDEN_SIZE],
        floats(rng, vocab_size, HIDDEN_SIZE),
        raw=True,
    )
    types = helper.make_tensor(
        "embeddings.token_type_embeddings.weight",
        TensorProto.FLOAT,
        [2, HIDDEN_SIZE],
        floats(rng, 2, HIDDEN_SIZE),
        raw=True,
    )
    last_axis = helper.make_tensor("last_axis", TensorProto.INT64, [1], [-1])
    ids_shape = ["batch_size", "sequence_length"]
    inputs = [
        helper.make_tensor_value_info(name, TensorProto.INT64, ids_shape)
        for name in ("input_ids", "attention_mask", "token_type_ids")
    ]
    output = helper.make_tensor_value_info(
        "last_hidden_state", TensorProto.FLOAT, ["batch_size", "sequence_length", HIDDEN_SIZE]
    )
    nodes = [
        helper.make_node(
            "Gather", ["embeddings.word_embeddings.weight", "input_ids"], ["words"], name="word_embeddings"
        ),
        helper.make_node(
            "Gather",
            ["embeddings.token_type_embeddings.weight", "token_type_ids"],
            ["types"],
            name="token_type_embeddings",
        ),
        helper.make_node("Add", ["words", "types"], ["embeddings"], name="add_embeddings"),
        helper.make_node("Cast", ["attention_mask"], ["mask_float"], to=TensorProto.FLOAT, name="cast_mask"),
        helper.make_node("Unsqueeze", ["mask_float", "last_axis"], ["mask"], name="unsqueeze_mask"),
        helper.make_node("Mul", ["embeddings", "mask"], ["last_hidden_state"], name="apply_mask"),
    ]
    graph = helper.make_graph(nodes, "tiny-bert", inputs, [output], initializer=[word, types, last_axis])
    # Opset 14 and IR 8, far below what onnxruntime accepts (transformers.js 4.3.2 runs it with its
    # onnxruntime-node 1.30, as check_onnx does with Python onnxruntime 1.30).
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 14)],
        producer_name="hubkit make-demo-assets",
        producer_version="1",
    )
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString()


def check_onnx(data, vocab, tok):
    try:
        import numpy as np
        import onnxruntime
    except ImportError:
        print("make-demo-assets: onnxruntime not installed, the graph was only checked by onnx.checker")
        return
    enc = tok.encode("hello world")
    feed = {
        "input_ids": np.array([enc.ids], dtype=np.int64),
        "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
        "token_type_ids": np.array([enc.type_ids], dtype=np.int64),
    }
    out = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"]).run(None, feed)[0]
    assert out.shape == (1, len(enc.ids), HIDDEN_SIZE), out.shape
    print(f"make-demo-assets: onnxruntime ran the graph: last_hidden_state {list(out.shape)}")


# Sentences in the tokenizer's vocabulary; label 1 = positive, 0 = negative.
SPLITS = {
    "train": [
        ("i love this tiny model", 1),
        ("the download was slow and broken", 0),
        ("it works offline", 1),
        ("the token was rejected", 0),
    ],
    "test": [
        ("a fast and simple hub", 1),
        ("the cache is empty", 0),
    ],
}


def parquet(rows):
    table = pa.table(
        {
            "text": pa.array([r[0] for r in rows], pa.string()),
            "label": pa.array([r[1] for r in rows], pa.int64()),
        }
    )
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="snappy")
    return sink.getvalue()


def dataset_readme():
    # The `configs:` block is what `push_to_hub` writes: it names each split's files, so the loader
    # does not have to infer them.
    lines = ["---", "configs:", "- config_name: default", "  data_files:"]
    for split in SPLITS:
        lines += [f"  - split: {split}", f"    path: data/{split}-*"]
    lines += [
        "---",
        "# tiny-dataset",
        "",
        "A tiny demo dataset served by `hf serve --demo`: short sentences with a label (1 = positive,",
        "0 = negative), a train split of 4 rows and a test split of 2.",
        "",
        "```python",
        "from datasets import load_dataset",
        'ds = load_dataset("acme/tiny-dataset")',
        "```",
        "",
    ]
    return "\n".join(lines)


def dumps(obj):
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def ts_string(s):
    # A JSON string is a valid TypeScript string literal.
    return json.dumps(s, ensure_ascii=True)


def main():
    vocab = build_vocab()
    tok = build_tokenizer(vocab)
    model = build_onnx(len(vocab))
    check_onnx(model, vocab, tok)

    special_map = {
        k: v for k, v in zip(["pad_token", "unk_token", "cls_token", "sep_token", "mask_token"], SPECIAL)
    }
    # Text files are str, binary files bytes (served through LFS, as the Hub's default
    # .gitattributes does for *.onnx and *.parquet).
    model_files = [
        ("config.json", dumps(model_config(vocab))),
        ("tokenizer.json", tok.to_str(pretty=True) + "\n"),
        ("tokenizer_config.json", dumps(tokenizer_config(vocab))),
        ("special_tokens_map.json", dumps(dict(sorted(special_map.items())))),
        ("vocab.txt", "".join(t + "\n" for t in vocab)),
        ("onnx/model.onnx", model),
    ]
    dataset_files = [("README.md", dataset_readme())]
    dataset_files += [
        (f"data/{split}-00000-of-00001.parquet", parquet(rows)) for split, rows in SPLITS.items()
    ]

    def block(name, doc, files):
        out = [f"/** {doc} */", f"export const {name} = {{"]
        for path, value in files:
            if isinstance(value, bytes):
                spec = f"base64: {ts_string(base64.b64encode(value).decode())}, lfs: true"
            else:
                spec = f"content: {ts_string(value)}"
            out.append(f"  {ts_string(path)}: {{ {spec} }},")
        out.append("} as const satisfies Record<string, FileSpec>;")
        return out

    lines = [
        "// Generated by scripts/make-demo-assets.py, do not edit: change the script and run it again",
        "// (how: see the script's docstring). Binary files are base64, text files are strings.",
        'import type { FileSpec } from "./types.js";',
        "",
        "/** Token count of the demo tokenizer (config.json `vocab_size`). */",
        f"export const DEMO_VOCAB_SIZE = {len(vocab)};",
        "",
        "/** Width of the demo ONNX model's `last_hidden_state` (config.json `hidden_size`). */",
        f"export const DEMO_HIDDEN_SIZE = {HIDDEN_SIZE};",
        "",
        *block(
            "DEMO_MODEL_ASSETS",
            "A BERT-style model's loadable files: config, WordPiece tokenizer, ONNX graph (LFS).",
            model_files,
        ),
        "",
        *block(
            "DEMO_DATASET_ASSETS",
            "acme/tiny-dataset: the README with its `configs:` block and one parquet file (LFS) per split.",
            dataset_files,
        ),
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    # Biome formats the module as `npm run lint` expects (quotes, line breaks), so the committed file
    # is exactly what this script writes.
    biome = ROOT / "node_modules" / ".bin" / "biome"
    if not biome.exists():
        sys.exit("make-demo-assets: node_modules/.bin/biome is missing: run `npm ci` first")
    subprocess.run([str(biome), "format", "--write", str(OUT)], check=True, capture_output=True)
    sizes = ", ".join(f"{p} {len(v)}" for p, v in model_files + dataset_files)
    print(f"make-demo-assets: wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes; {sizes})")


if __name__ == "__main__":
    sys.exit(main())
