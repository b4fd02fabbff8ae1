import { promises as fsp } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planDownload } from "../../src/cli/commands/download.js";
import { runCli } from "../../src/cli/run-cli.js";
import { type ScriptedHub, startScriptedHub } from "../helpers/scripted-hub.js";

let C1: string;
let hub: ScriptedHub;
let home: string;

beforeAll(async () => {
  hub = await startScriptedHub();
  [C1] = hub.addRepo({
    id: "acme/tiny",
    commits: [
      {
        "config.json": { content: Buffer.from("{}") },
        "a.txt": { content: Buffer.from("a") },
        "sub/b.txt": { content: Buffer.from("b") },
        "w.bin": { content: Buffer.alloc(5000, 1), lfs: true },
      },
    ],
  }) as [string];
  home = await fsp.mkdtemp(join(tmpdir(), "hubkit-dlcli-"));
});
afterAll(async () => {
  await hub.close();
  await fsp.rm(home, { recursive: true, force: true });
});

async function hf(args: string[], opts: { tty?: boolean; env?: Record<string, string> } = {}) {
  const stdout = Object.assign(new PassThrough(), { isTTY: opts.tty ?? false });
  const stderr = Object.assign(new PassThrough(), { isTTY: opts.tty ?? false });
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  const code = await runCli({
    argv: args,
    env: { HF_HOME: home, HF_ENDPOINT: hub.url, NO_COLOR: "1", ...opts.env },
    stdin: new PassThrough(),
    stdout,
    stderr,
    cwd: home,
  });
  return { code, stdout: out, stderr: err };
}

describe("hf download (in process)", () => {
  it("prints the bare pointer path when stdout is not a TTY", async () => {
    const r = await hf(["download", "acme/tiny", "config.json"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${join(home, "hub", "models--acme--tiny", "snapshots", C1, "config.json")}\n`);
  });
  it("labels the path on a TTY, JSON with --json, bare with -q", async () => {
    const snap = join(home, "hub", "models--acme--tiny", "snapshots", C1);
    expect(
      (await hf(["download", "acme/tiny"], { tty: true, env: { HF_HUB_DISABLE_PROGRESS_BARS: "1" } })).stdout,
    ).toBe(`✓ Downloaded\n  path: ${snap}\n`);
    expect(JSON.parse((await hf(["download", "acme/tiny", "--json"])).stdout)).toEqual({ path: snap });
    expect((await hf(["download", "-q", "acme/tiny"], { tty: true })).stdout).toBe(`${snap}\n`);
  });
  it("draws progress bars on stderr on a TTY and still prints the path", async () => {
    const r = await hf(["download", "acme/tiny", "--force-download"], { tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ Downloaded");
    expect(r.stderr).toMatch(/Fetching 4 files|w\.bin|100%/);
    // The bars clear themselves; one summary line stays.
    expect(r.stderr).toMatch(/Fetched 4 file\(s\), [\d.]+K? in [\d.]+s/);
  });
  it("--dry-run lists files, sizes and what is cached", async () => {
    const r = await hf(["download", "acme/tiny", "--dry-run", "--json"]);
    expect(JSON.parse(r.stdout)).toContainEqual({ file: "w.bin", size: "5.0K", cached: true });
  });
  it("invalid repo id and --local-dir with --cache-dir are usage errors (exit 2)", async () => {
    const r = await hf(["download", "bad--id/x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Cannot have -- or .. in repo_id: 'bad--id/x'.");
    const r2 = await hf(["download", "acme/tiny", "--local-dir", "x", "--cache-dir", "y"]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("Cannot use both `--local-dir` and `--cache-dir` at the same time.");
  });
  it("accepts hf:// URIs (type, @revision, path) and refuses --revision with one", async () => {
    const r = await hf(["download", `hf://acme/tiny@${C1}/sub/b.txt`]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(join(home, "hub", "models--acme--tiny", "snapshots", C1, "sub", "b.txt"));
    const r2 = await hf(["download", "hf://acme/tiny", "--revision", "main"]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("'--revision' cannot be used with an 'hf://' URI");
    const r3 = await hf(["download", "hf://buckets/acme/b"]);
    expect(r3.code).toBe(2);
  });
  it("--offline makes no request", async () => {
    hub.requests.length = 0;
    const r = await hf(["download", "acme/tiny", "config.json", "--offline"]);
    expect(r.code).toBe(0);
    const r2 = await hf(["download", "acme/tiny", "nothere.txt", "--offline"]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/offline mode is enabled/);
    expect(hub.requests).toEqual([]);
  });
});

describe("planDownload (Python's dispatch, §4.2)", () => {
  it("one filename -> single file; several -> patterns; dir/ -> dir/**", () => {
    expect(planDownload({ files: ["a.txt"], include: [], exclude: [] }).single).toBe("a.txt");
    expect(planDownload({ files: ["a.txt", "b"], include: [], exclude: [] }).include).toEqual(["a.txt", "b"]);
    expect(planDownload({ files: ["sub/"], include: [], exclude: [] }).include).toEqual(["sub/**"]);
    expect(planDownload({ files: ["a.txt"], include: ["*.json"], exclude: [] }).warnings[0]).toMatch(
      /Ignoring `--include`/,
    );
    expect(() => planDownload({ files: ["sub/"], include: ["x"], exclude: [] })).toThrow(
      /Cannot combine subfolder argument/,
    );
    expect(planDownload({ files: [], include: ["*.json"], exclude: ["x"] })).toMatchObject({
      include: ["*.json"],
      exclude: ["x"],
    });
  });
});
