/**
 * `GET /api/models`, `/api/datasets`, `/api/spaces`: the Hub's repo listings, as huggingface_hub's
 * `list_models` and @huggingface/hub's `listModels` call them (`search`, `author`, `limit`, `sort`,
 * `direction`, `filter`, `expand`, cursor pages with a `Link` header).
 */

import { isTrue } from "../common/env.js";
import type { RepoType } from "../common/repo.js";
import type { Call, ServerState } from "./context.js";
import { sendJson } from "./http-util.js";
import { cursorPage, pageSize } from "./pagination.js";
import { parseExpand, repoJson } from "./repo-json.js";
import type { Commit, Repo } from "./store.js";

/** Sort keys, as huggingface_hub (camelCase on the wire) and @huggingface/hub send them. */
const SORT_KEYS: Record<string, (r: Repo, c: Commit) => string | number> = {
  id: (r) => r.id,
  createdAt: (r) => r.createdAt,
  lastModified: (_, c) => c.date,
  // Nobody downloads or likes anything here: all equal, so the id order below decides.
  downloads: () => 0,
  likes: () => 0,
  likes30d: () => 0,
  trendingScore: () => 0,
};

export function listRepos(call: Call, state: ServerState, type: RepoType): void {
  const fields = parseExpand(call, type, true);
  if (fields === false) return;
  const q = call.query;
  const search = q.get("search")?.toLowerCase();
  const author = q.get("author");
  // Local repos carry no tags and no pipeline tag, so any tag filter matches none of them.
  const tagFilter = q.getAll("filter").length > 0 || q.has("pipeline_tag");
  const gated = q.get("gated");
  const items: { repo: Repo; commit: Commit }[] = [];
  for (const repo of state.store.repos.values()) {
    if (repo.type !== type || tagFilter) continue;
    // Private repos exist only for those who may see them (canSee); gated ones are listed to all.
    if (!state.store.canSee(repo, call.token)) continue;
    if (author && !repo.id.startsWith(`${author}/`)) continue;
    if (search && !repo.id.toLowerCase().includes(search)) continue;
    if (gated !== null && (repo.gated !== false) !== isTrue(gated)) continue;
    const commit = state.store.resolveRevision(repo, "HEAD") ?? repo.commits.at(-1);
    if (commit) items.push({ repo, commit });
  }
  const byId = (a: { repo: Repo }, b: { repo: Repo }) =>
    a.repo.id < b.repo.id ? -1 : a.repo.id > b.repo.id ? 1 : 0;
  const key = SORT_KEYS[q.get("sort") ?? ""];
  // With a sort the Hub orders descending unless `direction=1`; ties (and no sort) go by id.
  const sign = q.get("direction") === "1" ? 1 : -1;
  items.sort((a, b) => {
    const ka = key?.(a.repo, a.commit) ?? 0;
    const kb = key?.(b.repo, b.commit) ?? 0;
    return ka < kb ? -sign : ka > kb ? sign : byId(a, b);
  });
  const paged = cursorPage(call, items, pageSize(call, 1000, 1000));
  if (!paged) return;
  const body = paged.page.map(({ repo, commit }) => repoJson(call, repo, commit, fields, "list"));
  sendJson(call.res, 200, body, paged.headers);
}
