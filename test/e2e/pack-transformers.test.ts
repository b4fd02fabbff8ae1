import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runProcess } from "../helpers/cli.js";

// `npm pack` ships `hubkit/transformers` (dist/transformers.js + its types), and a project that
// installs the tarball WITHOUT @huggingface/transformers can import both entries: the adapter never
// loads transformers.js itself (it is handed `env`). npm runs with the whole environment, so the
// machine's registry and CA settings apply.
const env = { ...process.env } as Record<string, string>;
let dir: string;
let files: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hubkit-pack-tjs-"));
  // dist/ was built by `pretest`; --ignore-scripts skips prepack's second build.
  const pack = await runProcess("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
    cwd: ROOT,
    env,
    timeoutMs: 120_000,
  });
  expect(pack.code, pack.stderr).toBe(0);
  const info = JSON.parse(pack.stdout)[0] as { filename: string; files: { path: string }[] };
  files = info.files.map((f) => f.path);
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  const install = await runProcess(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", join(dir, info.filename)],
    { cwd: dir, env, timeoutMs: 180_000 },
  );
  expect(install.code, install.stderr).toBe(0);
}, 240_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("npm pack: the hubkit/transformers subpath", () => {
  it("ships dist/transformers.js and its declarations", () => {
    expect(files).toContain("dist/transformers.js");
    expect(files).toContain("dist/types/adapters/transformers/index.d.ts");
    expect(files).toContain("dist/types/adapters/transformers/use-hubkit.d.ts");
  });

  it("imports without @huggingface/transformers installed; useHubkit wires a plain env object", async () => {
    const script = `
      import * as hubkit from "hubkit";
      import { useHubkit, TESTED_TRANSFORMERS_VERSIONS } from "hubkit/transformers";
      const env = { version: "4.3.2", remoteHost: "https://huggingface.co/", remotePathTemplate: "{model}/resolve/{revision}/", useCustomCache: false, customCache: null, fetch: globalThis.fetch };
      const handle = useHubkit(env, { config: hubkit.readConfig({ HF_ENDPOINT: "http://127.0.0.1:9", HF_HOME: "/nonexistent" }) });
      console.log(JSON.stringify({ versions: TESTED_TRANSFORMERS_VERSIONS, remoteHost: env.remoteHost, custom: env.useCustomCache && typeof env.customCache.match, download: typeof hubkit.downloadFile }));
      handle.restore();
      console.log(env.remoteHost, env.useCustomCache);`;
    const r = await runProcess(process.execPath, ["--input-type=module", "-e", script], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const [first, second] = r.stdout.trim().split("\n");
    expect(JSON.parse(first as string)).toEqual({
      versions: ["4.3.2"],
      remoteHost: "http://127.0.0.1:9/",
      custom: "function",
      download: "function",
    });
    expect(second).toBe("https://huggingface.co/ false");
  });
});
