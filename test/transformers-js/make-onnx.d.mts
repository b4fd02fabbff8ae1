/** Types for make-onnx.mjs (plain JS, so bench/ can use it without a build). */
export function embeddingModel(options: {
  vocab: number;
  hidden: number;
  external?: boolean;
  seed?: number;
}): Record<string, Buffer>;
