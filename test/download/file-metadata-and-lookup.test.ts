import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CACHED_NO_EXIST, tryToLoadFromCache } from "../../src/cache/try-to-load-from-cache.js";
import { readConfig } from "../../src/config/index.js";
import { downloadFile } from "../../src/download/download-file.js";
import { getFileMetadata } from "../../src/download/get-file-metadata.js";
import { DEMO_TOKENS, useHubHome } from "../helpers/hub.js";

const box = useHubHome("hubkit-lookup-");
const repoId = "acme/tiny-model";

describe("getFileMetadata (one HEAD, nothing downloaded)", () => {
  it("gives commit, etag and size of an LFS file without touching the CDN", async () => {
    const config = readConfig(box.env);
    box.hub.reset();
    const meta = await getFileMetadata({ repoId, filename: "model.safetensors", config });
    expect(meta.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(meta.etag).toMatch(/^[0-9a-f]{64}$/);
    expect(meta.size).toBe(4 * 1024 * 1024);
    expect(meta.location).toContain(box.hub.cdnUrl.replace(/\/$/, ""));
    expect(box.hub.requests.map((r) => `${r.method} ${r.server}`)).toEqual(["HEAD hub"]);
    // What the HEAD learned is recorded, as downloadFile's HEAD does: main's commit.
    const ref = await fsp.readFile(join(config.hubCache, "models--acme--tiny-model", "refs", "main"), "utf8");
    expect(ref).toBe(meta.commit);
  });

  it("a missing file: EntryNotFound, and .no_exist + refs/main are left for offline lookups", async () => {
    const config = readConfig(box.env);
    await expect(getFileMetadata({ repoId, filename: "nope.json", config })).rejects.toMatchObject({
      code: "HF_ENTRY_NOT_FOUND",
    });
    const offline = readConfig({ ...box.env, HF_HUB_OFFLINE: "1" });
    expect(await tryToLoadFromCache({ repoId, filename: "nope.json", config: offline })).toBe(
      CACHED_NO_EXIST,
    );
  });

  it("a gated repo without access names the access URL and the user", async () => {
    const config = readConfig(box.env);
    const err = await getFileMetadata({
      repoId: "meta-llama/Llama-3.2-1B",
      filename: "config.json",
      token: DEMO_TOKENS.bob,
      config,
    }).catch((e) => e);
    expect(err).toMatchObject({ code: "HF_GATED_REPO", remedy: `${box.hub.url}/meta-llama/Llama-3.2-1B` });
    expect(err.message).toContain("user bob");
  });
});

describe("tryToLoadFromCache (no request at all)", () => {
  it("undefined before, the snapshot path after a download, through refs/ or the commit", async () => {
    const config = readConfig(box.env);
    expect(await tryToLoadFromCache({ repoId, filename: "config.json", config })).toBeUndefined();
    const path = await downloadFile({ repoId, filename: "config.json", config });
    box.hub.reset();
    expect(await tryToLoadFromCache({ repoId, filename: "config.json", config })).toBe(path);
    const commit = (
      await fsp.readFile(join(config.hubCache, "models--acme--tiny-model", "refs", "main"), "utf8")
    ).trim();
    expect(await tryToLoadFromCache({ repoId, filename: "config.json", revision: commit, config })).toBe(
      path,
    );
    // another revision is never answered with main's files
    expect(
      await tryToLoadFromCache({ repoId, filename: "config.json", revision: "v1.0", config }),
    ).toBeUndefined();
    expect(await tryToLoadFromCache({ repoId, filename: "README.md", config })).toBeUndefined();
    expect(await tryToLoadFromCache({ repoId, filename: "../../x", config })).toBeUndefined();
    expect(box.hub.requests).toEqual([]);
  });
});
