import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectEnvInfo, formatEnvInfo } from "../../src/doctor/env-info.js";
import { DOCTOR_CHECKS, formatDoctorReport, runDoctor } from "../../src/doctor/run-doctor.js";
import { type Sandbox, sandbox } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(() => sb.cleanup());

describe("runDoctor", () => {
  it("keeps list order, counts statuses, turns a throwing check into a failure, exit 1 on any failure", async () => {
    const report = await runDoctor(sb.ctx(), [
      { group: "a", run: async () => ({ id: "a.one", status: "ok", message: "fine" }) },
      {
        group: "b",
        run: async () => {
          throw Object.assign(new Error("boom"), { remedy: "do x" });
        },
      },
      {
        group: "c",
        run: async () => [
          { id: "c.1", status: "warn", message: "meh", remedy: "try y", details: ["file:1"] },
          { id: "c.2", status: "skip", message: "n/a" },
        ],
      },
    ]);
    expect(report.checks.map((c) => c.status)).toEqual(["ok", "fail", "warn", "skip"]);
    expect(report.summary).toEqual({ ok: 1, warn: 1, fail: 1, skip: 1 });
    expect(report.exitCode).toBe(1);
    expect(report.checks[1]).toMatchObject({ message: "check failed unexpectedly: boom", remedy: "do x" });
    expect(formatDoctorReport(report)).toEqual([
      "✓ fine",
      "✗ check failed unexpectedly: boom",
      "    → fix: do x",
      "! meh",
      "    file:1",
      "    → fix: try y",
      "- n/a",
      "",
      "1 ok, 1 warning, 1 failed, 1 skipped",
    ]);
  });

  it("runs every built-in check in a fresh offline HOME without failing", async () => {
    const report = await runDoctor(sb.ctx({ HF_HUB_OFFLINE: "1" }));
    const ids = report.checks.map((c) => c.id);
    for (const id of [
      "path.hf",
      "token.source",
      "cache.location",
      "network.offline",
      "network.proxy",
      "dotenv",
    ]) {
      expect(ids).toContain(id);
    }
    expect(report.checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(DOCTOR_CHECKS.length).toBeGreaterThan(10);
  });
});

describe("collectEnvInfo", () => {
  it("reports paths with their origin, every setting, the masked token and its source, no raw token", async () => {
    const token = "hf_envInfoToken00000000000000000000000000";
    const ctx = sb.ctx({
      HF_TOKEN: token,
      HF_HUB_CACHE: `${sb.root}/c`,
      HF_HUB_ETAG_TIMEOUT: "30",
      HTTPS_PROXY: "http://u:pw@p:1",
    });
    const info = await collectEnvInfo({ config: ctx.config, cwd: sb.work });
    expect(info.paths.hubCache).toEqual({ path: `${sb.root}/c`, origin: "HF_HUB_CACHE" });
    expect(info.paths.tokenPath.origin).toBe("HF_HOME");
    expect(info.token).toMatchObject({
      found: true,
      masked: "hf_****0000",
      source: "HF_TOKEN environment variable",
    });
    expect(info.settings.find((s) => s.name === "HF_HUB_ETAG_TIMEOUT")).toEqual({
      name: "HF_HUB_ETAG_TIMEOUT",
      value: "30",
      effective: "30",
    });
    expect(info.proxy.httpsProxy).toBe("http://u:****@p:1");
    const text = formatEnvInfo(info).join("\n");
    expect(text).toContain("- Hub cache: ");
    expect(text).toContain("(from HF_HUB_CACHE)");
    expect(text).toContain("- Token: hf_****0000 from the HF_TOKEN environment variable");
    expect(JSON.stringify(info) + text).not.toContain(token);
    expect(text).not.toContain("pw@");
  });
});
