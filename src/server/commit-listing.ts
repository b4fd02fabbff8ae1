/**
 * `GET /api/{type}s/{id}/commits/{rev}`: the history reachable from a revision, newest first, as
 * huggingface_hub's `list_repo_commits` and @huggingface/hub's `listCommits`/`countCommits` read it.
 * The Hub pages it by number: `p` (from 0) and `limit` (50 by default), a
 * `Link: <...?p=1&limit=50>; rel="next"` while more remains, and `X-Total-Count` for the whole history.
 */
import type { Call, ServerState } from "./context.js";
import { sendError, sendJson } from "./http-util.js";
import { nextLink, pageSize } from "./pagination.js";
import { revisionNotFound } from "./repo-errors.js";
import type { Commit, Repo } from "./store.js";

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" }[c]};`);

/**
 * Who wrote the fixture's commits: the owning user, or for an org the first of its members (the
 * fixture records no authors, and on the Hub a commit's author is always a user).
 */
function authorOf(repo: Repo, state: ServerState): string {
  if (state.store.users.has(repo.owner)) return repo.owner;
  return [...(state.store.orgs.get(repo.owner)?.members ?? [])].sort()[0] ?? repo.owner;
}

function commitJson(call: Call, c: Commit, author: string, formatted: boolean): Record<string, unknown> {
  // The Hub's title is the message's first line and its message the rest, kept as is ("" for a
  // one-line message).
  const title = c.message.split("\n", 1)[0] as string;
  const message = c.message.slice(title.length);
  const json: Record<string, unknown> = {
    id: c.id,
    authors: [{ user: author, avatar: `${call.endpoint}/avatars/${author}.svg` }],
    date: c.date,
    title,
    message,
  };
  if (formatted) json.formatted = { title: escapeHtml(title), message: escapeHtml(message) };
  return json;
}

export function listCommits(call: Call, repo: Repo, revision: string, state: ServerState): void {
  const head = state.store.resolveRevision(repo, revision);
  if (!head) {
    revisionNotFound(call, revision);
    return;
  }
  const p = call.query.get("p") ?? "0";
  if (!/^\d+$/.test(p)) {
    sendError(call.res, 400, `Invalid page number: ${p}`);
    return;
  }
  const page = Number(p);
  const limit = pageSize(call, 50, 1000);
  // Fixture history is linear: a commit's parent is the one before it.
  const history = repo.commits.slice(0, head.index + 1).reverse();
  const author = authorOf(repo, state);
  const formatted = [...call.query.getAll("expand[]"), ...call.query.getAll("expand")].includes("formatted");
  const items = history
    .slice(page * limit, (page + 1) * limit)
    .map((c) => commitJson(call, c, author, formatted));
  let headers = {};
  if ((page + 1) * limit < history.length) {
    const q = new URLSearchParams({ p: String(page + 1), limit: String(limit) });
    for (const [k, v] of call.query) if (k !== "p" && k !== "limit") q.append(k, v);
    headers = nextLink(call, q);
  }
  sendJson(call.res, 200, items, { ...headers, "X-Total-Count": history.length });
}
