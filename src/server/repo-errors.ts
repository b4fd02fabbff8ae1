/**
 * The Hub's repo errors exactly as `hf_raise_for_status` reads them (X-Error-Code + X-Error-Message).
 * Wording follows what huggingface.co answers.
 */
import { URL_PREFIX } from "../common/repo.js";
import type { Call } from "./context.js";
import { sendError } from "./http-util.js";
import type { Repo } from "./store.js";

/** 401 for anonymous callers, 404 for authenticated ones: a private repo looks missing to others. */
export function repoNotFound(call: Call): void {
  if (call.token) sendError(call.res, 404, "Repository not found", "RepoNotFound");
  else sendError(call.res, 401, "Invalid username or password.", "RepoNotFound");
}

/**
 * Gated repo without access. Anonymous: 401 + GatedRepo (the real Hub's answer; Python raises
 * GatedRepoError for it since X-Error-Code is checked first). Authenticated: 403 + GatedRepo.
 */
export function gatedRepo(call: Call, repo: Repo): void {
  const url = `${call.endpoint}/${URL_PREFIX[repo.type]}${repo.id}`;
  if (!call.token) {
    sendError(
      call.res,
      401,
      `Access to ${repo.type} ${repo.id} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
      "GatedRepo",
    );
  } else if (repo.pending.has(call.token.user)) {
    sendError(
      call.res,
      403,
      `Your request to access ${repo.type} ${repo.id} is awaiting a review from the repo authors. Visit ${url} to check its status.`,
      "GatedRepo",
    );
  } else {
    sendError(
      call.res,
      403,
      `Access to ${repo.type} ${repo.id} is restricted and you are not in the authorized list. Visit ${url} to ask for access.`,
      "GatedRepo",
    );
  }
}

export function revisionNotFound(call: Call, revision: string): void {
  sendError(call.res, 404, `Invalid rev id: ${revision}`, "RevisionNotFound");
}

export function entryNotFound(call: Call, commit: string, message = "Entry not found"): void {
  sendError(call.res, 404, message, "EntryNotFound", { "X-Repo-Commit": commit });
}
