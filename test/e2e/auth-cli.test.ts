import { spawn } from "node:child_process";
import { mkdir, readFile, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_TOKENS } from "../../src/server/index.js";
import { CLI, ROOT, runHf } from "../helpers/cli.js";
import { useHubHome } from "../helpers/hub.js";

const LEGACY_CLI = join(ROOT, "dist", "huggingface-cli.js");

// The built CLI (npm run build) against the local Hub's demo fixture, with a temp HF_HOME per test.
const box = useHubHome("hubkit-auth-e2e-", { hub: { demo: true, oauth: { interval: 1 } } });

const hf = (args: string[], extra: Record<string, string | undefined> = {}, input?: string) =>
  runHf(args, { env: { ...box.env, ...extra }, input, timeoutMs: 20_000 });
const tokenPath = () => join(box.home, "hf", "token");
const storedPath = () => join(box.home, "hf", "stored_tokens");

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

describe("hf auth login --token / whoami / list / switch / token / logout", () => {
  it("logs in, saves Python's files (0600 in 0700), and whoami names user, token, role and source", async () => {
    const r = await hf(["auth", "login", "--token", DEMO_TOKENS.alice]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("Login successful: logged in as alice (token 'alice-read', role read).\n");
    expect(r.stderr).toContain("Token is valid (permission: read).");
    expect(await readFile(tokenPath(), "utf8")).toBe(DEMO_TOKENS.alice);
    expect(await readFile(storedPath(), "utf8")).toBe(`[alice-read]\nhf_token = ${DEMO_TOKENS.alice}\n\n`);
    expect((await stat(tokenPath())).mode & 0o777).toBe(0o600);
    expect((await stat(storedPath())).mode & 0o777).toBe(0o600);
    expect((await stat(join(box.home, "hf"))).mode & 0o777).toBe(0o700);

    const w = await hf(["auth", "whoami"]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toContain("  user: alice");
    expect(w.stdout).toContain("  orgs: acme");
    expect(w.stdout).toContain("  token: alice-read");
    expect(w.stdout).toContain("  role: read");
    expect(w.stdout).toContain(`  source: token file ${tokenPath()}`);
    const j = await hf(["auth", "whoami", "--format", "json"]);
    expect(JSON.parse(j.stdout)).toMatchObject({
      user: "alice",
      token_name: "alice-read",
      role: "read",
      orgs: "acme",
    });
    expect((await hf(["whoami", "-q"])).stdout).toBe("alice\n");

    const t = await hf(["auth", "token"]);
    expect(t).toMatchObject({ code: 0, stdout: `${DEMO_TOKENS.alice}\n` });
  });

  it("--token - reads stdin (whitespace and newlines trimmed); the alias `hf login` works", async () => {
    const r = await hf(["login", "--token", "-"], {}, `  ${DEMO_TOKENS.bob}\r\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(tokenPath(), "utf8")).toBe(DEMO_TOKENS.bob);
    const w = await hf(["whoami"]);
    expect(w.stdout).toContain("role: write");
    expect(w.stderr).toMatch(/This is a write token; .*read token/);
  });

  it("list marks the active token, switch changes it, unknown names list the saved ones", async () => {
    await hf(["auth", "login", "--token", DEMO_TOKENS.alice]);
    await hf(["auth", "login", "--token", DEMO_TOKENS.bob]);
    const l = await hf(["auth", "list"]);
    expect(l.code).toBe(0);
    expect(l.stdout).toBe(
      "  name       token      \n- ---------- -----------\n  alice-read hf_****0000\n* bob-write  hf_****0000\n",
    );
    const ls = await hf(["auth", "ls", "--json"]);
    expect(JSON.parse(ls.stdout)).toEqual([
      { name: "alice-read", token: "hf_****0000", active: false, expires_at: null },
      { name: "bob-write", token: "hf_****0000", active: true, expires_at: null },
    ]);
    const s = await hf(["auth", "switch", "--token-name", "alice-read"]);
    expect(s.code, s.stderr).toBe(0);
    expect(await readFile(tokenPath(), "utf8")).toBe(DEMO_TOKENS.alice);
    expect((await hf(["whoami", "-q"])).stdout).toBe("alice\n");

    const bad = await hf(["auth", "switch", "--token-name", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Access token 'nope' not found");
    expect(bad.stderr).toContain("Saved tokens: alice-read, bob-write.");
    const noName = await hf(["auth", "switch"]);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain("Use --token-name");
  });

  it("env shadowing: whoami and login name the variable that wins", async () => {
    await hf(["auth", "login", "--token", DEMO_TOKENS.alice]);
    const w = await hf(["auth", "whoami"], { HF_TOKEN: DEMO_TOKENS.bob });
    expect(w.code).toBe(0);
    expect(w.stdout).toContain("user: bob");
    expect(w.stdout).toContain("source: HF_TOKEN environment variable");
    expect(w.stderr).toContain("HF_TOKEN environment variable takes precedence over your saved login");
    expect(w.stderr).toContain("unset HF_TOKEN");

    const l = await hf(["auth", "login", "--token", DEMO_TOKENS.alice], {
      HUGGING_FACE_HUB_TOKEN: DEMO_TOKENS.bob,
    });
    expect(l.code).toBe(0);
    expect(l.stderr).toContain("HUGGING_FACE_HUB_TOKEN is set and is still the active token");

    const dep = await hf(["auth", "whoami"], { HUGGINGFACE_TOKEN: DEMO_TOKENS.bob });
    expect(dep.stdout).toContain("source: HUGGINGFACE_TOKEN environment variable");
    expect(dep.stderr.match(/HUGGINGFACE_TOKEN is deprecated/g)).toHaveLength(1);
    expect(dep.stderr).toContain("set HF_TOKEN instead");
  });

  it("a rejected token (401) writes nothing and names where it came from; exit 1", async () => {
    const r = await hf(["auth", "login", "--token", "hf_notARealTokenAtAll000000000000000"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Error: .*--token argument.*rejected.*\(401\)/);
    expect(await exists(tokenPath())).toBe(false);
    expect(await exists(storedPath())).toBe(false);
    const w = await hf(["auth", "whoami"], { HF_TOKEN: "hf_notARealTokenAtAll000000000000000" });
    expect(w.code).toBe(1);
    expect(w.stderr).toContain("HF_TOKEN environment variable");
  });

  it("5xx and unreachable endpoints give distinct messages naming the endpoint", async () => {
    box.hub.fault({ path: "/api/whoami-v2", kind: "500", times: 1 });
    const r = await hf(["auth", "login", "--token", DEMO_TOKENS.alice]);
    box.hub.reset();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/500/);
    expect(await exists(tokenPath())).toBe(false);

    const port = await freePort();
    const down = await hf(["auth", "login", "--token", DEMO_TOKENS.alice], {
      HF_ENDPOINT: `http://127.0.0.1:${port}`,
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`Could not reach http://127.0.0.1:${port}: ECONNREFUSED`);
  });

  it("not logged in: whoami and token exit 1 with the guide's message", async () => {
    for (const args of [["auth", "whoami"], ["auth", "token"], ["whoami"]]) {
      const r = await hf(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("Not logged in. Run `hf auth login` or set HF_TOKEN");
      expect(r.stdout).toBe("");
    }
  });

  it("logout: one name, then everything; says when an env var still logs you in", async () => {
    await hf(["auth", "login", "--token", DEMO_TOKENS.alice]);
    await hf(["auth", "login", "--token", DEMO_TOKENS.bob]);
    const one = await hf(["auth", "logout", "--token-name", "bob-write"]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toContain("Active token 'bob-write' has been deleted.");
    expect(await exists(tokenPath())).toBe(false);
    expect(await readFile(storedPath(), "utf8")).toBe(`[alice-read]\nhf_token = ${DEMO_TOKENS.alice}\n\n`);
    const unknown = await hf(["auth", "logout", "--token-name", "zzz"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Saved tokens: alice-read.");

    const all = await hf(["logout"], { HF_TOKEN: DEMO_TOKENS.bob });
    expect(all.code).toBe(0);
    expect(all.stdout).toBe("Successfully logged out from all access tokens.\n");
    expect(all.stderr).toContain("still logged in: HF_TOKEN is set");
    expect(await exists(storedPath())).toBe(false);
    const again = await hf(["auth", "logout"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("Not logged in!");
  });

  it("a token file that cannot be read stops with an error naming it; HF_HUB_DISABLE_IMPLICIT_TOKEN does not hide the token from `hf auth token`", async () => {
    await mkdir(tokenPath(), { recursive: true });
    const r = await hf(["auth", "token"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Cannot read the token file ${tokenPath()}: EISDIR`);
    expect(r.stdout).toBe("");
    await rm(tokenPath(), { recursive: true });
    await hf(["auth", "login", "--token", DEMO_TOKENS.alice]);
    const t = await hf(["auth", "token"], { HF_HUB_DISABLE_IMPLICIT_TOKEN: "1" });
    expect(t.stdout).toBe(`${DEMO_TOKENS.alice}\n`);
    const legacy = await runHf(["whoami", "-q"], { env: box.env, bin: LEGACY_CLI });
    expect(legacy.stdout).toBe("alice\n");
    expect(legacy.stderr).toContain("use 'hf auth whoami'");
  });

  it("usage errors exit 2", async () => {
    expect((await hf(["auth", "login", "--bogus"])).code).toBe(2);
    expect((await hf(["auth", "login", "--token"])).code).toBe(2);
  });
});

describe("device-code login (non-TTY, approved through the server)", () => {
  it("prints one JSON event per line, saves the OAuth token with refresh metadata, then whoami works", async () => {
    const child = spawn(process.execPath, [CLI, "auth", "login", "--format", "json"], {
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...box.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdin.end();
    let stdout = "";
    let stderr = "";
    let approved = false;
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const code = await new Promise<number>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        stdout += d;
        const first = stdout.split("\n")[0] as string;
        if (!approved && stdout.includes("\n")) {
          const ev = JSON.parse(first);
          expect(ev.event).toBe("device_code");
          box.hub.approveDeviceCode(ev.user_code, "alice");
          approved = true;
        }
      });
      child.on("close", (c) => {
        clearTimeout(timer);
        resolve(c ?? 1);
      });
    });
    expect(code, stderr).toBe(0);
    const events = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(["device_code", "success"]);
    expect(events[0]).toMatchObject({
      verification_uri_complete: expect.stringContaining(events[0].user_code),
    });
    expect(events[1]).toMatchObject({ user: "alice", token_name: "oauth-alice" });
    const stored = await readFile(storedPath(), "utf8");
    expect(stored).toMatch(/^\[oauth-alice\]\nhf_token = \S+\nrefresh_token = \S+\nexpires_at = \d+\n\n$/);
    const w = await hf(["auth", "whoami", "-q"]);
    expect(w.stdout).toBe("alice\n");
    // The server's access tokens live 1 h, under Python's 1-day margin: the next lookup refreshed it
    // (new section values, token file rewritten to the new access token).
    const after = await readFile(storedPath(), "utf8");
    expect(after).not.toBe(stored);
    expect(after).toContain(`hf_token = ${await readFile(tokenPath(), "utf8")}\n`);
  });

  it("human mode prints Python's URL + code block; a denied code fails with exit 1", async () => {
    const child = spawn(process.execPath, [CLI, "auth", "login"], {
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...box.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdin.end();
    let stdout = "";
    let stderr = "";
    let denied = false;
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const code = await new Promise<number>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        stdout += d;
        const m = /And enter the code: (\S+)/.exec(stdout);
        if (m && !denied) {
          denied = true;
          box.hub.denyDeviceCode(m[1] as string);
        }
      });
      child.on("close", (c) => {
        clearTimeout(timer);
        resolve(c ?? 1);
      });
    });
    expect(stdout).toMatch(
      /^\n {4}Open this URL in your browser:\n {8}http:\/\/\S+\n\n {4}And enter the code: \S+\n\n {4}Waiting for authorization\./,
    );
    expect(code).toBe(1);
    expect(stderr).toContain("Login failed: Authorization was denied. Please try again.");
    expect(await exists(tokenPath())).toBe(false);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
