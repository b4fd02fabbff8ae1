import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHubServer, DEMO_TOKENS, type HubServer } from "../../src/server/index.js";
import { runHf } from "../helpers/cli.js";

// The built CLI (npm run build) against the local Hub's demo fixture.
let hub: HubServer;
let home: string;
beforeAll(async () => {
  hub = await createHubServer({ demo: true });
  home = await mkdtemp(join(tmpdir(), "hubkit-debug-e2e-"));
});
afterAll(async () => {
  await hub.close();
  await rm(home, { recursive: true, force: true });
});

const hf = (args: string[], extra: Record<string, string> = {}) =>
  runHf(args, {
    env: {
      HF_HOME: join(home, "hf"),
      HOME: home,
      HF_ENDPOINT: hub.url,
      HF_TOKEN: DEMO_TOKENS.alice,
      ...extra,
    },
    timeoutMs: 20_000,
  });

describe("HF_DEBUG=1 logs each HTTP request on stderr", () => {
  it("whoami logs method, URL, status and that it was authenticated, never the token", async () => {
    const r = await hf(["auth", "whoami"], { HF_DEBUG: "1" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("alice");
    expect(r.stderr).toMatch(
      new RegExp(`\\[debug\\] Request \\S+: GET ${hub.url}/api/whoami-v2 \\(authenticated: true\\)`),
    );
    expect(r.stderr).toMatch(new RegExp(`\\[debug\\] Response \\S+: 200 GET ${hub.url}/api/whoami-v2`));
    expect(r.stdout + r.stderr).not.toContain(DEMO_TOKENS.alice);
  });

  it("keeps stdout pure JSON with --format json, and logs nothing without HF_DEBUG", async () => {
    const j = await hf(["auth", "whoami", "--format", "json"], { HF_DEBUG: "1" });
    expect(JSON.parse(j.stdout).user).toBe("alice");
    expect(j.stderr).toContain("[debug] Request");
    const plain = await hf(["auth", "whoami"]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toContain("[debug]");
  });
});
