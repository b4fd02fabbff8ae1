import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, expect, it, vi } from "vitest";
import { readmeExample } from "../helpers/readme.js";

afterEach(() => {
  vi.restoreAllMocks();
});

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
