import { STATUS_CODES } from "node:http";
import { redactTokens } from "../common/mask-token.js";
import { type RepoType, URL_PREFIX } from "../common/repo.js";
import { describeTokenSource, type TokenSource } from "../common/token-source.js";
import {
  AuthInvalidError,
  DisabledRepoError,
  EntryNotFoundError,
  ForbiddenError,
  GatedRepoError,
  type HfError,
  type HfErrorOptions,
  HttpError,
  LOGIN_REMEDY,
  NotLoggedInError,
  RateLimitedError,
  RepoNotFoundError,
  RevisionNotFoundError,
} from "../errors.js";
import { displayUrl } from "./display-url.js";
import { parseRateLimit, parseRetryAfter } from "./retry-policy.js";

/**
 * Turns a failed Hub response into the matching `HfError` subclass, with the precedence of Python's
 * `utils/_http.py::hf_raise_for_status` (1.33):
 *
 *   X-Error-Code RevisionNotFound > EntryNotFound > GatedRepo > X-Error-Message "Access to this
 *   resource is disabled." > RepoNotFound (or a 401 on a repo URL that is not "Invalid credentials")
 *   > 400 > 403 > 429 > 416 > anything else.
 *
 * Differences, on purpose:
 * - a 401 "Invalid credentials in Authorization header", and any 401 on /api/whoami-v2, is
 *   `AuthInvalidError` (Python: a generic HfHubHTTPError), and is checked before RepoNotFound: a
 *   rejected token is the actionable diagnosis;
 * - repo ids are parsed from `/resolve/` URLs too (Python only parses `/api/{type}s/...`), and the
 *   401-as-RepoNotFound rule also applies to http endpoints (Python's regex is https-only);
 * - messages are one line, name the repo and where the token came from ("no token was sent"
 *   otherwise), then the server's message and the request id; `remedy` is a command or a URL.
 * - 3xx never raises (as Python).
 */

/** What a response must offer to be checked. `headers` keys are lower case. */
export interface ResponseLike {
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The final URL. */
  url: string;
  text?: () => Promise<string>;
}

export interface ErrorContext {
  /** `config.endpoint`, for URLs in remedies. */
  endpoint: string;
  method?: string | undefined;
  repo?: { id: string; type: RepoType } | undefined;
  /** Whether an Authorization header went out with the failed request. */
  tokenSent?: boolean | undefined;
  /** Where the token came from (worded by `describeTokenSource`). Never the token itself. */
  tokenSource?: TokenSource | undefined;
  /** The request's Range header, for 416 messages. */
  range?: string | undefined;
}

/** What a Hub URL says about the repo it targets. */
export interface UrlRepoInfo {
  type: RepoType;
  id: string;
  revision?: string | undefined;
  path?: string | undefined;
}

const API_TYPES: Record<string, RepoType> = { models: "model", datasets: "dataset", spaces: "space" };
// Python's `_REPO_URL_SUBPATHS`, plus the API sub-paths hubkit calls.
const REPO_SUBPATHS = new Set([
  "resolve",
  "tree",
  "blob",
  "raw",
  "refs",
  "commit",
  "commits",
  "discussions",
  "settings",
  "revision",
  "paths-info",
  "auth-check",
  "xet-read-token",
  "preupload",
]);

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Repo type, id (and revision / file path when present) of a Hub URL: `/api/{models,datasets,spaces}/{id}[/...]`
 * and `/{datasets/|spaces/}{id}/resolve/{revision}/{path}`. A path prefix of `endpoint` is skipped.
 *
 * @example
 * parseRepoFromUrl("https://huggingface.co/datasets/acme/x/resolve/main/a.csv")
 * // { type: "dataset", id: "acme/x", revision: "main", path: "a.csv" }
 */
export function parseRepoFromUrl(url: string, endpoint?: string): UrlRepoInfo | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  if (endpoint) {
    try {
      const prefix = new URL(endpoint).pathname.replace(/\/+$/, "");
      if (prefix && path.startsWith(`${prefix}/`)) path = path.slice(prefix.length);
    } catch {
      // an unparsable endpoint has no prefix to strip
    }
  }
  const api = /^\/api\/(models|datasets|spaces)\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?(?:\/(.*))?$/.exec(path);
  if (api) {
    const type = API_TYPES[api[1] as string] as RepoType;
    const first = api[2] as string;
    const second = api[3];
    const twoPart = second !== undefined && !REPO_SUBPATHS.has(second);
    const id = safeDecode(twoPart ? `${first}/${second}` : first);
    const sub = twoPart ? api[4] : second;
    const rest = twoPart
      ? api[5]
      : api[4] !== undefined
        ? `${api[4]}${api[5] !== undefined ? `/${api[5]}` : ""}`
        : undefined;
    const info: UrlRepoInfo = { type, id };
    if ((sub === "revision" || sub === "tree" || sub === "paths-info") && rest) {
      const [rev, ...p] = rest.split("/");
      info.revision = safeDecode(rev as string);
      if (p.length > 0) info.path = safeDecode(p.join("/"));
    }
    return info;
  }
  const resolve = /^\/(?:(datasets|spaces)\/)?(.+?)\/resolve\/([^/]+)(?:\/(.*))?$/.exec(path);
  if (resolve) {
    const type: RepoType =
      resolve[1] === "datasets" ? "dataset" : resolve[1] === "spaces" ? "space" : "model";
    return {
      type,
      id: safeDecode(resolve[2] as string),
      revision: safeDecode(resolve[3] as string),
      ...(resolve[4] !== undefined ? { path: safeDecode(resolve[4]) } : {}),
    };
  }
  return undefined;
}

