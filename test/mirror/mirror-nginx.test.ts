import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/index.js";
import { downloadFile } from "../../src/download/download-file.js";
import { findNginx } from "../../src/mirror/index.js";
import { createHubServer, type HubServer } from "../../src/server/index.js";
import { PYTHON_BIN, runProcess } from "../helpers/cli.js";
import { mirrorFixture, TOKENS } from "./mirror-fixture.js";
import { type MirrorProcess, startMirrorProcess } from "./mirror-process.js";

// nginx in front of the mirror: .ci/run installs nginx-light as root with apt, so this FAILS where
// nginx could have been installed and is missing, and is skipped only without root or apt.
const nginx = findNginx(`${process.env.PATH}:/usr/sbin`);
const hasApt = (() => {
  try {
    execFileSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const canInstall = process.getuid?.() === 0 && hasApt;

describe.skipIf(!nginx && !canInstall)("hf serve --mirror --nginx", () => {
  let upstream: HubServer;
  let dir: string;
  let front: MirrorProcess;
  let replica: MirrorProcess;
  let store: string;
  beforeAll(async () => {
    if (!nginx) throw new Error("nginx is not installed: run `apt-get install nginx-light` (.ci/run does)");
    dir = await mkdtemp(join(tmpdir(), "hubkit-mirror-nginx-"));
    store = join(dir, "store");
    upstream = await createHubServer({ fixture: mirrorFixture(32 << 20) });
    // Two replicas on one store behind one nginx: the second answers X-Accel-Redirect too.
    replica = await startMirrorProcess(upstream.url, store, ["--behind-nginx"]);
    front = await startMirrorProcess(upstream.url, store, [
      "--nginx",
      "--nginx-app",
      new URL(replica.info.url).host,
    ]);
  }, 60_000);
  afterAll(async () => {
    await front?.stop();
    await replica?.stop();
    await upstream?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const accessLog = () => readFile(join(store, ".locks", "hubkit-mirror", "nginx", "access.log"), "utf8");
  let n = 0;
  const client = () => readConfig({ HF_HOME: join(dir, `c${++n}`), HF_ENDPOINT: front.info.url });

  it("nginx sends the bytes from the store (its access log), to hubkit and to Python", async () => {
    expect(front.info.nginx).toBe(true);
    const p = await downloadFile({
      repoId: "acme/open",
      filename: "model.safetensors",
      token: false,
      config: client(),
    });
    const py = await runProcess(join(PYTHON_BIN, "hf"), ["download", "acme/open", "model.safetensors"], {
      env: { HF_HOME: join(dir, "py"), HF_ENDPOINT: front.info.url },
    });
    expect(py.code, py.stderr).toBe(0);
    const sent = (await accessLog())
      .split("\n")
      .filter(
        (l) => l.includes("/resolve/main/model.safetensors") && l.includes('internal="/_hubkit_store/'),
      );
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent.every((l) => / 200 33554432 /.test(l))).toBe(true);
    expect(await accessLog()).not.toContain(TOKENS.alice);
    expect((await readFile(p)).length).toBe(32 << 20);
  });

  it("answers Range and If-Range with the Hub's ETag (a resume), and a full 200 to a stale validator", async () => {
    const url = `${front.info.url}/acme/open/resolve/main/model.safetensors`;
    const h = await fetch(url, { method: "HEAD" });
    const etag = h.headers.get("etag") as string;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const full = Buffer.from(await (await fetch(url)).arrayBuffer());
    const part = await fetch(url, { headers: { Range: "bytes=1000-", "If-Range": etag } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 1000-${(32 << 20) - 1}/${32 << 20}`);
    expect(part.headers.get("etag")).toBe(etag);
    expect(part.headers.get("x-repo-commit")).toMatch(/^[0-9a-f]{40}$/);
    expect(Buffer.from(await part.arrayBuffer()).equals(full.subarray(1000))).toBe(true);
    const stale = await fetch(url, { headers: { Range: "bytes=1000-", "If-Range": '"0000"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
    expect(createHash("sha256").update(full).digest("hex")).toBe(etag.replace(/"/g, ""));
  });

  it("two replicas behind one nginx fetch each blob from the upstream once", async () => {
    upstream.reset();
    const runs = Array.from({ length: 8 }, (_, i) =>
      downloadFile({
        repoId: "acme/gated",
        filename: "model.safetensors",
        token: TOKENS.alice,
        config: client(),
      }).then(() => i),
    );
    await Promise.all(runs);
    const cdn = upstream.requests.filter((r) => r.server === "cdn" && r.method === "GET");
    expect(cdn).toHaveLength(1);
    // Both replicas answered some of the requests (nginx balanced them).
    const apps = new Set(
      (await accessLog())
        .split("\n")
        .filter((l) => l.includes("/acme/gated/resolve/"))
        .map((l) => / app=(\S+)/.exec(l)?.[1]),
    );
    expect(apps.size).toBe(2);
    // bob still cannot, the blob being in the store.
    const r = await fetch(`${front.info.url}/acme/gated/resolve/main/model.safetensors`, {
      headers: { Authorization: `Bearer ${TOKENS.bob}` },
    });
    expect(r.status).toBe(403);
  });

  it("a front killed with SIGKILL leaves nginx running; the next start stops that nginx and serves", async () => {
    const pidFile = join(store, ".locks", "hubkit-mirror", "nginx", "nginx.pid");
    const old = Number((await readFile(pidFile, "utf8")).trim());
    // Gone, or a zombie no one reaps (this container's PID 1 reaps nothing).
    const running = () => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${old}/stat`, "utf8"));
      } catch {
        return false;
      }
    };
    await front.stop("SIGKILL");
    expect(running()).toBe(true);
    front = await startMirrorProcess(upstream.url, store, [
      "--nginx",
      "--nginx-app",
      new URL(replica.info.url).host,
    ]);
    expect(running()).toBe(false);
    const r = await fetch(`${front.info.url}/acme/open/resolve/main/config.json`);
    expect(r.status).toBe(200);
  });
});
