import { promises as fsp } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";

/** Every `from "..."` / `import("...")` specifier of a source file (comments, with their examples, left out). */
function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  return [...code.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map(
    (m) => m[1] as string,
  );
}

async function filesUnder(dir: string, ext: RegExp): Promise<string[]> {
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && ext.test(e.name)).map((e) => join(e.parentPath, e.name));
}

describe("hubkit/transformers stays a leaf (DESIGN.md: Growing the house)", () => {
  it("src/adapters imports only hubkit's public API (src/index.ts), its own files and node: built-ins", async () => {
    const src = join(ROOT, "src", "adapters", "transformers");
    for (const file of await filesUnder(src, /\.ts$/)) {
      for (const spec of importsOf(await fsp.readFile(file, "utf8"))) {
        const ok = spec.startsWith("node:") || spec.startsWith("./") || spec === "../../index.js";
        expect(ok, `${relative(ROOT, file)} imports ${spec}`).toBe(true);
      }
    }
  });

  it("nothing else in src/ imports the adapter or @huggingface/transformers", async () => {
    for (const file of await filesUnder(join(ROOT, "src"), /\.ts$/)) {
      if (file.includes(join("src", "adapters"))) continue;
      for (const spec of importsOf(await fsp.readFile(file, "utf8"))) {
        expect(
          spec.includes("adapters/") || spec.startsWith("@huggingface/"),
          `${relative(ROOT, file)}: ${spec}`,
        ).toBe(false);
      }
    }
  });

  it("the built library never loads transformers.js: no dist file imports it, index.js not the adapter", async () => {
    for (const file of await filesUnder(join(ROOT, "dist"), /\.(js|cjs)$/)) {
      const specs = importsOf(await fsp.readFile(file, "utf8"));
      expect(
        specs.filter((s) => s.startsWith("@huggingface/")),
        relative(ROOT, file),
      ).toEqual([]);
    }
    expect(importsOf(await fsp.readFile(join(ROOT, "dist", "index.js"), "utf8"))).not.toContain(
      "./transformers.js",
    );
  });
});
