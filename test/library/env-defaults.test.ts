import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHubServer, DEMO_TOKENS, type HubServer } from "../../src/server/index.js";
import { ROOT, runProcess } from "../helpers/cli.js";

// Every library entry point whose config is optional reads process.env when it is called, as
// Python's functions honour HF_*: each runs here in a child process that imports the BUILT library
// (what users import) and is given nothing but HF_* variables (plus PATH, and a HOME that must not be
// used). The child prints booleans and names, never a token.
const LIB = pathToFileURL(join(ROOT, "dist", "index.js")).href;

const SCRIPT = `
const lib = await import(${JSON.stringify(LIB)});
const out = {};
const step = async (name, fn) => {
  try { out[name] = await fn(); } catch (e) { out[name] = { error: e.code ?? String(e) }; }
};
const mode = process.argv[1];
if (mode === "online") {
  await step("getToken", async () => (await lib.getToken()) === process.env.HF_TOKEN);
  await step("resolveToken", async () => lib.describeTokenSource((await lib.resolveToken()).source));
  await step("listTokenSources", async () => (await lib.listTokenSources()).map((r) => r.source.kind));
  await step("whoami", async () => (await lib.whoami()).name);
  await step("createHubClient", async () => {
    const client = lib.createHubClient();
    const info = await client.json({ url: "/api/models/acme/tiny-model" });
    return [client.config.endpoint === process.env.HF_ENDPOINT, client.hasToken, info.id];
  });
  await step("downloadFile", () => lib.downloadFile({ repoId: "acme/tiny-model", filename: "config.json" }));
  await step("gated", () => lib.downloadFile({ repoId: "meta-llama/Llama-3.2-1B", filename: "config.json" }));
  await step("snapshotDownload", async () => (await lib.snapshotDownload({ repoId: "acme/tiny-model", include: ["*.md"] })).path);
  await step("scanCache", async () => (await lib.scanCache()).repos.map((r) => r.id).sort());
  await step("verifyRevision", async () => (await lib.verifyRevision({ repoId: "acme/tiny-model" })).ok);
  await step("collectEnvInfo", async () => JSON.stringify(await lib.collectEnvInfo()).includes(process.env.HF_ENDPOINT));
  // Read at call time, not at import time: a variable set after the import applies to the next call.
  process.env.HF_HUB_CACHE = process.env.OTHER_CACHE_PLACEHOLDER;
  await step("scanAfterChange", async () => (await lib.scanCache()).repos.length);
} else if (mode === "offline") {
  await step("downloadFile", () => lib.downloadFile({ repoId: "acme/tiny-model", filename: "config.json" }));
  await step("uncached", () => lib.downloadFile({ repoId: "acme/tiny-model", filename: "tokenizer.json" }));
} else {
  await step("resolveToken", async () => (await lib.resolveToken()).source.kind);
  await step("whoami", async () => (await lib.whoami()).name);
  await step("listStoredTokens", async () => (await lib.listStoredTokens()).map((t) => t.name));
  await step("logout", async () => (await lib.logout()).removed);
  await step("after", async () => (await lib.getToken()) === undefined);
}
console.log(JSON.stringify(out));
`;

let hub: HubServer;
let dir: string;
beforeAll(async () => {
  hub = await createHubServer({ demo: true });
  dir = await mkdtemp(join(tmpdir(), "hubkit-env-defaults-"));
  await mkdir(join(dir, "unused-home"));
  await mkdir(join(dir, "empty-cache"));
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

async function child(mode: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  const r = await runProcess(process.execPath, ["--input-type=module", "-e", SCRIPT, mode], {
    // runProcess adds PATH, HOME and NO_COLOR; HOME points at an empty folder nothing may use.
    env: { HOME: join(dir, "unused-home"), NO_COLOR: undefined, ...env },
  });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).not.toContain(DEMO_TOKENS.alice);
  expect(r.stdout).not.toContain(DEMO_TOKENS.bob);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe("library defaults come from process.env at call time", () => {
  it("HF_ENDPOINT, HF_HOME and HF_TOKEN reach every entry point", async () => {
    const hfHome = join(dir, "hf");
    const out = await child("online", {
      HF_ENDPOINT: hub.url,
      HF_HOME: hfHome,
      HF_TOKEN: DEMO_TOKENS.alice,
      OTHER_CACHE_PLACEHOLDER: join(dir, "empty-cache"),
    });
    const cache = join(hfHome, "hub");
    expect(out.getToken).toBe(true);
    expect(out.resolveToken).toBe("HF_TOKEN environment variable");
    expect(out.listTokenSources).toEqual(["env"]);
    expect(out.whoami).toBe("alice");
    // createHubClient is handed its token, never looks one up: anonymous, but at HF_ENDPOINT.
    expect(out.createHubClient).toEqual([true, false, "acme/tiny-model"]);
    expect(out.downloadFile).toMatch(
      new RegExp(`^${cache}/models--acme--tiny-model/snapshots/[0-9a-f]{40}/config\\.json$`),
    );
    expect(out.gated).toMatch(/models--meta-llama--Llama-3\.2-1B\/snapshots\/[0-9a-f]{40}\/config\.json$/);
    expect(out.snapshotDownload).toMatch(new RegExp(`^${cache}/models--acme--tiny-model/snapshots/`));
    expect(out.scanCache).toEqual(["model/acme/tiny-model", "model/meta-llama/Llama-3.2-1B"]);
    expect(out.verifyRevision).toBe(true);
    expect(out.collectEnvInfo).toBe(true);
    expect(out.scanAfterChange).toBe(0);
    // Nothing went to HOME's default cache.
    expect(await readdir(join(dir, "unused-home"))).toEqual([]);
    // The gated file was asked for with the token, the public one too (HF_TOKEN is sent to the Hub).
    const gated = hub.requests.find((r) => r.path.startsWith("/meta-llama/") && r.path.includes("/resolve/"));
    expect(gated?.authorization).toBe(true);
  });

  it("HF_HUB_OFFLINE=1 serves the cache with no request, and says what is missing", async () => {
    const before = hub.requests.length;
    const out = await child("offline", {
      HF_ENDPOINT: hub.url,
      HF_HOME: join(dir, "hf"),
      HF_HUB_OFFLINE: "1",
    });
    expect(out.downloadFile).toMatch(/models--acme--tiny-model\/snapshots\/[0-9a-f]{40}\/config\.json$/);
    expect(out.uncached).toEqual({ error: "HF_LOCAL_ENTRY_NOT_FOUND" });
    expect(hub.requests.length).toBe(before);
  });

  it("with no HF_TOKEN the saved login is used, listed and logged out of", async () => {
    const hfHome = join(dir, "saved");
    await mkdir(hfHome, { recursive: true });
    await writeFile(join(hfHome, "token"), DEMO_TOKENS.bob, { mode: 0o600 });
    await writeFile(join(hfHome, "stored_tokens"), `[bob-write]\nhf_token = ${DEMO_TOKENS.bob}\n\n`, {
      mode: 0o600,
    });
    const out = await child("saved", { HF_ENDPOINT: hub.url, HF_HOME: hfHome });
    expect(out.resolveToken).toBe("file");
    expect(out.whoami).toBe("bob");
    expect(out.listStoredTokens).toEqual(["bob-write"]);
    expect(out.logout).toBe(true);
    expect(out.after).toBe(true);
    expect(await readdir(hfHome)).not.toContain("token");
  });
});
