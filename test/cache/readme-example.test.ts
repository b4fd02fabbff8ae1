import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, expect, it, vi } from "vitest";
import { readmeExample } from "../helpers/readme.js";
import { commitOf, makeCache } from "./make-cache.js";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  vi.restoreAllMocks();
});

it("the README's cache example runs: lists, removes the dataset, prunes, verifies", async () => {
  const dir = await mkdtemp(join(tmpdir(), "hubkit-readme-cache-"));
  try {
    const cache = join(dir, "hub");
    const folders = await makeCache(cache, [
      {
        id: "acme/tiny-model",
        revisions: [
          {
            commit: commitOf("m1"),
            refs: ["main"],
            files: { "config.json": "{}", "w.bin": { lfs: "weights" } },
          },
          { commit: commitOf("m0"), files: { "config.json": "{}" } },
        ],
      },
      {
        id: "acme/tiny-dataset",
        type: "dataset",
        revisions: [{ commit: commitOf("d"), refs: ["main"], files: { "a.csv": "1" } }],
      },
    ]);
    process.env = { HF_HOME: join(dir, "home"), HF_HUB_CACHE: cache, PATH: saved.PATH };
    const file = join(dir, "example.ts");
    await writeFile(file, await readmeExample("cache"));
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await import(pathToFileURL(file).href);
    expect(log.mock.calls).toEqual([
      ["dataset/acme/tiny-dataset", 1, "main"],
      ["model/acme/tiny-model", 9, "main"],
      ["freeing", 1, "bytes"],
      ["verified", 2],
    ]);
    await expect(readFile(join(folders["acme/tiny-dataset"]!, "refs", "main"))).rejects.toThrow();
    await expect(
      readFile(join(folders["acme/tiny-model"]!, "snapshots", commitOf("m0"), "config.json")),
    ).rejects.toThrow();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
