import { promises as fsp } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { gitBlobSha1, sha256Hex as sha256 } from "../../src/common/hashes.js";
import { readConfig } from "../../src/config/index.js";
import { downloadFile } from "../../src/download/download-file.js";
import { snapshotDownload } from "../../src/download/snapshot-download.js";
import { treeCacheJson } from "../../src/download/tree.js";
import type { DownloadFileOptions } from "../../src/download/types.js";
import { type ScriptedHub, startScriptedHub } from "../helpers/scripted-hub.js";

/** The commits of acme/tiny: C1 (main) with `files`, C2 (tag v1.0, refs/pr/1) with config.json only. */
let C1: string;
let C2: string;
/** The commit of the dataset acme/ds. */
let DS1: string;
const big = Buffer.alloc(3 * 1024 * 1024 + 17);
for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 10)) & 255;
const files = {
  "config.json": { content: Buffer.from('{"a":1}') },
  "sub/dir/file.txt": { content: Buffer.from("hello\n") },
  "model.safetensors": { content: big, lfs: true },
  "README.md": { content: Buffer.from("# readme") },
};
const TOKEN = "hf_secretsecretsecret";

let hub: ScriptedHub;
let home: string;
let config: ReturnType<typeof readConfig>;
const fast = { retry: { baseDelayMs: 10 } };

beforeAll(async () => {
  hub = await startScriptedHub({
    users: [{ name: "alice", tokens: [{ name: "t", token: TOKEN, role: "read" }] }],
  });
  [C1, C2] = hub.addRepo({
    id: "acme/tiny",
    commits: [
      files,
      {
        "config.json": { content: Buffer.from("v1") },
        "sub/dir/file.txt": null,
        "model.safetensors": null,
        "README.md": null,
      },
    ],
    branches: { main: 0 },
    tags: { "v1.0": 1 },
    pullRequests: { "1": 1 },
  }) as [string, string];
  [DS1] = hub.addRepo({
    id: "acme/ds",
    type: "dataset",
    commits: [{ "data.csv": { content: Buffer.from("a,b\n") } }],
  }) as [string];
  // The fixture refuses a hostile path, so the test's hook lists it (see "a hostile file name").
  hub.addRepo({ id: "evil/repo", commits: [{ "ok.txt": { content: Buffer.from("ok") } }] });
});
afterAll(async () => hub.close());
beforeEach(async () => {
  home = await fsp.mkdtemp(join(tmpdir(), "hubkit-dl-"));
  config = readConfig({ HF_HOME: home, HF_ENDPOINT: hub.url, HF_HUB_DOWNLOAD_TIMEOUT: "2" });
  hub.requests.length = 0;
  hub.hook = undefined;
});
afterEach(async () => fsp.rm(home, { recursive: true, force: true }));

const repoDir = () => join(home, "hub", "models--acme--tiny");
/** downloadFile of the LFS file, without a token, with the current `config`. */
const getModel = (extra: Partial<DownloadFileOptions> = {}) =>
  downloadFile({ repoId: "acme/tiny", filename: "model.safetensors", config, token: false, ...extra });

