import { describe, expect, it } from "vitest";
import { HfError } from "../../src/errors.js";
import { displayUrl } from "../../src/http/display-url.js";
import {
  type ErrorContext,
  errorFromResponse,
  parseRepoFromUrl,
  raiseForStatus,
  replaceTokenRemedy,
  serverMessageOf,
} from "../../src/http/raise-for-status.js";

const E = "https://huggingface.co";
const TOKEN = "hf_secretSecretSecretSecretSecret0123456789";
const withToken: ErrorContext = {
  endpoint: E,
  tokenSent: true,
  tokenSource: { kind: "env", name: "HF_TOKEN" },
};
const anonymous: ErrorContext = { endpoint: E, tokenSent: false };

function map(
  status: number,
  url: string,
  headers: Record<string, string> = {},
  body?: string,
  ctx = withToken,
) {
  return errorFromResponse({ status, headers, url }, body, ctx);
}

describe("errorFromResponse: Python's hf_raise_for_status precedence, matched by code", () => {
  const resolve = `${E}/acme/tiny/resolve/main/config.json`;
  const api = `${E}/api/models/acme/tiny`;
  const table: [string, number, string, Record<string, string>, ErrorContext, string][] = [
    [
      "X-Error-Code RevisionNotFound",
      404,
      resolve,
      { "x-error-code": "RevisionNotFound" },
      withToken,
      "HF_REVISION_NOT_FOUND",
    ],
    [
      "X-Error-Code EntryNotFound",
      404,
      resolve,
      { "x-error-code": "EntryNotFound" },
      withToken,
      "HF_ENTRY_NOT_FOUND",
    ],
    [
      "X-Error-Code GatedRepo on 403",
      403,
      resolve,
      { "x-error-code": "GatedRepo" },
      withToken,
      "HF_GATED_REPO",
    ],
    [
      "X-Error-Code GatedRepo on 401 anonymous",
      401,
      resolve,
      { "x-error-code": "GatedRepo" },
      anonymous,
      "HF_GATED_REPO",
    ],
    [
      "RevisionNotFound wins over a 401",
      401,
      resolve,
      { "x-error-code": "RevisionNotFound" },
      withToken,
      "HF_REVISION_NOT_FOUND",
    ],
    [
      "disabled repo",
      403,
      api,
      { "x-error-message": "Access to this resource is disabled." },
      withToken,
      "HF_DISABLED_REPO",
    ],
    [
      "X-Error-Code RepoNotFound on 404",
      404,
      api,
      { "x-error-code": "RepoNotFound" },
      withToken,
      "HF_REPO_NOT_FOUND",
    ],
    [
      "RepoNotFound on a non-repo URL",
      404,
      `${E}/api/whatever`,
      { "x-error-code": "RepoNotFound" },
      withToken,
      "HF_REPO_NOT_FOUND",
    ],
    ["401 without code on a repo API URL", 401, api, {}, anonymous, "HF_REPO_NOT_FOUND"],
    [
      "401 without code on a resolve URL",
      401,
      resolve,
      { "x-error-message": "Invalid username or password." },
      anonymous,
      "HF_REPO_NOT_FOUND",
    ],
    [
      "401 Invalid credentials on a repo URL",
      401,
      api,
      { "x-error-message": "Invalid credentials in Authorization header" },
      withToken,
      "HF_AUTH_INVALID",
    ],
    [
      "401 Invalid credentials anywhere",
      401,
      `${E}/api/foo`,
      { "x-error-message": "Invalid credentials in Authorization header" },
      withToken,
      "HF_AUTH_INVALID",
    ],
    ["401 on whoami with a token", 401, `${E}/api/whoami-v2`, {}, withToken, "HF_AUTH_INVALID"],
    ["401 on whoami without a token", 401, `${E}/api/whoami-v2`, {}, anonymous, "HF_NOT_LOGGED_IN"],
    ["401 on another URL", 401, `${E}/api/foo`, {}, withToken, "HF_HTTP_ERROR"],
    ["400", 400, `${E}/api/models/acme/tiny/paths-info/main`, {}, withToken, "HF_HTTP_ERROR"],
    ["403 without code", 403, api, { "x-error-message": "no write" }, withToken, "HF_FORBIDDEN"],
    ["429", 429, api, { ratelimit: '"api";r=0;t=55' }, withToken, "HF_RATE_LIMITED"],
    ["429 without headers", 429, api, {}, withToken, "HF_RATE_LIMITED"],
    [
      "416",
      416,
      resolve,
      { "content-range": "bytes */10" },
      { ...withToken, range: "bytes=20-" },
      "HF_HTTP_ERROR",
    ],
    ["404 without code", 404, `${E}/api/foo`, {}, withToken, "HF_HTTP_ERROR"],
    ["500", 500, api, {}, withToken, "HF_SERVER_ERROR"],
    ["503", 503, resolve, {}, withToken, "HF_SERVER_ERROR"],
  ];
  for (const [name, status, url, headers, ctx, code] of table) {
    it(`${name} -> ${code}`, () => {
      const err = errorFromResponse({ status, headers, url }, undefined, ctx);
      expect(err).toBeInstanceOf(HfError);
      expect(err?.code).toBe(code);
      expect(err?.status).toBe(status);
      expect(err?.message).not.toContain("\n");
    });
  }

  it("statuses below 400 (3xx included) are not errors", () => {
    for (const s of [200, 206, 301, 302, 304, 307]) expect(map(s, `${E}/x`)).toBeUndefined();
  });
});

