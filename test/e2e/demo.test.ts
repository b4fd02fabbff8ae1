import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runProcess } from "../helpers/cli.js";

describe("npm run demo", () => {
  it("walks the guide's workflow against hf serve --demo and exits 0, leaving nothing behind", async () => {
    const r = await runProcess(process.execPath, [join(ROOT, "scripts", "demo.mjs")], {
      env: { TMPDIR: process.env.TMPDIR ?? "/tmp" },
      timeoutMs: 60_000,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("Every step behaved as the guide says.");
    // The narrated steps, in order.
    const order = [
      "Not logged in",
      "Login successful",
      "source: token file",
      "is gated: request access at",
      "source: HF_TOKEN environment variable",
      "0 file downloads",
      "model/meta-llama/Llama-3.2-1B",
      "hubkit version",
      "logged in as alice",
      "Your code (no token needed)",
      "embedding: 1x6x8",
      "first run: ",
      "second run: 1 request(s), 0 of them file downloads",
      "it received 0 request(s) carrying an Authorization header",
    ];
    let at = 0;
    for (const s of order) {
      const i = r.stdout.indexOf(s, at);
      expect(i, `missing or out of order: ${s}`).toBeGreaterThanOrEqual(0);
      at = i;
    }
    // Tokens never appear in clear in the demo's output.
    expect(r.stdout).not.toMatch(/hf_[A-Za-z0-9]{30,}/);
    const home = /throwaway HF_HOME (\S+)/.exec(r.stdout)?.[1];
    expect(home).toBeDefined();
    expect(existsSync(home as string)).toBe(false);
  });
});
