import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, expect, it, vi } from "vitest";
import { readmeExample } from "../helpers/readme.js";
import { type ScriptedServer, sendJson, startScriptedServer } from "./scripted-server.js";

const TOKEN = "hf_readmeReadmeReadmeReadmeReadme0123";
let hub: ScriptedServer | undefined;
let cdn: ScriptedServer | undefined;
const saved = { ...process.env };
afterEach(async () => {
  await hub?.close();
  await cdn?.close();
  process.env = { ...saved };
  vi.restoreAllMocks();
});

it("the README's HTTP client example runs: whoami, then a HEAD stopped at the CDN redirect", async () => {
  cdn = await startScriptedServer((_q, res) => sendJson(res, 200, {}), "127.0.0.2");
  hub = await startScriptedServer((req, res) => {
    if (req.url === "/api/whoami-v2") return sendJson(res, 200, { name: "alice" });
    res.writeHead(302, {
      location: `${cdn?.url}/lfs/x`,
      "x-linked-etag": '"abc"',
      "x-repo-commit": "a".repeat(40),
    });
    res.end();
  });
  const dir = await mkdtemp(join(tmpdir(), "hubkit-readme-"));
  try {
    const file = join(dir, "example.ts");
    await writeFile(file, await readmeExample("http-client"));
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_TOKEN = TOKEN;
    process.env.HF_HOME = dir;
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await import(pathToFileURL(file).href);
    expect(log).toHaveBeenCalledWith("alice", 302, '"abc"');
    expect(hub.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    expect(cdn.requests.length).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
