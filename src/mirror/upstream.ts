/**
 * The mirror's side of the upstream Hub: HEAD /resolve with the caller's own token (what the
 * Python client's `get_hf_file_metadata` asks, python-hf-download.md §1.11), and a pass-through for
 * API calls. Each request is made with a client holding that caller's token and no other, created
 * for the request and dropped after it; the token is never stored. Nothing the upstream answers
 * reaches a caller with the upstream's address in it: `rewrite()` turns it into the mirror's.
 */
import type { IncomingMessage } from "node:http";
import { isCommitHash, quoteAll, quotePath, type RepoType, URL_PREFIX } from "../common/repo.js";
import { type Env, readConfig } from "../config/index.js";
import { parseFileMetadata } from "../download/metadata.js";
import { createHubClient, type HubClient, type HubResponse } from "../http/hub-client.js";

/** What the upstream said about one file at one revision, for one caller. */
export type UpstreamFile =
  | {
      kind: "file";
      commit: string;
      etag: string;
      size: number;
      /** An LFS file (X-Linked-Etag: sha256): its bytes are behind `location`. */
      lfs: boolean;
      /** Where to GET the bytes (the upstream's CDN for LFS files). Never sent to a caller. */
      location: string;
    }
  /** The upstream refused or does not have it (4xx): passed on to the caller as is. */
  | { kind: "refused"; status: number; headers: Record<string, string> }
  /** No answer, or a 5xx: the mirror falls back on its store (mirror-server.ts says when). */
  | { kind: "down"; reason: string };

/** The headers of an upstream answer a caller may see (the Hub's protocol headers). */
const PASSED_HEADERS = [
  "content-type",
  "x-error-code",
  "x-error-message",
  "x-repo-commit",
  "etag",
  "link",
  "x-total-count",
  "location",
  "content-disposition",
  "last-modified",
  "accept-ranges",
  "content-range",
  "x-linked-etag",
  "x-linked-size",
];

export class Upstream {
  readonly endpoint: string;
  private readonly env: Env;

  constructor(endpoint: string, env: Env = {}) {
    this.endpoint = endpoint.replace(/\/+$/, "");
    // The caller's token is handed to each client: no HF_TOKEN or token file of the mirror's host
    // is ever read, and offline mode would defeat a mirror.
    const { HF_HUB_OFFLINE: _offline, HF_TOKEN: _token, ...rest } = env;
    this.env = { ...rest, HF_ENDPOINT: this.endpoint };
  }

  /** A client for one caller (anonymous without a token). */
  client(token: string | undefined): HubClient {
    return createHubClient({ config: readConfig(this.env), token, userAgent: "hubkit-mirror" });
  }

  fileUrl(type: RepoType, repo: string, revision: string, path: string): string {
    return `${this.endpoint}/${URL_PREFIX[type]}${repo}/resolve/${quoteAll(revision)}/${quotePath(path)}`;
  }

  /** HEAD /resolve for this caller (Hub redirects followed, the CDN's not, as Python's HEAD). */
  async headFile(
    token: string | undefined,
    type: RepoType,
    repo: string,
    revision: string,
    path: string,
  ): Promise<UpstreamFile> {
    let res: HubResponse;
    try {
      res = await this.client(token).request({
        method: "HEAD",
        url: this.fileUrl(type, repo, revision, path),
        redirect: "hub-only",
        headers: { "accept-encoding": "identity" },
        throwOnError: false,
        retry: false,
        repo: { id: repo, type },
      });
      await res.dump();
    } catch (e) {
      return { kind: "down", reason: (e as { code?: string }).code ?? "no answer" };
    }
    if (res.status >= 500) return { kind: "down", reason: `HTTP ${res.status}` };
    if (res.status >= 400) return { kind: "refused", status: res.status, headers: res.headers };
    const meta = parseFileMetadata(res);
    if (!meta.commit || !isCommitHash(meta.commit) || !meta.etag || meta.size === undefined)
      return { kind: "down", reason: "the upstream's answer lacks X-Repo-Commit, ETag or a size" };
    return {
      kind: "file",
      commit: meta.commit,
      etag: meta.etag,
      size: meta.size,
      lfs: res.headers["x-linked-etag"] !== undefined,
      location: meta.location,
    };
  }

  /**
   * The same request, sent upstream with this caller's token; its answer with the Hub's headers and
   * the upstream's address turned into `mirrorUrl`. JSON bodies are rewritten, others streamed.
   */
  async forward(
    req: IncomingMessage,
    token: string | undefined,
    mirrorUrl: string,
    body?: string,
  ): Promise<{ status: number; headers: Record<string, string>; body: HubResponse["body"] | Buffer }> {
    const headers: Record<string, string> = {};
    for (const h of ["accept", "content-type", "range", "if-range", "if-none-match"]) {
      const v = req.headers[h];
      if (typeof v === "string") headers[h] = v;
    }
    const res = await this.client(token).request({
      method: req.method === "POST" ? "POST" : req.method === "HEAD" ? "HEAD" : "GET",
      url: `${this.endpoint}${req.url ?? "/"}`,
      headers,
      body,
      redirect: "manual",
      throwOnError: false,
      retry: false,
    });
    const out: Record<string, string> = {};
    for (const h of PASSED_HEADERS) {
      const v = res.headers[h];
      if (v !== undefined) out[h] = this.rewrite(v, mirrorUrl);
    }
    if (req.method === "HEAD") {
      await res.dump();
      return { status: res.status, headers: out, body: Buffer.alloc(0) };
    }
    if ((res.headers["content-type"] ?? "").includes("json")) {
      return {
        status: res.status,
        headers: out,
        body: Buffer.from(this.rewrite(await res.text(), mirrorUrl)),
      };
    }
    return { status: res.status, headers: out, body: res.body };
  }

  /** The upstream's origin, wherever it appears, becomes the mirror's. */
  rewrite(text: string, mirrorUrl: string): string {
    return text.split(this.endpoint).join(mirrorUrl);
  }
}
