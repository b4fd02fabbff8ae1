import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";

// The walls between src/ folders (docs/ARCHITECTURE.md), checked on every file's imports, static and
// dynamic, type-only included: a sentence in a design document does not hold a wall, a failing test does.
const SRC = join(ROOT, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [p] : [];
  });
}

/** The src/ folder (or root file) a path belongs to: "http", "config", "errors.ts"... */
function areaOf(abs: string): string {
  // Imports name the emitted file ("../index.js"); the source is index.ts.
  return (relative(SRC, abs).split("/")[0] as string).replace(/\.js$/, ".ts");
}

/** Every relative import of a file, resolved to the area it lands in. */
function importsOf(file: string, text = readFileSync(file, "utf8")): { spec: string; area: string }[] {
  const specs = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"/g),
    ...text.matchAll(/(?:^|\n)\s*import\s+"([^"]+)"/g),
    ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
  ].map((m) => m[1] as string);
  return specs
    .filter((s) => s.startsWith("."))
    .map((spec) => ({ spec, area: areaOf(resolve(dirname(file), spec)) }));
}

/** area -> the areas it must never import. */
const FORBIDDEN: Record<string, string[]> = {
  // The local Hub's fidelity must never borrow a client bug.
  server: ["auth", "download", "http", "cache", "cli", "doctor", "adapters", "index.ts", "mirror"],
  // http/ is handed a token; it never looks one up.
  http: ["auth", "download", "cache", "cli", "doctor", "server", "adapters", "index.ts", "mirror"],
  // Settings are a pure function of an env object.
  config: ["auth", "download", "http", "cache", "cli", "doctor", "server", "adapters", "index.ts", "mirror"],
  // Neutral helpers everyone may use: they use nothing of ours.
  common: [
    "auth",
    "download",
    "http",
    "cache",
    "cli",
    "doctor",
    "server",
    "config",
    "adapters",
    "index.ts",
    "mirror",
  ],
  auth: ["cli", "download", "cache", "server", "doctor", "adapters", "index.ts", "mirror"],
  download: ["cli", "server", "doctor", "adapters", "index.ts", "mirror"],
  cache: ["cli", "server", "download", "doctor", "adapters", "index.ts", "mirror"],
  doctor: ["cli", "server", "adapters", "index.ts"],
  // The mirror asks an upstream Hub (http/, download/) and keeps bytes in a hub cache (cache/),
  // behind the local Hub's route table (server/); it is handed tokens, never looks one up.
  mirror: ["cli", "auth", "doctor", "adapters", "index.ts"],
  "index.ts": ["cli"],
};

describe("layering", () => {
  const files = sourceFiles(SRC);

  it("finds the source tree and the imports in it", () => {
    expect(files.length).toBeGreaterThan(50);
    // The parser sees all three import forms.
    const probe = importsOf(
      join(SRC, "server", "x.ts"),
      'import type { A } from "../http/a.js";\nexport { B } from "../auth/b.js";\nconst c = await import("../cli/c.js");\n',
    );
    expect(probe.map((i) => i.area)).toEqual(["http", "auth", "cli"]);
  });

  it.each(Object.keys(FORBIDDEN))("%s/ imports none of the folders it must not", (area) => {
    const bad: string[] = [];
    for (const file of files.filter((f) => areaOf(f) === area)) {
      for (const imp of importsOf(file)) {
        if ((FORBIDDEN[area] as string[]).includes(imp.area))
          bad.push(`${relative(SRC, file)} -> ${imp.spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("nothing outside cli/ imports from cli/", () => {
    const bad = files
      .filter((f) => areaOf(f) !== "cli")
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => i.area === "cli")
          .map((i) => `${relative(SRC, f)} -> ${i.spec}`),
      );
    expect(bad).toEqual([]);
  });

  it("adapters/ use only the public API (src/index.ts) and each other", () => {
    const bad = files
      .filter((f) => areaOf(f) === "adapters")
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => i.area !== "adapters" && i.area !== "index.ts")
          .map((i) => `${relative(SRC, f)} -> ${i.spec}`),
      );
    expect(bad).toEqual([]);
  });

  it("only cli/ writes to stdout or stderr, or exits", () => {
    const bad: string[] = [];
    for (const file of files.filter((f) => areaOf(f) !== "cli")) {
      // Doc comments show library callers printing; code must not.
      const code = readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "");
      if (/process\.(stdout|stderr)\b|console\.\w+\(|process\.exit\(/.test(code))
        bad.push(relative(SRC, file));
    }
    expect(bad).toEqual([]);
  });
});
