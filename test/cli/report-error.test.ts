import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { Output } from "../../src/cli/output.js";
import { reportError } from "../../src/cli/run-cli.js";
import { HfError } from "../../src/errors.js";

const TOKEN = "hf_StackTraceLeak000000000000000000000wxyz";

function capture(): { out: Output; text: () => string } {
  const stderr = new PassThrough();
  const chunks: string[] = [];
  stderr.on("data", (c: Buffer) => chunks.push(c.toString()));
  const out = new Output({ format: "human", stdout: new PassThrough(), stderr, color: false });
  return { out, text: () => chunks.join("") };
}

describe("reportError with HF_DEBUG=1", () => {
  it("prints the stack of an unexpected error with any token masked", () => {
    const c = capture();
    expect(reportError(new Error(`boom near ${TOKEN}`), c.out, true)).toBe(1);
    expect(c.text()).toContain("at ");
    expect(c.text()).toContain("hf_****wxyz");
    expect(c.text()).not.toContain(TOKEN);
  });

  it("prints the stack of an HfError with any token masked", () => {
    const c = capture();
    reportError(new HfError("HF_IO", `cannot write ${TOKEN}`), c.out, true);
    expect(c.text()).not.toContain(TOKEN);
  });
});
