import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runHf } from "../helpers/cli.js";

describe("hf completion", () => {
  it("bash: a script that bash accepts and that completes top-level commands", async () => {
    const r = await runHf(["completion", "bash"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("complete -o default -F _hf_complete hf");
    // Source it in a real bash and ask for the completions of `hf se`.
    const script = `${r.stdout}\nCOMP_WORDS=(hf se); COMP_CWORD=1; _hf_complete; echo "\${COMPREPLY[@]}"`;
    const bash = spawnSync("bash", ["-c", script], { encoding: "utf8" });
    expect(bash.status).toBe(0);
    expect(bash.stdout.trim().split(" ")).toContain("serve");
  });

  it("zsh: a compdef script", async () => {
    const r = await runHf(["completion", "zsh"]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("#compdef hf")).toBe(true);
  });

  it("an unknown shell is a usage error (exit 2)", async () => {
    const r = await runHf(["completion", "fish"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unsupported shell 'fish'");
  });
});
