import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS, findCommand } from "../../src/cli/registry.js";
import { ROOT, runHf } from "../helpers/cli.js";
import { readmeCommands, readReadme } from "../helpers/readme.js";

/** Every test file's text, to find which README examples are run somewhere. */
async function allTestSources(dir = join(ROOT, "test")): Promise<string> {
  let text = "";
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) text += await allTestSources(p);
    else if (entry.name.endsWith(".ts")) text += await readFile(p, "utf8");
  }
  return text;
}

const GLOBAL_FLAGS = new Set([
  "--format",
  "--json",
  "-q",
  "--quiet",
  "--env-file",
  "--no-color",
  "--help",
  "-h",
]);

/** Splits a README command line into words, honouring simple quotes. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? (m[3] as string));
}

describe("README", () => {
  it("quick start has exactly the two set-up commands", async () => {
    const readme = await readReadme();
    const quick = readme.slice(readme.indexOf("## Quick start"));
    const block = /```sh\n([\s\S]*?)```/.exec(quick)?.[1] ?? "";
    const cmds = block
      .split("\n")
      .map((l) => l.replace(/#.*$/, "").trim())
      .filter(Boolean);
    expect(cmds).toEqual(["npm install && npm run demo", "npm install && npm test"]);
  });

  it("every TypeScript example is tagged and run by a test", async () => {
    const readme = await readReadme();
    const tests = await allTestSources();
    const blocks = [...readme.matchAll(/(<!-- example: ([\w-]+) -->\n)?```ts\n/g)];
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) {
      expect(b[2], `untagged \`\`\`ts block at offset ${b.index}`).toBeDefined();
      // readmeExample("name") directly, or through a small run("name", ...) / runExample("name", ...) wrapper.
      const runs = [`readmeExample("${b[2]}")`, `run("${b[2]}", `, `runExample("${b[2]}", `].some((t) =>
        tests.includes(t),
      );
      expect(runs, `no test runs README example '${b[2]}'`).toBe(true);
    }
  });

  it("the environment variable table lists every variable hubkit reads", async () => {
    const readme = await readReadme();
    const table = readme.slice(readme.indexOf("## Environment variables"), readme.indexOf("### .env files"));
    const vars = await import("../../src/config/env-vars.js");
    for (const [key, value] of Object.entries(vars)) {
      if (typeof value !== "string") continue;
      expect(table, `${key} missing from the README's table`).toContain(`\`${value}\``);
    }
  });

  it("every hf command in the README exists and uses only flags its --help lists", async () => {
    const lines = await readmeCommands();
    expect(lines.length).toBeGreaterThan(20);
    const helpCache = new Map<string, string>();
    for (const line of lines) {
      const w = words(line);
      const bin = w.shift();
      if (bin === "huggingface-cli") continue; // mapped onto hf commands; tested in legacy-cli
      // Global options (and their values) may stand before the command words.
      const rest: string[] = [];
      for (let i = 0; i < w.length; i++) {
        const x = w[i] as string;
        if (x === "--env-file" || x === "--format") i++;
        else rest.push(x);
      }
      if (rest.length === 1 && ["--version", "-V", "--help"].includes(rest[0] as string)) continue;
      const args = rest.filter((x) => !x.startsWith("-"));
      const match = findCommand(args, COMMANDS);
      expect(match, `README command not found: ${line}`).toBeDefined();
      const path = match?.entry.path as string;
      let help = helpCache.get(path);
      if (help === undefined) {
        const r = await runHf([...path.split(" "), "--help"]);
        expect(r.code, `${path} --help`).toBe(0);
        help = r.stdout;
        helpCache.set(path, help);
      }
      for (const flag of rest.filter((x) => x.startsWith("-"))) {
        const name = flag.split("=")[0] as string;
        if (GLOBAL_FLAGS.has(name)) continue;
        expect(help, `'${line}': ${name} is not an option of hf ${path}`).toMatch(
          new RegExp(`(^|[\\s,])${name.replace(/[-]/g, "\\-")}([\\s,=<\\[]|$)`, "m"),
        );
      }
    }
  });
});
