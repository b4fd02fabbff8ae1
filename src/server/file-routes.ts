/**
 * File routes: `HEAD|GET /{prefix}{repo}/resolve/{rev}/{path}` and `/{prefix}{repo}/raw/{rev}/{path}`
 * on the Hub, and the CDN's blob URLs. On /resolve, regular files are served directly (ETag = git
 * blob sha1); LFS files answer 302 to a signed URL on the CDN host with X-Linked-Etag (sha256) and
 * X-Linked-Size, as huggingface.co does. The server never sends X-Xet-Hash: the Python client would
 * then switch to Xet storage.
 *
 * /raw serves what git holds, directly, never through the CDN: a regular file's bytes, and for an
 * LFS file its pointer text ("`raw` will send the contents of the LFS pointer file", coyotte508 in
 * huggingface.js#1713). Its ETag is the git blob sha1 of what it sends. @huggingface/hub's
 * `fileExists` asks `HEAD .../raw/...`, and `downloadFile({raw: true})` reads it.
 */
import { statSync } from "node:fs";
import type { ServerResponse } from "node:http";
import type { Call, ServerState } from "./context.js";
import { BODY_FAULTS } from "./faults.js";
import { contentTypeFor, type Headers, planRange, sendError, writeBody } from "./http-util.js";
import { entryNotFound, gatedRepo, repoNotFound, revisionNotFound } from "./repo-errors.js";
import { typeOf } from "./repo-route.js";
import type { Route, RouteParams } from "./route-table.js";
import { lfsPointer } from "./store.js";

export function disposition(filename: string): string {
  return `inline; filename*=UTF-8''${encodeURIComponent(filename)}; filename="${filename.replace(/["\\\r\n]/g, "_")}";`;
}

/** A path segment that could climb out of a folder (decoded), or is otherwise not a file name part. */
export function badSegment(s: string): boolean {
  return s === "" || s === "." || s === ".." || s.includes("\0") || s.includes("\\");
}

const FILE = ":action(resolve|raw)/{rev}/:path+";

/** The Hub's file URLs; the `/datasets/`, `/spaces/` prefixes first, then models (no prefix). */
export function fileRoutes(state: ServerState): Route[] {
  const handle = (call: Call, params: RouteParams) => repoFile(call, params, state);
  return [
    { route: `GET|HEAD /:type(datasets|spaces)/{repo}/${FILE}`, handle },
    { route: `GET|HEAD /{repo}/${FILE}`, handle },
  ];
}

/** The CDN host's only route: a signed blob URL. */
export function cdnRoutes(state: ServerState): Route[] {
  return [{ route: "GET|HEAD /repos/:xx/:yy/:sha", handle: (call, p) => cdnBlob(call, p, state) }];
}

function repoFile(call: Call, params: RouteParams, state: ServerState): void {
  const type = typeOf(params);
  const id = params.repo as string;
  const action = params.action as "resolve" | "raw";
  const revision = params.rev as string;
  // A decoded segment may hold `/` (from %2F): each piece is checked as a path segment of its own.
  const segments = (params.path as string).split("/");
  if (segments.some(badSegment)) {
    sendError(call.res, 400, "Invalid path: a file path cannot contain '.', '..' or empty segments");
    return;
  }
  const path = segments.join("/");

  const repo = state.store.findRepo(type, id);
  if (!repo) {
    repoNotFound(call);
    return;
  }
  const access = state.store.canReadFiles(repo, call.token);
  if (access === "not-found") {
    repoNotFound(call);
    return;
  }
  if (access === "gated") {
    gatedRepo(call, repo);
    return;
  }
  const commit = state.store.resolveRevision(repo, revision);
  if (!commit) {
    revisionNotFound(call, revision);
    return;
  }
  const file = commit.tree.get(path);
  if (!file) {
    entryNotFound(call, commit.id);
    return;
  }
  const filename = path.slice(path.lastIndexOf("/") + 1);
  const common: Headers = {
    "X-Repo-Commit": commit.id,
    "Accept-Ranges": "bytes",
    Vary: "Origin, Accept",
    "Access-Control-Expose-Headers":
      "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range,X-Linked-Size,X-Linked-ETag",
  };
  if (file.lfs && action === "resolve") {
    const location = state.cdn.sign(file.sha256, filename, call.rawPath);
    const body = Buffer.from(`Found. Redirecting to ${location}`);
    call.res.writeHead(302, {
      ...common,
      Location: location,
      ETag: `"${file.sha256}"`,
      "X-Linked-Etag": `"${file.sha256}"`,
      "X-Linked-Size": file.size,
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Length": body.length,
    });
    call.res.end(call.method === "HEAD" ? undefined : body);
    return;
  }
  // Served directly: a regular file, or on /raw an LFS file's pointer (what git stores; its git
  // sha1 is the tree oid, so the ETag is `oid` either way).
  const pointer = file.lfs ? Buffer.from(lfsPointer(file.sha256, file.size)) : undefined;
  serveBlob(call.res, call, state, {
    sha256: file.sha256,
    bytes: pointer,
    size: pointer?.length ?? file.size,
    etag: file.oid,
    headers: {
      ...common,
      "Content-Type": pointer ? "text/plain; charset=utf-8" : contentTypeFor(path),
      "Content-Disposition": disposition(filename),
      "Cache-Control": "private, max-age=0, must-revalidate",
    },
    faultPaths: [call.rawPath, `/${call.segments.join("/")}`],
  });
}

