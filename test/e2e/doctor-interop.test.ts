import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_TOKENS } from "../../src/server/index.js";
import { useHubSandbox } from "../doctor/helpers.js";
import { PYTHON_BIN, runHf, runProcess } from "../helpers/cli.js";

const t = useHubSandbox();

describe("hf doctor after a login by Python's hf", () => {
  it("sees Python's token file (0600 in a 0700 folder) and the token Python gave the git credential helper", async () => {
    t.sb.git(["config", "--global", "credential.helper", "store"], t.sb.home);
    const env = { ...t.sb.env, HF_ENDPOINT: t.hub.url, HF_HUB_DISABLE_TELEMETRY: "1" };
    const py = await runProcess(
      join(PYTHON_BIN, "hf"),
      ["auth", "login", "--token", DEMO_TOKENS.alice, "--add-to-git-credential"],
      { env, cwd: t.sb.work, timeoutMs: 30_000 },
    );
    expect(py.code).toBe(0);
    const r = await runHf(["doctor", "--format", "json"], { env, cwd: t.sb.work });
    const byId = new Map<string, { status: string; message: string }>(
      JSON.parse(r.stdout).checks.map((c: { id: string }) => [c.id, c]),
    );
    expect(byId.get("token.source")?.message).toContain(`token file ${t.sb.env.HF_HOME}/token`);
    expect(byId.get("token.valid")?.status).toBe("ok");
    expect(byId.get("token.file-mode")?.status).toBe("ok");
    expect(byId.get("token.dir-mode")?.status).toBe("ok");
    expect(byId.get("token.stored")?.message).toContain("holds 1 token");
    expect(byId.get("git.credential")).toMatchObject({ status: "ok" });
    expect(byId.get("git.credential")?.message).toContain("(the active token)");
    expect(r.stdout).not.toContain(DEMO_TOKENS.alice);
  }, 60_000);
});