describe("downloadFile into the cache", () => {
  it("writes Python's layout: blob by etag, relative symlink, ref without newline, CACHEDIR.TAG", async () => {
    const p = await downloadFile({ repoId: "acme/tiny", filename: "sub/dir/file.txt", config, token: false });
    const etag = gitBlobSha1(Buffer.from("hello\n"));
    expect(p).toBe(join(repoDir(), "snapshots", C1, "sub", "dir", "file.txt"));
    expect(await fsp.readlink(p)).toBe(`../../../../blobs/${etag}`);
    expect(await fsp.readFile(p, "utf8")).toBe("hello\n");
    expect(await fsp.readFile(join(repoDir(), "refs", "main"), "utf8")).toBe(C1);
    expect(await fsp.readFile(join(home, "hub", "CACHEDIR.TAG"), "utf8")).toMatch(
      /^Signature: 8a477f597d28d172789f06886806bc55\n/,
    );
  });

  it("LFS: HEAD is not followed to the CDN, the CDN GET carries no Authorization, blob = sha256", async () => {
    const p = await downloadFile({
      repoId: "acme/tiny",
      filename: "model.safetensors",
      config,
      token: TOKEN,
    });
    expect(await fsp.readlink(p)).toBe(`../../blobs/${sha256(big)}`);
    expect((await fsp.readFile(p)).equals(big)).toBe(true);
    const cdn = hub.requests.filter((r) => r.host === "cdn");
    expect(cdn.length).toBe(1);
    expect(cdn[0]?.headers.authorization).toBeUndefined();
    const head = hub.requests.find((r) => r.method === "HEAD");
    expect(head?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("costs one HEAD when cached (branch) and zero requests for a pinned commit", async () => {
    await downloadFile({ repoId: "acme/tiny", filename: "config.json", config, token: false });
    hub.requests.length = 0;
    await downloadFile({ repoId: "acme/tiny", filename: "config.json", config, token: false });
    expect(hub.requests.map((r) => r.method)).toEqual(["HEAD"]);
    hub.requests.length = 0;
    await downloadFile({ repoId: "acme/tiny", filename: "config.json", revision: C1, config, token: false });
    expect(hub.requests).toEqual([]);
  });

  it("offline: zero requests, resolves branches through refs/, says how to fetch what is missing", async () => {
    await downloadFile({ repoId: "acme/tiny", filename: "config.json", config, token: false });
    hub.requests.length = 0;
    const off = readConfig({ HF_HOME: home, HF_ENDPOINT: hub.url, HF_HUB_OFFLINE: "1" });
    const p = await downloadFile({ repoId: "acme/tiny", filename: "config.json", config: off });
    expect(await fsp.readFile(p, "utf8")).toBe('{"a":1}');
    await expect(
      downloadFile({ repoId: "acme/tiny", filename: "README.md", config: off }),
    ).rejects.toMatchObject({
      code: "HF_LOCAL_ENTRY_NOT_FOUND",
      repoId: "acme/tiny",
      data: { reason: "not-cached", filename: "README.md", revision: "main", offline: true },
      remedy: expect.stringContaining("unset HF_HUB_OFFLINE"),
    });
    expect(hub.requests).toEqual([]);
  });

  it("tags and refs/pr/N get refs files (nested for refs/pr/1)", async () => {
    await downloadFile({
      repoId: "acme/tiny",
      filename: "config.json",
      revision: "refs/pr/1",
      config,
      token: false,
    });
    expect(await fsp.readFile(join(repoDir(), "refs", "refs", "pr", "1"), "utf8")).toBe(C2);
    const p = await downloadFile({
      repoId: "acme/tiny",
      filename: "config.json",
      revision: "v1.0",
      config,
      token: false,
    });
    expect(await fsp.readFile(p, "utf8")).toBe("v1");
    expect(hub.requests.some((r) => r.path.includes("/resolve/refs%2Fpr%2F1/"))).toBe(true);
  });

  it("a missing file leaves .no_exist/<commit>/<path> and throws EntryNotFound", async () => {
    await expect(
      downloadFile({ repoId: "acme/tiny", filename: "nope.txt", config, token: false }),
    ).rejects.toMatchObject({
      code: "HF_ENTRY_NOT_FOUND",
    });
    await fsp.stat(join(repoDir(), ".no_exist", C1, "nope.txt"));
  });

  it("repo not found hints repoType dataset when the id is a dataset", async () => {
    hub.addRepo({ id: "acme/dsonly", type: "dataset", commits: [{}] });
    await expect(
      downloadFile({ repoId: "acme/dsonly", filename: "x", config, token: false }),
    ).rejects.toMatchObject({
      code: "HF_REPO_NOT_FOUND",
      remedy: 'pass repoType: "dataset"',
      data: { suggestedRepoType: "dataset" },
    });
  });

  it("refuses invalid repo ids with Python's messages", async () => {
    await expect(downloadFile({ repoId: "bad--id/x", filename: "a", config })).rejects.toMatchObject({
      code: "HF_USAGE",
      message: "Cannot have -- or .. in repo_id: 'bad--id/x'.",
    });
    expect(hub.requests).toEqual([]);
  });
});

// Every fault runs through both transports: the general client's stream, and the direct one (the
// socket reads into a BlobWriter's ring, written and hashed on worker threads) that files of 16 MiB
// or more take (here lowered to 0).
describe.each([
  ["stream", { directMinBytes: Number.POSITIVE_INFINITY }],
  ["direct", { directMinBytes: 0 }],
])("resume and faults (%s)", (_name, via) => {
  const blob = () => join(repoDir(), "blobs", sha256(big));

  it("resumes a partial file with Range + If-Range and verifies the result", async () => {
    await fsp.mkdir(join(repoDir(), "blobs"), { recursive: true });
    await fsp.writeFile(`${blob()}.incomplete`, big.subarray(0, 1_000_000));
    const p = await getModel(via);
    expect((await fsp.readFile(p)).equals(big)).toBe(true);
    const get = hub.requests.find((r) => r.host === "cdn");
    expect(get?.headers.range).toBe("bytes=1000000-");
    expect(get?.headers["if-range"]).toBe(`"${sha256(big)}"`);
  });

  it("a corrupt partial is caught by the sha256 check: IntegrityError, nothing visible, partial deleted", async () => {
    await fsp.mkdir(join(repoDir(), "blobs"), { recursive: true });
    await fsp.writeFile(`${blob()}.incomplete`, Buffer.alloc(1_000_000, 7));
    await expect(getModel(via)).rejects.toMatchObject({
      code: "HF_INTEGRITY",
    });
    await expect(fsp.stat(blob())).rejects.toThrow();
    await expect(fsp.stat(`${blob()}.incomplete`)).rejects.toThrow();
    await expect(fsp.lstat(join(repoDir(), "snapshots", C1, "model.safetensors"))).rejects.toThrow();
  });

  it("a 200 answer to a Range request restarts from zero", async () => {
    await fsp.mkdir(join(repoDir(), "blobs"), { recursive: true });
    await fsp.writeFile(`${blob()}.incomplete`, Buffer.alloc(1_000_000, 7));
    hub.hook = (_req, res, info) => {
      if (info.host !== "cdn") return false;
      res.writeHead(200, { "content-length": String(big.length) });
      res.end(big);
      return true;
    };
    const p = await getModel(via);
    expect((await fsp.readFile(p)).equals(big)).toBe(true);
  });

  it("a connection reset mid-body resumes from the bytes written", async () => {
    let n = 0;
    hub.hook = (_req, res, info) => {
      if (info.host !== "cdn" || n++ > 0) return false;
      res.writeHead(200, { "content-length": String(big.length), etag: `"${sha256(big)}"` });
      res.write(big.subarray(0, 2_000_000), () => setTimeout(() => res.socket?.destroy(), 50));
      return true;
    };
    const p = await getModel({ ...via, ...fast });
    expect((await fsp.readFile(p)).equals(big)).toBe(true);
    const cdn = hub.requests.filter((r) => r.host === "cdn");
    expect(cdn.length).toBe(2);
    expect(Number(/bytes=(\d+)-/.exec(cdn[1]?.headers.range ?? "")?.[1])).toBeGreaterThan(0);
  });

  it("a stalled body trips the watchdog and the retry completes", async () => {
    let n = 0;
    hub.hook = (_req, res, info) => {
      if (info.host !== "cdn" || n++ > 0) return false;
      res.writeHead(200, { "content-length": String(big.length) });
      res.write(big.subarray(0, 1_000_000));
      return true; // never ends
    };
    const cfg = readConfig({ HF_HOME: home, HF_ENDPOINT: hub.url, HF_HUB_DOWNLOAD_TIMEOUT: "1" });
    const p = await downloadFile({
      repoId: "acme/tiny",
      filename: "model.safetensors",
      config: cfg,
      token: false,
      ...via,
      ...fast,
    });
    expect((await fsp.readFile(p)).equals(big)).toBe(true);
  }, 15_000);

  it("content that changed on the server (wrong bytes) is never renamed into blobs/", async () => {
    hub.hook = (_req, res, info) => {
      if (info.host !== "cdn") return false;
      const bad = Buffer.from(big);
      bad[5] = (bad[5] as number) ^ 1;
      res.writeHead(200, { "content-length": String(bad.length) });
      res.end(bad);
      return true;
    };
    await expect(getModel(via)).rejects.toMatchObject({
      code: "HF_INTEGRITY",
    });
    await expect(fsp.stat(blob())).rejects.toThrow();
  });

  it("429 with Retry-After is waited for and retried", async () => {
    let n = 0;
    hub.hook = (_req, res, info) => {
      if (info.host !== "cdn" || n++ > 0) return false;
      res.writeHead(429, { "retry-after": "0" }).end();
      return true;
    };
    const p = await getModel(via);
    expect((await fsp.readFile(p)).equals(big)).toBe(true);
    expect(hub.requests.filter((r) => r.host === "cdn").map((r) => r.status)).toEqual([429, 200]);
  }, 10_000);

  it("content that changes between attempts (new etag) fails with IntegrityError, never a mixed file", async () => {
    let n = 0;
    const changed = Buffer.from(big);
    changed.fill(9, 0, 100);
    hub.hook = (req, res, info) => {
      if (info.host !== "cdn") return false;
      if (n++ === 0) {
        res.writeHead(200, { "content-length": String(big.length), etag: `"${sha256(big)}"` });
        res.write(big.subarray(0, 1_500_000), () => setTimeout(() => res.socket?.destroy(), 30));
        return true;
      }
      // the file changed: If-Range no longer matches, so the server sends the whole new content
      const match = req.headers["if-range"] === `"${sha256(changed)}"`;
      expect(match).toBe(false);
      res.writeHead(200, { "content-length": String(changed.length), etag: `"${sha256(changed)}"` });
      res.end(changed);
      return true;
    };
    await expect(getModel({ ...fast, ...via })).rejects.toMatchObject({ code: "HF_INTEGRITY" });
    await expect(fsp.stat(blob())).rejects.toThrow();
  });

  it("a full disk (ENOSPC) is a DiskFullError and the partial file is kept", async () => {
    await fsp.mkdir(join(repoDir(), "blobs"), { recursive: true });
    await fsp.symlink("/dev/full", `${blob()}.incomplete`);
    await expect(getModel(via)).rejects.toMatchObject({
      code: "HF_DISK_FULL",
      remedy: expect.stringContaining("free some disk space"),
    });
    expect((await fsp.lstat(`${blob()}.incomplete`)).isSymbolicLink()).toBe(true);
    await expect(fsp.stat(blob())).rejects.toThrow();
  });

  it("5xx on the GET is retried", async () => {
    let n = 0;
    hub.hook = (_req, res, info) => {
      if (info.host !== "cdn" || n++ > 0) return false;
      res.writeHead(500).end();
      return true;
    };
    const cfg = config;
    const p = await downloadFile({
      repoId: "acme/tiny",
      filename: "model.safetensors",
      config: cfg,
      token: false,
      ...via,
    });
    expect((await fsp.readFile(p)).equals(big)).toBe(true);
  }, 10_000);
});

describe("parallel ranged download (big files)", () => {
  const blob = () => join(repoDir(), "blobs", sha256(big));
  // 3 MiB counts as "big" here; 4 ranges of ~786 KiB.
  const ranged = { rangedMinBytes: 1 << 20, connections: 4, retry: { baseDelayMs: 10 } };
  const cdnRanges = () =>
    hub.requests.filter((r) => r.host === "cdn").map((r) => String(r.headers.range ?? ""));
  const partStarts = () => {
    const step = Math.ceil(big.length / 4);
    return [0, step, 2 * step, 3 * step];
  };
  const send206 = (res: ServerResponse, body: Buffer, range: string | undefined) => {
    const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? "");
    const start = Number(m?.[1]);
    const end = Number(m?.[2]);
    res.writeHead(206, {
      etag: `"${sha256(big)}"`,
      "content-length": String(end - start + 1),
      "content-range": `bytes ${start}-${end}/${body.length}`,
    });
    return { start, end };
  };
  const blobsLeft = async () => fsp.readdir(join(repoDir(), "blobs")).catch(() => [] as string[]);

  it("fetches 4 ranges without Authorization on the CDN and verifies sha256", async () => {
    const p = await downloadFile({
      repoId: "acme/tiny",
      filename: "model.safetensors",
      config,
      token: TOKEN,
      ...ranged,
    });
    expect((await fsp.readFile(p)).equals(big)).toBe(true);
    const starts = partStarts();
    expect(cdnRanges().sort()).toEqual(
      starts.map((s, i) => `bytes=${s}-${i === 3 ? big.length - 1 : (starts[i + 1] as number) - 1}`).sort(),
    );
    for (const r of hub.requests.filter((x) => x.host === "cdn"))
      expect(r.headers.authorization).toBeUndefined();
    expect(await blobsLeft()).toEqual([sha256(big)]);
  });

  it("a range whose connection resets mid-body is retried from its written bytes", async () => {
    const third = partStarts()[2] as number;
    let reset = false;
    hub.hook = (req, res, info) => {
      if (info.host !== "cdn" || reset || !String(req.headers.range).startsWith(`bytes=${third}-`))
        return false;
      reset = true;
      const { start } = send206(res, big, req.headers.range);
      res.write(big.subarray(start, start + 600_000), () => setTimeout(() => res.socket?.destroy(), 50));
      return true;
    };
    const p = await getModel(ranged);
    expect((await fsp.readFile(p)).equals(big)).toBe(true);
    const again = cdnRanges().filter(
      (r) => r.startsWith("bytes=") && !partStarts().some((s) => r.startsWith(`bytes=${s}-`)),
    );
    expect(again.length).toBe(1);
    expect(Number(/bytes=(\d+)-/.exec(again[0] as string)?.[1])).toBeGreaterThan(third);
  });

  it("a CDN that ignores Range (200) falls back to one stream", async () => {
    hub.hook = (_req, res, info) => {
      if (info.host !== "cdn") return false;
      res.writeHead(200, { "content-length": String(big.length), etag: `"${sha256(big)}"` });
      res.end(big);
      return true;
    };
    const p = await getModel(ranged);
    expect((await fsp.readFile(p)).equals(big)).toBe(true);
    // the probe (first range, answered 200 and dropped) then one plain GET
    expect(cdnRanges()).toEqual([`bytes=0-${(partStarts()[1] as number) - 1}`, ""]);
    expect(await blobsLeft()).toEqual([sha256(big)]);
  });

  it("content that changes between ranges is an IntegrityError and nothing becomes visible", async () => {
    const changed = Buffer.from(big);
    changed.fill(1, 2_000_000, 2_000_100);
    hub.hook = (req, res, info) => {
      if (info.host !== "cdn" || String(req.headers.range).startsWith("bytes=0-")) return false;
      const { start, end } = send206(res, changed, req.headers.range);
      res.end(changed.subarray(start, end + 1));
      return true;
    };
    await expect(getModel(ranged)).rejects.toMatchObject({ code: "HF_INTEGRITY" });
    await expect(fsp.stat(blob())).rejects.toThrow();
    await expect(fsp.lstat(join(repoDir(), "snapshots", C1, "model.safetensors"))).rejects.toThrow();
    expect(await blobsLeft()).toEqual([]);
  });

  it("a failed ranged download leaves its finished prefix as the partial that the next run resumes", async () => {
    const second = partStarts()[1] as number;
    hub.hook = (req, res, info) => {
      if (info.host !== "cdn" || String(req.headers.range).startsWith("bytes=0-")) return false;
      // after the first range has landed, so its bytes are the prefix kept
      setTimeout(() => res.writeHead(404).end(), 300);
      return true;
    };
    await expect(getModel(ranged)).rejects.toThrow();
    const partial = await fsp.readFile(`${blob()}.incomplete`);
    expect(partial.length).toBe(second);
    expect(partial.equals(big.subarray(0, partial.length))).toBe(true);
    expect((await blobsLeft()).filter((f) => f.includes("ranged"))).toEqual([]);
    hub.hook = undefined;
    hub.requests.length = 0;
    const p = await getModel(ranged);
    expect((await fsp.readFile(p)).equals(big)).toBe(true);
    expect(cdnRanges()).toEqual([`bytes=${second}-`]);
  });
});

describe("snapshotDownload", () => {
  it("downloads every file, writes trees/<commit>.json as Python does, second run makes one request", async () => {
    // Pages of 3 of the listing's 6 entries (4 files, 2 folders): the Link to the next page is followed.
    hub.hook = (req) => {
      if (req.url?.includes("/tree/")) req.url += "&limit=3";
      return false;
    };
    const r = await snapshotDownload({ repoId: "acme/tiny", config, token: false });
    hub.hook = undefined;
    expect(r.path).toBe(join(repoDir(), "snapshots", C1));
    expect((await fsp.readFile(join(r.path, "model.safetensors"))).equals(big)).toBe(true);
    expect(hub.requests.filter((r) => r.path.includes("/tree/")).length).toBe(2);
    const tree = await fsp.readFile(join(repoDir(), "trees", `${C1}.json`), "utf8");
    expect(tree).toMatch(/^\{\n "format_version": 1,\n "files": \{\n {2}"README.md": \{\n {3}"size": 8,/);
    expect(tree.endsWith("}")).toBe(true);
    hub.requests.length = 0;
    await snapshotDownload({ repoId: "acme/tiny", config, token: false });
    expect(hub.requests.map((r) => r.path)).toEqual(["/api/models/acme/tiny/revision/main"]);
    hub.requests.length = 0;
    const off = readConfig({ HF_HOME: home, HF_ENDPOINT: hub.url, HF_HUB_OFFLINE: "1" });
    expect((await snapshotDownload({ repoId: "acme/tiny", config: off })).path).toBe(r.path);
    expect(hub.requests).toEqual([]);
  });

  it("include / exclude use fnmatch; dry-run lists files and what is cached", async () => {
    const r = await snapshotDownload({
      repoId: "acme/tiny",
      include: ["*.json", "sub/"],
      config,
      token: false,
    });
    expect(r.files.sort()).toEqual(["config.json", "sub/dir/file.txt"]);
    const d = await snapshotDownload({
      repoId: "acme/tiny",
      exclude: "*.md",
      dryRun: true,
      config,
      token: false,
    });
    expect(d.dryRun?.map((f) => [f.filename, f.cached]).sort()).toEqual([
      ["config.json", true],
      ["model.safetensors", false],
      ["sub/dir/file.txt", true],
    ]);
  });

  it("offline with a partial snapshot and a tree cache names the missing files", async () => {
    await snapshotDownload({ repoId: "acme/tiny", include: "config.json", config, token: false });
    const off = readConfig({ HF_HOME: home, HF_ENDPOINT: hub.url, HF_HUB_OFFLINE: "1" });
    await expect(snapshotDownload({ repoId: "acme/tiny", config: off })).rejects.toThrow(
      /incomplete: 3 file\(s\) are missing/,
    );
    expect((await snapshotDownload({ repoId: "acme/tiny", include: "*.json", config: off })).path).toContain(
      C1,
    );
  });

  it("a refusal (repo not found, gated, 401) lets the cache answer, as Python; with nothing cached it surfaces as is", async () => {
    await snapshotDownload({ repoId: "acme/tiny", include: "*.json", config, token: false });
    for (const [status, code] of [
      [404, "RepoNotFound"],
      [403, "GatedRepo"],
      [401, undefined],
    ] as const) {
      hub.hook = (_req, res, info) => {
        if (info.host !== "hub") return false;
        res.writeHead(status, code ? { "x-error-code": code, "x-error-message": code } : {}).end();
        return true;
      };
      const snap = await snapshotDownload({ repoId: "acme/tiny", include: "*.json", config, token: false });
      expect(snap.path).toBe(join(repoDir(), "snapshots", C1));
      const file = await downloadFile({ repoId: "acme/tiny", filename: "config.json", config, token: false });
      expect(file).toBe(join(repoDir(), "snapshots", C1, "config.json"));
    }
    hub.hook = (_req, res, info) => {
      if (info.host !== "hub") return false;
      res.writeHead(404, { "x-error-code": "RepoNotFound", "x-error-message": "nope" }).end();
      return true;
    };
    await expect(
      downloadFile({ repoId: "acme/tiny", filename: "README.md", config, token: false }),
    ).rejects.toMatchObject({ code: "HF_REPO_NOT_FOUND" });
    await expect(
      snapshotDownload({ repoId: "acme/tiny", config, token: false, cacheDir: join(home, "empty") }),
    ).rejects.toMatchObject({ code: "HF_REPO_NOT_FOUND" });
  });

  it("datasets go under datasets--org--name", async () => {
    const r = await snapshotDownload({ repoId: "acme/ds", repoType: "dataset", config, token: false });
    expect(r.path).toBe(join(home, "hub", "datasets--acme--ds", "snapshots", DS1));
    expect(await fsp.readFile(join(r.path, "data.csv"), "utf8")).toBe("a,b\n");
  });

  it("a hostile file name (../x) is refused before anything is written", async () => {
    hub.hook = (req, res) => {
      if (!req.url?.startsWith("/api/models/evil/repo/tree/")) return false;
      const file = (path: string, content: string) => ({
        type: "file",
        path,
        size: content.length,
        oid: gitBlobSha1(Buffer.from(content)),
      });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify([file("../x", "pwn"), file("ok.txt", "ok")]));
      return true;
    };
    await expect(snapshotDownload({ repoId: "evil/repo", config, token: false })).rejects.toMatchObject({
      code: "HF_UNSAFE_PATH",
    });
    await expect(fsp.stat(join(home, "hub", "models--evil--repo", "x"))).rejects.toThrow();
    await expect(fsp.stat(join(home, "hub", "x"))).rejects.toThrow();
  });

  it("local-dir mode: real files, Python's metadata, reused on the next run", async () => {
    const ld = join(home, "ld");
    const r = await snapshotDownload({ repoId: "acme/tiny", localDir: ld, config, token: false });
    expect(r.path).toBe(await fsp.realpath(ld));
    expect((await fsp.lstat(join(ld, "config.json"))).isSymbolicLink()).toBe(false);
    const meta = await fsp.readFile(
      join(ld, ".cache", "huggingface", "download", "sub", "dir", "file.txt.metadata"),
      "utf8",
    );
    expect(meta).toMatch(new RegExp(`^${C1}\\n${gitBlobSha1(Buffer.from("hello\n"))}\\n\\d+(\\.\\d+)?\\n$`));
    expect(await fsp.readFile(join(ld, ".cache", "huggingface", ".gitignore"), "utf8")).toBe("*");
    hub.requests.length = 0;
    await snapshotDownload({ repoId: "acme/tiny", localDir: ld, config, token: false });
    expect(hub.requests.length).toBe(1);
    await expect(fsp.stat(join(home, "hub", "models--acme--tiny"))).rejects.toThrow();
  });
});

describe("tree cache format", () => {
  it("matches json.dump(indent=1) with ensure_ascii and sorted paths", () => {
    const s = treeCacheJson([
      { path: "b", size: 1, oid: "x" },
      { path: "é", size: 2, oid: "y", lfs: { oid: "z", size: 2 } },
      { path: "a", size: 3, oid: "w" },
    ]);
    expect(s).toBe(
      '{\n "format_version": 1,\n "files": {\n  "a": {\n   "size": 3,\n   "blob_id": "w"\n  },\n  "b": {\n   "size": 1,\n   "blob_id": "x"\n  },\n  "\\u00e9": {\n   "size": 2,\n   "blob_id": "y",\n   "lfs_sha256": "z",\n   "lfs_size": 2\n  }\n }\n}',
    );
  });
});
