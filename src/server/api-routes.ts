/**
 * `/api/...` routes: whoami-v2, repo listings, repo info, tree, paths-info, refs, commits,
 * auth-check, agent-harnesses. Paths, status codes and JSON shapes follow what huggingface_hub 1.33
 * sends and parses (hf_api.py), and what @huggingface/hub 2.17 calls.
 */
import { createHash } from "node:crypto";
import { isTrue } from "../common/env.js";
import type { RepoType } from "../common/repo.js";
import { listCommits } from "./commit-listing.js";
import type { Call, ServerState } from "./context.js";
import { parseBody, readBody, sendError, sendJson } from "./http-util.js";
import { cursorPage, pageSize } from "./pagination.js";
import { entryNotFound, gatedRepo, repoNotFound, revisionNotFound } from "./repo-errors.js";
import { parseExpand, repoJson } from "./repo-json.js";
import { listRepos } from "./repo-listing.js";
import type { Commit, FileEntry, Repo, Token } from "./store.js";

const TYPES: Record<string, RepoType> = { models: "model", datasets: "dataset", spaces: "space" };
const ACTIONS = new Set([
  "revision",
  "tree",
  "paths-info",
  "refs",
  "commits",
  "auth-check",
  "user-access-request",
]);

/** Returns false when the path is not an API route this module knows (the caller answers 404). */
export async function handleApi(call: Call, state: ServerState): Promise<boolean> {
  const s = call.segments;
  if (s[1] === "whoami-v2" && s.length === 2 && call.method === "GET") {
    whoami(call, state);
    return true;
  }
  if (s[1] === "agent-harnesses" && s.length === 2 && call.method === "GET") {
    // The Python CLI asks on every start (utils/_detect_agent.py); an empty registry is valid.
    sendJson(call.res, 200, { standardEnvVars: [], harnesses: {} });
    return true;
  }
  const type = TYPES[s[1] ?? ""];
  if (type && s.length === 2 && call.method === "GET") {
    listRepos(call, state, type);
    return true;
  }
  if (!type || s.length < 3) return false;
  const rest = s.slice(2);
  // A repo id is `name` or `namespace/name`: prefer two segments unless a one-segment repo exists
  // and the second segment is an action.
  let idLen = 2;
  if (rest.length === 1 || (ACTIONS.has(rest[1] as string) && state.store.findRepo(type, rest[0] as string)))
    idLen = 1;
  const id = rest.slice(0, idLen).join("/");
  const action = rest[idLen];
  const args = rest.slice(idLen + 1);
  const m = call.method;
  const known =
    (action === undefined && (m === "GET" || m === "HEAD")) ||
    (action === "revision" && args.length >= 1 && m === "GET") ||
    (action === "tree" && args.length >= 1 && m === "GET") ||
    (action === "paths-info" && args.length >= 1 && m === "POST") ||
    (action === "refs" && args.length === 0 && m === "GET") ||
    (action === "commits" && args.length >= 1 && m === "GET") ||
    (action === "auth-check" &&
      (args.length === 0 || (args.length === 1 && args[0] === "write")) &&
      m === "GET") ||
    (action === "user-access-request" &&
      args.length === 1 &&
      ((m === "GET" && ["pending", "accepted", "rejected"].includes(args[0] as string)) ||
        (m === "POST" && (args[0] === "handle" || args[0] === "grant"))));
  if (!known) return false;

  const repo = state.store.findRepo(type, id);
  if (!repo || !state.store.canSee(repo, call.token)) {
    repoNotFound(call);
    return true;
  }
  switch (action) {
    case undefined:
      repoInfo(call, repo, "HEAD", state);
      return true;
    case "revision":
      repoInfo(call, repo, args.join("/"), state);
      return true;
    case "tree":
      tree(call, repo, args, state);
      return true;
    case "paths-info":
      await pathsInfo(call, repo, args.join("/"), state);
      return true;
    case "refs":
      refs(call, repo);
      return true;
    case "commits":
      listCommits(call, repo, args.join("/"), state);
      return true;
    case "user-access-request":
      await accessRequests(call, repo, args[0] as string, state);
      return true;
    default:
      authCheck(call, repo, args[0] === "write", state);
      return true;
  }
}

function whoami(call: Call, state: ServerState): void {
  const t = call.token;
  if (!t) {
    sendError(call.res, 401, "Invalid credentials in Authorization header");
    return;
  }
  const user = state.store.users.get(t.user);
  if (!user) {
    sendError(call.res, 401, "Invalid credentials in Authorization header");
    return;
  }
  const orgs = [...user.orgs].flatMap((name) => {
    const o = state.store.orgs.get(name);
    if (!o) return [];
    return [
      {
        type: "org",
        id: o.id,
        name: o.name,
        fullname: o.fullname,
        email: null,
        canPay: false,
        isEnterprise: false,
        avatarUrl: `${call.endpoint}/avatars/${o.name}.svg`,
        periodEnd: null,
        roleInOrg: "write",
      },
    ];
  });
  sendJson(call.res, 200, {
    type: "user",
    id: user.id,
    name: user.name,
    fullname: user.fullname,
    email: user.email,
    emailVerified: true,
    canPay: false,
    isPro: false,
    periodEnd: null,
    avatarUrl: `${call.endpoint}/avatars/${user.name}.svg`,
    orgs,
    auth: authInfo(t, user.id),
  });
}

