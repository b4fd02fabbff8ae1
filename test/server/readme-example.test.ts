import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, expect, it, vi } from "vitest";
import { ROOT } from "../helpers/cli.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The README's `<!-- example: NAME -->` code block, importing from src/ instead of "hubkit". */
async function readmeExample(name: string): Promise<string> {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const at = readme.indexOf(`<!-- example: ${name} -->`);
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !m) throw new Error(`README example ${name} not found`);
  return (m[1] as string).replace(/from "hubkit"/g, `from ${JSON.stringify(join(ROOT, "src", "index.js"))}`);
}

it("the README's local Hub example runs: a fault, whoami, an LFS redirect to the CDN", async () => {
  const dir = await mkdtemp(join(tmpdir(), "hubkit-readme-server-"));
  try {
    const file = join(dir, "example.ts");
    await writeFile(file, await readmeExample("hub-server"));
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await import(pathToFileURL(file).href);
    expect(log).toHaveBeenNthCalledWith(1, 500, "alice", 302, true);
    expect(log).toHaveBeenNthCalledWith(2, 3, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
