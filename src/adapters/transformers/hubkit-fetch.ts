import { stat } from "node:fs/promises";
import { authorizationFor, resolveToken } from "../../index.js";
import { fileResponse } from "./file-response.js";
import type { HubFile, HubFiles } from "./hub-files.js";
import { isWeightsFile } from "./is-weights-file.js";
import { lazyFileStream } from "./lazy-file-stream.js";
import type { FetchLike } from "./types.js";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/**
 * `env.fetch` for transformers.js. Every request transformers.js makes goes through it (hub.js:78,
 * get_file_metadata.js:35-37). A model `/resolve/` URL of the endpoint is answered by hubkit:
 *
 * - a probe (`Range: bytes=0-0`, get_file_metadata.js:29-38, or HEAD): the size from the cache, else
 *   from one HEAD (getFileMetadata: nothing downloaded, the token only to the endpoint); 404 when the
 *   file does not exist;
 * - a weights file (`.onnx`, `.onnx_data*`): a 200 whose body is only fetched if read; transformers.js
 *   does not read it in Node and lets `put` download the file into the hub cache (hubkit-cache.ts);
 * - anything else: downloadFile into the hub cache, then the file as the response.
 *
 * Errors are hubkit's (GatedRepoError with the access URL, RepoNotFoundError, AuthInvalidError
 * naming the token's source, LocalEntryNotFoundError offline...) and are thrown, because
 * transformers.js lets an exception from fetch through (hub.js:347) while it would turn any status
 * >= 400 into its own "Unauthorized access to file" (hub/utils.js:115-128). The one exception is a
 * file that does not exist: a 404, so that transformers.js can skip an optional file (fatal=false)
 * or report a required one, as it does against the Hub.
 *
 * Any other URL goes to the previous fetch, with the token added only where authorizationFor says
 * (the endpoint's origin) and removed elsewhere, redirects followed here so it never reaches a CDN.
 *
 * @example
 * env.fetch = createHubkitFetch(createHubFiles({ config }), env.fetch);
 */
export function createHubkitFetch(files: HubFiles, fallback: FetchLike, token?: string | false): FetchLike {
  return async function hubkitFetch(input, init) {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : undefined;
    const file = url === undefined ? undefined : files.parse(url);
    if (url === undefined || file === undefined) return passThrough(input, init);
    const method = (init?.method ?? "GET").toUpperCase();
    const range = new Headers(init?.headers).get("range");
    if (method === "HEAD" || range === "bytes=0-0") return probe(file, method === "HEAD");
    if (isWeightsFile(file.filename)) return weights(file);
    return load(file);
  };

  async function probe(file: HubFile, head: boolean): Promise<Response> {
    const answer = await files.lookup(file);
    let size: number | undefined;
    if (answer?.kind === "file") size = (await stat(answer.path)).size;
    else if (answer?.kind === "absent" || files.config.offline) return notFound();
    else {
      const meta = await files.probe(file);
      if (!meta) return notFound();
      size = meta.size;
    }
    // As the Hub answers a one-byte range: 206 with the total in Content-Range; 416 is what a
    // zero-length file gives, which transformers.js reads as absent (get_file_metadata.js:148-151),
    // so an empty file is a 200 instead.
    if (head || size === undefined || size === 0) {
      return new Response(null, {
        status: 200,
        headers: size === undefined ? {} : { "content-length": String(size) },
      });
    }
    return new Response(null, { status: 206, headers: { "content-range": `bytes 0-0/${size}` } });
  }

  async function weights(file: HubFile): Promise<Response> {
    const answer = await files.lookup(file);
    if (answer?.kind === "file") return fileResponse(answer.path);
    // Downloaded by put (or by reading this body, should a caller do so); a file that does not exist
    // then fails there with hubkit's EntryNotFoundError, as weights are always required.
    return new Response(
      lazyFileStream(async () => (await files.download(file, { required: true })) as string),
      {
        status: 200,
      },
    );
  }

  async function load(file: HubFile): Promise<Response> {
    const answer = await files.lookup(file);
    if (answer?.kind === "file") return fileResponse(answer.path);
    if (answer?.kind === "absent") return notFound();
    const path = await files.download(file, { required: false });
    return path === undefined ? notFound() : fileResponse(path);
  }

  async function passThrough(input: string | URL, init: RequestInit | undefined): Promise<Response> {
    // transformers.js passes strings (hub.js:78); a Request object or a non-http URL is not ours to change.
    if (input instanceof Request || !/^https?:/i.test(String(input))) return fallback(input, init);
    const endpoint = files.config.endpoint;
    const bearer = files.config.offline
      ? undefined
      : (await resolveToken({ token, config: files.config }))?.token;
    let url = String(input);
    let method = (init?.method ?? "GET").toUpperCase();
    const first = new URL(url).origin;
    let left = false;
    for (let hop = 0; ; hop++) {
      left ||= new URL(url).origin !== first;
      const headers = new Headers(init?.headers);
      headers.delete("authorization");
      // Never again once a redirect left the first origin (as hub-client does).
      const authorization = left ? undefined : authorizationFor(url, { endpoint, token: bearer });
      if (authorization !== undefined) headers.set("authorization", authorization);
      const res = await fallback(url, { ...init, method, headers, redirect: "manual" });
      const location = res.headers.get("location");
      if (!REDIRECTS.has(res.status) || location === null || hop >= MAX_REDIRECTS) return res;
      await res.body?.cancel();
      if (res.status === 303 && method !== "HEAD") method = "GET";
      url = new URL(location, url).href;
    }
  }
}

function notFound(): Response {
  return new Response(null, { status: 404, headers: { "x-error-code": "EntryNotFound" } });
}
