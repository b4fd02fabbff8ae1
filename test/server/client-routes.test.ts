import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { gitBlobSha1 } from "../../src/common/hashes.js";
import { DEMO_FIXTURE, type RepoSpec } from "../../src/server/index.js";
import { bearer, DEMO_TOKENS, get, type HubServer, raw, startHub } from "../helpers/hub.js";

/**
 * The routes @huggingface/hub (and huggingface_hub) call beyond downloads: revision HEAD, /raw,
 * the repo listings and the commit history, with the Hub's status codes, headers and pages.
 */
let hub: HubServer;
const logged: string[] = [];
const alice = bearer(DEMO_TOKENS.alice);
const bob = bearer(DEMO_TOKENS.bob);

beforeAll(async () => {
  hub = await startHub({ demo: true, log: (line) => logged.push(line) });
  // A repo of our own whose contents these tests know, next to the demo's.
  hub.addRepo({
    id: "acme/history",
    commits: [
      { message: "first", files: { "a.txt": { content: "a1" }, "w.bin": { content: "weights", lfs: true } } },
      { message: "second\n\nwith a body <b>", files: { "a.txt": { content: "a2" } } },
      { message: "third", files: { "b.txt": { content: "b" } } },
      { message: "fourth", files: { "c.txt": { content: "c" } } },
      { message: "fifth", files: { "d.txt": { content: "d" } } },
    ],
    branches: { main: -1, old: 1 },
    pullRequests: { "1": 2 },
  });
  hub.addRepo({
    id: "acme/no-main",
    commits: [{ files: { "x.txt": { content: "x" } } }],
    branches: { trunk: 0 },
  });
});
afterAll(() => hub.close());

// biome-ignore lint/suspicious/noExplicitAny: JSON under test, checked field by field
type Json = any;

async function json(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ res: Response; body: Json }> {
  const res = await get(hub.url + path, { headers });
  return { res, body: await res.json() };
}

/** Follows `Link: <...>; rel="next"` from `path`, returning every page's items and the URLs asked. */
async function allPages(path: string, headers: Record<string, string> = {}) {
  const items: Record<string, unknown>[] = [];
  const urls: string[] = [];
  let url: string | undefined = hub.url + path;
  while (url) {
    urls.push(url);
    const res = await get(url, { headers });
    expect(res.status, url).toBe(200);
    items.push(...((await res.json()) as Record<string, unknown>[]));
    const link = res.headers.get("link");
    url = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
  }
  return { items, urls };
}

/** Public demo repos of a type matching `keep`, sorted: what a listing should show anonymously. */
const demoIds = (type: RepoSpec["type"], keep: (r: RepoSpec) => boolean = () => true) =>
  (DEMO_FIXTURE.repos ?? [])
    .filter((r) => (r.type ?? "model") === type && !r.private && keep(r))
    .map((r) => r.id)
    .sort();

const mainOf = async (id: string) => (await json(`/api/models/${id}/revision/main`)).body.sha as string;

describe("revision HEAD is the default branch", () => {
  test("info, tree, paths-info, resolve and raw", async () => {
    const main = await mainOf("acme/history");
    expect((await json("/api/models/acme/history/revision/HEAD")).body.sha).toBe(main);
    const tree = (await json("/api/models/acme/history/tree/HEAD")).body;
    expect(tree.map((e: { path: string }) => e.path)).toEqual(["a.txt", "b.txt", "c.txt", "d.txt", "w.bin"]);
    const paths = await get(`${hub.url}/api/models/acme/history/paths-info/HEAD`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ paths: ["d.txt"] }),
    });
    expect(((await paths.json()) as { path: string }[]).map((e) => e.path)).toEqual(["d.txt"]);
    for (const action of ["resolve", "raw"]) {
      const res = await get(`${hub.url}/acme/history/${action}/HEAD/a.txt`);
      expect([res.status, res.headers.get("x-repo-commit"), await res.text()]).toEqual([200, main, "a2"]);
    }
  });

  test("a repo without main: HEAD and the info route name its first branch", async () => {
    const trunk = (await json("/api/models/acme/no-main/revision/trunk")).body.sha;
    expect((await json("/api/models/acme/no-main")).body.sha).toBe(trunk);
    expect((await json("/api/models/acme/no-main/revision/HEAD")).body.sha).toBe(trunk);
    const missing = await get(`${hub.url}/api/models/acme/no-main/revision/main`);
    expect([missing.status, missing.headers.get("x-error-code")]).toEqual([404, "RevisionNotFound"]);
  });
});

