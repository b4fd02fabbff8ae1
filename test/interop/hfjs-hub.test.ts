import { createHash } from "node:crypto";
import { mkdtemp, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import {
  countCommits,
  datasetInfo,
  downloadFile,
  downloadFileToCacheDir,
  fileExists,
  type ListFileEntry,
  listCommits,
  listDatasets,
  listFiles,
  listModels,
  modelInfo,
  snapshotDownload,
} from "@huggingface/hub";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { scanCache } from "../../src/cache/scan.js";
import { gitBlobSha1 } from "../../src/common/hashes.js";
import { readConfig } from "../../src/config/index.js";
import { downloadFile as hubkitDownloadFile } from "../../src/download/download-file.js";
import { DEMO_FIXTURE } from "../../src/server/index.js";
import { DEMO_TOKENS, type HubServer, startHub } from "../helpers/hub.js";

/**
 * The official JS client, @huggingface/hub 2.17.5, against a real local Hub (`hubUrl` pointed at
 * it): every call it makes must land on a route the server knows, with the Hub's answer.
 */
let hub: HubServer;
let hubUrl: string;
/** The server's log lines (unknown routes), kept across `hub.reset()`. */
const logged: string[] = [];
const TINY = "acme/tiny-model";
const GATED = "meta-llama/Llama-3.2-1B";

beforeAll(async () => {
  hub = await startHub({ demo: true, log: (line) => logged.push(line) });
  hubUrl = hub.url;
});
afterAll(() => hub.close());

/** What the server itself says about a repo (the fixture may change; the server is the truth). */
async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${hubUrl}${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}
const headOf = async (repo: string, branch = "main") =>
  (
    await api<{ branches: { name: string; targetCommit: string }[] }>(`/api/models/${repo}/refs`)
  ).branches.find((b) => b.name === branch)?.targetCommit as string;

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const requested = (prefix: string) =>
  hub.requests.filter((r) => r.server === "hub" && r.path.startsWith(prefix));

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "hubkit-hfjs-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("repo info", () => {
  test("modelInfo asks for revision HEAD (the default branch) and gets its commit", async () => {
    hub.reset();
    const info = await modelInfo({ name: TINY, hubUrl, additionalFields: ["sha", "author"] });
    expect(info).toMatchObject({ name: TINY, private: false, gated: false, author: "acme" });
    expect(info.sha).toBe(await headOf(TINY));
    expect(info.updatedAt).toBeInstanceOf(Date);
    expect(requested("/api/models/acme/tiny-model/revision/HEAD?")).toHaveLength(1);
  });

  test("modelInfo of a gated model needs no access; of a private one it needs the owner", async () => {
    expect((await modelInfo({ name: GATED, hubUrl })).gated).toBe("manual");
    await expect(modelInfo({ name: "alice/private-notes", hubUrl })).rejects.toMatchObject({
      statusCode: 401,
    });
    const mine = await modelInfo({ name: "alice/private-notes", hubUrl, accessToken: DEMO_TOKENS.alice });
    expect(mine.private).toBe(true);
  });

  test("datasetInfo, and an unknown expand field is the Hub's 400", async () => {
    const info = await datasetInfo({ name: "acme/tiny-dataset", hubUrl, additionalFields: ["sha"] });
    expect(info).toMatchObject({ name: "acme/tiny-dataset", private: false, gated: false });
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/);
    await expect(
      // @ts-expect-error: not an expandable field, on purpose
      modelInfo({ name: TINY, hubUrl, additionalFields: ["notAField"] }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe("files", () => {
  test("fileExists: true for a file, false for a missing one, through /raw", async () => {
    hub.reset();
    expect(await fileExists({ repo: TINY, path: "config.json", hubUrl })).toBe(true);
    expect(await fileExists({ repo: TINY, path: "missing.json", hubUrl })).toBe(false);
    expect(
      await fileExists({ repo: { type: "dataset", name: "acme/tiny-dataset" }, path: "README.md", hubUrl }),
    ).toBe(true);
    expect(requested("/acme/tiny-model/raw/main/").map((r) => [r.method, r.status])).toEqual([
      ["HEAD", 200],
      ["HEAD", 404],
    ]);
  });

  test("fileExists on a gated repo: alice (granted) true; bob (403) and anonymous (401) fail", async () => {
    expect(
      await fileExists({ repo: GATED, path: "config.json", hubUrl, accessToken: DEMO_TOKENS.alice }),
    ).toBe(true);
    hub.reset();
    // Not false: a refusal is an error. @huggingface/hub then parses the JSON error body of its own
    // HEAD request, which has none (it would on huggingface.co too), so the error it throws is a
    // SyntaxError rather than its HubApiError; the statuses below are what it was told.
    await expect(
      fileExists({ repo: GATED, path: "config.json", hubUrl, accessToken: DEMO_TOKENS.bob }),
    ).rejects.toThrow();
    await expect(fileExists({ repo: GATED, path: "config.json", hubUrl })).rejects.toThrow();
    expect(requested(`/${GATED}/raw/main/config.json`).map((r) => [r.method, r.status])).toEqual([
      ["HEAD", 403],
      ["HEAD", 401],
    ]);
  });

  test("listFiles recursive: every file of the head, plus its folders", async () => {
    const entries = await collect(listFiles({ repo: TINY, recursive: true, hubUrl }));
    const files = entries.filter((e) => e.type === "file").map((e) => e.path);
    const info = await modelInfo({ name: TINY, hubUrl, additionalFields: ["filePaths"] });
    expect(files.sort()).toEqual([...info.filePaths].sort());
    const folders = new Set(files.filter((f) => f.includes("/")).map((f) => dirname(f)));
    expect(entries.filter((e) => e.type === "directory").map((e) => e.path)).toEqual([...folders].sort());
  });

  test("downloadFile: a regular file (git sha1 = oid), an LFS file (sha256 = lfs.oid), and raw: the pointer", async () => {
    const entries = await collect(listFiles({ repo: TINY, recursive: true, hubUrl }));
    const config = entries.find((e) => e.path === "config.json") as ListFileEntry;
    const blob = await downloadFile({ repo: TINY, path: "config.json", hubUrl });
    const bytes = new Uint8Array(await (blob as Blob).arrayBuffer());
    expect(gitBlobSha1(Buffer.from(bytes))).toBe(config.oid);

    const model = entries.find((e) => e.lfs) as ListFileEntry;
    const weights = await downloadFile({ repo: TINY, path: model.path, hubUrl });
    expect(weights?.size).toBe(model.size);
    expect(sha256(new Uint8Array(await (weights as Blob).arrayBuffer()))).toBe(model.lfs?.oid);

    const pointer = await (
      (await downloadFile({ repo: TINY, path: model.path, hubUrl, raw: true })) as Blob
    ).text();
    expect(pointer).toBe(
      `version https://git-lfs.github.com/spec/v1\noid sha256:${model.lfs?.oid}\nsize ${model.size}\n`,
    );
    expect(pointer.length).toBe(model.lfs?.pointerSize);
    expect(await downloadFile({ repo: TINY, path: "missing.json", hubUrl })).toBeNull();
  });

  test("downloadFile of a gated file: alice reads it, bob is refused", async () => {
    const text = await (
      (await downloadFile({
        repo: GATED,
        path: "config.json",
        hubUrl,
        accessToken: DEMO_TOKENS.alice,
      })) as Blob
    ).text();
    expect(JSON.parse(text)).toBeTypeOf("object");
    await expect(
      downloadFile({ repo: GATED, path: "config.json", hubUrl, accessToken: DEMO_TOKENS.bob }),
    ).rejects.toMatchObject({ statusCode: 403 });
  });
});

describe("listings", () => {
  test("listModels: search (substring of the id), owner, limit", async () => {
    const names = async (params: Parameters<typeof listModels>[0]) =>
      (await collect(listModels({ hubUrl, ...params }))).map((m) => m.name);
    const tinyModels = (DEMO_FIXTURE.repos ?? [])
      .filter((r) => (r.type ?? "model") === "model" && !r.private && r.id.includes("tiny"))
      .map((r) => r.id);
    expect((await names({ search: { query: "tiny" } })).sort()).toEqual(tinyModels.sort());
    const acme = await names({ search: { owner: "acme" } });
    expect(acme).toContain(TINY);
    expect(acme.every((n) => n.startsWith("acme/"))).toBe(true);
    hub.reset();
    expect(await names({ limit: 1 })).toHaveLength(1);
    expect(requested("/api/models?").map((r) => new URL(r.path, hubUrl).searchParams.get("limit"))).toEqual([
      "1",
    ]);
  });

  test("listModels: gated models are listed with their gating; private ones only to who can see them", async () => {
    const all = await collect(listModels({ hubUrl }));
    expect(all.find((m) => m.name === GATED)?.gated).toBe("manual");
    expect(all.map((m) => m.name)).not.toContain("alice/private-notes");
    const asBob = await collect(listModels({ hubUrl, accessToken: DEMO_TOKENS.bob }));
    expect(asBob.map((m) => m.name)).not.toContain("alice/private-notes");
    const asAlice = await collect(listModels({ hubUrl, accessToken: DEMO_TOKENS.alice }));
    expect(asAlice.find((m) => m.name === "alice/private-notes")?.private).toBe(true);
  });

  test("listDatasets", async () => {
    const datasets = await collect(listDatasets({ hubUrl, additionalFields: ["author"] }));
    const ids = DEMO_FIXTURE.repos?.filter((r) => r.type === "dataset" && !r.private).map((r) => r.id);
    expect(datasets.map((d) => d.name).sort()).toEqual(ids?.sort());
    expect(datasets.find((d) => d.name === "acme/tiny-dataset")).toMatchObject({
      author: "acme",
      gated: false,
    });
  });

  test("listCommits: newest first, across pages of batchSize; countCommits", async () => {
    const spec = DEMO_FIXTURE.repos?.find((r) => r.id === TINY);
    const main = spec?.branches?.main ?? -1;
    const commits0 = spec?.commits ?? [];
    const messages = commits0
      .slice(0, main < 0 ? commits0.length + main + 1 : main + 1)
      .map((c) => c.message);
    hub.reset();
    const commits = await collect(listCommits({ repo: TINY, hubUrl, batchSize: 1 }));
    expect(commits.map((c) => c.title)).toEqual(messages.reverse());
    expect(commits[0]?.oid).toBe(await headOf(TINY));
    expect(commits[0]?.date).toBeInstanceOf(Date);
    expect(commits[0]?.authors[0]?.username).toBeTruthy();
    expect(requested("/api/models/acme/tiny-model/commits/main")).toHaveLength(commits.length);
    expect(await countCommits({ repo: TINY, hubUrl })).toBe(commits.length);
    const dev = await collect(listCommits({ repo: TINY, hubUrl, revision: "dev" }));
    expect(dev[0]?.oid).toBe(await headOf(TINY, "dev"));
  });
});

describe("the cache", () => {
  test("snapshotDownload: refs/main, snapshots/<head>, blobs named by etag; hubkit reads it offline", async () => {
    await withTempDir(async (cacheDir) => {
      const head = await headOf(TINY);
      const snapshot = await snapshotDownload({ repo: TINY, cacheDir, hubUrl });
      const repoDir = join(cacheDir, "models--acme--tiny-model");
      expect(snapshot).toBe(join(repoDir, "snapshots", head));
      expect(await readFile(join(repoDir, "refs", "main"), "utf8")).toBe(head);

      const entries = await collect(listFiles({ repo: TINY, recursive: true, hubUrl }));
      for (const e of entries.filter((x) => x.type === "file")) {
        const pointer = join(snapshot, e.path);
        const link = await readlink(pointer);
        expect(link.startsWith("../")).toBe(true); // relative, as Python writes them
        const etag = e.lfs ? e.lfs.oid : (e.oid as string);
        expect(basename(link)).toBe(etag);
        const bytes = await readFile(pointer);
        expect(e.lfs ? sha256(bytes) : gitBlobSha1(bytes)).toBe(etag);
      }

      const scan = await scanCache({ cacheDir });
      expect(scan.warnings).toEqual([]);
      expect(scan.repos.map((r) => r.id)).toEqual(["model/acme/tiny-model"]);
      expect(scan.repos[0]?.revisions.map((r) => [r.commit, r.refs])).toEqual([[head, ["main"]]]);
      expect(scan.repos[0]?.revisions[0]?.files).toHaveLength(
        entries.filter((e) => e.type === "file").length,
      );

      // Python's offline rule (refs/main -> snapshot) finds what @huggingface/hub wrote.
      hub.reset();
      const config = readConfig({ HF_HUB_CACHE: cacheDir, HF_HUB_OFFLINE: "1", HF_ENDPOINT: hubUrl });
      const path = await hubkitDownloadFile({ repoId: TINY, filename: "config.json", config, token: false });
      expect(path).toBe(join(snapshot, "config.json"));
      expect(hub.requests).toEqual([]);
    });
  });

  test("downloadFileToCacheDir: a valid pointer and blob (filed under the file's last commit, its own choice)", async () => {
    await withTempDir(async (cacheDir) => {
      const res = await fetch(`${hubUrl}/api/models/${TINY}/paths-info/main`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ paths: ["config.json"], expand: true }),
      });
      const [info] = (await res.json()) as { oid: string; lastCommit: { id: string } }[];
      if (!info) throw new Error("paths-info gave nothing for config.json");
      const path = await downloadFileToCacheDir({ repo: TINY, path: "config.json", cacheDir, hubUrl });
      expect(path).toBe(
        join(cacheDir, "models--acme--tiny-model", "snapshots", info.lastCommit.id, "config.json"),
      );
      expect(basename(await readlink(path))).toBe(info.oid);
      expect(gitBlobSha1(await readFile(path))).toBe(info.oid);
      const scan = await scanCache({ cacheDir });
      expect(scan.warnings).toEqual([]);
      expect(scan.repos[0]?.revisions.map((r) => r.commit)).toEqual([info.lastCommit.id]);
    });
  });
});

describe("listModels pages", () => {
  test("more models than a page (500): the Link header leads to the rest, no duplicates", async () => {
    const ids = Array.from({ length: 503 }, (_, i) => `bulk/model-${String(i).padStart(3, "0")}`);
    for (const id of ids) hub.addRepo({ id, commits: [{ files: { "README.md": { content: "bulk\n" } } }] });
    hub.reset();
    const listed = (await collect(listModels({ hubUrl, search: { owner: "bulk" } }))).map((m) => m.name);
    expect(listed).toEqual(ids);
    const pages = requested("/api/models?");
    expect(pages).toHaveLength(2);
    expect(new URL(pages[1]?.path as string, hubUrl).searchParams.get("cursor")).toBeTruthy();
  });
});

test("@huggingface/hub hit no unknown route", () => {
  expect(logged).toEqual([]);
});
