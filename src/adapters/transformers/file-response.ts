import { type FileHandle, open, stat } from "node:fs/promises";

const CHUNK = 64 * 1024;

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
    lazyStream(() => Promise.resolve(path)),
    {
      status: 200,
      headers: { "content-length": String(size), "content-type": contentType(path) },
    },
  );
}

/**
 * A stream over the file that `locate` resolves to, called on the first read only (highWaterMark 0:
 * the stream does not pull before someone reads). A rejection of `locate` errors the stream with
 * that error, so the reader sees hubkit's HfError.
 */
export function lazyStream(locate: () => Promise<string>): ReadableStream<Uint8Array> {
  let handle: FileHandle | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          handle ??= await open(await locate(), "r");
          const buffer = new Uint8Array(CHUNK);
          const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
          if (bytesRead === 0) {
            await handle.close();
            controller.close();
            return;
          }
          controller.enqueue(bytesRead === CHUNK ? buffer : buffer.subarray(0, bytesRead));
        } catch (e) {
          await handle?.close().catch(() => undefined);
          throw e;
        }
      },
      async cancel() {
        await handle?.close();
      },
    },
    { highWaterMark: 0 },
  );
}

function contentType(path: string): string {
  return path.endsWith(".json") ? "application/json" : "application/octet-stream";
}
