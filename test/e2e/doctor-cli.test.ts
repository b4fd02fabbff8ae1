import { describe, expect, it } from "vitest";
import { DEMO_TOKENS } from "../../src/server/index.js";
import { useHubSandbox } from "../doctor/helpers.js";
import { runHf } from "../helpers/cli.js";

const t = useHubSandbox();

const LEAK = "hf_LeakedInSource0000000000000000000abcd";
const env = (extra: Record<string, string | undefined> = {}) => ({
  ...t.sb.env,
  HF_ENDPOINT: t.hub.url,
  ...extra,
});
const noRawToken = (s: string) => {
  for (const t of [...Object.values(DEMO_TOKENS), LEAK]) expect(s).not.toContain(t);
};

describe("hf doctor (built CLI against the demo Hub)", () => {
  it("a clean setup with a read token and a granted gated repo: no failure, exit 0", async () => {
    const r = await runHf(["doctor", "meta-llama/Llama-3.2-1B"], {
      env: env({ HF_TOKEN: DEMO_TOKENS.alice }),
      cwd: t.sb.work,
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ valid: alice (read token), from the HF_TOKEN environment variable");
    expect(r.stdout).toContain("✓ model meta-llama/Llama-3.2-1B exists");
    expect(r.stdout).toContain("✓ access granted (HEAD config.json: 200)");
    expect(r.stdout).toMatch(/\n\d+ ok, \d+ warnings?, 0 failed/);
    noRawToken(r.stdout);
  });

  it("leaks, an un-ignored .env and a gated repo without access: ✗ lines with the fix, exit 1", async () => {
    const repo = `${t.sb.root}/proj`;
    t.sb.git(["init", "-q", repo], t.sb.root);
    await t.sb.write(`${repo}/train.py`, `token = "${LEAK}"\n`);
    await t.sb.write(`${repo}/.env`, `HF_TOKEN=${DEMO_TOKENS.bob}\n`);
    t.sb.git(["add", "train.py"], repo);
    const r = await runHf(["doctor", "meta-llama/Llama-3.2-1B"], {
      env: env({ HF_TOKEN: DEMO_TOKENS.bob }),
      cwd: repo,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✗ 1 token-like string in 1 file tracked by git");
    expect(r.stdout).toContain("    train.py:1  hf_****abcd");
    expect(r.stdout).toContain("✗ .env holds HF_TOKEN and is not ignored by git");
    expect(r.stdout).toContain("    → fix: echo '/.env' >> ");
    expect(r.stdout).toContain("! a write token is used for reading");
    expect(r.stdout).toContain("✗ access not granted");
    expect(r.stdout).toContain(`request access at ${t.hub.url}/meta-llama/Llama-3.2-1B`);
    noRawToken(r.stdout + r.stderr);
  });

  it("--format json: every check with id/status/message, a summary, exit code kept", async () => {
    const r = await runHf(["doctor", "alice/private-notes", "--format", "json"], {
      env: env({ HF_TOKEN: DEMO_TOKENS.bob }),
      cwd: t.sb.work,
    });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    const exists = report.checks.find((c: { id: string }) => c.id === "repo.exists");
    expect(exists).toMatchObject({ status: "fail" });
    expect(report.summary.fail).toBeGreaterThanOrEqual(1);
    for (const c of report.checks) expect(["ok", "warn", "fail", "skip"]).toContain(c.status);
    noRawToken(r.stdout);
  });

  it("README example: hf doctor acme/tiny-dataset --repo-type dataset --format json", async () => {
    const r = await runHf(["doctor", "acme/tiny-dataset", "--repo-type", "dataset", "--format", "json"], {
      env: env({ HF_TOKEN: DEMO_TOKENS.alice }),
      cwd: t.sb.work,
    });
    const checks = JSON.parse(r.stdout).checks as { id: string; status: string }[];
    expect(checks.filter((c) => c.id.startsWith("repo.")).map((c) => c.status)).toEqual(["ok", "ok", "ok"]);
  });

  it("a bad --repo-type or repo id is a usage error (exit 2)", async () => {
    const a = await runHf(["doctor", "acme/x", "--repo-type", "nope"], { env: env(), cwd: t.sb.work });
    expect(a.code).toBe(2);
    const b = await runHf(["doctor", "a/b/c"], { env: env(), cwd: t.sb.work });
    expect(b.code).toBe(2);
  });

  it("offline: nothing is sent to the Hub", async () => {
    t.hub.reset();
    const r = await runHf(["doctor", "acme/tiny-model"], {
      env: env({ HF_TOKEN: DEMO_TOKENS.alice, HF_HUB_OFFLINE: "1" }),
      cwd: t.sb.work,
    });
    expect(r.stdout).toContain("! offline mode (HF_HUB_OFFLINE=1)");
    expect(r.stdout).toContain("→ fix: unset HF_HUB_OFFLINE");
    expect(t.hub.requests).toEqual([]);
  });
});
