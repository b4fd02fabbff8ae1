/**
 * `hf serve --mirror UPSTREAM --data DIR`: a pull-through Hub mirror. Clients set HF_ENDPOINT to
 * it; it asks the upstream Hub (the caller's own token, or none) for metadata and access, and keeps
 * the bytes in DIR, a hub cache (the `cache/` layout, so `hf cache ls|verify|rm --cache-dir DIR`
 * manage it and `HF_HUB_CACHE=DIR hf download` pre-warms it).
 *
 * Routes (a table from server/route-table.ts, like the local Hub's):
 *   HEAD|GET /{prefix}{repo}/resolve/{rev}/{path}  metadata upstream, bytes from the store. Every
 *       file, LFS included, is answered directly (200/206 with X-Repo-Commit, ETag, X-Linked-Etag,
 *       X-Linked-Size), never redirected to the upstream's CDN: each byte request is a request the
 *       caller's access was checked for. With nginx in front (`blobs: "accel"`) the GET answers
 *       `X-Accel-Redirect: /_hubkit_store/<repo folder>/blobs/<etag>` and nginx sends the file.
 *   GET|HEAD /api/..., /raw/, POST paths-info  sent upstream with the caller's token.
 *   GET /_hubkit/mirror/stats  counters (mirror-stats.ts); every answer carries `X-Hubkit-Mirror`.
 *   anything that writes  405: the mirror is read-only.
 *
 * Access: the upstream's answer to HEAD /resolve is the decision, remembered per (token hash, repo,
 * revision) for the TTL (access-cache.ts). When the upstream does not answer (down, or a 5xx):
 * public repos whose revision the store holds are served from it; gated/private ones only to a
 * caller confirmed within the TTL; anything else is a 503 whose X-Error-Message says why.
 */
import { promises as fsp } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, resolve as resolvePath, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { pointerPath, readRef, repoFolderName, repoPaths } from "../cache/layout.js";
import { isCommitHash, type RepoType } from "../common/repo.js";
import type { Env } from "../config/index.js";
import type { RetryPolicy } from "../http/retry-policy.js";
import { badSegment, disposition } from "../server/file-routes.js";
import {
  contentTypeFor,
  type Headers,
  planRange,
  readBody,
  sendError,
  sendJson,
  writeBody,
} from "../server/http-util.js";
import { typeOf } from "../server/repo-route.js";
import { type RouteParams, RouteTable, splitTarget } from "../server/route-table.js";
import type { Clock } from "../server/types.js";
import { AccessCache, DEFAULT_ACCESS_TTL_MS } from "./access-cache.js";
import { BlobFetcher } from "./blob-fetcher.js";
import { emptyStats, type MirrorStats } from "./mirror-stats.js";
import { PublicRepos } from "./public-repos.js";
import { Upstream } from "./upstream.js";

/** The internal nginx location the app's X-Accel-Redirect answers point into (nginx-config.ts). */
export const STORE_LOCATION = "/_hubkit_store/";

export interface MirrorServerOptions {
  /** The upstream Hub's URL: huggingface.co, a corporate mirror, another `hf serve`. */
  upstream: string;
  /** The store: a hub cache. */
  dataDir: string;
  host?: string | undefined;
  port?: number | undefined;
  /** Settings of the upstream client (CA bundle, proxies, timeouts); HF_TOKEN in it is ignored. */
  env?: Env | undefined;
  /** How long an access decision is trusted (default 60 s). */
  accessTtlMs?: number | undefined;
  /** @internal Tests advance it instead of sleeping past the TTL. */
  clock?: Clock | undefined;
  /** "node" (default): the app sends blobs; "accel": X-Accel-Redirect for nginx to send them. */
  blobs?: "node" | "accel" | undefined;
  /** One line per upstream fetch and notable event; never a token or the upstream's address. */
  log?: ((line: string) => void) | undefined;
  /** @internal Overrides of the retry policy for upstream blob transfers. */
  retry?: Partial<RetryPolicy> | undefined;
}

export interface MirrorServer {
  /** `http://127.0.0.1:PORT` of this app. */
  url: string;
  stats(): MirrorStats;
  close(): Promise<void>;
}

/** What the mirror serves a file as: the upstream's metadata, or what the store holds. */
interface FileMeta {
  commit: string;
  etag: string;
  size: number;
  lfs: boolean;
}

