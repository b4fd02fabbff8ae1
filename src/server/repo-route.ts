/**
 * What the `/api/{type}s/{repo}/...` route families share: the pattern prefix, the type names of
 * the URL, and the repo lookup every one of them starts with (a repo the caller may not see answers
 * exactly as a missing one, as the Hub does: `hf_raise_for_status` reads both as RepoNotFound).
 */
import type { RepoType } from "../common/repo.js";
import type { Call, ServerState } from "./context.js";
import { repoNotFound, revisionNotFound } from "./repo-errors.js";
import type { RouteHandler, RouteParams } from "./route-table.js";
import type { Commit, Repo } from "./store.js";

/** `/api/models`, `/api/datasets`, `/api/spaces`: the `:type` of the API's paths. */
export const API_TYPES: Readonly<Record<string, RepoType>> = {
  models: "model",
  datasets: "dataset",
  spaces: "space",
};

export const API_LIST = "/api/:type(models|datasets|spaces)";
export const API_REPO = `${API_LIST}/{repo}`;

/** The repo type a route's `:type` names: `models`/`datasets`/`spaces` on the API, else the
 * `/datasets/`, `/spaces/` prefix of a file URL (none: a model). */
export function typeOf(params: RouteParams): RepoType {
  return API_TYPES[params.type ?? "models"] ?? "model";
}

/** A handler for a route under {@link API_REPO}, called once the repo is found and visible. */
export function repoRoute(
  state: ServerState,
  handle: (call: Call, repo: Repo, params: RouteParams) => void | Promise<void>,
): RouteHandler {
  return (call, params) => {
    const repo = state.store.findRepo(typeOf(params), params.repo as string);
    if (!repo || !state.store.canSee(repo, call.token)) return repoNotFound(call);
    return handle(call, repo, params);
  };
}

/** The commit a revision names, or undefined after answering RevisionNotFound. */
export function resolveOr404(
  call: Call,
  repo: Repo,
  revision: string,
  state: ServerState,
): Commit | undefined {
  const commit = state.store.resolveRevision(repo, revision);
  if (!commit) revisionNotFound(call, revision);
  return commit;
}
