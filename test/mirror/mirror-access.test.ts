import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/index.js";
import { downloadFile } from "../../src/download/download-file.js";
import { createMirrorServer, type MirrorServer } from "../../src/mirror/index.js";
import { createHubServer, type HubServer } from "../../src/server/index.js";
import { runHf } from "../helpers/cli.js";
import { manualClock } from "../helpers/hub.js";
import { mirrorFixture, TOKENS } from "./mirror-fixture.js";

let upstream: HubServer;
let mirror: MirrorServer;
let dir: string;
const clock = manualClock();
const lines: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hubkit-mirror-access-"));
  upstream = await createHubServer({ fixture: mirrorFixture() });
  mirror = await createMirrorServer({
    upstream: upstream.url,
    dataDir: join(dir, "store"),
    clock,
    accessTtlMs: 60_000,
    log: (l) => lines.push(l),
  });
});
afterAll(async () => {
  await mirror?.close();
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A client's own cache, downloading through the mirror. */
async function fetchThrough(repoId: string, filename: string, token: string | false, name: string) {
  const config = readConfig({ HF_HOME: join(dir, name), HF_ENDPOINT: mirror.url });
  return downloadFile({ repoId, filename, token, config });
}

const head = (path: string, token?: string) =>
  fetch(`${mirror.url}${path}`, {
    method: "HEAD",
    redirect: "manual",
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });

const cdnGets = () => upstream.requests.filter((r) => r.server === "cdn" && r.method === "GET");

describe("hf serve --mirror: per-caller access", () => {
  it("serves a public LFS file from its own URL (never the upstream's CDN), verified, and a second time from the store", async () => {
    upstream.reset();
    const h = await head("/acme/open/resolve/main/model.safetensors");
    expect(h.status).toBe(200);
    expect(h.headers.get("location")).toBeNull();
    expect(h.headers.get("x-linked-size")).toBe(String(3 << 20));
    expect(h.headers.get("x-hubkit-mirror")).toBe("1");
    const etag = h.headers.get("x-linked-etag")?.replace(/"/g, "");
    const p = await fetchThrough("acme/open", "model.safetensors", false, "c1");
    expect(
      createHash("sha256")
        .update(await readFile(p))
        .digest("hex"),
    ).toBe(etag);
    await fetchThrough("acme/open", "model.safetensors", false, "c2");
    expect(cdnGets()).toHaveLength(1);
    expect(lines.some((l) => /fetched model acme\/open model\.safetensors: 3145728 bytes in/.test(l))).toBe(
      true,
    );
    expect(lines.join("\n")).not.toContain(upstream.url);
    expect(lines.join("\n")).not.toContain(upstream.cdnUrl);
    const stats = (await (await fetch(`${mirror.url}/_hubkit/mirror/stats`)).json()) as Record<
      string,
      number
    >;
    expect(stats).toMatchObject({
      mirror: true,
      hits: 1,
      misses: 1,
      upstreamFetches: 1,
      upstreamBytes: 3 << 20,
    });
  });

  it("serves what `HF_HUB_CACHE=DIR hf download` pre-warmed without fetching it again", async () => {
    const store = join(dir, "store");
    const warm = await runHf(["download", "alice/secret", "model.safetensors"], {
      env: {
        HF_HUB_CACHE: store,
        HF_ENDPOINT: upstream.url,
        HF_TOKEN: TOKENS.alice,
        HF_HOME: join(dir, "warm"),
      },
    });
    expect(warm.code, warm.stderr).toBe(0);
    upstream.reset();
    await fetchThrough("alice/secret", "model.safetensors", TOKENS.alice, "warm-client");
    expect(cdnGets()).toHaveLength(0);
    await expect(fetchThrough("alice/secret", "model.safetensors", TOKENS.bob, "warm-bob")).rejects.toThrow();
  });

  it("refuses bob the gated model alice cached first", async () => {
    await fetchThrough("acme/gated", "model.safetensors", TOKENS.alice, "alice");
    const h = await head("/acme/gated/resolve/main/model.safetensors", TOKENS.bob);
    expect(h.status).toBe(403);
    expect(h.headers.get("x-error-code")).toBe("GatedRepo");
    const g = await fetch(`${mirror.url}/acme/gated/resolve/main/model.safetensors`, {
      headers: { Authorization: `Bearer ${TOKENS.bob}` },
    });
    expect(g.status).toBe(403);
    await expect(fetchThrough("acme/gated", "model.safetensors", TOKENS.bob, "bob")).rejects.toMatchObject({
      code: "HF_GATED_REPO",
    });
    await expect(fetchThrough("acme/gated", "config.json", false, "anon")).rejects.toThrow();
  });

  it("refuses an anonymous caller a private repo, and serves its owner", async () => {
    const h = await head("/alice/secret/resolve/main/config.json");
    expect(h.status).toBe(401);
    const p = await fetchThrough("alice/secret", "config.json", TOKENS.alice, "alice-secret");
    expect(await readFile(p, "utf8")).toContain("alice/secret");
    expect((await head("/alice/secret/resolve/main/config.json")).status).toBe(401);
  });

  it("refuses access the upstream withdrew once the TTL has passed (and not before: the documented trade-off)", async () => {
    await fetchThrough("acme/gated", "config.json", TOKENS.alice, "alice2");
    upstream.setAccess("acme/gated", "alice", "rejected");
    try {
      clock.advance(30_000);
      expect((await head("/acme/gated/resolve/main/config.json", TOKENS.alice)).status).toBe(200);
      clock.advance(30_000);
      const h = await head("/acme/gated/resolve/main/config.json", TOKENS.alice);
      expect(h.status).toBe(403);
      const g = await fetch(`${mirror.url}/acme/gated/resolve/main/model.safetensors`, {
        headers: { Authorization: `Bearer ${TOKENS.alice}` },
      });
      expect(g.status).toBe(403);
    } finally {
      upstream.setAccess("acme/gated", "alice", "accepted");
    }
  });

  it("sends API calls upstream with the caller's token and shows none of the upstream's address", async () => {
    const who = await fetch(`${mirror.url}/api/whoami-v2`, {
      headers: { Authorization: `Bearer ${TOKENS.alice}` },
    });
    expect(who.status).toBe(200);
    expect(((await who.json()) as { name: string }).name).toBe("alice");
    expect((await fetch(`${mirror.url}/api/whoami-v2`)).status).toBe(401);
    const tree = await fetch(`${mirror.url}/api/models/acme/open/tree/main?recursive=true`);
    const text = await tree.text();
    expect(tree.status).toBe(200);
    expect(text).toContain("model.safetensors");
    expect(text).not.toContain(upstream.url);
    const info = await fetch(`${mirror.url}/api/models/alice/secret/revision/main`);
    expect(info.status).toBe(401);
  });

  it("`hf doctor` pointed at the mirror says it is one", async () => {
    const r = await runHf(["doctor"], { env: { HF_ENDPOINT: mirror.url, HF_HOME: join(dir, "doctor") } });
    expect(r.stdout).toMatch(/answered in \d+ ms; it is a hubkit mirror/);
  });

  it("`hf serve --mirror` binds loopback unless --allow-remote, and needs --data", async () => {
    const remote = await runHf([
      "serve",
      "--mirror",
      upstream.url,
      "--data",
      join(dir, "x"),
      "--host",
      "0.0.0.0",
    ]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/--host must be a loopback address/);
    const noData = await runHf(["serve", "--mirror", upstream.url]);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toMatch(/needs --data DIR/);
  });

  it("refuses writes with a message", async () => {
    const r = await fetch(`${mirror.url}/api/repos/create`, { method: "POST", body: "{}" });
    expect(r.status).toBe(405);
    expect(r.headers.get("x-error-message")).toMatch(/read-only/);
  });
});
