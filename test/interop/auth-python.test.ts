import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_TOKENS } from "../../src/server/index.js";
import { CLI, PYTHON_BIN, runHf, runProcess } from "../helpers/cli.js";
import { useHubHome } from "../helpers/hub.js";

/**
 * The token files are the contract: what `hf auth login` writes here, the real Python client
 * (huggingface_hub 1.33 in .venv-py) uses, and the other way round; stored_tokens written by either
 * side is listed and switched by the other, byte for byte.
 */
const box = useHubHome("hubkit-auth-interop-", {
  hub: { demo: true, oauth: { interval: 1 } },
  env: { HF_HUB_DISABLE_TELEMETRY: "1", HF_HUB_DISABLE_UPDATE_CHECK: "1", GIT_CONFIG_NOSYSTEM: "1" },
});

const ours = (args: string[]) => runHf(args, { env: box.env, cwd: box.home, timeoutMs: 20_000 });
const pyHf = (args: string[]) =>
  runProcess(join(PYTHON_BIN, "hf"), args, { env: box.env, cwd: box.home, timeoutMs: 60_000 });
const pyGetToken = async () => {
  const r = await runProcess(
    join(PYTHON_BIN, "python"),
    ["-c", "from huggingface_hub import get_token; print(get_token())"],
    { env: box.env, timeoutMs: 60_000 },
  );
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
};
const stored = () => readFile(join(box.home, "hf", "stored_tokens"), "utf8");

describe("auth interop with Python huggingface_hub", () => {
  it("hubkit login -> Python get_token() and `hf auth whoami` use it", async () => {
    expect((await ours(["auth", "login", "--token", DEMO_TOKENS.alice])).code).toBe(0);
    expect(await pyGetToken()).toBe(DEMO_TOKENS.alice);
    const w = await pyHf(["auth", "whoami"]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toContain("user: alice");
  });

  it("Python login -> hubkit resolves, whoami and prints the same token", async () => {
    const r = await pyHf(["auth", "login", "--token", DEMO_TOKENS.bob]);
    expect(r.code, r.stderr).toBe(0);
    expect((await ours(["auth", "whoami", "-q"])).stdout).toBe("bob\n");
    expect((await ours(["auth", "token"])).stdout).toBe(`${DEMO_TOKENS.bob}\n`);
  });

  it("stored_tokens written by Python is byte-identical to ours, listed and switched here", async () => {
    for (const t of [DEMO_TOKENS.bob, DEMO_TOKENS.alice])
      expect((await pyHf(["auth", "login", "--token", t])).code).toBe(0);
    const pythonBytes = await stored();
    const list = await ours(["auth", "list"]);
    expect(list.stdout).toBe(
      "  name       token      \n- ---------- -----------\n* alice-read hf_****0000\n  bob-write  hf_****0000\n",
    );
    // Python's own table is the same text.
    expect((await pyHf(["auth", "list"])).stdout).toBe(list.stdout);
    expect((await ours(["auth", "switch", "--token-name", "bob-write"])).code).toBe(0);
    expect(await pyGetToken()).toBe(DEMO_TOKENS.bob);

    await rm(join(box.home, "hf"), { recursive: true });
    for (const t of [DEMO_TOKENS.bob, DEMO_TOKENS.alice])
      expect((await ours(["auth", "login", "--token", t])).code).toBe(0);
    expect(await stored()).toBe(pythonBytes);
  });

  it("stored_tokens written here is listed and switched by Python", async () => {
    for (const t of [DEMO_TOKENS.alice, DEMO_TOKENS.bob])
      expect((await ours(["auth", "login", "--token", t])).code).toBe(0);
    const l = await pyHf(["auth", "list"]);
    expect(l.stdout).toContain("  alice-read hf_****0000");
    expect(l.stdout).toContain("* bob-write  hf_****0000");
    const s = await pyHf(["auth", "switch", "--token-name", "alice-read"]);
    expect(s.code, s.stderr).toBe(0);
    expect((await ours(["auth", "whoami", "-q"])).stdout).toBe("alice\n");
    // Python's logout of one name, then ours sees the rest.
    expect((await pyHf(["auth", "logout", "--token-name", "bob-write"])).code).toBe(0);
    expect(JSON.parse((await ours(["auth", "list", "--json"])).stdout)).toEqual([
      { name: "alice-read", token: "hf_****0000", active: true, expires_at: null },
    ]);
  });

  it("OAuth (device-code) logins: Python's is refreshed here, ours is refreshed by Python", async () => {
    // Python's device login (non-TTY -> browser flow), approved through the server.
    const py = await approveWhilePrinting(
      join(PYTHON_BIN, "hf"),
      ["auth", "login"],
      /enter the code: (\S+)/,
      "alice",
    );
    expect(py.code, py.stderr).toBe(0);
    const first = await stored();
    expect(first).toMatch(/^\[oauth-alice\]\nhf_token = \S+\nrefresh_token = \S+\nexpires_at = \d+\n\n$/);
    // The server's tokens live 1 h (< the 1-day margin): our lookup refreshes it, in Python's format.
    const t = await ours(["auth", "token"]);
    expect(t.code, t.stderr).toBe(0);
    const second = await stored();
    expect(second).not.toBe(first);
    expect(t.stdout).toBe(`${await readFile(join(box.home, "hf", "token"), "utf8")}\n`);
    expect(second).toContain(`hf_token = ${t.stdout.trim()}\n`);
    // Python uses (and refreshes again) what we wrote.
    const pyToken = await pyGetToken();
    expect(pyToken).toMatch(/^hf_oauth_/);
    expect((await ours(["auth", "whoami", "-q"])).stdout).toBe("alice\n");

    // And the other way: our device login, refreshed by Python's get_token().
    await rm(join(box.home, "hf"), { recursive: true });
    const mine = await approveWhilePrinting(
      process.execPath,
      [CLI, "auth", "login"],
      /enter the code: (\S+)/,
      "bob",
    );
    expect(mine.code, mine.stderr).toBe(0);
    const before = await stored();
    expect(before).toMatch(/^\[oauth-bob\]\nhf_token = \S+\nrefresh_token = \S+\nexpires_at = \d+\n\n$/);
    const refreshedByPython = await pyGetToken();
    expect(await stored()).toContain(`hf_token = ${refreshedByPython}\n`);
    expect((await ours(["auth", "whoami", "-q"])).stdout).toBe("bob\n");
  });
});

/** Runs a login that prints a device code, approves the code as `user` once it appears, waits for exit. */
function approveWhilePrinting(cmd: string, args: string[], pattern: RegExp, user: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(cmd, args, {
      env: { ...box.env, PATH: process.env.PATH ?? "", NO_COLOR: "1" },
      cwd: box.home,
    });
    child.stdin.end();
    let stdout = "";
    let stderr = "";
    let approved = false;
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      const m = pattern.exec(stdout);
      if (m && !approved) {
        approved = true;
        box.hub.approveDeviceCode(m[1] as string, user);
      }
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
