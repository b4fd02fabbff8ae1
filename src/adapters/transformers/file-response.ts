import { stat } from "node:fs/promises";
import { lazyFileStream } from "./lazy-file-stream.js";

/**
 * A `Response` whose body streams a file, opened only when the body is first read: transformers.js
 * often reads only the headers of what the cache answers (get_file_metadata.js:70-79 takes the size
 * from `content-length`), and a weights response it is handed back is never read (hub.js:373-377),
 * so an eager stream would hold a file descriptor for nothing. Nothing is read into memory ahead of
 * the reader.
 *
 * @example
 * const res = await fileResponse("/cache/models--acme--x/snapshots/<commit>/config.json");
 * const json = await res.json();
 */
export async function fileResponse(path: string): Promise<Response> {
  const { size } = await stat(path);
  return new Response(
    lazyFileStream(() => Promise.resolve(path)),
    {
      status: 200,
      headers: { "content-length": String(size), "content-type": contentType(path) },
    },
  );
}

function contentType(path: string): string {
  return path.endsWith(".json") ? "application/json" : "application/octet-stream";
}
