import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHubServer, DEMO_TOKENS, type HubServer } from "../../src/server/index.js";
import { CLI, PYTHON_BIN, runProcess } from "../helpers/cli.js";

// The interactive paths (arrow-key choice, hidden paste, token picker) need a real terminal: a small
// Python driver runs the built CLI on a pseudo-terminal and types into it.
const DRIVER = `
import json, os, pty, select, subprocess, sys, time
args, script = json.loads(sys.argv[1]), json.loads(sys.argv[2])
master, slave = pty.openpty()
p = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, close_fds=True)
os.close(slave)
out = b""
def read_until(text, timeout=15):
    global out
    end = time.time() + timeout
    while text.encode() not in out and time.time() < end:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try: out += os.read(master, 4096)
            except OSError: return
for wait_for, send in script:
    read_until(wait_for)
    time.sleep(0.1)
    os.write(master, send.encode())
end = time.time() + 15
while p.poll() is None and time.time() < end:
    r, _, _ = select.select([master], [], [], 0.1)
    if r:
        try: out += os.read(master, 4096)
        except OSError: break
try: p.wait(timeout=5)
except Exception: p.kill()
print(json.dumps({"code": p.returncode, "out": out.decode("utf8", "replace")}))
`;

let hub: HubServer;
let home: string;
beforeAll(async () => {
  hub = await createHubServer({ demo: true });
  home = await mkdtemp(join(tmpdir(), "hubkit-tty-"));
});
afterAll(async () => {
  await hub.close();
  await rm(home, { recursive: true, force: true });
});

async function onTty(args: string[], script: [string, string][]) {
  const r = await runProcess(
    join(PYTHON_BIN, "python"),
    ["-c", DRIVER, JSON.stringify([process.execPath, CLI, ...args]), JSON.stringify(script)],
    {
      env: { HF_HOME: join(home, "hf"), HOME: home, HF_ENDPOINT: hub.url, TERM: "xterm" },
      timeoutMs: 40_000,
    },
  );
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { code: number; out: string };
}

describe("interactive login and switch on a terminal", () => {
  it("asks how to log in; the pasted token is hidden, validated and saved", async () => {
    const r = await onTty(
      ["auth", "login"],
      [
        ["How would you like to log in?", "\x1b[B"],
        ["Paste an access token", "\r"],
        ["Enter your token", `${DEMO_TOKENS.alice}\r`],
      ],
    );
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("Login successful: logged in as alice");
    expect(r.out).not.toContain(DEMO_TOKENS.alice); // not echoed
    expect(await readFile(join(home, "hf", "token"), "utf8")).toBe(DEMO_TOKENS.alice);
  });

  it("switch without --token-name offers the saved names", async () => {
    const login = await onTty(["auth", "login", "--token", DEMO_TOKENS.bob], []);
    expect(login.code, login.out).toBe(0);
    const r = await onTty(
      ["auth", "switch"],
      [
        ["Select a token to switch to", "\x1b[B"],
        ["bob-write", "\x1b[A"],
        ["alice-read", "\r"],
      ],
    );
    expect(r.code, r.out).toBe(0);
    expect(await readFile(join(home, "hf", "token"), "utf8")).toBe(DEMO_TOKENS.alice);
  });
});
