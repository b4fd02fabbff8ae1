import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "./cli.js";

/** The README's text. */
export function readReadme(): Promise<string> {
  return readFile(join(ROOT, "README.md"), "utf8");
}

/**
 * The README's `<!-- example: NAME -->` TypeScript block, with `from "hubkit"` pointed at src/ so the
 * test runs exactly what the README shows against the current code.
 */
export async function readmeExample(name: string): Promise<string> {
  const readme = await readReadme();
  const at = readme.indexOf(`<!-- example: ${name} -->`);
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !m) throw new Error(`README example ${name} not found`);
  return (m[1] as string)
    .replace(/from "hubkit\/server"/g, `from ${JSON.stringify(join(ROOT, "src", "server", "index.js"))}`)
    .replace(/from "hubkit"/g, `from ${JSON.stringify(join(ROOT, "src", "index.js"))}`);
}

/** Every `hf ...` / `huggingface-cli ...` command line in the README's ```sh blocks. */
export async function readmeCommands(): Promise<string[]> {
  const readme = await readReadme();
  const lines: string[] = [];
  for (const m of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of (m[1] as string).split("\n")) {
      // Drop comments, then take the part after a pipe or `$(`, so `echo x | hf ...` counts too.
      const line = raw.replace(/\s+#.*$/, "").trim();
      const at = line.search(/(^|[|(;&]\s*)(hf|huggingface-cli) /);
      if (at >= 0) lines.push(line.slice(at).replace(/^[|(;&]\s*/, ""));
    }
  }
  return lines;
}
