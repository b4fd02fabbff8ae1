import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gitBlobSha1 } from "../../src/common/hashes.js";

/**
 * A tiny scripted Hub for the download unit tests (the full `createHubServer` is exercised by the
 * e2e tests): revision info, tree listing with pagination, HEAD/GET /resolve with Range, LFS files
 * redirected to a CDN on 127.0.0.2 that honours Range. `hook` can misbehave per request.
 */
export interface MiniFile {
  content: Buffer;
  lfs?: boolean;
}
export interface MiniRepo {
  id: string;
  type?: "model" | "dataset";
  commits: Record<string, Record<string, MiniFile>>;
  refs: Record<string, string>;
}
export interface MiniRequest {
  method: string;
  host: string;
  path: string;
  headers: IncomingMessage["headers"];
  status?: number;
}
export type Hook = (
  req: IncomingMessage,
  res: ServerResponse,
  info: MiniRequest,
) => boolean | undefined | Promise<boolean | undefined>;

export interface MiniHub {
  url: string;
  cdnUrl: string;
  requests: MiniRequest[];
  repos: MiniRepo[];
  hook: Hook | undefined;
  pageSize: number;
  close(): Promise<void>;
}

export function sha256(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port)),
  );
}

function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  etag: string,
  extra: Record<string, string>,
) {
  const range = req.headers.range;
  const ifRange = req.headers["if-range"];
  const m = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
  if (m && (ifRange === undefined || ifRange === `"${etag}"`)) {
    const start = Number(m[1]);
    if (start >= body.length) {
      res.writeHead(416, { "content-range": `bytes */${body.length}` });
      res.end();
      return;
    }
    const end = m[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
    res.writeHead(206, {
      ...extra,
      etag: `"${etag}"`,
      "content-length": String(end - start + 1),
      "content-range": `bytes ${start}-${end}/${body.length}`,
      "accept-ranges": "bytes",
    });
    if (req.method === "HEAD") res.end();
    else res.end(body.subarray(start, end + 1));
    return;
  }
  res.writeHead(200, {
    ...extra,
    etag: `"${etag}"`,
    "content-length": String(body.length),
    "accept-ranges": "bytes",
  });
  if (req.method === "HEAD") res.end();
  else res.end(body);
}

export async function startMiniHub(repos: MiniRepo[]): Promise<MiniHub> {
  const blobs = new Map<string, Buffer>();
  const hub: MiniHub = {
    url: "",
    cdnUrl: "",
    requests: [],
    repos,
    hook: undefined,
    pageSize: 1000,
    close: async () => {},
  };
  const handle = async (req: IncomingMessage, res: ServerResponse, cdn: boolean) => {
    const u = new URL(req.url ?? "/", "http://x");
    const info: MiniRequest = {
      method: req.method ?? "",
      host: cdn ? "cdn" : "hub",
      path: u.pathname + u.search,
      headers: req.headers,
    };
    hub.requests.push(info);
    res.on("finish", () => (info.status = res.statusCode));
    if (hub.hook && (await hub.hook(req, res, info))) return;
    if (cdn) {
      const sha = u.pathname.replace(/^\/cdn\//, "");
      const b = blobs.get(sha);
      if (!b) return void res.writeHead(404).end();
      return sendBody(req, res, b, sha, {});
    }
    const parts = u.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const notFound = (code: string) =>
      void res.writeHead(404, { "x-error-code": code, "x-error-message": code }).end();
    const findRepo = (type: string, id: string) =>
      repos.find((r) => r.id === id && (r.type ?? "model") === type);
    const commitOf = (r: MiniRepo, rev: string) => (r.commits[rev] ? rev : r.refs[rev]);
    if (parts[0] === "api") {
      const type = (parts[1] as string).replace(/s$/, "");
      const id = `${parts[2]}/${parts[3]}`;
      const r = findRepo(type, id);
      if (!r) return notFound("RepoNotFound");
      if (parts[4] === undefined && req.method === "HEAD") return void res.writeHead(200).end();
      const rev = parts.slice(5).join("/");
      const sha = commitOf(r, rev);
      if (!sha) return notFound("RevisionNotFound");
      if (parts[4] === "revision") {
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end(JSON.stringify({ id, sha }));
      }
      if (parts[4] === "tree") {
        const entries = Object.entries(r.commits[sha] as Record<string, MiniFile>).map(([path, f]) => ({
          type: "file",
          path,
          size: f.content.length,
          oid: gitBlobSha1(f.content),
          ...(f.lfs ? { lfs: { oid: sha256(f.content), size: f.content.length, pointerSize: 130 } } : {}),
        }));
        const cursor = Number(u.searchParams.get("cursor") ?? 0);
        const page = entries.slice(cursor, cursor + hub.pageSize);
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (cursor + hub.pageSize < entries.length) {
          const next = new URL(u.pathname + u.search, hub.url);
          next.searchParams.set("cursor", String(cursor + hub.pageSize));
          headers.link = `<${next}>; rel="next"`;
        }
        res.writeHead(200, headers);
        return void res.end(JSON.stringify(page));
      }
      return void res.writeHead(404).end();
    }
    let type = "model";
    let p = parts;
    if (p[0] === "datasets") {
      type = "dataset";
      p = p.slice(1);
    }
    const id = `${p[0]}/${p[1]}`;
    const r = findRepo(type, id);
    if (!r || p[2] !== "resolve") return notFound("RepoNotFound");
    const rev = p[3] as string;
    const path = p.slice(4).join("/");
    const sha = commitOf(r, rev);
    if (!sha) return notFound("RevisionNotFound");
    const f = r.commits[sha]?.[path];
    if (!f) {
      res.writeHead(404, { "x-error-code": "EntryNotFound", "x-repo-commit": sha });
      return void res.end();
    }
    if (f.lfs) {
      const h = sha256(f.content);
      blobs.set(h, f.content);
      res.writeHead(302, {
        location: `${hub.cdnUrl}/cdn/${h}`,
        "x-repo-commit": sha,
        "x-linked-etag": `"${h}"`,
        "x-linked-size": String(f.content.length),
        etag: '"pointer-etag"',
        "content-length": "0",
      });
      return void res.end();
    }
    sendBody(req, res, f.content, gitBlobSha1(f.content), { "x-repo-commit": sha });
  };
  const hubServer = createServer((req, res) => void handle(req, res, false));
  const cdnServer = createServer((req, res) => void handle(req, res, true));
  const port = await listen(hubServer, "127.0.0.1");
  const cdnPort = await listen(cdnServer, "127.0.0.2");
  hub.url = `http://127.0.0.1:${port}`;
  hub.cdnUrl = `http://127.0.0.2:${cdnPort}`;
  hub.close = async () => {
    hubServer.closeAllConnections();
    cdnServer.closeAllConnections();
    await Promise.all([new Promise((r) => hubServer.close(r)), new Promise((r) => cdnServer.close(r))]);
  };
  return hub;
}