/** The web page of a repo: `{endpoint}/{datasets/|spaces/}{id}` (where access is requested). */
export function repoWebUrl(endpoint: string, repo: { id: string; type: RepoType }): string {
  return `${endpoint}/${URL_PREFIX[repo.type]}${repo.id}`;
}

/** "model acme/x", "dataset acme/x". */
export function describeRepo(repo: { id: string; type: RepoType }): string {
  return `${repo.type} ${repo.id}`;
}

/** "token from HF_TOKEN environment variable" / "a token" / "no token was sent". */
export function describeAuth(ctx: Pick<ErrorContext, "tokenSent" | "tokenSource">): string {
  if (!ctx.tokenSent) return "no token was sent";
  return ctx.tokenSource ? `token from ${describeTokenSource(ctx.tokenSource)}` : "a token was sent";
}

/** `describeTokenSource` of an OIDC source (http/ cannot import auth/, so it reads the label). */

/**
 * How to replace a token that does not work: a variable to set when it came from the environment
 * (a saved login would not win over it), else a valid token. (The CLI words its own: cli/error-table.ts.)
 */
export function replaceTokenRemedy(tokenSource: TokenSource | undefined): string {
  // An exchanged OIDC token lives an hour and is exchanged again on the next run: a new login would
  // not win over HF_OIDC_RESOURCE, so say what does.
  if (tokenSource?.kind === "oidc")
    return "run it again (a new OIDC exchange), or unset HF_OIDC_RESOURCE to use another token";
  return tokenSource?.kind === "env"
    ? `set ${tokenSource.name} to a valid token (or unset it to use the saved login)`
    : "pass a valid token, or save a new login with loginWithToken()";
}

/**
 * The remedy for a repo that was not found. Exported so the download code can add its own hint
 * (`repoType: "dataset"` when the same id exists as a dataset, say).
 */
export function repoNotFoundRemedy(
  repo: { id: string; type: RepoType } | undefined,
  ctx: Pick<ErrorContext, "tokenSent" | "tokenSource">,
  extraHint?: string,
): string {
  if (!ctx.tokenSent) return `log in (${LOGIN_REMEDY})${extraHint ? `  (${extraHint})` : ""}`;
  const typeHint =
    extraHint ??
    (repo?.type === "model" ? 'for a dataset or space pass repoType: "dataset" | "space"' : undefined);
  const swap =
    ctx.tokenSource?.kind === "oidc"
      ? `the OIDC token reaches only HF_OIDC_RESOURCE=${ctx.tokenSource.resource}: set it to this repo (with a trusted publisher for it)`
      : ctx.tokenSource?.kind === "env"
        ? `set ${ctx.tokenSource.name} to a token that can see it`
        : "pass a token that can see it";
  return `check the repo id${typeHint ? ` (${typeHint})` : ""}; for a private repo, ${swap}`;
}

