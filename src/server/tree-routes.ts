/**
 * A repo's files as the API lists them: `GET /api/{type}s/{repo}/tree/{rev}[/{path}]` (what
 * huggingface_hub's `list_repo_tree` and `snapshot_download` page through) and
 * `POST /api/{type}s/{repo}/paths-info/{rev}` (`get_paths_info`). Entries have the Hub's shape:
 * `{type, oid, size, path, lfs?}`, with `lastCommit` and `securityFileStatus` when expanded.
 */
import { createHash } from "node:crypto";
import { isTrue } from "../common/env.js";
import type { Call, ServerState } from "./context.js";
import { parseBody, readBody, sendJson } from "./http-util.js";
import { cursorPage, pageSize } from "./pagination.js";
import { entryNotFound } from "./repo-errors.js";
import { API_REPO, repoRoute, resolveOr404 } from "./repo-route.js";
import type { Route } from "./route-table.js";
import type { Commit, FileEntry, Repo } from "./store.js";

export function treeRoutes(state: ServerState): Route[] {
  return [
    {
      route: `GET ${API_REPO}/tree/{rev}/:path*`,
      handle: repoRoute(state, (call, repo, p) => tree(call, repo, p.rev as string, p.path as string, state)),
    },
    {
      route: `POST ${API_REPO}/paths-info/:rev+`,
      handle: repoRoute(state, (call, repo, p) => pathsInfo(call, repo, p.rev as string, state)),
    },
  ];
}

/** git-style folder oid: sha1 over the folder's sorted entries (deterministic, not real git). */
function folderOid(commit: Commit, folder: string): string {
  const h = createHash("sha1").update(`tree\0${folder}\0`);
  for (const f of commit.tree.values()) if (f.path.startsWith(`${folder}/`)) h.update(`${f.path} ${f.oid}\n`);
  return h.digest("hex");
}

function folders(commit: Commit): Set<string> {
  const out = new Set<string>();
  for (const f of commit.tree.keys()) {
    const parts = f.split("/");
    for (let i = 1; i < parts.length; i++) out.add(parts.slice(0, i).join("/"));
  }
  return out;
}

function lastCommitOf(repo: Repo, index: number): Record<string, unknown> {
  const c = repo.commits[index] as Commit;
  return { id: c.id, title: c.message, date: c.date };
}

function fileJson(repo: Repo, f: FileEntry, expand: boolean): Record<string, unknown> {
  const e: Record<string, unknown> = { type: "file", oid: f.oid, size: f.size, path: f.path };
  if (f.lfs) e.lfs = { oid: f.sha256, size: f.size, pointerSize: f.pointerSize };
  if (expand) {
    e.lastCommit = lastCommitOf(repo, f.lastCommit);
    e.securityFileStatus = {
      status: "safe",
      avScan: { virusFound: false, virusNames: null },
      pickleImportScan: null,
    };
  }
  return e;
}

function folderJson(repo: Repo, commit: Commit, path: string, expand: boolean): Record<string, unknown> {
  const e: Record<string, unknown> = { type: "directory", oid: folderOid(commit, path), size: 0, path };
  if (expand) {
    let last = 0;
    for (const f of commit.tree.values())
      if (f.path.startsWith(`${path}/`)) last = Math.max(last, f.lastCommit);
    e.lastCommit = lastCommitOf(repo, last);
  }
  return e;
}

/** Direct children of `folder`, or everything below it with `recursive=true`. */
function tree(call: Call, repo: Repo, revision: string, folder: string, state: ServerState): void {
  const path = folder.replace(/\/+$/, "");
  const commit = resolveOr404(call, repo, revision, state);
  if (!commit) return;
  const recursive = isTrue(call.query.get("recursive") ?? undefined);
  const expand = isTrue(call.query.get("expand") ?? undefined);
  const dirs = folders(commit);
  if (path !== "" && !dirs.has(path)) {
    entryNotFound(call, commit.id, `Entry not found: ${path}`);
    return;
  }
  const prefix = path === "" ? "" : `${path}/`;
  const below = (p: string) => p.startsWith(prefix) && (recursive || !p.slice(prefix.length).includes("/"));
  const entries: { path: string; json: () => Record<string, unknown> }[] = [];
  for (const d of dirs)
    if (below(d)) entries.push({ path: d, json: () => folderJson(repo, commit, d, expand) });
  for (const f of commit.tree.values())
    if (below(f.path)) entries.push({ path: f.path, json: () => fileJson(repo, f, expand) });
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const paged = cursorPage(call, entries, pageSize(call, expand ? 50 : 1000, 10_000));
  if (!paged) return;
  sendJson(
    call.res,
    200,
    paged.page.map((e) => e.json()),
    paged.headers,
  );
}

/** `paths-info` with a form (`paths=a&paths=b&expand=false`) or JSON body. */
async function pathsInfo(call: Call, repo: Repo, revision: string, state: ServerState): Promise<void> {
  const body = parseBody(call.req, await readBody(call.req));
  const commit = resolveOr404(call, repo, revision, state);
  if (!commit) return;
  const raw = body.paths;
  const paths = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
  const expand = body.expand === true || isTrue(typeof body.expand === "string" ? body.expand : undefined);
  const dirs = folders(commit);
  const out: Record<string, unknown>[] = [];
  for (const p of paths) {
    const clean = p.replace(/\/+$/, "");
    const f = commit.tree.get(clean);
    if (f) out.push(fileJson(repo, f, expand));
    else if (dirs.has(clean)) out.push(folderJson(repo, commit, clean, expand));
  }
  sendJson(call.res, 200, out);
}