function authInfo(t: Token, userId: string): Record<string, unknown> {
  // OAuth tokens carry no accessToken (so Python names them `oauth-<user>`, _login.py).
  if (t.kind === "oauth")
    return { type: "oauth", expiresAt: new Date(t.expiresAt ?? Date.now()).toISOString() };
  const accessToken: Record<string, unknown> = { displayName: t.name, role: t.role, createdAt: t.createdAt };
  if (t.role === "fineGrained") {
    accessToken.fineGrained = {
      canReadGatedRepos: t.scopes.includes("repo.content.read"),
      global: [],
      scoped: [{ entity: { _id: userId, type: "user", name: t.user }, permissions: t.scopes }],
    };
  }
  return { type: "access_token", accessToken };
}

function resolveOr404(call: Call, repo: Repo, revision: string, state: ServerState): Commit | undefined {
  const commit = state.store.resolveRevision(repo, revision);
  if (!commit) revisionNotFound(call, revision);
  return commit;
}

function lfsInfo(f: FileEntry): Record<string, unknown> {
  return { oid: f.sha256, size: f.size, pointerSize: f.pointerSize };
}

function repoInfo(call: Call, repo: Repo, revision: string, state: ServerState): void {
  const fields = parseExpand(call, repo.type, false);
  if (fields === false) return;
  const commit = resolveOr404(call, repo, revision, state);
  if (!commit) return;
  sendJson(call.res, 200, repoJson(call, repo, commit, fields, "info"));
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
  if (f.lfs) e.lfs = lfsInfo(f);
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

/** `GET .../tree/{rev}[/{path}]`: direct children, or everything below with `recursive=true`. */
function tree(call: Call, repo: Repo, args: string[], state: ServerState): void {
  const n = args[0] === "refs" && args.length >= 3 ? 3 : 1;
  const revision = args.slice(0, n).join("/");
  const path = args.slice(n).join("/").replace(/\/+$/, "");
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

/** `POST .../paths-info/{rev}` with a form (`paths=a&paths=b&expand=false`) or JSON body. */
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

function refs(call: Call, repo: Repo): void {
  const list = (map: Map<string, number>, kind: string) =>
    [...map.entries()].map(([name, i]) => ({
      name,
      ref: `refs/${kind}/${name}`,
      targetCommit: (repo.commits[i] as Commit).id,
    }));
  const body: Record<string, unknown> = {
    branches: list(repo.branches, "heads"),
    converts: [],
    tags: list(repo.tags, "tags"),
  };
  if (isTrue(call.query.get("include_prs") ?? undefined)) body.pullRequests = list(repo.pullRequests, "pr");
  sendJson(call.res, 200, body);
}

function authCheck(call: Call, repo: Repo, write: boolean, state: ServerState): void {
  if (write) {
    if (!state.store.canWrite(repo, call.token)) {
      if (!call.token) repoNotFound(call);
      else sendError(call.res, 403, `You don't have the rights to write to ${repo.type} ${repo.id}`);
      return;
    }
    sendJson(call.res, 200, {});
    return;
  }
  const access = state.store.canReadFiles(repo, call.token);
  if (access === "gated") gatedRepo(call, repo);
  else if (access === "not-found") repoNotFound(call);
  else sendJson(call.res, 200, {});
}

/**
 * The gated-repo admin API of HfApi (list_pending_access_requests, accept/reject/cancel_access_request,
 * grant_access): `GET .../user-access-request/{pending|accepted|rejected}`, `POST .../handle`
 * `{"user","status"}` and `POST .../grant` `{"user"}`. Needs write access to the repo.
 */
async function accessRequests(call: Call, repo: Repo, what: string, state: ServerState): Promise<void> {
  const body = call.method === "POST" ? parseBody(call.req, await readBody(call.req)) : {};
  if (!state.store.canWrite(repo, call.token)) {
    if (!call.token) repoNotFound(call);
    else
      sendError(
        call.res,
        403,
        `You don't have the rights to manage access requests of ${repo.type} ${repo.id}`,
      );
    return;
  }
  if (!repo.gated) {
    sendError(call.res, 400, `${repo.type} ${repo.id} is not gated`);
    return;
  }
  if (call.method === "GET") {
    const set = what === "pending" ? repo.pending : what === "accepted" ? repo.grants : repo.rejected;
    const list = [...set].map((name) => {
      const u = state.store.users.get(name);
      return {
        user: { user: name, fullname: u?.fullname ?? name, email: u?.email, type: "user" },
        status: what,
        timestamp: repo.requestTimes.get(name) ?? repo.createdAt,
      };
    });
    sendJson(call.res, 200, list);
    return;
  }
  const user = typeof body.user === "string" ? body.user : "";
  if (!state.store.users.has(user)) {
    sendError(call.res, 404, `User ${user || "(missing)"} not found`);
    return;
  }
  const status = what === "grant" ? "accepted" : body.status;
  if (status !== "accepted" && status !== "rejected" && status !== "pending") {
    sendError(call.res, 400, 'status must be "accepted", "rejected" or "pending"');
    return;
  }
  state.store.setAccess(repo, user, status);
  sendJson(call.res, 200, {});
}