describe("messages and fields", () => {
  it("gated: names the repo, the access URL and the token source; remedy is the URL", () => {
    const err = map(403, `${E}/meta-llama/Llama-3.2-1B/resolve/main/config.json`, {
      "x-error-code": "GatedRepo",
    });
    expect(err?.message).toContain(
      "meta-llama/Llama-3.2-1B is gated: request access at https://huggingface.co/meta-llama/Llama-3.2-1B",
    );
    expect(err?.message).toContain("(token from HF_TOKEN environment variable)");
    expect(err?.remedy).toBe("https://huggingface.co/meta-llama/Llama-3.2-1B");
    expect(err?.repoId).toBe("meta-llama/Llama-3.2-1B");
    expect(err?.repoType).toBe("model");
  });

  it("gated without a token says so and suggests logging in", () => {
    const err = map(
      401,
      `${E}/datasets/acme/d/resolve/main/a.csv`,
      { "x-error-code": "GatedRepo" },
      undefined,
      anonymous,
    );
    expect(err?.message).toContain("no token was sent");
    expect(err?.remedy).toContain("log in (set HF_TOKEN");
    expect(err?.remedy).toContain("https://huggingface.co/datasets/acme/d");
    expect(err?.data).toMatchObject({ tokenSent: false, repoUrl: "https://huggingface.co/datasets/acme/d" });
  });

  it("the context repo wins over the URL", () => {
    const err = map(404, `${E}/api/models/x`, { "x-error-code": "RepoNotFound" }, undefined, {
      ...withToken,
      repo: { id: "acme/real", type: "dataset" },
    });
    expect(err?.repoId).toBe("acme/real");
    expect(err?.message).toContain("Dataset acme/real not found");
  });

  it("entry and revision errors name the file and revision parsed from the resolve URL", () => {
    const entry = map(404, `${E}/acme/tiny/resolve/dev/sub/x%20y.txt`, { "x-error-code": "EntryNotFound" });
    expect(entry?.message).toContain("'sub/x y.txt' not found in model acme/tiny at revision dev");
    const rev = map(404, `${E}/api/models/acme/tiny/revision/nope`, { "x-error-code": "RevisionNotFound" });
    expect(rev?.message).toContain("Revision 'nope' not found in model acme/tiny");
  });

  it("appends the server message and the request id (x-request-id, then x-amzn-trace-id)", () => {
    const err = map(
      500,
      `${E}/api/x`,
      { "x-request-id": "req-1", "x-amzn-trace-id": "Root=2" },
      '{"error":"database on fire"}',
    );
    expect(err?.message).toContain("Server said: database on fire");
    expect(err?.message).toContain("[request id req-1]");
    expect(err?.requestId).toBe("req-1");
    expect(map(500, `${E}/api/x`, { "x-amzn-trace-id": "Root=2" })?.requestId).toBe("Root=2");
  });

  it("429 reports the RateLimit reset and quota, and retryAfterSeconds", () => {
    const err = map(429, `${E}/api/x`, {
      ratelimit: '"api";r=0;t=55',
      "ratelimit-policy": '"fixed window";"api";q=500;w=300',
    });
    expect(err?.message).toContain("'api' rate limit");
    expect(err?.message).toContain("retry after 55 s (0/500 requests left in the 300s window)");
    expect((err as { retryAfterSeconds?: number }).retryAfterSeconds).toBe(55);
  });

  it("416 reports the requested range and Content-Range", () => {
    const err = map(416, `${E}/x`, { "content-range": "bytes */10" }, undefined, {
      ...withToken,
      range: "bytes=20-",
    });
    expect(err?.message).toContain("requested range bytes=20-, Content-Range bytes */10");
  });

  it("never puts a token in a message, even when the server echoes one", () => {
    const err = map(
      403,
      `${E}/api/x`,
      { "x-error-message": `bad token ${TOKEN}` },
      JSON.stringify({ error: TOKEN }),
    );
    expect(err?.message).not.toContain(TOKEN);
    expect(err?.serverMessage).not.toContain(TOKEN);
    expect(err?.message).toContain("hf_****6789");
  });

  it("a URL with user:pass is shown without them", () => {
    const err = map(404, "https://user:pw@huggingface.co/api/foo");
    expect(err?.message).not.toContain("pw@");
    expect(err?.url).toBe("https://huggingface.co/api/foo");
  });

  it("raiseForStatus reads the body for the server message and throws", async () => {
    const res = {
      status: 403,
      url: `${E}/api/models/acme/tiny`,
      headers: { "x-error-code": "GatedRepo" },
      text: async () => JSON.stringify({ error: "Access to model acme/tiny is restricted." }),
    };
    const err = await raiseForStatus(res, withToken).catch((e) => e);
    expect(err.code).toBe("HF_GATED_REPO");
    expect(err.serverMessage).toBe("Access to model acme/tiny is restricted.");
    await expect(raiseForStatus({ ...res, status: 302 }, withToken)).resolves.toBeUndefined();
  });
});

