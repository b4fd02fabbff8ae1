import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_TOKENS } from "../../src/server/index.js";
import { useHubSandbox } from "../doctor/helpers.js";
import { ROOT, runHf } from "../helpers/cli.js";

const LEGACY = join(ROOT, "dist", "huggingface-cli.js");
const t = useHubSandbox();

const legacy = (args: string[], extra: Record<string, string | undefined> = {}) =>
  runHf(args, { bin: LEGACY, env: { ...t.sb.env, HF_ENDPOINT: t.hub.url, ...extra }, cwd: t.sb.work });

describe("huggingface-cli (legacy names)", () => {
  it("without a command: the mapping table, exit 0", async () => {
    const r = await legacy([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("whoami        -> hf auth whoami");
    expect(r.stdout).toContain("scan-cache    -> hf cache ls");
  });

  it("whoami runs hf auth whoami with one line naming it", async () => {
    const r = await legacy(["whoami"], { HF_TOKEN: DEMO_TOKENS.alice });
    expect(r.code).toBe(0);
    expect(r.stderr.split("\n")[0]).toBe(
      "Note: 'huggingface-cli whoami' is deprecated; use 'hf auth whoami'.",
    );
    expect(r.stdout).toContain("alice");
  });

  it("login --token saves the token like hf auth login, then logout removes it", async () => {
    const login = await legacy(["login", "--token", DEMO_TOKENS.alice]);
    expect(login.code).toBe(0);
    expect(login.stderr).toContain("use 'hf auth login'");
    const who = await legacy(["whoami"]);
    expect(who.stdout).toContain("alice");
    const logout = await legacy(["logout"]);
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain("use 'hf auth logout'");
    expect((await legacy(["whoami"])).code).toBe(1);
    expect(login.stdout + login.stderr + who.stdout).not.toContain(DEMO_TOKENS.alice);
  });

  it("download and scan-cache work on the demo Hub", async () => {
    const d = await legacy(["download", "acme/tiny-model", "config.json"]);
    expect(d.code).toBe(0);
    expect(d.stderr).toContain("use 'hf download'");
    expect(d.stdout.trim()).toMatch(/config\.json$/);
    const s = await legacy(["scan-cache"]);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain("acme/tiny-model");
    expect(s.stderr).toContain("hf cache ls");
    expect(s.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("delete-cache maps to hf cache rm; env to hf env", async () => {
    const dc = await legacy(["delete-cache"]);
    expect(dc.stderr).toContain("hf cache rm");
    const e = await legacy(["env"]);
    expect(e.code).toBe(0);
    expect(e.stderr).toBe("Note: 'huggingface-cli env' is deprecated; use 'hf env'.\n");
    expect(e.stdout).toContain("- hubkit version:");
  });

  it("any other command is a usage error naming what is kept, exit 2", async () => {
    const r = await legacy(["upload", "x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'huggingface-cli upload' is not supported");
  });
});
