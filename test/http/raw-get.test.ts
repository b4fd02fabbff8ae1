import { createHash } from "node:crypto";
import { promises as fsp } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/index.js";
import { BlobWriter } from "../../src/download/blob-writer.js";
import { createHubClient } from "../../src/http/hub-client.js";
import { parseResponseHead, type RawGetRequest, rawGet } from "../../src/http/raw-get.js";

const body = Buffer.alloc(5 * 1024 * 1024 + 123);
for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 12)) & 255;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler;
let seen: IncomingMessage["headers"][] = [];
const server = createServer((req, res) => {
  seen.push(req.headers);
  handler(req, res);
});
let base: string;
let dir: string;

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((r) => server.close(() => r())));
beforeEach(async () => {
  dir = await fsp.mkdtemp(join(tmpdir(), "hubkit-rawget-"));
  seen = [];
  // the body in irregular pieces, each written once the previous one is flushed
  handler = (_req, res) => {
    res.writeHead(200, { "content-length": String(body.length), etag: '"x"' });
    let off = 0;
    let k = 1;
    const next = () => {
      if (off >= body.length) return void res.end();
      const n = Math.min(body.length - off, ((k++ * 7919) % 300_000) + 1);
      const piece = body.subarray(off, off + n);
      off += n;
      res.write(piece, next);
    };
    next();
  };
});
afterEach(async () => fsp.rm(dir, { recursive: true, force: true }));

const req = (path = "/f", extra: Partial<RawGetRequest> = {}): RawGetRequest => ({
  url: new URL(`${base}${path}`),
  headers: {},
  headersTimeoutMs: 2000,
  bodyTimeoutMs: 2000,
  ...extra,
});

/** Receives into a small ring (so it wraps around many times) and writes `file`. */
async function receiveTo(file: string, r: RawGetRequest = req(), ringBytes = 512 * 1024) {
  const w = new BlobWriter({ kind: "sha256", size: body.length, path: file, ringBytes });
  const res = await rawGet(r, w);
  if (!res) return { res, w };
  const fh = await fsp.open(file, "w");
  w.start(fh, 0);
  try {
    await res.done;
    const digest = await w.finish();
    return { res, w, digest };
  } catch (e) {
    await w.stop().catch(() => undefined);
    throw e;
  } finally {
    await fh.close();
  }
}

