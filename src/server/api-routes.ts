/**
 * The `/api/...` routes of a repo's metadata: whoami-v2, agent-harnesses, repo listings, repo info
 * (at HEAD or a revision), refs and commits. Paths, status codes and JSON shapes follow what
 * huggingface_hub 1.33 sends and parses (hf_api.py), and what @huggingface/hub 2.17 calls. The tree
 * and paths-info are in tree-routes.ts, auth-check and access requests in gated-routes.ts.
 */
import { isTrue } from "../common/env.js";
import { listCommits } from "./commit-listing.js";
import type { Call, ServerState } from "./context.js";
import { sendJson } from "./http-util.js";
import { parseExpand, repoJson } from "./repo-json.js";
import { listRepos } from "./repo-listing.js";
import { API_LIST, API_REPO, repoRoute, resolveOr404, typeOf } from "./repo-route.js";
import type { Route } from "./route-table.js";
import type { Commit, Repo } from "./store.js";
import { whoami } from "./whoami.js";

export function apiRoutes(state: ServerState): Route[] {
  return [
    { route: "GET /api/whoami-v2", handle: (call) => whoami(call, state) },
    {
      route: "GET /api/agent-harnesses",
      // The Python CLI asks on every start (utils/_detect_agent.py); an empty registry is valid.
      handle: (call) => sendJson(call.res, 200, { standardEnvVars: [], harnesses: {} }),
      token: "ignored",
    },
    { route: `GET ${API_LIST}`, handle: (call, p) => listRepos(call, state, typeOf(p)) },
    {
      route: `GET|HEAD ${API_REPO}`,
      handle: repoRoute(state, (call, repo) => repoInfo(call, repo, "HEAD", state)),
    },
    {
      route: `GET ${API_REPO}/revision/:rev+`,
      handle: repoRoute(state, (call, repo, p) => repoInfo(call, repo, p.rev as string, state)),
    },
    { route: `GET ${API_REPO}/refs`, handle: repoRoute(state, (call, repo) => refs(call, repo)) },
    {
      route: `GET ${API_REPO}/commits/:rev+`,
      handle: repoRoute(state, (call, repo, p) => listCommits(call, repo, p.rev as string, state)),
    },
  ];
}

function repoInfo(call: Call, repo: Repo, revision: string, state: ServerState): void {
  const fields = parseExpand(call, repo.type, false);
  if (fields === false) return;
  const commit = resolveOr404(call, repo, revision, state);
  if (!commit) return;
  sendJson(call.res, 200, repoJson(call, repo, commit, fields, "info"));
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
