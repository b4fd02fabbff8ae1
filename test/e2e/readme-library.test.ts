import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createHubServer,
  DEMO_OIDC_REQUEST_TOKENS,
  DEMO_TOKENS,
  type HubServer,
} from "../../src/server/index.js";
import { readmeExample } from "../helpers/readme.js";

// The README's library examples for authentication and downloads, run as written against the demo Hub.
let hub: HubServer;
let dir: string;
const saved = { ...process.env };
beforeAll(async () => {
  hub = await createHubServer({ demo: true });
  dir = await mkdtemp(join(tmpdir(), "hubkit-readme-lib-"));
});
afterEach(() => {
  process.env = { ...saved };
  vi.restoreAllMocks();
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(name: string, env: Record<string, string>): Promise<unknown[][]> {
  process.env = { PATH: saved.PATH, HOME: dir, HF_HOME: join(dir, name), HF_ENDPOINT: hub.url, ...env };
  const file = join(dir, `${name}.ts`);
  await writeFile(file, await readmeExample(name));
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  await import(pathToFileURL(file).href);
  return log.mock.calls;
}

describe("README library examples", () => {
  it("auth: resolveToken names the source, whoami names the user", async () => {
    const calls = await run("auth", { HF_TOKEN: DEMO_TOKENS.alice });
    expect(calls).toEqual([["alice via HF_TOKEN environment variable"]]);
  });

  it("accounts: a per-call token reaches the gated model, token:false the public one", async () => {
    hub.reset();
    const calls = await run("accounts", { WORK_HF_TOKEN: DEMO_TOKENS.alice });
    const [gated, open] = calls[0] as string[];
    expect(gated).toMatch(/models--meta-llama--Llama-3\.2-1B\/snapshots\/[0-9a-f]{40}\/config\.json$/);
    expect(open).toMatch(/models--acme--tiny-model\/snapshots\/[0-9a-f]{40}\/config\.json$/);
    // The public download went out without Authorization; the gated one with it.
    const resolves = hub.requests.filter((r) => r.path.includes("/resolve/"));
    expect(resolves.find((r) => r.path.startsWith("/acme/"))?.authorization).toBe(false);
    expect(resolves.find((r) => r.path.startsWith("/meta-llama/"))?.authorization).toBe(true);
  });

  it("oidc: HF_OIDC_RESOURCE in a GitHub Actions job, then oidcLogin; the download uses bob's scoped token", async () => {
    hub.reset();
    const calls = await run("oidc", {
      HF_OIDC_RESOURCE: "acme/tiny-model",
      HF_TOKEN: DEMO_TOKENS.alice,
      GITHUB_ACTIONS: "true",
      ACTIONS_ID_TOKEN_REQUEST_URL: `${hub.url}/_hubkit/oidc/github`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: DEMO_OIDC_REQUEST_TOKENS.acmeCi,
    });
    expect(calls[0]).toEqual(["OIDC token exchange for HF_OIDC_RESOURCE=acme/tiny-model"]);
    const [path, expiresIn] = calls[1] as [string, number];
    expect(path).toMatch(/models--acme--tiny-model\/snapshots\/[0-9a-f]{40}\/config\.json$/);
    expect(expiresIn).toBe(3600);
    // Two exchanges (the lookup, then oidcLogin), each after its own mint.
    expect(hub.requests.filter((r) => r.path === "/oauth/token")).toHaveLength(2);
    expect(hub.requests.filter((r) => r.path.startsWith("/_hubkit/oidc/github"))).toHaveLength(2);
  });

  it("download: a file, then a filtered snapshot of the same commit", async () => {
    const calls = await run("download", {});
    const [path, folder, commit] = calls[0] as string[];
    expect(path).toBe(join(folder as string, "config.json"));
    expect(folder?.endsWith(commit as string)).toBe(true);
  });
});
