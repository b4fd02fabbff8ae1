import { type FileHandle, open } from "node:fs/promises";

const CHUNK = 64 * 1024;

/**
 * A stream over the file that `locate` resolves to, called on the first read only (highWaterMark 0:
 * the stream does not pull before someone reads). A rejection of `locate` errors the stream with
 * that error, so the reader sees hubkit's HfError.
 *
 * @example
 * new Response(lazyFileStream(() => downloadFile({ repoId, filename })), { status: 200 });
 */
export function lazyFileStream(locate: () => Promise<string>): ReadableStream<Uint8Array> {
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
