import { describe, expect, it } from "vitest";
import { DEMO_TOKENS } from "../../src/server/index.js";
import { runHf } from "../helpers/cli.js";
import { useHubHome } from "../helpers/hub.js";

// The built CLI (npm run build) against the local Hub's demo fixture.
const box = useHubHome("hubkit-debug-e2e-", { env: { HF_TOKEN: DEMO_TOKENS.alice } });
const hf = (args: string[], extra: Record<string, string> = {}) =>
  runHf(args, { env: { ...box.env, ...extra }, timeoutMs: 20_000 });

describe("HF_DEBUG=1 logs each HTTP request on stderr", () => {
  it("whoami logs method, URL, status and that it was authenticated, never the token", async () => {
    const r = await hf(["auth", "whoami"], { HF_DEBUG: "1" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("alice");
    const url = `${box.hub.url}/api/whoami-v2`;
    expect(r.stderr).toMatch(new RegExp(`\\[debug\\] Request \\S+: GET ${url} \\(authenticated: true\\)`));
    expect(r.stderr).toMatch(new RegExp(`\\[debug\\] Response \\S+: 200 GET ${url}`));
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
