import { stat } from "node:fs/promises";
import { fileResponse } from "./file-response.js";
import type { HubFiles } from "./hub-files.js";
import { isWeightsFile } from "./is-weights-file.js";
import type { TransformersProgress } from "./types.js";

/** transformers.js's `CacheInterface` (cache.js:7-14), as useHubkit implements it. */
export interface HubkitCache {
  match(request: string): Promise<Response | string | undefined>;
  put(request: string, response: Response, progress?: (data: TransformersProgress) => void): Promise<void>;
}

/**
 * `env.customCache` backed by the hub cache. transformers.js swallows whatever `match` throws
 * (cache.js:80-89), so `match` only looks (no request, nothing to fail): a hit at the commit the
 * revision resolved to (offline: through refs/) is a snapshot path for weights (ONNX Runtime opens
 * it; hub.js:484-491 accepts a string) and a file-backed Response for the rest (text and JSON loads
 * need one). Everything that talks to the Hub, and so can fail, is in the adapter's fetch, whose
 * errors transformers.js lets through (hub.js:347).
 *
 * `put` is where weights are downloaded: for a weights file in Node transformers.js skips reading
 * the response (hub.js:373-377) and hands it to put with its progress callback (hub.js:217-229), then
 * asks `match` for the path (hub.js:484). So the bytes go straight into `blobs/` through downloadFile,
 * with transformers.js's own progress events, and are never held in memory. Anything else put gets
 * is already in the hub cache (fetch stored it), so nothing lands in transformers.js's cache folder.
 *
 * @example
 * env.customCache = createHubkitCache(createHubFiles({ config }));
 * env.useCustomCache = true;
 */
export function createHubkitCache(files: HubFiles): HubkitCache {
  return {
    async match(request) {
      const file = files.parse(request);
      if (!file) return undefined;
      const answer = await files.lookup(file);
      if (answer?.kind !== "file") return undefined;
      return isWeightsFile(file.filename) ? answer.path : fileResponse(answer.path);
    },

    async put(request, response, progress) {
      try {
        await response.body?.cancel();
      } catch {
        // already being read by someone: not ours to stop
      }
      const file = files.parse(request);
      if (!file) return;
      const answer = await files.lookup(file);
      if (answer?.kind === "file") return;
      const path = (await files.download(file, {
        required: true,
        onBytes: (e) => {
          if (e.type !== "bytes" || !progress) return;
          const total = e.size ?? e.downloaded;
          progress({ progress: total > 0 ? (e.downloaded / total) * 100 : 100, loaded: e.downloaded, total });
        },
      })) as string;
      // transformers.js reports the final 100% with this response's content-length (hub.js:454-464).
      try {
        response.headers.set("content-length", String((await stat(path)).size));
      } catch {
        // a network response's headers are immutable; transformers.js then reports size 0
      }
    },
  };
}
