import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { gitBlobSha1 } from "../../src/common/hashes.js";
import { DEMO_MODEL_SIZE } from "../../src/server/index.js";
import { bearer, DEMO_TOKENS, get, type HubServer, manualClock, raw, startHub } from "../helpers/hub.js";

/**
 * The local Hub's side of the protocol the Python client speaks, asked with plain fetch: whoami-v2,
 * repo info, tree, paths-info, refs, auth-check and gated access, /resolve and the CDN, and the
 * strictness (unknown routes, traversal, the request log). The client against it is tested in
 * test/http/hub-client-local-hub.test.ts; the routes other clients use in client-routes.test.ts.
 */
let hub: HubServer;
const alice = bearer(DEMO_TOKENS.alice);
const bob = bearer(DEMO_TOKENS.bob);

beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub.close());

async function json(path: string, headers: Record<string, string> = {}) {
  const res = await get(hub.url + path, { headers });
  // biome-ignore lint/suspicious/noExplicitAny: JSON under test, checked field by field
  return { res, body: (await res.json()) as any };
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("whoami-v2", () => {
  test("a classic read token: the Hub's shape with auth.accessToken", async () => {
    const { res, body } = await json("/api/whoami-v2", alice);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(body).toMatchObject({
      type: "user",
      name: "alice",
      fullname: "Alice Anderson",
      email: "alice@example.com",
    });
    expect(body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(body.orgs).toEqual([
      expect.objectContaining({ name: "acme", fullname: "ACME Corp", type: "org" }),
    ]);
    expect(body.auth).toEqual({
      type: "access_token",
      accessToken: expect.objectContaining({ displayName: "alice-read", role: "read" }),
    });
    expect(body.auth.accessToken.fineGrained).toBeUndefined();
  });

  test("write and fine-grained tokens report their role (fine-grained with its scopes)", async () => {
    expect((await json("/api/whoami-v2", bob)).body.auth.accessToken.role).toBe("write");
    const fg = (await json("/api/whoami-v2", bearer(DEMO_TOKENS.aliceFineGrained))).body;
    expect(fg.auth.accessToken.role).toBe("fineGrained");
    expect(fg.auth.accessToken.fineGrained.scoped[0].permissions).toEqual(["repo.content.read"]);
  });

  test("an unknown token is a 401 with the Hub's header and body, on any route", async () => {
    for (const path of [
      "/api/whoami-v2",
      "/api/models/acme/tiny-model",
      "/acme/tiny-model/resolve/main/config.json",
      "/no/such/route",
    ]) {
      const res = await get(hub.url + path, { headers: bearer("hf_notARealTokenAtAll000000000000000000") });
      expect(res.status).toBe(401);
      expect(res.headers.get("x-error-message")).toBe("Invalid credentials in Authorization header");
      expect(await res.json()).toEqual({ error: "Invalid user token" });
    }
  });

  test("no token: 401", async () => {
    expect((await get(`${hub.url}/api/whoami-v2`)).status).toBe(401);
  });
});

describe("repo info", () => {
  test("public model: id, sha (40-hex), siblings, gated/private flags", async () => {
    const { res, body } = await json("/api/models/acme/tiny-model");
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ id: "acme/tiny-model", private: false, gated: false, disabled: false });
    expect(body.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(body.siblings.map((s: { rfilename: string }) => s.rfilename)).toEqual([
      ".gitattributes",
      "README.md",
      "config.json",
      "model.safetensors",
      "onnx/model.onnx",
      "special_tokens_map.json",
      "subdir/nested.txt",
      "tokenizer.json",
      "tokenizer_config.json",
      "vocab.txt",
    ]);
    expect(typeof body.lastModified).toBe("string");
  });

  test("revision by branch, tag and commit; blobs=true adds sizes and lfs", async () => {
    const main = (await json("/api/models/acme/tiny-model/revision/main")).body.sha;
    const dev = (await json("/api/models/acme/tiny-model/revision/dev")).body.sha;
    const tag = (await json("/api/models/acme/tiny-model/revision/v1.0")).body;
    expect(new Set([main, dev, tag.sha]).size).toBe(3);
    expect(tag.siblings).toHaveLength(4);
    const byCommit = (await json(`/api/models/acme/tiny-model/revision/${dev}`)).body;
    expect(byCommit.sha).toBe(dev);
    const refsHeads = (await json("/api/models/acme/tiny-model/revision/refs%2Fheads%2Fdev")).body;
    expect(refsHeads.sha).toBe(dev);
    const blobs = (await json("/api/models/acme/tiny-model/revision/main?blobs=true")).body;
    const model = blobs.siblings.find((s: { rfilename: string }) => s.rfilename === "model.safetensors");
    expect(model).toMatchObject({ size: DEMO_MODEL_SIZE, lfs: { size: DEMO_MODEL_SIZE } });
    expect(model.lfs.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test("an unknown revision is RevisionNotFound (404)", async () => {
    const res = await get(`${hub.url}/api/models/acme/tiny-model/revision/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get("x-error-code")).toBe("RevisionNotFound");
    expect(res.headers.get("x-error-message")).toContain("nope");
  });

  test("a missing repo: 401 anonymous, 404 authenticated, both RepoNotFound", async () => {
    const anon = await get(`${hub.url}/api/models/acme/missing`);
    expect([anon.status, anon.headers.get("x-error-code")]).toEqual([401, "RepoNotFound"]);
    const authed = await get(`${hub.url}/api/models/acme/missing`, { headers: alice });
    expect([authed.status, authed.headers.get("x-error-code")]).toEqual([404, "RepoNotFound"]);
    expect(await authed.json()).toEqual({ error: "Repository not found" });
  });

  test("a private repo looks missing to others and is visible to its owner", async () => {
    expect((await get(`${hub.url}/api/models/alice/private-notes`)).status).toBe(401);
    const asBob = await get(`${hub.url}/api/models/alice/private-notes`, { headers: bob });
    expect([asBob.status, asBob.headers.get("x-error-code")]).toEqual([404, "RepoNotFound"]);
    const asAlice = await json("/api/models/alice/private-notes", alice);
    expect(asAlice.body).toMatchObject({ id: "alice/private-notes", private: true });
  });

  test("a gated repo's metadata is public; dataset and space types; the wrong type is RepoNotFound", async () => {
    expect((await json("/api/models/meta-llama/Llama-3.2-1B")).body.gated).toBe("manual");
    expect((await json("/api/datasets/acme/tiny-dataset")).body.id).toBe("acme/tiny-dataset");
    expect((await json("/api/spaces/acme/tiny-space")).body.sdk).toBe("static");
    expect((await get(`${hub.url}/api/datasets/acme/tiny-model`, { headers: alice })).status).toBe(404);
  });

  test("addRepo at runtime, including a one-segment id", async () => {
    const added = hub.addRepo({ id: "gpt2", commits: [{ files: { "a.txt": { content: "a" } } }] });
    expect(added.commits[0]).toMatch(/^[0-9a-f]{40}$/);
    const info = (await json("/api/models/gpt2/revision/main")).body;
    expect(info.sha).toBe(added.commits[0]);
    const res = await get(`${hub.url}/gpt2/resolve/main/a.txt`);
    expect(await res.text()).toBe("a");
  });
});

describe("tree, paths-info, refs", () => {
  test("root listing is one level (folders as directory entries); recursive lists everything", async () => {
    const top = (await json("/api/models/acme/tiny-model/tree/main")).body;
    expect(top.map((e: { path: string; type: string }) => `${e.type}:${e.path}`)).toContain(
      "directory:subdir",
    );
    expect(top.find((e: { path: string }) => e.path === "subdir/nested.txt")).toBeUndefined();
    const all = (await json("/api/models/acme/tiny-model/tree/main?recursive=true&expand=false")).body;
    const nested = all.find((e: { path: string }) => e.path === "subdir/nested.txt");
    expect(nested).toEqual({
      type: "file",
      oid: gitBlobSha1(Buffer.from("a file in a folder\n")),
      size: 19,
      path: "subdir/nested.txt",
    });
    const model = all.find((e: { path: string }) => e.path === "model.safetensors");
    expect(model.lfs).toEqual({
      oid: expect.stringMatching(/^[0-9a-f]{64}$/),
      size: DEMO_MODEL_SIZE,
      pointerSize: expect.any(Number),
    });
  });

  test("a folder path, expand=true (lastCommit), and a missing path (EntryNotFound)", async () => {
    const sub = (await json("/api/models/acme/tiny-model/tree/main/subdir?expand=true")).body;
    expect(sub).toHaveLength(1);
    expect(sub[0].lastCommit).toMatchObject({
      title: "Add tokenizer, ONNX model and a nested file",
      id: expect.any(String),
    });
    expect(sub[0].securityFileStatus.status).toBe("safe");
    const res = await get(`${hub.url}/api/models/acme/tiny-model/tree/main/nope`);
    expect([res.status, res.headers.get("x-error-code")]).toEqual([404, "EntryNotFound"]);
  });

  test("pagination: Link rel=next with an absolute URL carrying the query and a cursor", async () => {
    const seen: string[] = [];
    let url: string | undefined = `${hub.url}/api/models/acme/tiny-model/tree/main?recursive=true&limit=3`;
    let pages = 0;
    while (url) {
      const res = await get(url);
      const page = (await res.json()) as { path: string }[];
      seen.push(...page.map((e) => e.path));
      pages++;
      const link = res.headers.get("link");
      url = link ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
      if (url) expect(url).toMatch(/recursive=true.*cursor=/);
    }
    expect(pages).toBe(4);
    expect(seen).toHaveLength(12); // 10 files and the onnx and subdir folders
    expect(new Set(seen).size).toBe(12);
  });

  test("paths-info accepts the form body Python sends, and JSON", async () => {
    const form = await get(`${hub.url}/api/models/acme/tiny-model/paths-info/main`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "paths=config.json&paths=subdir&paths=missing.txt&expand=false",
    });
    const entries = (await form.json()) as { path: string; type: string }[];
    expect(entries.map((e) => `${e.type}:${e.path}`)).toEqual(["file:config.json", "directory:subdir"]);
    const js = await get(`${hub.url}/api/models/acme/tiny-model/paths-info/v1.0`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ paths: ["tokenizer.json", "README.md"], expand: true }),
    });
    const list = (await js.json()) as { path: string; lastCommit: unknown }[];
    expect(list.map((e) => e.path)).toEqual(["README.md"]);
    expect(list[0]?.lastCommit).toBeDefined();
  });

  test("refs: branches, converts, tags; pullRequests only with include_prs", async () => {
    const main = (await json("/api/models/acme/tiny-model/revision/main")).body.sha;
    const refs = (await json("/api/models/acme/tiny-model/refs")).body;
    expect(refs.branches).toContainEqual({ name: "main", ref: "refs/heads/main", targetCommit: main });
    expect(refs.tags.map((t: { ref: string }) => t.ref)).toEqual(["refs/tags/v1.0"]);
    expect(refs.converts).toEqual([]);
    expect(refs.pullRequests).toBeUndefined();
    expect((await json("/api/models/acme/tiny-model/refs?include_prs=1")).body.pullRequests).toEqual([]);
  });
});

describe("auth-check and gated access", () => {
  test("gated: granted alice 200; bob 403 GatedRepo naming the repo and where to ask; anonymous 401 GatedRepo", async () => {
    expect(
      (await get(`${hub.url}/api/models/meta-llama/Llama-3.2-1B/auth-check`, { headers: alice })).status,
    ).toBe(200);
    const b = await get(`${hub.url}/api/models/meta-llama/Llama-3.2-1B/auth-check`, { headers: bob });
    expect([b.status, b.headers.get("x-error-code")]).toEqual([403, "GatedRepo"]);
    expect(b.headers.get("x-error-message")).toContain("meta-llama/Llama-3.2-1B");
    expect(b.headers.get("x-error-message")).toContain(`${hub.url}/meta-llama/Llama-3.2-1B`);
    const anon = await get(`${hub.url}/meta-llama/Llama-3.2-1B/resolve/main/config.json`, { method: "HEAD" });
    expect([anon.status, anon.headers.get("x-error-code")]).toEqual([401, "GatedRepo"]);
    const file = await get(`${hub.url}/meta-llama/Llama-3.2-1B/resolve/main/config.json`, { headers: alice });
    expect(file.status).toBe(200);
  });

  test("access requests: manual gating leaves a request pending (its own message), auto grants at once", async () => {
    hub.addRepo({
      id: "acme/gated-manual",
      owner: "bob",
      gated: "manual",
      commits: [{ files: { "a.txt": { content: "a" } } }],
    });
    hub.addRepo({
      id: "acme/gated-auto",
      owner: "bob",
      gated: "auto",
      commits: [{ files: { "a.txt": { content: "a" } } }],
    });
    expect(hub.requestAccess("acme/gated-manual", "alice")).toBe("pending");
    const pending = await get(`${hub.url}/acme/gated-manual/resolve/main/a.txt`, { headers: alice });
    expect([pending.status, pending.headers.get("x-error-code")]).toEqual([403, "GatedRepo"]);
    expect(pending.headers.get("x-error-message")).toContain("awaiting a review");
    // HfApi's admin endpoints, as the owner (bob, with a write token).
    const list = await get(`${hub.url}/api/models/acme/gated-manual/user-access-request/pending`, {
      headers: bob,
    });
    expect(
      ((await list.json()) as { user: { user: string }; status: string }[]).map((r) => r.user.user),
    ).toEqual(["alice"]);
    const handle = await get(`${hub.url}/api/models/acme/gated-manual/user-access-request/handle`, {
      method: "POST",
      headers: { ...bob, "Content-Type": "application/json" },
      body: JSON.stringify({ user: "alice", status: "accepted" }),
    });
    expect(handle.status).toBe(200);
    expect((await get(`${hub.url}/acme/gated-manual/resolve/main/a.txt`, { headers: alice })).status).toBe(
      200,
    );
    expect(
      (await get(`${hub.url}/api/models/acme/gated-manual/user-access-request/pending`, { headers: alice }))
        .status,
    ).toBe(403);
    const viaHttp = await get(`${hub.url}/_hubkit/gated/request`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ repo: "acme/gated-auto", user: "alice" }),
    });
    expect(await viaHttp.json()).toEqual({ status: "accepted" });
    expect((await get(`${hub.url}/acme/gated-auto/resolve/main/a.txt`, { headers: alice })).status).toBe(200);
  });

  test("auth-check/write needs a write token of a member", async () => {
    expect(
      (await get(`${hub.url}/api/models/acme/tiny-model/auth-check/write`, { headers: bob })).status,
    ).toBe(200);
    expect(
      (await get(`${hub.url}/api/models/acme/tiny-model/auth-check/write`, { headers: alice })).status,
    ).toBe(403);
  });
});

describe("resolve and the CDN", () => {
  test("regular file: HEAD headers the Python client needs, then the bytes", async () => {
    const head = await get(`${hub.url}/acme/tiny-model/resolve/main/config.json`, { method: "HEAD" });
    expect(head.status).toBe(200);
    const commit = head.headers.get("x-repo-commit");
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    const etag = head.headers.get("etag");
    expect(head.headers.get("accept-ranges")).toBe("bytes");
    expect(head.headers.get("x-xet-hash")).toBeNull();
    const body = Buffer.from(
      await (await get(`${hub.url}/acme/tiny-model/resolve/main/config.json`)).arrayBuffer(),
    );
    expect(etag).toBe(`"${gitBlobSha1(body)}"`);
    expect(Number(head.headers.get("content-length"))).toBe(body.length);
  });

  test("regular file ranges: 206 with Content-Range; 416 beyond the end; If-Range mismatch gives 200", async () => {
    const url = `${hub.url}/acme/tiny-model/resolve/main/README.md`;
    const full = Buffer.from(await (await get(url)).arrayBuffer());
    const part = await get(url, { headers: { Range: "bytes=2-" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 2-${full.length - 1}/${full.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(full.subarray(2));
    const over = await get(url, { headers: { Range: `bytes=${full.length}-` } });
    expect(over.status).toBe(416);
    expect(over.headers.get("content-range")).toBe(`bytes */${full.length}`);
    const stale = await get(url, { headers: { Range: "bytes=2-", "If-Range": '"0000"' } });
    expect(stale.status).toBe(200);
  });

  test("LFS: 302 to an absolute CDN URL with X-Linked-Etag/Size; the CDN needs no auth and serves ranges", async () => {
    const head = await get(`${hub.url}/acme/tiny-model/resolve/main/model.safetensors`, {
      method: "HEAD",
      headers: alice,
    });
    expect(head.status).toBe(302);
    const location = head.headers.get("location") as string;
    expect(location.startsWith(`${hub.cdnUrl}/`)).toBe(true);
    expect(location).toContain("X-Amz-Signature=");
    const linked = (head.headers.get("x-linked-etag") as string).replace(/"/g, "");
    expect(Number(head.headers.get("x-linked-size"))).toBe(DEMO_MODEL_SIZE);
    expect(head.headers.get("x-repo-commit")).toMatch(/^[0-9a-f]{40}$/);
    expect(head.headers.get("x-xet-hash")).toBeNull();
    hub.reset();
    const blob = Buffer.from(await (await get(location)).arrayBuffer());
    expect(blob.length).toBe(DEMO_MODEL_SIZE);
    expect(sha256(blob)).toBe(linked);
    const part = await get(location, { headers: { Range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${DEMO_MODEL_SIZE}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(blob.subarray(100, 200));
    expect((await get(location, { headers: { Range: `bytes=${DEMO_MODEL_SIZE}-` } })).status).toBe(416);
    // The CDN records whether Authorization arrived (a client bug to catch), and never needs it.
    const withAuth = await get(location, { headers: { ...alice, Range: "bytes=0-0" } });
    expect(withAuth.status).toBe(206);
    expect(hub.requests.map((r) => [r.server, r.authorization])).toEqual([
      ["cdn", false],
      ["cdn", false],
      ["cdn", false],
      ["cdn", true],
    ]);
  });

  test("a signed CDN URL lasts the hour it says on the server's clock, then is 403 Request has expired", async () => {
    const clock = manualClock();
    const timed = await startHub({
      fixture: {
        repos: [{ id: "t/lfs", commits: [{ files: { "w.bin": { content: "weights", lfs: true } } }] }],
      },
      clock,
    });
    try {
      const head = await get(`${timed.url}/t/lfs/resolve/main/w.bin`, { method: "HEAD" });
      const location = head.headers.get("location") as string;
      const q = new URL(location).searchParams;
      expect([q.get("X-Amz-Date"), q.get("X-Amz-Expires")]).toEqual(["20260115T120000Z", "3600"]);
      // The request log is on the same clock.
      expect(timed.requests.map((r) => r.time)).toEqual([clock.now()]);
      clock.advance(3600_000);
      expect(await (await get(location)).text()).toBe("weights");
      clock.advance(1000);
      const late = await get(location);
      expect([late.status, late.headers.get("x-error-code"), late.headers.get("x-error-message")]).toEqual([
        403,
        "AccessDenied",
        "Request has expired",
      ]);
    } finally {
      await timed.close();
    }
  });

  test("a tampered CDN URL is refused", async () => {
    const head = await get(`${hub.url}/acme/tiny-model/resolve/main/model.safetensors`, { method: "HEAD" });
    const location = (head.headers.get("location") as string).replace(
      /X-Amz-Signature=[0-9a-f]{4}/,
      "X-Amz-Signature=0000",
    );
    expect((await get(location)).status).toBe(403);
  });

  test("a missing file is EntryNotFound with X-Repo-Commit; unknown revision RevisionNotFound", async () => {
    const res = await get(`${hub.url}/acme/tiny-model/resolve/main/missing.txt`, { method: "HEAD" });
    expect([res.status, res.headers.get("x-error-code")]).toEqual([404, "EntryNotFound"]);
    expect(res.headers.get("x-repo-commit")).toMatch(/^[0-9a-f]{40}$/);
    const rev = await get(`${hub.url}/acme/tiny-model/resolve/nope/config.json`, { method: "HEAD" });
    expect([rev.status, rev.headers.get("x-error-code")]).toEqual([404, "RevisionNotFound"]);
  });

  test("revisions: branch, tag, commit, encoded refs/heads; /datasets/ and /spaces/ prefixes", async () => {
    const v1 = await (await get(`${hub.url}/acme/tiny-model/resolve/v1.0/README.md`)).text();
    const main = await (await get(`${hub.url}/acme/tiny-model/resolve/main/README.md`)).text();
    expect(v1).not.toBe(main);
    const dev = await get(`${hub.url}/acme/tiny-model/resolve/refs%2Fheads%2Fdev/tokenizer.json`);
    expect(dev.status).toBe(200);
    const commit = dev.headers.get("x-repo-commit") as string;
    expect((await get(`${hub.url}/acme/tiny-model/resolve/${commit}/tokenizer.json`)).status).toBe(200);
    expect((await get(`${hub.url}/acme/tiny-model/resolve/v1.0/tokenizer.json`)).status).toBe(404);
    const parquet = "data/test-00000-of-00001.parquet";
    // An LFS file: followed through the CDN redirect, a real parquet file (magic bytes at both ends).
    const split = Buffer.from(
      await (await fetch(`${hub.url}/datasets/acme/tiny-dataset/resolve/main/${parquet}`)).arrayBuffer(),
    );
    expect([split.subarray(0, 4).toString(), split.subarray(-4).toString()]).toEqual(["PAR1", "PAR1"]);
    expect((await get(`${hub.url}/spaces/acme/tiny-space/resolve/main/index.html`)).status).toBe(200);
    expect((await get(`${hub.url}/acme/tiny-dataset/resolve/main/${parquet}`)).status).toBe(401);
  });

  test("odd file names (as Python quotes them) and refs/pr/N, encoded or not", async () => {
    const { commits } = hub.addRepo({
      id: "acme/odd",
      commits: [
        { files: { "naïve é.txt": { content: "u" }, "data/train file#1?.csv": { content: "c" } } },
        { files: { "pr.txt": { content: "pr" } } },
      ],
      branches: { main: 0, "feature/x": 1 },
      pullRequests: { "1": 1 },
    });
    expect(await (await get(`${hub.url}/acme/odd/resolve/main/na%C3%AFve%20%C3%A9.txt`)).text()).toBe("u");
    expect(await (await get(`${hub.url}/acme/odd/resolve/main/data/train%20file%231%3F.csv`)).text()).toBe(
      "c",
    );
    for (const rev of ["refs%2Fpr%2F1", "refs/pr/1", "feature%2Fx"]) {
      const res = await get(`${hub.url}/acme/odd/resolve/${rev}/pr.txt`);
      expect([res.status, res.headers.get("x-repo-commit")], rev).toEqual([200, commits[1]]);
    }
    const tree = (await json("/api/models/acme/odd/tree/refs%2Fpr%2F1")).body;
    expect(tree.map((e: { path: string }) => e.path)).toContain("pr.txt");
    const prs = (await json("/api/models/acme/odd/refs?include_prs=true")).body.pullRequests;
    expect(prs).toEqual([{ name: "1", ref: "refs/pr/1", targetCommit: commits[1] }]);
  });

  test("private repo files: the owner reads them; others get RepoNotFound", async () => {
    expect(
      (await get(`${hub.url}/alice/private-notes/resolve/main/notes.txt`, { headers: alice })).status,
    ).toBe(200);
    expect(
      (await get(`${hub.url}/alice/private-notes/resolve/main/notes.txt`, { headers: bob })).status,
    ).toBe(404);
    expect((await get(`${hub.url}/alice/private-notes/resolve/main/notes.txt`)).status).toBe(401);
  });
});

describe("strictness and safety", () => {
  test("an unknown route is a loud 404 JSON and is recorded", async () => {
    hub.reset();
    const res = await get(`${hub.url}/x`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "hubkit serve: unknown route GET /x" });
    expect(hub.unknownRoutes).toEqual(["GET /x"]);
    const cdn = await get(`${hub.cdnUrl}/etc/passwd`);
    expect(cdn.status).toBe(404);
    expect(hub.unknownRoutes).toEqual(["GET /x", "GET /etc/passwd"]);
  });

  test("the agent-harnesses registry is empty", async () => {
    expect((await json("/api/agent-harnesses")).body).toEqual({ standardEnvVars: [], harnesses: {} });
    // The Python CLI asks before any login too: a stale token is not looked at.
    const stale = await json("/api/agent-harnesses", bearer("hf_notARealTokenAtAll000000000000000000"));
    expect(stale.res.status).toBe(200);
  });

  test("`..` and encoded traversal never reach a file", async () => {
    const paths = [
      "/acme/tiny-model/resolve/main/../../../../etc/passwd",
      "/acme/tiny-model/resolve/main/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/acme/tiny-model/resolve/main/..%2F..%2F..%2Fetc%2Fpasswd",
      "/acme/tiny-model/resolve/main/subdir/..%5c..%5cconfig.json",
      "/api/models/acme/tiny-model/tree/main/..%2F..",
      "/repos/../../../etc/passwd",
      "/%2e%2e/%2e%2e/etc/passwd",
    ];
    for (const p of paths) {
      for (const base of [hub.url, hub.cdnUrl]) {
        const res = await raw(base, p);
        expect(res.status, `${base}${p}`).toBeGreaterThanOrEqual(400);
        expect(res.body.toString()).not.toContain("root:");
      }
    }
    const bad = await raw(hub.url, "/acme/tiny-model/resolve/main/%E0%A4%A");
    expect(bad.status).toBe(400);
  });

  test("every response carries X-Request-Id, and the log never holds a token", async () => {
    hub.reset();
    await get(`${hub.url}/api/whoami-v2`, { headers: alice });
    await get(`${hub.url}/x`);
    expect(JSON.stringify(hub.requests)).not.toContain(DEMO_TOKENS.alice);
    expect(hub.requests.map((r) => [r.method, r.path, r.status, r.authorization])).toEqual([
      ["GET", "/api/whoami-v2", 200, true],
      ["GET", "/x", 404, false],
    ]);
  });
});
