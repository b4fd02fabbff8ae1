import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkEndpoint, checkOffline, checkProxy, maskProxyUrl } from "../../src/doctor/network-check.js";
import { type Sandbox, sandbox } from "./helpers.js";

let sb: Sandbox;
let server: Server | undefined;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
  await sb.cleanup();
});

async function listen(status: number): Promise<{ url: string; hits: { url?: string; auth?: string }[] }> {
  const hits: { url?: string; auth?: string }[] = [];
  const srv = createServer((req, res) => {
    hits.push({ url: req.url, auth: req.headers.authorization });
    res.writeHead(status, { "content-type": "application/json" }).end('{"error":"Invalid credentials"}');
  });
  server = srv;
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, hits };
}

describe("checkOffline", () => {
  it("ok when unset; a warning naming the variable to unset when set", async () => {
    expect((await checkOffline(sb.ctx())).status).toBe("ok");
    const r = await checkOffline(sb.ctx({ HF_HUB_OFFLINE: "1" }));
    expect(r).toMatchObject({ status: "warn", remedy: "unset HF_HUB_OFFLINE" });
    const t = await checkOffline(sb.ctx({ TRANSFORMERS_OFFLINE: "yes" }));
    expect(t.remedy).toBe("unset TRANSFORMERS_OFFLINE");
  });
});

describe("checkProxy", () => {
  it("reports proxy variables with passwords masked and whether the endpoint goes through it", async () => {
    const r = await checkProxy(
      sb.ctx({ HTTPS_PROXY: "http://me:s3cret@proxy.local:3128", HF_ENDPOINT: "https://huggingface.co" }),
    );
    expect(r.message).toContain("https_proxy=http://me:****@proxy.local:3128");
    expect(r.message).toContain("via http://me:****@proxy.local:3128");
    expect(JSON.stringify(r)).not.toContain("s3cret");
  });

  it("NO_PROXY covering the endpoint host means direct", async () => {
    const r = await checkProxy(
      sb.ctx({
        http_proxy: "http://proxy.local:3128",
        no_proxy: "localhost,127.0.0.1",
        HF_ENDPOINT: "http://127.0.0.1:9",
      }),
    );
    expect(r.message).toContain("direct (not proxied)");
    expect(r.data?.proxied).toBe(false);
  });

  it("no variables: direct connections", async () => {
    expect((await checkProxy(sb.ctx())).message).toContain("no proxy variables");
    expect(maskProxyUrl("http://proxy:1")).toBe("http://proxy:1");
  });
});

describe("checkEndpoint", () => {
  it("any HTTP answer proves reachability; the probe carries no token", async () => {
    const s = await listen(401);
    const r = await checkEndpoint(
      sb.ctx({ HF_ENDPOINT: s.url, HF_TOKEN: "hf_abcdefghijklmnopqrstuvwxyz0123456789" }),
    );
    expect(r).toMatchObject({ id: "network.endpoint", status: "ok", data: { status: 401 } });
    expect(s.hits).toEqual([{ url: "/api/whoami-v2", auth: undefined }]);
  });

  it("fails with the variable to check when nothing listens", async () => {
    const s = await listen(200);
    const url = s.url;
    await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
    const r = await checkEndpoint(sb.ctx({ HF_ENDPOINT: url }));
    expect(r.status).toBe("fail");
    expect(r.remedy).toContain("HF_ENDPOINT");
  });

  it("offline mode: not contacted", async () => {
    const r = await checkEndpoint(sb.ctx({ HF_HUB_OFFLINE: "1", HF_ENDPOINT: "http://127.0.0.1:9" }));
    expect(r.status).toBe("skip");
  });
});