describe("GET|HEAD /{repo}/raw/{rev}/{path}", () => {
  test("a regular file: its bytes directly (no redirect), ETag = git sha1, X-Repo-Commit, ranges", async () => {
    const main = await mainOf("acme/history");
    const res = await get(`${hub.url}/acme/history/raw/main/a.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(`"${gitBlobSha1(Buffer.from("a2"))}"`);
    expect(res.headers.get("x-repo-commit")).toBe(main);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await res.text()).toBe("a2");
    const head = await get(`${hub.url}/acme/history/raw/main/a.txt`, { method: "HEAD" });
    expect([head.status, head.headers.get("content-length")]).toEqual([200, "2"]);
    const part = await get(`${hub.url}/acme/history/raw/main/a.txt`, { headers: { Range: "bytes=1-" } });
    expect([part.status, part.headers.get("content-range"), await part.text()]).toEqual([
      206,
      "bytes 1-1/2",
      "2",
    ]);
  });

  test("an LFS file: the pointer git stores, never the CDN; its ETag is the tree oid", async () => {
    const tree = (await json("/api/models/acme/history/tree/main")).body;
    const entry = tree.find((e: { path: string }) => e.path === "w.bin");
    hub.reset();
    const res = await get(`${hub.url}/acme/history/raw/main/w.bin`);
    expect(res.status).toBe(200);
    expect(res.headers.get("location")).toBeNull();
    expect(res.headers.get("x-linked-etag")).toBeNull();
    const text = await res.text();
    expect(text).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${entry.lfs.oid}\nsize 7\n`);
    expect(res.headers.get("etag")).toBe(`"${entry.oid}"`);
    expect(gitBlobSha1(Buffer.from(text))).toBe(entry.oid);
    expect(Number(res.headers.get("content-length"))).toBe(entry.lfs.pointerSize);
    expect(hub.requests.some((r) => r.server === "cdn")).toBe(false);
  });

  test("the same access rules and error headers as /resolve", async () => {
    const cases: [string, Record<string, string>, number, string | null][] = [
      ["/meta-llama/Llama-3.2-1B/raw/main/config.json", alice, 200, null],
      ["/meta-llama/Llama-3.2-1B/raw/main/config.json", bob, 403, "GatedRepo"],
      ["/meta-llama/Llama-3.2-1B/raw/main/config.json", {}, 401, "GatedRepo"],
      ["/alice/private-notes/raw/main/notes.txt", alice, 200, null],
      ["/alice/private-notes/raw/main/notes.txt", bob, 404, "RepoNotFound"],
      ["/alice/private-notes/raw/main/notes.txt", {}, 401, "RepoNotFound"],
      ["/acme/history/raw/main/missing.txt", {}, 404, "EntryNotFound"],
      ["/acme/history/raw/nope/a.txt", {}, 404, "RevisionNotFound"],
      ["/acme/missing/raw/main/a.txt", alice, 404, "RepoNotFound"],
    ];
    for (const [path, headers, status, code] of cases) {
      for (const method of ["GET", "HEAD"]) {
        const res = await get(hub.url + path, { method, headers });
        expect([res.status, res.headers.get("x-error-code")], `${method} ${path}`).toEqual([status, code]);
        const twin = await get(hub.url + path.replace("/raw/", "/resolve/"), { method, headers });
        expect(twin.status, `resolve twin of ${path}`).toBe(status);
      }
    }
    const missing = await get(`${hub.url}/acme/history/raw/main/missing.txt`);
    expect(missing.headers.get("x-repo-commit")).toBe(await mainOf("acme/history"));
  });

  test("datasets/ and spaces/ prefixes, refs/pr/N, and path traversal refused", async () => {
    const readme = await get(`${hub.url}/datasets/acme/tiny-dataset/raw/main/README.md`);
    const resolved = await get(`${hub.url}/datasets/acme/tiny-dataset/resolve/main/README.md`);
    expect([readme.status, await readme.text()]).toEqual([200, await resolved.text()]);
    expect((await get(`${hub.url}/spaces/acme/tiny-space/raw/main/index.html`)).status).toBe(200);
    expect((await get(`${hub.url}/acme/tiny-dataset/raw/main/README.md`)).status).toBe(401);
    expect(await (await get(`${hub.url}/acme/history/raw/refs%2Fpr%2F1/b.txt`)).text()).toBe("b");
    expect((await raw(hub.url, "/acme/history/raw/main/%2e%2e/a.txt")).status).toBe(400);
  });
});

