// Writes a tiny embedding model as ONNX protobuf bytes, with no ONNX library: one Gather of a
// [vocab, hidden] float initializer by `input_ids`, giving `last_hidden_state` [batch, seq, hidden],
// which is all transformers.js's feature-extraction pipeline needs (it feeds only the inputs the
// session declares). `hidden` sets the weights' size, so tests and the benchmark can make weights
// of any size, optionally as ONNX external data (`model.onnx` + `model.onnx_data`), the layout
// transformers.js loads with `use_external_data_format` (model-loader.js:62-104).
//
// Field numbers: onnx/onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto).

const FLOAT = 1;
const INT64 = 7;

function varint(n) {
  const out = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Buffer.from(out);
}
const key = (field, wire) => varint((field << 3) | wire);
const int = (field, n) => Buffer.concat([key(field, 0), varint(n)]);
const bytes = (field, b) => Buffer.concat([key(field, 2), varint(b.length), b]);
const str = (field, s) => bytes(field, Buffer.from(s, "utf8"));
const msg = (field, ...parts) => bytes(field, Buffer.concat(parts));

function valueInfo(field, name, elemType, dims) {
  const shape = dims.map((d) => msg(1, typeof d === "string" ? str(2, d) : int(1, d)));
  return msg(field, str(1, name), msg(2, msg(1, int(1, elemType), msg(2, ...shape))));
}

/**
 * The model's files, keyed by their path in a repo.
 *
 * @param {{ vocab: number, hidden: number, external?: boolean, seed?: number }} o
 * @returns {Record<string, Buffer>} `onnx/model.onnx`, and `onnx/model.onnx_data` when external
 */
export function embeddingModel({ vocab, hidden, external = false, seed = 1 }) {
  const weights = Buffer.alloc(vocab * hidden * 4);
  for (let i = 0; i < vocab * hidden; i++)
    weights.writeFloatLE((((i * 2654435761 + seed) >>> 0) % 1000) / 1000, i * 4);
  const name = "embeddings.word_embeddings.weight";
  const tensor = external
    ? msg(
        5,
        int(1, vocab),
        int(1, hidden),
        int(2, FLOAT),
        str(8, name),
        msg(13, str(1, "location"), str(2, "model.onnx_data")),
        msg(13, str(1, "offset"), str(2, "0")),
        msg(13, str(1, "length"), str(2, String(weights.length))),
        int(14, 1),
      )
    : msg(5, int(1, vocab), int(1, hidden), int(2, FLOAT), str(8, name), bytes(9, weights));
  const graph = msg(
    7,
    msg(
      1,
      str(1, name),
      str(1, "input_ids"),
      str(2, "last_hidden_state"),
      str(3, "gather"),
      str(4, "Gather"),
    ),
    str(2, "hubkit-embedding"),
    tensor,
    valueInfo(11, "input_ids", INT64, ["batch", "sequence"]),
    valueInfo(12, "last_hidden_state", FLOAT, ["batch", "sequence", hidden]),
  );
  const model = Buffer.concat([
    int(1, 8),
    str(2, "hubkit test/transformers-js/make-onnx.mjs"),
    graph,
    msg(8, str(1, ""), int(2, 17)),
  ]);
  return external
    ? { "onnx/model.onnx": model, "onnx/model.onnx_data": weights }
    : { "onnx/model.onnx": model };
}
