import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/index.js";
import { downloadFile } from "../../src/download/download-file.js";
import { createMirrorServer, type MirrorServer } from "../../src/mirror/index.js";
import { createHubServer, type HubServer } from "../../src/server/index.js";
import { PYTHON_BIN, runHf, runProcess } from "../helpers/cli.js";
import { manualClock } from "../helpers/hub.js";
import { mirrorFixture, TOKENS } from "./mirror-fixture.js";
import { startMirrorProcess } from "./mirror-process.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hubkit-mirror-faults-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
let n = 0;
function through(mirrorUrl: string, repoId: string, filename: string, token: string | false = false) {
  const config = readConfig({ HF_HOME: join(dir, `client-${++n}`), HF_ENDPOINT: mirrorUrl });
  return downloadFile({ repoId, filename, token, config, retry: { baseDelayMs: 10, retries: 1 } });
}
const blobsOf = async (store: string, folder: string) =>
  readdir(join(store, folder, "blobs")).catch(() => [] as string[]);

describe("hf serve --mirror: an upstream cut mid-blob", () => {
  let upstream: HubServer;
  let mirror: MirrorServer;
  let store: string;
  beforeAll(async () => {
    upstream = await createHubServer({ fixture: mirrorFixture(8 << 20) });
    store = join(dir, "cut-store");
    mirror = await createMirrorServer({ upstream: upstream.url, dataDir: store, retry: { baseDelayMs: 10 } });
  });
  afterAll(async () => {
    await mirror.close();
    await upstream.close();
  });

  it("resumes after a reset: the blob is fetched in two parts (a Range for the rest) and verified", async () => {
    upstream.reset();
    upstream.fault({ kind: "reset", path: /\/acme\/open\/resolve\/[0-9a-f]{40}\/model\.safetensors$/ });
    const p = await through(mirror.url, "acme/open", "model.safetensors");
    const cdn = upstream.requests.filter((r) => r.server === "cdn" && r.method === "GET");
    expect(cdn).toHaveLength(2);
    expect(cdn[1]?.range).toMatch(/^bytes=\d+-$/);
    const head = await fetch(`${upstream.url}/acme/open/resolve/main/model.safetensors`, {
      method: "HEAD",
      redirect: "manual",
    });
    expect(sha256(await readFile(p))).toBe(head.headers.get("x-linked-etag")?.replace(/"/g, ""));
  });

  it("ends in a clear error when the upstream keeps cutting, with no blob in the store", async () => {
    upstream.reset();
    upstream.fault({
      kind: "reset",
      path: /\/acme\/gated\/resolve\/[0-9a-f]{40}\/model\.safetensors$/,
      times: 50,
    });
    const r = await fetch(`${mirror.url}/acme/gated/resolve/main/model.safetensors`, {
      headers: { Authorization: `Bearer ${TOKENS.alice}` },
    });
    expect(r.status).toBe(502);
    expect(r.headers.get("x-error-message")).toMatch(/from the upstream Hub failed .*nothing was stored/);
    expect(r.headers.get("x-error-message")).not.toContain(upstream.cdnUrl);
    const blobs = await blobsOf(store, "models--acme--gated");
    expect(blobs.filter((b) => !b.endsWith(".incomplete"))).toEqual([]);
    upstream.reset();
    // The client sees the mirror's message as its error.
    await expect(
      (async () => {
        upstream.fault({
          kind: "reset",
          path: /\/acme\/gated\/resolve\/[0-9a-f]{40}\/model\.safetensors$/,
          times: 50,
        });
        await through(mirror.url, "acme/gated", "model.safetensors", TOKENS.alice);
      })(),
    ).rejects.toThrow(/upstream Hub failed/);
    upstream.reset();
  });
});

describe("hf serve --mirror: the upstream down", () => {
  const clock = manualClock();
  let upstream: HubServer;
  let mirror: MirrorServer;
  beforeAll(async () => {
    upstream = await createHubServer({ fixture: mirrorFixture(1 << 20) });
    mirror = await createMirrorServer({ upstream: upstream.url, dataDir: join(dir, "down-store"), clock });
    await through(mirror.url, "acme/open", "model.safetensors");
    await through(mirror.url, "acme/gated", "config.json", TOKENS.alice);
    await upstream.close();
  });
  afterAll(() => mirror.close());

  it("serves public content whose revision it resolved from the store", async () => {
    const p = await through(mirror.url, "acme/open", "model.safetensors");
    expect((await stat(p)).size).toBe(1 << 20);
  });

  it("still serves them after a restart during the outage (what is public is kept in the store)", async () => {
    const again = await createMirrorServer({
      upstream: "http://127.0.0.1:9",
      dataDir: join(dir, "down-store"),
    });
    try {
      const p = await through(again.url, "acme/open", "model.safetensors");
      expect((await stat(p)).size).toBe(1 << 20);
      await expect(through(again.url, "acme/gated", "config.json", TOKENS.alice)).rejects.toThrow(
        /not answering/,
      );
    } finally {
      await again.close();
    }
  });

  it("serves a gated file only to the caller confirmed within the TTL", async () => {
    const p = await through(mirror.url, "acme/gated", "config.json", TOKENS.alice);
    expect(await readFile(p, "utf8")).toContain("acme/gated");
    await expect(through(mirror.url, "acme/gated", "config.json", TOKENS.bob)).rejects.toThrow(
      /upstream Hub is not answering/,
    );
    clock.advance(60_000);
    const r = await fetch(`${mirror.url}/acme/gated/resolve/main/config.json`, {
      headers: { Authorization: `Bearer ${TOKENS.alice}` },
    });
    expect(r.status).toBe(503);
  });

  it("answers anything else with a 503 the client turns into a clear error", async () => {
    await expect(through(mirror.url, "acme/open", "sub/notes.txt")).rejects.toThrow(
      /upstream Hub is not answering .* cannot be served from the mirror's store/,
    );
    const api = await fetch(`${mirror.url}/api/models/acme/open`);
    expect(api.status).toBe(503);
    expect(api.headers.get("x-error-message")).toMatch(/not answering/);
  });
});

describe("hf serve --mirror: kill -9 mid-fetch", () => {
  it("leaves a store that a restarted mirror completes and `hf cache verify` passes", async () => {
    const upstream = await createHubServer({ fixture: mirrorFixture(16 << 20) });
    const store = join(dir, "kill-store");
    try {
      upstream.fault({ kind: "slow", path: /\/model\.safetensors$/, bytesPerSecond: 4 << 20 });
      const first = await startMirrorProcess(upstream.url, store);
      const pending = fetch(`${first.info.url}/acme/open/resolve/main/model.safetensors`).catch((e) => e);
      const blobs = join(store, "models--acme--open", "blobs");
      for (let i = 0; i < 100; i++) {
        const partial = (await blobsOf(store, "models--acme--open")).find((b) => b.endsWith(".incomplete"));
        if (partial && (await stat(join(blobs, partial))).size > 1 << 20) break;
        await sleep(50);
      }
      await first.stop("SIGKILL");
      await pending;
      expect((await blobsOf(store, "models--acme--open")).some((b) => b.endsWith(".incomplete"))).toBe(true);
      upstream.reset();
      const second = await startMirrorProcess(upstream.url, store);
      try {
        const p = await through(second.info.url, "acme/open", "model.safetensors");
        expect((await stat(p)).size).toBe(16 << 20);
        // The restarted mirror resumed the dead one's partial file (its lock was stale).
        const cdn = upstream.requests.filter((r) => r.server === "cdn" && r.method === "GET");
        expect(cdn).toHaveLength(1);
        expect(cdn[0]?.range).toMatch(/^bytes=[1-9]\d*-$/);
      } finally {
        await second.stop();
      }
      const verify = await runHf(["cache", "verify", "acme/open", "--cache-dir", store], {
        env: { HF_ENDPOINT: upstream.url, HF_HOME: join(dir, "verify") },
      });
      expect(verify.code, verify.stderr + verify.stdout).toBe(0);
      expect(existsSync(join(store, "models--acme--open", "blobs"))).toBe(true);
    } finally {
      await upstream.close();
    }
  }, 60_000);
});

describe("hf serve --mirror: a long first fetch", () => {
  it("keeps waiting clients alive with 102 Processing past their read timeout (hubkit and Python)", async () => {
    const upstream = await createHubServer({ fixture: mirrorFixture(8 << 20) });
    const mirror = await createMirrorServer({ upstream: upstream.url, dataDir: join(dir, "slow-store") });
    try {
      // ~5 s for the first fetch; the clients give up after 2 s of silence.
      upstream.fault({ kind: "slow", path: /\/model\.safetensors$/, bytesPerSecond: (8 << 20) / 5 });
      const env = (name: string) => ({
        HF_HOME: join(dir, name),
        HF_ENDPOINT: mirror.url,
        HF_HUB_DOWNLOAD_TIMEOUT: "2",
      });
      const [js, py] = await Promise.all([
        downloadFile({
          repoId: "acme/open",
          filename: "model.safetensors",
          token: false,
          config: readConfig(env("slow-js")),
        }),
        runProcess(join(PYTHON_BIN, "hf"), ["download", "acme/open", "model.safetensors"], {
          env: env("slow-py"),
        }),
      ]);
      expect(py.code, py.stderr).toBe(0);
      expect((await stat(js)).size).toBe(8 << 20);
      expect(upstream.requests.filter((r) => r.server === "cdn" && r.method === "GET")).toHaveLength(1);
      // One GET each: neither client timed out and asked again.
      expect(mirror.stats()).toMatchObject({ misses: 2, hits: 0 });
    } finally {
      await mirror.close();
      await upstream.close();
    }
  }, 60_000);
});
