import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { Output } from "../../src/cli/output.js";
import { reportError } from "../../src/cli/run-cli.js";
import { HfError, TlsError } from "../../src/errors.js";

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

describe("reportError with a TLS failure", () => {
  it("exits 60 with the Error and Hint lines only: no stack, no HF_DEBUG hint", () => {
    const c = capture();
    const e = new TlsError(
      "Cannot verify the TLS certificate of h:443: it has expired (x, CERT_HAS_EXPIRED).",
      {
        host: "h:443",
        problem: "expired",
        tlsCode: "CERT_HAS_EXPIRED",
        remedy: "check this computer's date and time",
      },
    );
    expect(reportError(e, c.out, false)).toBe(60);
    expect(c.text()).toBe(`Error: ${e.message}\nHint: check this computer's date and time\n`);
  });
});
