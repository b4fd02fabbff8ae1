import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, beforeEach, expect, test } from "vitest";
import { CLI, runHf } from "../helpers/cli.js";
import { DEMO_TOKENS } from "../helpers/hub.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hubkit-serve-cli-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Starts `hf serve ...`, resolves with the child and its first stdout line. */
function startServe(args: string[]) {
  const child = spawn(process.execPath, [CLI, "serve", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: dir, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const first = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no output from hf serve; stderr: ${stderr}`)), 15_000);
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once("exit", (code) => reject(new Error(`hf serve exited (${code}): ${stderr}`)));
  });
  return { child, first, exited, stderr: () => stderr, stdout: () => stdout };
}

test("--format json: the first stdout line is {url, cdnUrl, users, repos}; SIGTERM stops it with exit 0", async () => {
  const s = startServe(["--demo", "--format", "json", "--fault", "500:/api/models/acme/tiny-model"]);
  const info = JSON.parse(await s.first) as {
    url: string;
    cdnUrl: string;
    users: { name: string; token: string; role: string }[];
    repos: { id: string; type: string; private: boolean; gated: unknown }[];
  };
  expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(info.cdnUrl).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
  expect(info.users).toContainEqual({ name: "alice", token: DEMO_TOKENS.alice, role: "read" });
  expect(info.repos).toContainEqual({
    id: "meta-llama/Llama-3.2-1B",
    type: "model",
    private: false,
    gated: "manual",
  });
  // The --fault is armed.
  expect((await fetch(`${info.url}/api/models/acme/tiny-model`)).status).toBe(500);
  expect((await fetch(`${info.url}/api/models/acme/tiny-model`)).status).toBe(200);
  s.child.kill("SIGTERM");
  expect(await s.exited).toBe(0);
});

test("human output starts with the Hub URL; SIGINT exits 0", async () => {
  const s = startServe(["--demo"]);
  expect(await s.first).toMatch(/^Serving the Hub at http:\/\/127\.0\.0\.1:\d+$/);
  await new Promise((r) => setTimeout(r, 200));
  s.child.kill("SIGINT");
  expect(await s.exited).toBe(0);
});

test("a malformed hub.json exits 2 naming the file and the field", async () => {
  await writeFile(
    join(dir, "hub.json"),
    JSON.stringify({ users: [{ name: "x", tokens: [{ name: "t", token: 5 }] }] }),
  );
  const r = await runHf(["serve", "--data", dir], { timeoutMs: 15_000 });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(join(dir, "hub.json"));
  expect(r.stderr).toContain("users[0].tokens[0].token");
});

test("non-loopback hosts are refused without --allow-remote; bad ports and faults are usage errors", async () => {
  const remote = await runHf(["serve", "--demo", "--host", "0.0.0.0"], { timeoutMs: 15_000 });
  expect(remote.code).toBe(2);
  expect(remote.stderr).toContain("--allow-remote");
  expect((await runHf(["serve", "--demo", "--port", "x"], { timeoutMs: 15_000 })).code).toBe(2);
  expect((await runHf(["serve", "--demo", "--fault", "boom:/x"], { timeoutMs: 15_000 })).code).toBe(2);
  expect((await runHf(["serve"], { timeoutMs: 15_000 })).code).toBe(2);
});

test("--data DIR: the banner shows DIR's users (masked) and repos, not the demo's", async () => {
  const token = "hf_carolDataDirToken000000000000000wxyz";
  await writeFile(
    join(dir, "hub.json"),
    JSON.stringify({
      users: [{ name: "carol", tokens: [{ name: "carol-read", token, role: "read" }] }],
      repos: [
        { id: "team/secret", type: "model", private: true, owner: "carol", commits: [] },
        {
          id: "team/corpus",
          type: "dataset",
          commits: [{ message: "add", files: { "a.txt": { content: "a\n" } } }],
        },
      ],
    }),
  );
  const s = startServe(["--data", dir]);
  await s.first;
  await new Promise((r) => setTimeout(r, 300));
  s.child.kill("SIGINT");
  expect(await s.exited).toBe(0);
  const out = s.stdout();
  expect(out).toContain(`Tokens from ${join(dir, "hub.json")} (masked):`);
  expect(out).toContain("carol");
  expect(out).toContain("hf_****wxyz");
  expect(out).not.toContain(token);
  expect(out).toContain("hf download team/corpus --repo-type dataset");
  expect(out).not.toContain("Demo tokens");
  expect(out).not.toContain("acme/tiny-model");
  expect(out).not.toContain("hf auth whoami");
});

test("hf serve --help lists --format (its own example uses it)", async () => {
  const r = await runHf(["serve", "--help"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/--format human\|json\|quiet/);
});
