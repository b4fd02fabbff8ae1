import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runProcess } from "../helpers/cli.js";

// `npm pack` then `npm i -g` into a clean prefix: the installed `hf` must work on its own. The CLI is
// bundled, so the only runtime dependency is undici (for the library's types), taken from npm's cache.
let dir: string;
let tarball: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hubkit-pack-"));
  const env = { npm_config_cache: process.env.npm_config_cache, HOME: process.env.HOME };
  // dist/ was built by `pretest`; --ignore-scripts skips prepack's second build.
  const pack = await runProcess("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
    cwd: ROOT,
    env,
    timeoutMs: 120_000,
  });
  expect(pack.code, pack.stderr).toBe(0);
  const info = JSON.parse(pack.stdout)[0] as { filename: string; files: { path: string }[] };
  tarball = join(dir, info.filename);
  expect(
    info.files
      .map((f) => f.path.split("/")[0])
      .filter((v, i, a) => a.indexOf(v) === i)
      .sort(),
  ).toEqual(["LICENSE", "README.md", "dist", "package.json"]);
  const install = await runProcess(
    "npm",
    [
      "install",
      "-g",
      "--prefix",
      join(dir, "prefix"),
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      tarball,
    ],
    { cwd: dir, env, timeoutMs: 180_000 },
  );
  expect(install.code, install.stderr).toBe(0);
}, 240_000);
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
});
