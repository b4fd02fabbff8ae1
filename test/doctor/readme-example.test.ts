import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { createHubServer, DEMO_TOKENS, type HubServer } from "../../src/server/index.js";
import { readmeExample } from "../helpers/readme.js";
import { sandbox } from "./helpers.js";

let hub: HubServer;
const saved = { ...process.env };
const cwd = process.cwd();
beforeAll(async () => {
  hub = await createHubServer({ demo: true });
});
afterAll(() => hub.close());
afterEach(() => {
  process.env = { ...saved };
  process.chdir(cwd);
  vi.restoreAllMocks();
});

async function runExample(name: string, dir: string): Promise<void> {
  const file = join(dir, `${name}-example.ts`);
  await writeFile(file, await readmeExample(name));
  await import(pathToFileURL(file).href);
}

it("the README's doctor example runs against the demo Hub and prints the report", async () => {
  const sb = await sandbox();
  try {
    Object.assign(process.env, sb.env, { HF_ENDPOINT: hub.url, HF_TOKEN: DEMO_TOKENS.alice });
    process.chdir(sb.work);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    vi.spyOn(console, "error").mockImplementation(() => {});
    await runExample("doctor", sb.root);
    const text = String(log.mock.calls[0]?.[0]);
    expect(text).toContain("✓ valid: alice (read token)");
    expect(text).toContain("✓ access granted (HEAD config.json: 200)");
    expect(text).not.toContain(DEMO_TOKENS.alice);
  } finally {
    await sb.cleanup();
  }
});

it("the README's .env example loads the file and warns when git would commit it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "hubkit-readme-env-"));
  const sb = await sandbox();
  try {
    sb.git(["init", "-q"]);
    await sb.write(".env", "HF_ENDPOINT=http://127.0.0.1:7\n");
    for (const k of ["HF_ENDPOINT", "HF_TOKEN"]) delete process.env[k];
    Object.assign(process.env, { HOME: sb.home, GIT_CONFIG_NOSYSTEM: "1" });
    process.chdir(sb.work);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await runExample("env-file", dir);
    expect(log).toHaveBeenCalledWith("http://127.0.0.1:7", true, false);
    expect(String(warn.mock.calls[0]?.[0])).toContain("/.env");
  } finally {
    await sb.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
});