describe("GET /api/models, /api/datasets, /api/spaces", () => {
  test("the listing's default fields; search is a substring of the id, author its namespace", async () => {
    const { body } = await json("/api/models?search=HISTORY");
    expect(body).toEqual([
      {
        _id: expect.stringMatching(/^[0-9a-f]{24}$/),
        id: "acme/history",
        likes: 0,
        trendingScore: 0,
        private: false,
        downloads: 0,
        tags: [],
        createdAt: expect.any(String),
        modelId: "acme/history",
      },
    ]);
    const acme = (await json("/api/models?author=acme")).body.map((m: { id: string }) => m.id);
    expect(acme).toEqual([...acme].sort());
    expect(acme).toEqual(expect.arrayContaining(["acme/history", "acme/no-main", "acme/tiny-model"]));
    expect(acme.every((id: string) => id.startsWith("acme/"))).toBe(true);
    expect((await json("/api/models?author=acm")).body).toEqual([]);
    const ids = async (path: string) => (await json(path)).body.map((d: { id: string }) => d.id);
    expect(await ids("/api/datasets?search=tiny")).toEqual(demoIds("dataset", (r) => r.id.includes("tiny")));
    expect(await ids("/api/spaces")).toEqual(demoIds("space"));
    expect((await json("/api/spaces?expand=sdk")).body.map((d: { sdk: string }) => d.sdk)).toContain(
      "static",
    );
  });

  test("expand / expand[] select the fields (plus _id and id); an unknown one is 400", async () => {
    const { body } = await json("/api/models?search=history&expand=gated&expand[]=sha&expand=lastModified");
    const main = await mainOf("acme/history");
    expect(body).toEqual([
      {
        _id: expect.any(String),
        id: "acme/history",
        gated: false,
        sha: main,
        lastModified: expect.any(String),
      },
    ]);
    const bad = await get(`${hub.url}/api/models?expand=nope`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("x-error-message")).toContain("nope");
    // usedStorage is a model-info property the Hub refuses in listings (huggingface_hub PR #3182).
    expect((await get(`${hub.url}/api/models?expand=usedStorage`)).status).toBe(400);
    expect((await json("/api/models/acme/history?expand=usedStorage")).body.usedStorage).toBe(12);
    expect((await get(`${hub.url}/api/datasets?expand=sdk`)).status).toBe(400);
  });

  test("Link pagination: limit is the page size, the next URL keeps the query, the last page has none", async () => {
    const { items, urls } = await allPages("/api/models?author=acme&limit=1&expand=private");
    const ids = items.map((i) => i.id);
    expect(ids).toEqual((await json("/api/models?author=acme")).body.map((m: { id: string }) => m.id));
    expect(urls).toHaveLength(ids.length);
    for (const u of urls.slice(1)) {
      const q = new URL(u).searchParams;
      expect([q.get("author"), q.get("limit"), q.get("expand"), u.startsWith(hub.url)]).toEqual([
        "acme",
        "1",
        "private",
        true,
      ]);
      expect(q.get("cursor")).toBeTruthy();
    }
    expect((await get(`${hub.url}/api/models?cursor=garbage`)).status).toBe(400);
  });

  test("private repos only for who can see them; gated ones listed to all, with their gating", async () => {
    const ids = async (headers: Record<string, string>) =>
      (await json("/api/models?expand=gated&expand=private", headers)).body.map(
        (m: { id: string; gated: unknown }) => `${m.id}:${m.gated}`,
      );
    expect(await ids({})).toContain("meta-llama/Llama-3.2-1B:manual");
    expect(await ids({})).not.toContain("alice/private-notes:false");
    expect(await ids(bob)).not.toContain("alice/private-notes:false");
    expect(await ids(alice)).toContain("alice/private-notes:false");
    const gatedOnly = (await json("/api/models?gated=true")).body.map((m: { id: string }) => m.id);
    expect(gatedOnly).toEqual(demoIds("model", (r) => Boolean(r.gated)));
  });

  test("sort, direction, full=true, and tag filters (no local repo has tags)", async () => {
    const asc = (await json("/api/models?author=acme&sort=id&direction=1")).body.map(
      (m: { id: string }) => m.id,
    );
    const desc = (await json("/api/models?author=acme&sort=id")).body.map((m: { id: string }) => m.id);
    expect(desc).toEqual([...asc].reverse());
    const full = (await json("/api/models?search=history&full=true")).body[0];
    expect(full.siblings.map((s: { rfilename: string }) => s.rfilename)).toEqual([
      "a.txt",
      "b.txt",
      "c.txt",
      "d.txt",
      "w.bin",
    ]);
    expect((await json("/api/models?filter=text-generation")).body).toEqual([]);
    expect((await json("/api/models?pipeline_tag=fill-mask")).body).toEqual([]);
  });
});

