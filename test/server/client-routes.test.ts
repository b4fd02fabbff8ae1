import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { gitBlobSha1 } from "../../src/common/hashes.js";
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
    expect(await (await get(`${hub.url}/datasets/acme/tiny-dataset/raw/main/data/test.csv`)).text()).toBe(
      "text,label\nfoo,1\n",
    );
    expect((await get(`${hub.url}/spaces/acme/tiny-space/raw/main/index.html`)).status).toBe(200);
    expect((await get(`${hub.url}/acme/tiny-dataset/raw/main/data/test.csv`)).status).toBe(401);
    expect(await (await get(`${hub.url}/acme/history/raw/refs%2Fpr%2F1/b.txt`)).text()).toBe("b");
    expect((await raw(hub.url, "/acme/history/raw/main/%2e%2e/a.txt")).status).toBe(400);
  });
});
