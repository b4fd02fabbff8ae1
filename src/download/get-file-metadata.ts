import { repoPaths, writeRef } from "../cache/layout.js";
import { readConfig } from "../config/index.js";
import { type FileTask, headFileMetadata } from "./download-file.js";
import { createDownloadContext, explainRepoError } from "./hub.js";
import type { CommonDownloadOptions } from "./types.js";
import { validateRelativeFilename, validateRepoId } from "./validators.js";

export type GetFileMetadataOptions = Omit<
  CommonDownloadOptions,
  "localDir" | "forceDownload" | "connections" | "onProgress" | "lockTimeoutMs"
> & {
  /** Path in the repo, `/`-separated. */
  filename: string;
};

/** A file's metadata as the Hub reports it: the commit and etag are always known. */
export interface HubFileMetadata {
  /** The commit the revision resolved to (X-Repo-Commit). */
  commit: string;
  /** The blob name: sha256 for LFS files, git blob sha1 otherwise. */
  etag: string;
  /** Bytes (X-Linked-Size, else Content-Length). */
  size: number | undefined;
  /** Where the content is fetched from (the CDN for LFS files). */
  location: string;
}

/**
 * One HEAD on the file's `/resolve/` URL, as Python's `get_hf_file_metadata`: Hub redirects are
 * followed with the token, an off-Hub redirect (the CDN) is not followed, so nothing is downloaded
 * and the token never leaves the endpoint. Fails with the same errors as `downloadFile` (gated with
 * the access URL and the user, repo / revision / file not found, 401 naming the token's source).
 * Like `downloadFile`'s HEAD, it records what it learned in the cache: `refs/<revision>` (the
 * commit a branch or tag resolved to) and, for a file not found at a known commit,
 * `.no_exist/<commit>/<path>`, so that later offline lookups (`tryToLoadFromCache`) agree with the
 * Hub. Python's function writes nothing.
 *
 * @example
 * const { commit, size } = await getFileMetadata({ repoId: "acme/tiny-model", filename: "model.safetensors" });
 */
export async function getFileMetadata(options: GetFileMetadataOptions): Promise<HubFileMetadata> {
  validateRepoId(options.repoId);
  validateRelativeFilename(options.filename);
  const ctx = await createDownloadContext({ ...options, config: options.config ?? readConfig(process.env) });
  const task: FileTask = {
    ctx,
    repoId: options.repoId,
    revision: options.revision ?? "main",
    filename: options.filename,
    force: false,
    signal: options.signal,
    transfer: {},
  };
  const paths = repoPaths(ctx.cacheDir, options.repoId, ctx.repoType);
  try {
    const meta = await headFileMetadata(task, paths, true);
    const commit = meta.commit as string;
    // What downloadFile does after its HEAD; a cache that cannot be written is no failure here.
    await writeRef(paths, task.revision, commit).catch(() => undefined);
    return { commit, etag: meta.etag as string, size: meta.size, location: meta.location };
  } catch (e) {
    throw await explainRepoError(e, ctx, options.repoId);
  }
}
