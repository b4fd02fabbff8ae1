import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { machineEnv, ROOT, runProcess } from "../helpers/cli.js";

// `npm pack` then `npm i -g` into a clean prefix: the installed `hf` must work on its own. The CLI is
// bundled, so the only runtime dependency is undici (for the library's types), fetched from the
// registry as on a new machine.
//
// Isolated: a throwaway HOME, no HF_* variable, its own prefix, and an EMPTY npm cache, so the test
// passes only if a fresh machine can install the tarball (it once passed because a warm cache held
// undici's metadata, and failed on a new machine). Not isolated: the machine's TLS and proxy settings
// and its npm config files. `--prefix` moves npm's global config to <prefix>/etc/npmrc and a new HOME
// moves the user config, so both are named explicitly: behind a TLS-inspecting proxy their `cafile`
// is what makes the registry reachable.
let dir: string;
let tarball: string;
let files: string[];
let env: Record<string, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hubkit-pack-"));
  const machine = machineEnv();
  const where = await runProcess("npm", ["config", "get", "userconfig", "globalconfig"], {
    cwd: ROOT,
    env: machine,
  });
  expect(where.code, where.stderr).toBe(0);
  const npmrc = Object.fromEntries(
    where.stdout
      .trim()
      .split("\n")
      .map((line) => line.split("=", 2) as [string, string]),
  );
  const home = join(dir, "home");
  await mkdir(home);
  env = {
    ...machine,
    HOME: home,
    npm_config_cache: join(dir, "npm-cache"),
    npm_config_userconfig: npmrc.userconfig as string,
    npm_config_globalconfig: npmrc.globalconfig as string,
    npm_config_update_notifier: "false",
  };
  // dist/ was built by `pretest`; --ignore-scripts skips prepack's second build.
  const pack = await runProcess("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
    cwd: ROOT,
    env,
    timeoutMs: 120_000,
  });
  expect(pack.code, pack.stderr).toBe(0);
  const info = JSON.parse(pack.stdout)[0] as { filename: string; files: { path: string }[] };
  tarball = join(dir, info.filename);
  files = info.files.map((f) => f.path);
  expect(
    info.files
      .map((f) => f.path.split("/")[0])
      .filter((v, i, a) => a.indexOf(v) === i)
      .sort(),
  ).toEqual(["LICENSE", "README.md", "dist", "package.json"]);
  const install = await runProcess(
    "npm",
    ["install", "-g", "--prefix", join(dir, "prefix"), "--no-audit", "--no-fund", tarball],
    { cwd: dir, env, timeoutMs: 180_000 },
  );
  expect(install.code, install.stderr).toBe(0);
  // A project that depends on hubkit, WITHOUT @huggingface/transformers (an optional peer).
  const app = join(dir, "app");
  await mkdir(app);
  await writeFile(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  const local = await runProcess("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", tarball], {
    cwd: app,
    env,
    timeoutMs: 180_000,
  });
  expect(local.code, local.stderr).toBe(0);
}, 300_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("npm pack + npm i -g", () => {
  it("installs hf, hubkit and huggingface-cli bins that run", async () => {
    const bin = join(dir, "prefix", "bin");
    expect((await readdir(bin)).sort()).toEqual(["hf", "hubkit", "huggingface-cli"]);
    const version = await runProcess(join(bin, "hf"), ["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^hubkit \d+\.\d+\.\d+/);
    const help = await runProcess(join(bin, "hf"), ["auth", "whoami", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: hf auth whoami");
    const legacy = await runProcess(join(bin, "huggingface-cli"), ["--help"]);
    expect(legacy.code).toBe(0);
  });
  it("the installed library's dependency came from the registry into the empty cache", async () => {
    const undici = join(dir, "prefix", "lib", "node_modules", "hubkit", "node_modules", "undici");
    expect(await readdir(undici)).toContain("package.json");
    expect((await readdir(join(dir, "npm-cache"))).length).toBeGreaterThan(0);
  });
});

// `npm pack` ships `hubkit/transformers` (dist/transformers.js + its types), and a project that
// installs the tarball without @huggingface/transformers imports both entries: the adapter never
// loads transformers.js itself (it is handed `env`).
describe("npm pack: the hubkit/transformers subpath", () => {
  it("ships dist/transformers.js and its declarations", () => {
    expect(files).toContain("dist/transformers.js");
    expect(files).toContain("dist/types/adapters/transformers/index.d.ts");
    expect(files).toContain("dist/types/adapters/transformers/use-hubkit.d.ts");
  });

  it("imports without @huggingface/transformers installed; useHubkit wires a plain env object", async () => {
    const script = `
      import * as hubkit from "hubkit";
      import { createHubServer } from "hubkit/server";
      import { useHubkit, TESTED_TRANSFORMERS_VERSIONS } from "hubkit/transformers";
      if (typeof createHubServer !== "function" || "createHubServer" in hubkit) throw new Error("hubkit/server");
      const env = { version: "4.3.2", remoteHost: "https://huggingface.co/", remotePathTemplate: "{model}/resolve/{revision}/", useCustomCache: false, customCache: null, fetch: globalThis.fetch };
      const handle = useHubkit(env, { config: hubkit.readConfig({ HF_ENDPOINT: "http://127.0.0.1:9", HF_HOME: "/nonexistent" }) });
      console.log(JSON.stringify({ versions: TESTED_TRANSFORMERS_VERSIONS, remoteHost: env.remoteHost, custom: env.useCustomCache && typeof env.customCache.match, download: typeof hubkit.downloadFile }));
      handle.restore();
      console.log(env.remoteHost, env.useCustomCache);`;
    const r = await runProcess(process.execPath, ["--input-type=module", "-e", script], {
      cwd: join(dir, "app"),
      env,
    });
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