function headerValue(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

/** The server's explanation, gathered like Python's `_format` (header, then JSON body fields, or plain text). */
export function serverMessageOf(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  bodyText: string | undefined,
): string | undefined {
  const parts: string[] = [];
  const fromHeader = headerValue(headers, "x-error-message");
  if (fromHeader !== undefined) parts.push(fromHeader);
  if (bodyText) {
    let data: unknown;
    let isJson = false;
    try {
      data = JSON.parse(bodyText);
      isJson = true;
    } catch {
      isJson = false;
    }
    if (isJson) {
      if (data && typeof data === "object" && !Array.isArray(data)) {
        const d = data as Record<string, unknown>;
        const error = d.error;
        const description = d.error_description;
        if (error !== undefined && error !== null) {
          if (Array.isArray(error)) parts.push(...error.map(String));
          else if (description !== undefined && description !== null) parts.push(`${error}: ${description}`);
          else parts.push(String(error));
        } else if (description !== undefined && description !== null) parts.push(String(description));
        if (Array.isArray(d.errors)) {
          for (const e of d.errors) {
            if (e && typeof e === "object" && "message" in e)
              parts.push(String((e as { message: unknown }).message));
          }
        }
      }
    } else if (!(headerValue(headers, "content-type") ?? "").toLowerCase().includes("html")) {
      parts.push(bodyText);
    }
  }
  // One line: collapse whitespace, strip, de-duplicate keeping order.
  const clean = [...new Set(parts.map((p) => p.replace(/\s+/g, " ").trim()).filter((p) => p !== ""))];
  if (clean.length === 0) return undefined;
  const joined = clean.join("; ");
  return redactTokens(joined.length > 500 ? `${joined.slice(0, 500)}...` : joined);
}

/** `x-request-id`, else `x-amzn-trace-id`, else `x-amz-cf-id` (Python's order). */
export function requestIdOf(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string | undefined {
  for (const name of ["x-request-id", "x-amzn-trace-id", "x-amz-cf-id"]) {
    const v = headerValue(headers, name);
    if (v) return v;
  }
  return undefined;
}

/**
 * The error a response stands for, or `undefined` for statuses below 400. Pure: the caller reads the
 * body (for the server message) first. `raiseForStatus` is the usual entry point.
 */
export function errorFromResponse(
  res: Pick<ResponseLike, "status" | "headers" | "url">,
  bodyText: string | undefined,
  ctx: ErrorContext,
): HfError | undefined {
  const { status, headers } = res;
  if (status < 400) return undefined;
  const errorCode = headerValue(headers, "x-error-code");
  const errorMessage = headerValue(headers, "x-error-message");
  const parsed = parseRepoFromUrl(res.url, ctx.endpoint);
  const repo = ctx.repo ?? (parsed ? { id: parsed.id, type: parsed.type } : undefined);
  const url = displayUrl(res.url);
  const method = (ctx.method ?? "GET").toUpperCase();
  const serverMessage = serverMessageOf(headers, bodyText);
  const requestId = requestIdOf(headers);
  const auth = describeAuth(ctx);
  const repoText = repo ? describeRepo(repo) : "the repository";

  const base: HfErrorOptions = {
    status,
    url,
    requestId,
    serverMessage,
    repoId: repo?.id,
    repoType: repo?.type,
    // What the CLI's error table words its remedies from (cli/error-table.ts).
    data: {
      endpoint: ctx.endpoint,
      tokenSent: ctx.tokenSent ?? false,
      tokenSource: ctx.tokenSource,
      repoUrl: repo ? repoWebUrl(ctx.endpoint, repo) : undefined,
      revision: parsed?.revision,
      filename: parsed?.path,
    },
  };
  /** head + (auth) + server message (unless already said) + request id, on one line. */
  const line = (head: string, withAuth = true): string => {
    let msg = withAuth ? `${head} (${auth})` : head;
    if (serverMessage && !msg.toLowerCase().includes(serverMessage.toLowerCase())) {
      msg += `. Server said: ${serverMessage}`;
    }
    if (requestId) msg += ` [request id ${requestId}]`;
    return redactTokens(msg);
  };

  if (errorCode === "RevisionNotFound") {
    const rev = parsed?.revision;
    return new RevisionNotFoundError(
      line(
        `Revision ${rev ? `'${rev}' ` : ""}not found in ${repoText} (${status} for ${method} ${url})`,
        false,
      ),
      {
        ...base,
        remedy: repo
          ? `see the branches and tags at ${repoWebUrl(ctx.endpoint, repo)}/tree/main, then pass an existing \`revision\``
          : "pass an existing `revision`",
      },
    );
  }
  if (errorCode === "EntryNotFound") {
    const file = parsed?.path ? `'${parsed.path}'` : "The file";
    const at = parsed?.revision ? ` at revision ${parsed.revision}` : "";
    return new EntryNotFoundError(
      line(`${file} not found in ${repoText}${at} (${status} for ${method} ${url})`, false),
      {
        ...base,
        remedy: repo
          ? `see the files at ${repoWebUrl(ctx.endpoint, repo)}/tree/${encodeURIComponent(parsed?.revision ?? "main")}`
          : undefined,
      },
    );
  }
  if (errorCode === "GatedRepo") {
    const where = repo ? repoWebUrl(ctx.endpoint, repo) : ctx.endpoint;
    const name = repo ? repo.id : "This repository";
    if (ctx.tokenSent) {
      return new GatedRepoError(line(`${name} is gated: request access at ${where}, then retry`), {
        ...base,
        remedy: where,
      });
    }
    return new GatedRepoError(line(`${name} is gated: log in, then request access at ${where}`), {
      ...base,
      remedy: `log in (${LOGIN_REMEDY}), then request access at ${where}`,
    });
  }
  if (errorMessage === "Access to this resource is disabled.") {
    return new DisabledRepoError(
      line(`${repo ? repo.id : "This repository"} is disabled on ${ctx.endpoint}`, false),
      {
        ...base,
      },
    );
  }

  const invalidCredentials = status === 401 && errorMessage === "Invalid credentials in Authorization header";
  const isWhoami = /\/api\/whoami(-v2)?(\?|$)/.test(safePath(res.url));
  if (status === 401 && (invalidCredentials || isWhoami)) {
    if (!ctx.tokenSent) {
      return new NotLoggedInError(line(`${method} ${url} needs a token (401)`), base);
    }
    const who = ctx.tokenSource ? `The token from ${describeTokenSource(ctx.tokenSource)}` : "The token";
    return new AuthInvalidError(line(`${who} was rejected by ${ctx.endpoint} (401)`, false), {
      ...base,
      remedy: replaceTokenRemedy(ctx.tokenSource),
    });
  }

  const repoUrl = parsed !== undefined;
  if (errorCode === "RepoNotFound" || (status === 401 && repoUrl)) {
    const what = `${repoText[0]?.toUpperCase()}${repoText.slice(1)}`;
    const head = ctx.tokenSent
      ? `${what} not found, or not visible to the ${ctx.tokenSource ? `token from ${describeTokenSource(ctx.tokenSource)}` : "token that was sent"}`
      : `${what} not found (no token was sent: if it is private or gated, log in)`;
    return new RepoNotFoundError(line(head, false), { ...base, remedy: repoNotFoundRemedy(repo, ctx) });
  }

  if (status === 400) {
    return new HttpError(line(`Bad request (400) for ${method} ${url}`, false), base);
  }
  if (status === 403) {
    return new ForbiddenError(line(`403 Forbidden for ${method} ${url}`), {
      ...base,
      remedy: ctx.tokenSent
        ? `use a token with the needed permissions (${ctx.endpoint}/settings/tokens): ${replaceTokenRemedy(ctx.tokenSource)}`
        : LOGIN_REMEDY,
    });
  }
  if (status === 429) {
    const rl = parseRateLimit(headers);
    let retryAfterSeconds = parseRetryAfter(headers);
    let head: string;
    if (rl && rl.remaining === 0) {
      retryAfterSeconds = rl.resetInSeconds;
      const quota =
        rl.limit !== undefined && rl.windowSeconds !== undefined
          ? ` (${rl.remaining}/${rl.limit} requests left in the ${rl.windowSeconds}s window)`
          : "";
      head = `429 Too Many Requests: reached the '${rl.resourceType}' rate limit of ${ctx.endpoint}; retry after ${rl.resetInSeconds} s${quota}`;
    } else {
      head = `429 Too Many Requests for ${method} ${url}${retryAfterSeconds !== undefined ? `; retry after ${retryAfterSeconds} s` : ""}`;
    }
    const wait =
      retryAfterSeconds !== undefined ? `wait ${retryAfterSeconds} s and retry` : "wait a minute and retry";
    return new RateLimitedError(line(head), {
      ...base,
      retryAfterSeconds,
      remedy: ctx.tokenSent ? wait : `${wait}; logged-in users get higher limits (${LOGIN_REMEDY})`,
    });
  }
  if (status === 416) {
    return new HttpError(
      line(
        `416 Range Not Satisfiable for ${method} ${url}: requested range ${ctx.range ?? "none"}, Content-Range ${headerValue(headers, "content-range") ?? "none"}`,
        false,
      ),
      { ...base, remedy: "delete the partial download and retry" },
    );
  }
  const reason = STATUS_CODES[status] ?? "Error";
  if (status >= 500) {
    return new HttpError(line(`${ctx.endpoint} answered ${status} ${reason} to ${method} ${url}`, false), {
      ...base,
      remedy: "the server failed; retry in a moment",
    });
  }
  return new HttpError(line(`${status} ${reason} for ${method} ${url}`), base);
}

function safePath(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

/** Bodies of error responses are small JSON; never buffer more than this for a message. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Throws the `HfError` a response with status >= 400 stands for; returns for anything below 400
 * (3xx included, as Python). Reads (at most 64 KiB of) the body for the server's message.
 *
 * @example
 * const res = await client.request({ url: "/api/models/acme/x", throwOnError: false });
 * await raiseForStatus(res, { endpoint: config.endpoint, tokenSent: true, tokenSource: { kind: "env", name: "HF_TOKEN" } });
 */
export async function raiseForStatus(res: ResponseLike, ctx: ErrorContext): Promise<void> {
  if (res.status < 400) return;
  let bodyText: string | undefined;
  if (ctx.method?.toUpperCase() !== "HEAD" && res.text) {
    try {
      bodyText = (await res.text()).slice(0, MAX_ERROR_BODY);
    } catch {
      bodyText = undefined;
    }
  }
  const err = errorFromResponse(res, bodyText, ctx);
  if (err) throw err;
}