describe("serverMessageOf (Python's _format sources)", () => {
  it("collects the header, JSON error (string, list, with description), errors[].message; dedupes", () => {
    expect(serverMessageOf({ "x-error-message": "a" }, '{"error":"a"}')).toBe("a");
    expect(serverMessageOf({}, '{"error":["x","y"]}')).toBe("x; y");
    expect(serverMessageOf({}, '{"error":"invalid_grant","error_description":"expired"}')).toBe(
      "invalid_grant: expired",
    );
    expect(serverMessageOf({}, '{"error_description":"only"}')).toBe("only");
    expect(serverMessageOf({}, '{"errors":[{"message":"m1"},{"message":"m2"}]}')).toBe("m1; m2");
  });
  it("uses a plain-text body but not HTML", () => {
    expect(serverMessageOf({ "content-type": "text/plain" }, "  oops\n more ")).toBe("oops more");
    expect(serverMessageOf({ "content-type": "text/html" }, "<html>no</html>")).toBeUndefined();
  });
});

describe("parseRepoFromUrl", () => {
  it.each([
    [`${E}/api/models/acme/tiny`, { type: "model", id: "acme/tiny" }],
    [`${E}/api/models/gpt2`, { type: "model", id: "gpt2" }],
    [`${E}/api/models/gpt2/revision/main`, { type: "model", id: "gpt2", revision: "main" }],
    [
      `${E}/api/datasets/acme/d/tree/refs%2Fpr%2F1/sub`,
      { type: "dataset", id: "acme/d", revision: "refs/pr/1", path: "sub" },
    ],
    [`${E}/api/spaces/acme/s/refs`, { type: "space", id: "acme/s" }],
    [
      `${E}/acme/tiny/resolve/main/a/b.txt`,
      { type: "model", id: "acme/tiny", revision: "main", path: "a/b.txt" },
    ],
    [
      `${E}/datasets/acme/d/resolve/v1/x.csv`,
      { type: "dataset", id: "acme/d", revision: "v1", path: "x.csv" },
    ],
    [
      `${E}/spaces/acme/s/resolve/main/app.py`,
      { type: "space", id: "acme/s", revision: "main", path: "app.py" },
    ],
    [
      `${E}/gpt2/resolve/main/config.json`,
      { type: "model", id: "gpt2", revision: "main", path: "config.json" },
    ],
  ])("%s", (url, expected) => {
    expect(parseRepoFromUrl(url, E)).toEqual(expected);
  });
  it("skips the endpoint's path prefix and ignores non-repo URLs", () => {
    expect(parseRepoFromUrl("http://h/mirror/acme/t/resolve/main/f", "http://h/mirror")).toMatchObject({
      id: "acme/t",
    });
    expect(parseRepoFromUrl(`${E}/api/whoami-v2`, E)).toBeUndefined();
    expect(parseRepoFromUrl("not a url", E)).toBeUndefined();
  });
});

