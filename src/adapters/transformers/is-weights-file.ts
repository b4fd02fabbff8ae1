/**
 * Whether a repo file is model weights, answered as a file path (ONNX Runtime opens it) rather than
 * as a Response.
 *
 * @example isWeightsFile("onnx/model.onnx_data_1") // true
 */
export function isWeightsFile(filename: string): boolean {
  // model-loader.js:44-49 and :83-91 load `<name>.onnx` and its `<name>.onnx_data[_N]` chunks with
  // return_path in Node; every other file goes through getModelText/getModelJSON and needs a Response.
  return /\.onnx(_data(_\d+)?)?$/.test(filename);
}
