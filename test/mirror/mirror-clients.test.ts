import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readdir, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHubServer, type HubServer } from "../../src/server/index.js";
import { PYTHON_BIN, runHf, runProcess } from "../helpers/cli.js";
import { mirrorFixture } from "./mirror-fixture.js";
import { type MirrorProcess, startMirrorProcess } from "./mirror-process.js";

// 16 clients at the same moment, half hubkit, half Python huggingface_hub, one snapshot with a
// 256 MiB LFS file: the upstream must see each blob fetched once.
const BIG = 256 << 20;
let upstream: HubServer;
let mirror: MirrorProcess;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hubkit-mirror-clients-"));
  upstream = await createHubServer({ fixture: mirrorFixture(BIG) });
  mirror = await startMirrorProcess(upstream.url, join(dir, "store"));
}, 60_000);
afterAll(async () => {
  await mirror?.stop();
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

function sha256File(path: string): Promise<string> {
  return new Promise((ok, fail) => {
    const h = createHash("sha256");
    createReadStream(path)
      .on("data", (c) => h.update(c))
      .on("end", () => ok(h.digest("hex")))
      .on("error", fail);
  });
}

describe("hf serve --mirror: 16 concurrent clients", () => {
  it("8 hubkit + 8 Python `hf download` of a snapshot with a 256 MiB LFS file: all verified, each blob fetched from the upstream once", async () => {
    upstream.reset();
    const env = (i: number) => ({ HF_HOME: join(dir, `client-${i}`), HF_ENDPOINT: mirror.info.url });
    const runs = Array.from({ length: 16 }, (_, i) =>
      i < 8
        ? runHf(["download", "acme/open"], { env: env(i), timeoutMs: 240_000 })
        : runProcess(join(PYTHON_BIN, "hf"), ["download", "acme/open"], { env: env(i), timeoutMs: 240_000 }),
    );
    const results = await Promise.all(runs);
    for (const r of results) expect(r.code, r.stderr).toBe(0);

    const expected = (
      (await (await fetch(`${upstream.url}/api/models/acme/open/tree/main?recursive=true`)).json()) as {
        path: string;
        type: string;
        lfs?: { oid: string };
      }[]
    ).filter((e) => e.type === "file");
    for (let i = 0; i < 16; i++) {
      const snaps = join(dir, `client-${i}`, "hub", "models--acme--open", "snapshots");
      const [commit] = await readdir(snaps);
      for (const e of expected.filter((x) => x.lfs)) {
        const file = await realpath(join(snaps, commit as string, e.path));
        expect(await sha256File(file), `client ${i} ${e.path}`).toBe(e.lfs?.oid);
      }
    }
    // Each blob crossed from the upstream once: one CDN GET for the LFS file, one /resolve GET per
    // regular file (HEADs are the access checks).
    const gets = upstream.requests.filter((r) => r.method === "GET" && /\/resolve\/|\/repos\//.test(r.path));
    expect(gets.filter((r) => r.server === "cdn")).toHaveLength(1);
    const perFile = new Map<string, number>();
    for (const g of gets.filter((r) => r.server === "hub")) {
      const f = g.path.split("/resolve/")[1]?.split("/").slice(1).join("/") ?? "";
      perFile.set(f, (perFile.get(f) ?? 0) + 1);
    }
    expect([...perFile.values()].every((n) => n === 1)).toBe(true);
    expect(perFile.size).toBe(expected.length - 1);
    const stats = (await (await fetch(`${mirror.info.url}/_hubkit/mirror/stats`)).json()) as Record<
      string,
      number
    >;
    expect(stats.upstreamBytes).toBeGreaterThanOrEqual(BIG);
    expect(stats.upstreamBytes).toBeLessThan(BIG + 4096);
    // The store is a hub cache: hf cache verify passes on it.
    const verify = await runHf(["cache", "verify", "acme/open", "--cache-dir", join(dir, "store")], {
      env: { HF_ENDPOINT: upstream.url, HF_HOME: join(dir, "verify") },
    });
    expect(verify.code, verify.stderr).toBe(0);
  }, 300_000);
});
