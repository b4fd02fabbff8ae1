/**
 * Access to a repo, and gated repos: `GET /api/{type}s/{repo}/auth-check[/write]` (what
 * huggingface_hub's `auth_check` asks), the gated-repo admin API of HfApi
 * (`list_pending_access_requests`, `accept/reject/cancel_access_request`, `grant_access`), and the
 * website's "request access" button as `POST /_hubkit/gated/request`.
 */
import { isRepoType } from "../common/repo.js";
import type { Call, ServerState } from "./context.js";
import { parseBody, readBody, sendError, sendJson } from "./http-util.js";
import { gatedRepo, repoNotFound } from "./repo-errors.js";
import { API_REPO, repoRoute } from "./repo-route.js";
import type { Route } from "./route-table.js";
import type { Repo } from "./store.js";

export function gatedRoutes(state: ServerState): Route[] {
  const requests = repoRoute(state, (call, repo, p) =>
    accessRequests(call, repo, p.list ?? p.op ?? "", state),
  );
  return [
    {
      route: `GET ${API_REPO}/auth-check`,
      handle: repoRoute(state, (call, repo) => authCheck(call, repo, false, state)),
    },
    {
      route: `GET ${API_REPO}/auth-check/write`,
      handle: repoRoute(state, (call, repo) => authCheck(call, repo, true, state)),
    },
    { route: `GET ${API_REPO}/user-access-request/:list(pending|accepted|rejected)`, handle: requests },
    { route: `POST ${API_REPO}/user-access-request/:op(handle|grant)`, handle: requests },
    {
      route: "POST /_hubkit/gated/request",
      handle: (call) => requestAccessHttp(call, state),
      token: "ignored",
    },
  ];
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
 * `GET .../user-access-request/{pending|accepted|rejected}`, `POST .../handle` `{"user","status"}`
 * and `POST .../grant` `{"user"}`. Needs write access to the repo.
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

/** `POST /_hubkit/gated/request {"repo","user","type"?}`: the "request access" button of the website. */
async function requestAccessHttp(call: Call, state: ServerState): Promise<void> {
  const body = parseBody(call.req, await readBody(call.req));
  const type = typeof body.type === "string" && isRepoType(body.type) ? body.type : "model";
  const repo = state.store.findRepo(type, String(body.repo ?? ""));
  const user = String(body.user ?? "");
  if (!repo?.gated || !state.store.users.has(user)) {
    sendJson(call.res, 400, {
      error: "hubkit serve: expected {repo (a gated repo), user (a known user), type?}",
    });
    return;
  }
  sendJson(call.res, 200, { status: state.store.requestAccess(repo, user) });
}