interface BlobToServe {
  sha256: string;
  /** Bytes to send instead of the stored blob `sha256` (an LFS pointer on /raw). */
  bytes?: Buffer;
  size: number;
  etag: string;
  headers: Headers;
  faultPaths: string[];
}

/** 200/206/416 for a stored blob, with Range, If-Range and the body faults. */
function serveBlob(res: ServerResponse, call: Call, state: ServerState, blob: BlobToServe): void {
  const head = call.method === "HEAD";
  const fault = head ? undefined : state.faults.take(blob.faultPaths, BODY_FAULTS);
  const plan = planRange(call.req, blob.size, blob.etag, fault?.kind === "ignore-range");
  const headers: Headers = { ...blob.headers, ETag: `"${blob.etag}"` };
  if (plan.status === 416) {
    res.writeHead(416, { ...headers, "Content-Range": `bytes */${blob.size}`, "Content-Length": 0 });
    res.end();
    return;
  }
  const length = plan.end - plan.start + 1;
  headers["Content-Length"] = length;
  if (plan.status === 206) headers["Content-Range"] = `bytes ${plan.start}-${plan.end}/${blob.size}`;
  res.writeHead(plan.status, headers);
  if (head) {
    res.end();
    return;
  }
  const source = blob.bytes ? { bytes: blob.bytes } : { file: state.blobs.pathOf(blob.sha256) };
  writeBody(res, { ...source, start: plan.start, end: plan.end }, fault);
}

/**
 * The CDN listener: `GET|HEAD /repos/xx/yy/<sha256>?<signed query>`. Authorization is never needed
 * (and never looked at, except that the request log records whether one arrived).
 */
function cdnBlob(call: Call, p: RouteParams, state: ServerState): false | undefined {
  const sha = p.sha as string;
  // Anything else under /repos/ is not a blob URL: the loud 404 of an unknown route.
  if (!/^[0-9a-f]{64}$/.test(sha) || p.xx !== sha.slice(0, 2) || p.yy !== sha.slice(2, 4)) return false;
  const ok = state.cdn.verify(sha, call.query);
  if (ok === "invalid" || ok === "expired") {
    sendError(call.res, 403, ok === "expired" ? "Request has expired" : "Invalid signature", "AccessDenied");
    return;
  }
  let size: number;
  try {
    size = statSync(state.blobs.pathOf(sha)).size;
  } catch {
    sendError(call.res, 404, "The specified key does not exist.", "NoSuchKey");
    return;
  }
  serveBlob(call.res, call, state, {
    sha256: sha,
    size,
    etag: sha,
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Disposition": ok.disposition,
      "Cache-Control": "public, max-age=31536000, immutable",
    },
    faultPaths: [call.rawPath, ok.origin],
  });
}