describe("GET /api/{type}s/{id}/commits/{rev}", () => {
  test("newest first in the Hub's shape: title is the first line, message the rest", async () => {
    const { res, body } = await json("/api/models/acme/history/commits/main");
    expect(res.headers.get("x-total-count")).toBe("5");
    expect(res.headers.get("link")).toBeNull();
    expect(body.map((c: { title: string }) => c.title)).toEqual([
      "fifth",
      "fourth",
      "third",
      "second",
      "first",
    ]);
    expect(body[0]).toEqual({
      id: await mainOf("acme/history"),
      authors: [{ user: "alice", avatar: expect.stringMatching(/\/avatars\/alice\.svg$/) }],
      date: expect.any(String),
      title: "fifth",
      message: "",
    });
    expect(body[3].message).toBe("\n\nwith a body <b>");
    expect(body.map((c: { date: string }) => c.date)).toEqual(
      [...body.map((c: { date: string }) => c.date)].sort().reverse(),
    );
    const formatted = (await json("/api/models/acme/history/commits/main?expand[]=formatted")).body;
    expect(formatted[3].formatted).toEqual({ title: "second", message: "\n\nwith a body &lt;b&gt;" });
  });

  test("pages by p and limit, with Link <...?p=N&limit=L>; rel=next while more remains", async () => {
    const { items, urls } = await allPages("/api/models/acme/history/commits/main?limit=2");
    expect(items.map((c) => c.title)).toEqual(["fifth", "fourth", "third", "second", "first"]);
    expect(urls.map((u) => new URL(u).search)).toEqual(["?limit=2", "?p=1&limit=2", "?p=2&limit=2"]);
    expect((await json("/api/models/acme/history/commits/main?p=9")).body).toEqual([]);
    expect((await get(`${hub.url}/api/models/acme/history/commits/main?p=-1`)).status).toBe(400);
  });

  test("any revision: branch, tag, commit, refs/pr/N encoded or not; a missing one is RevisionNotFound", async () => {
    const titles = async (rev: string) =>
      (await json(`/api/models/acme/history/commits/${rev}`)).body.map((c: { title: string }) => c.title);
    expect(await titles("old")).toEqual(["second", "first"]);
    expect(await titles("refs%2Fpr%2F1")).toEqual(["third", "second", "first"]);
    expect(await titles("refs/pr/1")).toEqual(["third", "second", "first"]);
    expect(await titles("HEAD")).toHaveLength(5);
    const first = (await json("/api/models/acme/history/commits/main")).body[4].id;
    expect(await titles(first)).toEqual(["first"]);
    const res = await get(`${hub.url}/api/models/acme/history/commits/nope`);
    expect([res.status, res.headers.get("x-error-code")]).toEqual([404, "RevisionNotFound"]);
    const dataset = DEMO_FIXTURE.repos?.find((r) => r.id === "acme/tiny-dataset");
    expect((await json("/api/datasets/acme/tiny-dataset/commits/main")).body).toHaveLength(
      dataset?.commits?.length ?? 1,
    );
  });

  test("visibility as for the tree: private to its owner only, gated history public", async () => {
    expect((await get(`${hub.url}/api/models/alice/private-notes/commits/main`)).status).toBe(401);
    expect(
      (await get(`${hub.url}/api/models/alice/private-notes/commits/main`, { headers: bob })).status,
    ).toBe(404);
    expect(
      (await get(`${hub.url}/api/models/alice/private-notes/commits/main`, { headers: alice })).status,
    ).toBe(200);
    expect((await get(`${hub.url}/api/models/meta-llama/Llama-3.2-1B/commits/main`)).status).toBe(200);
  });
});

describe("what the server does not know stays a loud 404", () => {
  test("unknown verbs and actions are logged, not guessed", async () => {
    hub.reset();
    logged.length = 0;
    const asked = [
      ["POST", "/api/models"],
      ["GET", "/api/models/acme/history/commitz/main"],
      ["GET", "/acme/history/blob/main/a.txt"],
      ["PUT", "/acme/history/raw/main/a.txt"],
      ["GET", "/api/collections"],
    ];
    for (const [method, path] of asked) {
      const res = await get(hub.url + path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(((await res.json()) as { error: string }).error).toBe(
        `hubkit serve: unknown route ${method} ${path}`,
      );
    }
    expect(hub.unknownRoutes).toEqual(asked.map(([m, p]) => `${m} ${p}`));
    expect(logged).toEqual(asked.map(([m, p]) => `hubkit serve: unknown route ${m} ${p}`));
  });
});

describe("a repo id of one segment", () => {
  test("that does not exist is RepoNotFound on the API as on /resolve, not an unknown route", async () => {
    hub.reset();
    for (const path of ["/api/models/no-such-repo/tree/main", "/no-such-repo/resolve/main/config.json"]) {
      const res = await get(hub.url + path, { headers: bob });
      expect([res.status, res.headers.get("x-error-code")], path).toEqual([404, "RepoNotFound"]);
    }
    expect(hub.unknownRoutes).toEqual([]);
  });
});