/** How often a caller waiting for a first fetch gets a `102 Processing`. */
const PROCESSING_EVERY_MS = 1_000;

const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return m ? m[1] : undefined;
}

/**
 * Starts the mirror app on loopback and resolves once it accepts connections.
 *
 * @example
 * const mirror = await createMirrorServer({ upstream: "https://huggingface.co", dataDir: "/srv/hf" });
 * // clients: HF_ENDPOINT=mirror.url hf download org/model
 */
export async function createMirrorServer(options: MirrorServerOptions): Promise<MirrorServer> {
  const dataDir = resolvePath(options.dataDir);
  await fsp.mkdir(dataDir, { recursive: true });
  const clock = options.clock ?? SYSTEM_CLOCK;
  const ttlMs = options.accessTtlMs ?? DEFAULT_ACCESS_TTL_MS;
  const log = options.log ?? (() => undefined);
  const upstream = new Upstream(options.upstream, options.env);
  const access = new AccessCache(ttlMs, clock);
  const stats = emptyStats(ttlMs);
  // (type, repo, commit, path) -> metadata: immutable once a commit is named.
  const metas = new Map<string, FileMeta>();
  const publicRepos = new PublicRepos(dataDir);
  const fetcher = new BlobFetcher(dataDir, {
    retry: options.retry,
    onFetched: (r) => {
      stats.upstreamFetches++;
      stats.upstreamBytes += r.bytes;
      log(
        `hubkit mirror: fetched ${r.type} ${r.repo} ${r.path}: ${r.bytes} bytes in ${r.seconds.toFixed(2)} s`,
      );
    },
  });

  const metaKey = (type: RepoType, repo: string, commit: string, path: string) =>
    `${type}\n${repo}\n${commit}\n${path}`;

  /** The file as the store holds it at `revision` (a commit, or a ref the store recorded). */
  async function fromStore(type: RepoType, repo: string, revision: string, path: string) {
    const paths = repoPaths(dataDir, repo, type);
    const commit = isCommitHash(revision) ? revision : await readRef(paths, revision);
    if (!commit) return undefined;
    try {
      const blob = await fsp.realpath(pointerPath(paths, commit, path));
      if (!blob.startsWith(resolvePath(paths.blobs) + sep)) return undefined;
      const etag = basename(blob);
      const size = (await fsp.stat(blob)).size;
      return { commit, etag, size, lfs: /^[0-9a-f]{64}$/.test(etag) } satisfies FileMeta;
    } catch {
      return undefined;
    }
  }

  /** Learns, once per repo, whether anonymous callers may read it (only those serve while down). */
  function probePublic(type: RepoType, repo: string, revision: string, path: string): void {
    if (publicRepos.has(type, repo)) return;
    void upstream
      .headFile(undefined, type, repo, revision, path)
      .then((r) => (r.kind === "file" ? publicRepos.add(type, repo) : undefined))
      .catch(() => undefined);
  }

  /**
   * The metadata this caller may have for the file, or undefined once an error was answered:
   * the access cache within the TTL, else the upstream, else (upstream down) the store's copy
   * under the rules in the header.
   */
  async function fileMeta(
    res: ServerResponse,
    token: string | undefined,
    type: RepoType,
    repo: string,
    revision: string,
    path: string,
    mirrorUrl: string,
  ): Promise<FileMeta | undefined> {
    const grant = access.get(token, type, repo, revision);
    if (grant) {
      const known = metas.get(metaKey(type, repo, grant.commit, path));
      if (known) {
        stats.accessCacheHits++;
        return known;
      }
    }
    stats.upstreamChecks++;
    const up = await upstream.headFile(token, type, repo, revision, path);
    if (up.kind === "file") {
      const meta: FileMeta = { commit: up.commit, etag: up.etag, size: up.size, lfs: up.lfs };
      access.set(token, type, repo, revision, up.commit);
      metas.set(metaKey(type, repo, up.commit, path), meta);
      if (token === undefined) await publicRepos.add(type, repo).catch(() => undefined);
      else probePublic(type, repo, revision, path);
      return meta;
    }
    if (up.kind === "refused") {
      // The upstream's word for this caller, as is (GatedRepo, RepositoryNotFound, EntryNotFound...).
      access.drop(token, type, repo, revision);
      const h: Headers = {};
      for (const k of ["x-error-code", "x-error-message", "x-repo-commit"]) {
        const v = up.headers[k];
        if (v !== undefined) h[k] = upstream.rewrite(v, mirrorUrl);
      }
      sendJson(res, up.status, { error: h["x-error-message"] ?? `upstream answered ${up.status}` }, h);
      return undefined;
    }
    stats.upstreamDown++;
    if (grant || publicRepos.has(type, repo)) {
      const stored = await fromStore(type, repo, grant?.commit ?? revision, path);
      if (stored) return stored;
    }
    log(`hubkit mirror: upstream unavailable (${up.reason}) for ${type} ${repo} ${path}`);
    sendError(
      res,
      503,
      `hubkit mirror: the upstream Hub is not answering (${up.reason}) and ${repo}/${path} at '${revision}' cannot be served from the mirror's store to this caller. Retry later.`,
    );
    return undefined;
  }

  async function resolveFile(req: IncomingMessage, res: ServerResponse, params: RouteParams): Promise<void> {
    const type = typeOf(params);
    const repo = params.repo as string;
    const revision = params.rev as string;
    const segments = (params.path as string).split("/");
    if (segments.some(badSegment)) {
      sendError(res, 400, "Invalid path: a file path cannot contain '.', '..' or empty segments");
      return;
    }
    const path = segments.join("/");
    const token = bearer(req);
    const mirrorUrl = `http://${req.headers.host}`;
    const meta = await fileMeta(res, token, type, repo, revision, path, mirrorUrl);
    if (!meta) return;
    const headers: Headers = {
      "X-Repo-Commit": meta.commit,
      ETag: `"${meta.etag}"`,
      "Accept-Ranges": "bytes",
      "Content-Type": contentTypeFor(path),
      "Content-Disposition": disposition(path.slice(path.lastIndexOf("/") + 1)),
      "Cache-Control": "private, max-age=0, must-revalidate",
    };
    if (meta.lfs) {
      headers["X-Linked-Etag"] = `"${meta.etag}"`;
      headers["X-Linked-Size"] = meta.size;
    }
    if (req.method === "HEAD") {
      res.writeHead(200, { ...headers, "Content-Length": meta.size });
      res.end();
      return;
    }
    const cached = await fetcher.has(type, repo, meta.etag);
    if (cached) stats.hits++;
    else stats.misses++;
    // A caller waits for the verified blob. Meanwhile `102 Processing` every second (RFC 2518
    // §10.1) keeps a client's read timeout (HF_HUB_DOWNLOAD_TIMEOUT, 10 s) from firing during a big
    // first fetch: httpcore and undici read past 1xx answers. nginx does not pass 1xx on, so behind
    // it the waiting shows as nothing (its proxy_read_timeout is long).
    const keepAlive =
      cached || options.blobs === "accel"
        ? undefined
        : setInterval(() => res.writeProcessing(), PROCESSING_EVERY_MS);
    let blob: string;
    try {
      blob = await fetcher.ensure({
        type,
        repo,
        commit: meta.commit,
        revision,
        path,
        etag: meta.etag,
        size: meta.size,
        locate: async () => {
          const up = await upstream.headFile(token, type, repo, meta.commit, path);
          if (up.kind !== "file")
            throw new Error(
              `the upstream ${up.kind === "down" ? `is not answering (${up.reason})` : `refused (${up.status})`}`,
            );
          return { url: up.location, client: upstream.client(token) };
        },
      });
    } catch (e) {
      // The code only: an upstream error message may carry the upstream's or its CDN's URL.
      const why = (e as { code?: string }).code ?? "error";
      log(`hubkit mirror: fetching ${type} ${repo} ${path} failed (${why})`);
      sendError(
        res,
        502,
        `hubkit mirror: fetching ${repo}/${path} from the upstream Hub failed (${why}); nothing was stored. Retry the download.`,
      );
      return;
    } finally {
      clearInterval(keepAlive);
    }
    const plan = planRange(req, meta.size, meta.etag, false);
    if (plan.status !== 416) stats.bytesServed += plan.end - plan.start + 1;
    if (options.blobs === "accel") {
      // nginx sends the file (sendfile, Range, If-Range against the ETag the config sets from
      // X-Hubkit-Etag); only these headers survive an X-Accel-Redirect, so the Hub's are re-added
      // there (nginx-config.ts).
      res.writeHead(200, {
        "X-Accel-Redirect": `${STORE_LOCATION}${repoFolderName(repo, type)}/blobs/${meta.etag}`,
        "X-Hubkit-Etag": `"${meta.etag}"`,
        "X-Hubkit-Linked-Size": meta.lfs ? String(meta.size) : "",
        "X-Repo-Commit": meta.commit,
        "Content-Type": headers["Content-Type"] as string,
        "Content-Disposition": headers["Content-Disposition"] as string,
        "Content-Length": 0,
      });
      res.end();
      return;
    }
    if (plan.status === 416) {
      res.writeHead(416, { ...headers, "Content-Range": `bytes */${meta.size}`, "Content-Length": 0 });
      res.end();
      return;
    }
    headers["Content-Length"] = plan.end - plan.start + 1;
    if (plan.status === 206) headers["Content-Range"] = `bytes ${plan.start}-${plan.end}/${meta.size}`;
    res.writeHead(plan.status, headers);
    writeBody(res, { file: blob, start: plan.start, end: plan.end }, undefined);
  }

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const mirrorUrl = `http://${req.headers.host}`;
    const body = req.method === "POST" ? await readBody(req) : undefined;
    let answer: Awaited<ReturnType<Upstream["forward"]>>;
    try {
      answer = await upstream.forward(req, bearer(req), mirrorUrl, body);
    } catch (e) {
      stats.upstreamDown++;
      sendError(
        res,
        503,
        `hubkit mirror: the upstream Hub is not answering (${(e as { code?: string }).code ?? "error"}); API calls need it. Retry later.`,
      );
      return;
    }
    if (Buffer.isBuffer(answer.body)) {
      res.writeHead(answer.status, { ...answer.headers, "Content-Length": answer.body.length });
      res.end(answer.body);
      return;
    }
    res.writeHead(answer.status, answer.headers);
    await pipeline(answer.body, res).catch(() => res.destroy());
  }

  const readOnly = (_req: IncomingMessage, res: ServerResponse) =>
    sendError(
      res,
      405,
      "hubkit mirror is read-only: uploads, repo changes and other writes go to the upstream Hub itself (HF_ENDPOINT=<the upstream> for those).",
    );
  const FILE = "resolve/{rev}/:path+";
  const RAW = "raw/{rev}/:path+";
  type Handler = (req: IncomingMessage, res: ServerResponse, params: RouteParams) => void | Promise<void>;
  const route = (r: string, h: Handler) => ({ route: r, handle: () => undefined, h });
  const routes = [
    route("GET|HEAD /_hubkit/mirror/stats", (_q, res) => sendJson(res, 200, stats)),
    route(`GET|HEAD /:type(datasets|spaces)/{repo}/${FILE}`, resolveFile),
    route(`GET|HEAD /{repo}/${FILE}`, resolveFile),
    route(`GET|HEAD /:type(datasets|spaces)/{repo}/${RAW}`, forward),
    route(`GET|HEAD /{repo}/${RAW}`, forward),
    route("POST /api/:type(models|datasets|spaces)/{repo}/paths-info/{rev}", forward),
    route("GET|HEAD /api/:rest+", forward),
    route("POST|PUT|DELETE|PATCH /:rest*", readOnly),
  ];
  const handlers = new Map(routes.map((r) => [r.route, r.h]));
  const table = new RouteTable().add(...routes);

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("X-Hubkit-Mirror", "1");
    const target = splitTarget(req.url ?? "/");
    if (!target) {
      sendError(res, 400, "hubkit mirror: malformed request path");
      return;
    }
    for (const { route: r, params } of table.matches(req.method ?? "GET", target.segments)) {
      await (handlers.get(r.route) as Handler)(req, res, params);
      return;
    }
    sendError(res, 404, `hubkit mirror: unknown route ${req.method} ${target.path}`);
  }

  const server: Server = createServer((req, res) => {
    dispatch(req, res).catch((e: unknown) => {
      // The upstream's address never reaches the log, even inside an unexpected error's message.
      const why = upstream.rewrite(String((e as Error).message), "<upstream>");
      log(`hubkit mirror: internal error on ${req.method} ${(req.url ?? "").split("?")[0]}: ${why}`);
      if (!res.headersSent) sendError(res, 500, "hubkit mirror: internal error");
      else res.destroy();
    });
  });
  // Long keep-alive: nginx and clients reuse connections (Node's 5 s default races them).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // A waiter may wait for a big upstream fetch before its first byte.
  server.requestTimeout = 0;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    stats: () => ({ ...stats }),
    close() {
      closed ??= new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