describe("rawGet + BlobWriter", () => {
  it("receives a body through a ring much smaller than it, writes it in order and hashes it", async () => {
    const file = join(dir, "f");
    const { res, digest, w } = await receiveTo(file);
    expect(res?.status).toBe(200);
    expect(res?.length).toBe(body.length);
    expect(w.position).toBe(body.length);
    expect((await fsp.readFile(file)).equals(body)).toBe(true);
    expect(digest).toBe(sha(body));
    expect(seen[0]?.["accept-encoding"]).toBe("identity");
    expect(seen[0]?.connection).toBe("close");
  });

  it("hashes the bytes already in the file first when resuming at an offset", async () => {
    const file = join(dir, "f");
    const at = 1_234_567;
    await fsp.writeFile(file, body.subarray(0, at));
    handler = (_req, res) => {
      res.writeHead(206, { "content-length": String(body.length - at) });
      res.end(body.subarray(at));
    };
    const w = new BlobWriter({ kind: "sha256", size: body.length, path: file, ringBytes: 512 * 1024 });
    const res = await rawGet(req("/f", { headers: { range: `bytes=${at}-` } }), w);
    const fh = await fsp.open(file, "r+");
    w.start(fh, at);
    await res?.done;
    const digest = await w.finish();
    await fh.close();
    expect(res?.status).toBe(206);
    expect(seen[0]?.range).toBe(`bytes=${at}-`);
    expect(digest).toBe(sha(body));
    expect((await fsp.readFile(file)).equals(body)).toBe(true);
  });

  it("git blob sha1 and no hash at all", async () => {
    const small = body.subarray(0, 300_000);
    handler = (_req, res) => {
      res.writeHead(200, { "content-length": String(small.length) });
      res.end(small);
    };
    for (const kind of ["git-sha1", undefined] as const) {
      const file = join(dir, kind ?? "none");
      const w = new BlobWriter({ kind, size: small.length, path: file });
      const res = await rawGet(req(), w);
      const fh = await fsp.open(file, "w");
      w.start(fh, 0);
      await res?.done;
      const digest = await w.finish();
      await fh.close();
      const expected =
        kind === undefined
          ? undefined
          : createHash("sha1").update(`blob ${small.length}\0`).update(small).digest("hex");
      expect(digest).toBe(expected);
      expect((await fsp.readFile(file)).equals(small)).toBe(true);
    }
  });

  it("head and body in one packet, and an empty body", async () => {
    const raw = net.createServer((s) => {
      s.once("data", (d) => {
        const empty = d.toString().startsWith("GET /empty");
        const payload = empty ? Buffer.alloc(0) : body.subarray(0, 10_000);
        s.end(
          Buffer.concat([
            Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${payload.length}\r\n\r\n`),
            payload,
          ]),
        );
      });
    });
    await new Promise<void>((r) => raw.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
    try {
      for (const path of ["/one", "/empty"]) {
        const file = join(dir, path.slice(1));
        const w = new BlobWriter({ kind: "sha256", size: undefined, path: file });
        const res = await rawGet(req(path, { url: new URL(`${url}${path}`) }), w);
        const fh = await fsp.open(file, "w");
        w.start(fh, 0);
        await res?.done;
        const digest = await w.finish();
        await fh.close();
        const expected = path === "/empty" ? Buffer.alloc(0) : body.subarray(0, 10_000);
        expect(digest).toBe(sha(expected));
        expect((await fsp.readFile(file)).equals(expected)).toBe(true);
      }
    } finally {
      raw.close();
    }
  });

  it("answers undefined for what it does not handle: redirects, errors, chunked bodies", async () => {
    const answers: Handler[] = [
      (_q, r) => r.writeHead(302, { location: "/elsewhere", "content-length": "0" }).end(),
      (_q, r) => r.writeHead(404, { "content-length": "2" }).end("no"),
      (_q, r) => {
        r.writeHead(200, { "transfer-encoding": "chunked" });
        r.end("abc");
      },
    ];
    for (const a of answers) {
      handler = a;
      const w = new BlobWriter({ kind: undefined, size: undefined, path: join(dir, "x") });
      expect(await rawGet(req(), w)).toBeUndefined();
    }
  });

  it("a connection closed mid-body rejects, and what arrived is written contiguously", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-length": String(body.length) });
      res.write(body.subarray(0, 2_000_000), () => setTimeout(() => res.socket?.destroy(), 30));
    };
    const file = join(dir, "f");
    await expect(receiveTo(file)).rejects.toMatchObject({ code: "ERR_STREAM_PREMATURE_CLOSE" });
    const got = await fsp.readFile(file);
    expect(got.length).toBe(2_000_000);
    expect(got.equals(body.subarray(0, got.length))).toBe(true);
  });

  it("a stalled body times out; no head in time times out", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-length": String(body.length) });
      res.write(body.subarray(0, 1000));
    };
    const r = req("/f", { bodyTimeoutMs: 300 });
    await expect(receiveTo(join(dir, "f"), r)).rejects.toMatchObject({ code: "UND_ERR_BODY_TIMEOUT" });
    handler = () => undefined;
    const w = new BlobWriter({ kind: undefined, size: undefined, path: join(dir, "g") });
    await expect(rawGet(req("/f", { headersTimeoutMs: 300 }), w)).rejects.toMatchObject({
      code: "UND_ERR_HEADERS_TIMEOUT",
    });
  });

  it("an abort stops the transfer", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-length": String(body.length) });
      res.write(body.subarray(0, 1000));
    };
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await expect(receiveTo(join(dir, "f"), req("/f", { signal: ac.signal }))).rejects.toMatchObject({
      code: "ABORT_ERR",
    });
  });

  it("parses response heads", () => {
    expect(parseResponseHead("HTTP/1.1 206 Partial Content\r\nETag: a\r\nX: 1\r\nx: 2")).toEqual({
      status: 206,
      headers: { etag: "a", x: "1, 2" },
    });
    expect(() => parseResponseHead("SSH-2.0-OpenSSH")).toThrow();
  });
});

describe("HubClient.receive", () => {
  it("never carries the token: it declines the endpoint's own origin when a token is set", async () => {
    const config = readConfig({ HF_ENDPOINT: base });
    const client = createHubClient({ config, token: "hf_secretsecretsecretsecret" });
    const w = new BlobWriter({ kind: undefined, size: undefined, path: join(dir, "x") });
    expect(await client.receive({ url: `${base}/f` }, w)).toBeUndefined();
    expect(seen).toEqual([]);
    // another origin than the endpoint's (a CDN): used, without Authorization
    const cdnClient = createHubClient({
      config: readConfig({ HF_ENDPOINT: "http://127.0.0.1:9" }),
      token: "hf_x",
    });
    const res = await cdnClient.receive({ url: `${base}/f`, headers: { authorization: "Bearer hf_x" } }, w);
    res?.destroy();
    expect(seen.length).toBe(1);
    expect(seen[0]?.authorization).toBeUndefined();
    expect(seen[0]?.["user-agent"]).toContain("hubkit");
  });

  it("declines when a proxy is configured, and refuses in offline mode", async () => {
    const w = new BlobWriter({ kind: undefined, size: undefined, path: join(dir, "x") });
    const proxied = createHubClient({
      config: readConfig({ HF_ENDPOINT: base, HTTPS_PROXY: "http://127.0.0.1:9" }),
    });
    expect(await proxied.receive({ url: `${base}/f` }, w)).toBeUndefined();
    const offline = createHubClient({ config: readConfig({ HF_ENDPOINT: base, HF_HUB_OFFLINE: "1" }) });
    await expect(offline.receive({ url: `${base}/f` }, w)).rejects.toMatchObject({ code: "HF_OFFLINE" });
    expect(seen).toEqual([]);
  });

  it("maps transport failures to HfErrors naming the host", async () => {
    const w = new BlobWriter({ kind: undefined, size: undefined, path: join(dir, "x") });
    const client = createHubClient({ config: readConfig({ HF_ENDPOINT: base }) });
    const closed = await new Promise<number>((r) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => r(p));
      });
    });
    await expect(client.receive({ url: `http://127.0.0.1:${closed}/f` }, w)).rejects.toMatchObject({
      code: "HF_NETWORK",
      message: expect.stringContaining(`127.0.0.1:${closed}`),
    });
  });
});