describe("displayUrl", () => {
  it("hides signed-URL secrets, credentials and tokens, keeps the rest", () => {
    expect(displayUrl("https://u:p@cdn.example/x?X-Amz-Signature=abc&Expires=9&Key-Pair-Id=k&a=1")).toBe(
      "https://cdn.example/x?X-Amz-Signature=***&Expires=9&Key-Pair-Id=***&a=1",
    );
    expect(displayUrl(`https://h/x?access_token=${TOKEN}`)).toBe("https://h/x?access_token=***");
    expect(displayUrl(`https://h/${TOKEN}`)).not.toContain(TOKEN);
  });
});

describe("remedies follow the token source's kind, not its wording", () => {
  it.each([
    {
      source: { kind: "env", name: "HUGGING_FACE_HUB_TOKEN" } as const,
      want: /^set HUGGING_FACE_HUB_TOKEN to a valid token/,
    },
    // A file (or a labelled argument) whose wording looks like a variable is still not one.
    {
      source: { kind: "file", path: "/tmp/HF_TOKEN environment variable" } as const,
      want: /^pass a valid token, or save a new login with loginWithToken\(\)$/,
    },
    {
      source: { kind: "argument", label: "FOO environment variable" } as const,
      want: /^pass a valid token, or save a new login with loginWithToken\(\)$/,
    },
    { source: undefined, want: /^pass a valid token, or save a new login with loginWithToken\(\)$/ },
  ])("replaceTokenRemedy($source)", ({ source, want }) => {
    expect(replaceTokenRemedy(source)).toMatch(want);
  });

  it("a 401 names the source through describeTokenSource and says which variable to set", () => {
    const e = map(401, `${E}/api/whoami-v2`, {}, undefined, {
      ...withToken,
      tokenSource: { kind: "env", name: "HUGGINGFACE_TOKEN" },
    });
    expect(e?.message).toContain("The token from HUGGINGFACE_TOKEN environment variable was rejected");
    expect(e?.remedy).toMatch(/^set HUGGINGFACE_TOKEN to a valid token/);
  });

  it("a repo not found with a labelled argument token names the label and suggests logging in again", () => {
    const e = map(404, `${E}/api/models/acme/private`, { "x-error-code": "RepoNotFound" }, undefined, {
      ...withToken,
      tokenSource: { kind: "argument", label: "token passed to useHubkit" },
    });
    expect(e?.message).toContain("not visible to the token from token passed to useHubkit");
    expect(e?.remedy).toContain("pass a token that can see it");
  });
});
