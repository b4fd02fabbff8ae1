import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  Exporter,
  type ExportMode,
  resolveExportMode,
  resultView,
  type View,
} from "../../src/cli/exporter.js";
import { Output } from "../../src/cli/output.js";

const TOKEN = "hf_ExporterLeak0000000000000000000000wxyz";

function exporter(
  mode: ExportMode,
  columns?: string,
): { e: Exporter; stdout: () => string; stderr: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  const o: string[] = [];
  const e2: string[] = [];
  out.on("data", (c: Buffer) => o.push(c.toString()));
  err.on("data", (c: Buffer) => e2.push(c.toString()));
  const format = mode === "json" || mode === "quiet" ? mode : "human";
  const output = new Output({ format, stdout: out, stderr: err, color: false });
  return { e: new Exporter(output, mode, columns), stdout: () => o.join(""), stderr: () => e2.join("") };
}

const view: View<{ name: string }> = {
  json: (d) => ({ name: d.name }),
  quiet: (d) => d.name,
  human: (d, style) => [`Hello ${d.name}`, `width ${style.width()}`],
};

describe("Exporter: commands hand data and a view; the exporter picks the form", () => {
  it("writes the json, quiet or human form, nothing for a form the view lacks", () => {
    for (const [mode, expected] of [
      ["json", '{"name":"ann"}\n'],
      ["quiet", "ann\n"],
      ["human", "Hello ann\nwidth 42\n"],
      ["agent", "Hello ann\nwidth 42\n"], // agent and csv fall back to the human form
      ["csv", "Hello ann\nwidth 42\n"],
    ] as const) {
      const x = exporter(mode, "42");
      x.e.write(view, { name: "ann" });
      expect(x.stdout(), mode).toBe(expected);
    }
    const x = exporter("quiet");
    x.e.write({ human: () => "only for people" }, undefined);
    expect(x.stdout()).toBe("");
  });

  it("masks token-like strings in every form unless the view is raw", () => {
    for (const mode of ["json", "quiet", "human"] as const) {
      const x = exporter(mode);
      x.e.write(view, { name: TOKEN });
      expect(x.stdout()).toContain("hf_****wxyz");
      expect(x.stdout()).not.toContain(TOKEN);
      const raw = exporter(mode);
      raw.e.write({ ...view, raw: true }, { name: TOKEN });
      expect(raw.stdout()).toContain(TOKEN);
    }
  });

  it("resultView is Python's out.result: ✓ message + fields, first value, key=value, or the json", () => {
    const r = {
      message: "Deleted 1 file(s)",
      fields: { freed: "1.2K", dry_run: false },
      json: { freed: 1250 },
    };
    const forms: Record<string, string> = {
      human: "✓ Deleted 1 file(s)\n  freed: 1.2K\n  dry_run: False\n",
      quiet: "1.2K\n",
      agent: "freed=1.2K dry_run=False\n",
      json: '{"freed":1250}\n',
    };
    for (const [mode, text] of Object.entries(forms)) {
      const x = exporter(mode as ExportMode);
      x.e.write(resultView, r);
      expect(x.stdout(), mode).toBe(text);
    }
  });

  it("warnHuman reaches people only; json and quiet runs stay clean", () => {
    for (const [mode, shown] of [
      ["human", true],
      ["agent", true],
      ["json", false],
      ["quiet", false],
    ] as const) {
      const x = exporter(mode);
      x.e.warnHuman("3 local file(s) have no known checksum");
      expect(x.stderr().includes("Warning: 3 local file(s)"), mode).toBe(shown);
    }
  });

  it("folds --format into the five modes", () => {
    expect(resolveExportMode("human", "table")).toBe("human");
    expect(resolveExportMode("human", "agent")).toBe("agent");
    expect(resolveExportMode("human", "csv")).toBe("csv");
    expect(resolveExportMode("json", "json")).toBe("json");
    expect(resolveExportMode("quiet", undefined)).toBe("quiet");
  });
});
