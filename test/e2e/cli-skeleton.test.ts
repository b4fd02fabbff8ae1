import { describe, expect, it } from "vitest";
import { runHf } from "../helpers/cli.js";

describe("hf skeleton", () => {
  it("--version prints the package version", async () => {
    const r = await runHf(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hubkit \d+\.\d+\.\d+/);
  });

  it("--help lists commands, examples and exit codes", async () => {
    const r = await runHf(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: hf <command>");
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toContain(
      "Exit codes: 0 ok, 1 error, 2 usage error, 60 TLS certificate not trusted (as curl), 130 interrupted.",
    );
  });

  it("an unknown command is a one-line usage error with a suggestion, exit 2", async () => {
    const r = await runHf(["serv"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Error: Unknown command 'serv'.");
    expect(r.stderr).toContain("did you mean 'hf serve'?");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a bad --format is a usage error", async () => {
    const r = await runHf(["--format", "yaml", "--version"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown --format 'yaml'");
  });

  it("--json --version prints JSON", async () => {
    const r = await runHf(["--json", "--version"]);
    expect(JSON.parse(r.stdout).version).toMatch(/\d/);
  });
});
