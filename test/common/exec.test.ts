import { describe, expect, it } from "vitest";
import { execBounded, gitEnv } from "../../src/common/exec.js";

describe("execBounded", () => {
  it("kills a program that outlives its timeout", async () => {
    const t0 = Date.now();
    const r = await execBounded("sleep", ["5"], { env: { PATH: process.env.PATH }, timeoutMs: 200 });
    expect(r).toMatchObject({ timedOut: true, code: -1 });
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it("never rejects for a missing program", async () => {
    const r = await execBounded("hubkit-no-such-program", [], { env: { PATH: process.env.PATH } });
    expect(r.code).toBe(-1);
    expect(r.spawnError).toBe("ENOENT");
  });

  it("passes stdin and collects stdout", async () => {
    const r = await execBounded("cat", [], { env: { PATH: process.env.PATH }, input: "abc" });
    expect(r).toMatchObject({ code: 0, stdout: "abc" });
  });

  it("gitEnv turns every prompt off", () => {
    expect(gitEnv({ SSH_ASKPASS: "/x", A: "1" })).toMatchObject({
      GIT_TERMINAL_PROMPT: "0",
      GIT_ASKPASS: "",
      SSH_ASKPASS: undefined,
      GCM_INTERACTIVE: "never",
      A: "1",
    });
  });
});
