import { describeTokenSource } from "../auth/resolve-token.js";
import { maskToken } from "../common/mask-token.js";
import { quotePath, URL_PREFIX } from "../common/repo.js";
import { activeToken, doctorClient } from "./active-token.js";
import { type CheckResult, type DoctorContext, fail, ok, skip, warn } from "./types.js";

interface RepoInfo {
  id?: string;
  private?: boolean;
  gated?: false | "auto" | "manual";
  sha?: string;
  siblings?: { rfilename: string }[];
}

/** A file whose HEAD proves read access: README and .gitattributes stay readable on gated repos. */
function probeFile(info: RepoInfo): string | undefined {
  const names = (info.siblings ?? []).map((s) => s.rfilename);
  const free = new Set(["README.md", ".gitattributes"]);
  return names.find((n) => n === "config.json") ?? names.find((n) => !free.has(n)) ?? names[0];
}

/**
 * With `hf doctor REPO_ID`: does the repo exist for this token (`/api/{type}s/{id}`), is it gated,
 * and is access granted (HEAD on one of its files, as a download would)? When access is missing the
 * remedy is the repo page, where the licence is accepted and access requested.
 *
 * @example await checkRepoAccess({ ...ctx, repo: { id: "meta-llama/Llama-3.2-1B", type: "model" } })
 */
export async function checkRepoAccess(ctx: DoctorContext): Promise<CheckResult[]> {
  if (!ctx.repo) return [];
  const { id, type } = ctx.repo;
  if (ctx.config.offline) return [skip("repo.exists", `${id} not checked (offline mode)`)];
  const token = await activeToken(ctx).catch(() => undefined);
  const who = token
    ? `the token from the ${describeTokenSource(token.source)} (${maskToken(token.token)})`
    : "anonymous requests (no token)";
  const page = `${ctx.config.endpoint}/${URL_PREFIX[type]}${id}`;
  const client = doctorClient(ctx, token);
  const timeoutMs = ctx.timeoutMs ?? 10_000;
  const res = await client.request({
    url: `/api/${type}s/${id}`,
    throwOnError: false,
    retry: false,
    timeoutMs,
  });
  const errorCode = res.headers["x-error-code"];
  if (res.status === 404 || res.status === 401 || (res.status === 403 && errorCode !== "GatedRepo")) {
    await res.dump();
    const remedy = token
      ? `check the id and --repo-type (${type}); if it is private, use a token of an account that can see it: hf auth login --force`
      : `hf auth login  (private repos need a token); check the id and --repo-type (${type})`;
    return [
      fail(
        "repo.exists",
        `${type} ${id} not found for ${who} (${res.status}${errorCode ? ` ${errorCode}` : ""})`,
        remedy,
        {
          data: { repo: id, type, status: res.status, errorCode: errorCode ?? null },
        },
      ),
    ];
  }
  if (res.status >= 400) {
    await res.dump();
    return [
      warn("repo.exists", `${type} ${id}: the Hub answered ${res.status}`, "retry later", {
        data: { status: res.status },
      }),
    ];
  }
  const info = await res.json<RepoInfo>();
  const results: CheckResult[] = [
    ok("repo.exists", `${type} ${id} exists${info.private ? " (private)" : ""}, visible to ${who}`, {
      repo: id,
      type,
      private: Boolean(info.private),
      sha: info.sha ?? null,
    }),
  ];
  const gated = info.gated ?? false;
  results.push(ok("repo.gated", gated ? `gated (${gated} approval)` : "not gated", { gated }));
  const file = probeFile(info);
  if (!file) {
    results.push(skip("repo.access", "the repo has no files to probe"));
    return results;
  }
  const head = await client.request({
    method: "HEAD",
    url: `${ctx.config.endpoint}/${URL_PREFIX[type]}${id}/resolve/main/${quotePath(file)}`,
    redirect: "hub-only",
    throwOnError: false,
    retry: false,
    timeoutMs,
  });
  await head.dump();
  const headCode = head.headers["x-error-code"];
  const data = { file, status: head.status, errorCode: headCode ?? null };
  if (head.status < 400) {
    results.push(ok("repo.access", `access granted (HEAD ${file}: ${head.status})`, data));
  } else if (headCode === "GatedRepo" || ((head.status === 401 || head.status === 403) && gated)) {
    results.push(
      fail(
        "repo.access",
        token
          ? `access not granted to ${who} (HEAD ${file}: ${head.status} GatedRepo)`
          : `gated: a token is needed, and access must be granted to its account`,
        token
          ? `accept the licence and request access at ${page} (gated ${gated === "manual" ? "manually: the authors review requests" : "automatically"}), then retry`
          : `hf auth login, then request access at ${page}`,
        { data: { ...data, requestAccessUrl: page } },
      ),
    );
  } else {
    results.push(
      fail(
        "repo.access",
        `HEAD ${file} answered ${head.status}${headCode ? ` ${headCode}` : ""}`,
        token ? `hf auth whoami` : "hf auth login",
        {
          data,
        },
      ),
    );
  }
  return results;
}
