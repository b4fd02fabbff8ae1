import type { FileHandle } from "node:fs/promises";
import { IntegrityError } from "../errors.js";
import type { HubResponse } from "../http/hub-client.js";

/** Bytes gathered from the socket before one positional write. */
const WRITE_BATCH = 512 << 10;
/** Write batches queued before the socket is paused: the memory bound of one stream. */
const MAX_INFLIGHT = 2;

/**
 * Streams `body` into `fh` at `position` in write batches of WRITE_BATCH bytes, at most MAX_INFLIGHT
 * batches queued before the socket is paused (the memory bound). Writes stay in order, so whatever
 * `onWritten` has reported is on disk contiguously from `position`, even when the body fails.
 */
export function streamToFile(
  body: HubResponse["body"],
  fh: FileHandle,
  position: number,
  limit: number,
  onWritten: (n: number, bufs: Buffer[]) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let received = 0;
    let inflight = 0;
    let chain: Promise<void> = Promise.resolve();
    let settled = false;
    const finish = (e?: unknown) => {
      if (settled) return;
      settled = true;
      // keep what arrived intact (valid data at its offset) before reporting the failure
      chain.then(
        () => (e === undefined ? resolve() : reject(e)),
        (we) => reject(we),
      );
    };
    const queue = () => {
      if (pendingBytes === 0) return;
      const bufs = pending;
      const n = pendingBytes;
      pending = [];
      pendingBytes = 0;
      inflight++;
      chain = chain.then(async () => {
        await writeAllAt(fh, bufs, n, position);
        position += n;
        inflight--;
        onWritten(n, bufs);
      });
      chain.catch(() => {
        if (!settled) body.destroy();
      });
    };
    body.on("data", (chunk: Buffer) => {
      if (settled) return;
      received += chunk.byteLength;
      if (received > limit) {
        body.destroy();
        finish(new IntegrityError(`The server sent more bytes than expected (${limit}).`));
        return;
      }
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      if (pendingBytes < WRITE_BATCH) return;
      queue();
      if (inflight >= MAX_INFLIGHT) {
        body.pause();
        chain.then(
          () => {
            if (!settled) body.resume();
          },
          () => undefined,
        );
      }
    });
    body.once("end", () => {
      queue();
      finish();
    });
    body.once("error", (e) => finish(e));
    body.once("close", () => {
      if (!body.readableEnded)
        finish(Object.assign(new Error("premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    });
  });
}

/** Writes all `n` bytes of `bufs` at `position`: writev may write fewer bytes than asked. */
async function writeAllAt(fh: FileHandle, bufs: Buffer[], n: number, position: number): Promise<void> {
  let done = 0;
  while (done < n) {
    const { bytesWritten } = await fh.writev(
      done === 0 ? bufs : [Buffer.concat(bufs).subarray(done)],
      position + done,
    );
    done += bytesWritten;
  }
}
