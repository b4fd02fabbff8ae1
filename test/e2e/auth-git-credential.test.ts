import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listCredentialHelpers } from "../../src/auth/git-credential.js";
import { createHubServer, DEMO_TOKENS, type HubServer } from "../../src/server/index.js";
import { runHf } from "../helpers/cli.js";

// Real git with a temp HOME: the `store` helper writes ~/.git-credentials, which we read back.
let hub: HubServer;
let home: string;
let env: Record<string, string>;

beforeAll(async () => {
  hub = await createHubServer({ demo: true });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async (ctx) => {
  home = await mkdtemp(join(tmpdir(), "hubkit-git-"));
  // GIT_CONFIG_NOSYSTEM: the machine's /etc/gitconfig must not provide a helper.
  env = { HF_HOME: join(home, "hf"), HOME: home, HF_ENDPOINT: hub.url, GIT_CONFIG_NOSYSTEM: "1" };
  ctx.onTestFinished(() => rm(home, { recursive: true, force: true }));
});

function git(args: string[]) {
  const r = spawnSync("git", args, {
    env: { ...env, PATH: process.env.PATH ?? "" },
    cwd: home,
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}
const credentials = () => readFile(join(home, ".git-credentials"), "utf8").catch(() => "");

describe("git credential helper", () => {
  it("login --add-to-git-credential stores hf_user:<token> for the endpoint; logout rejects it", async () => {
    git(["config", "--global", "credential.helper", "store"]);
    expect(await listCredentialHelpers({ env, cwd: home })).toEqual(["store"]);
    const r = await runHf(["auth", "login", "--token", DEMO_TOKENS.alice, "--add-to-git-credential"], {
      env,
      cwd: home,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("saved in your configured git credential helpers (store)");
    const port = new URL(hub.url).port;
    // Byte-for-byte what Python's `git credential approve` produced (python-hf-auth.md §3.7).
    expect(await credentials()).toBe(`http://hf_user:${DEMO_TOKENS.alice}@127.0.0.1%3a${port}\n`);
    expect((await stat(join(home, ".git-credentials"))).mode & 0o777).toBe(0o600);
    // git itself now answers with the token for the endpoint.
    const filled = spawnSync("git", ["credential", "fill"], {
      env: { ...env, PATH: process.env.PATH ?? "", GIT_TERMINAL_PROMPT: "0" },
      input: `protocol=http\nhost=127.0.0.1:${port}\n\n`,
      encoding: "utf8",
    });
    expect(filled.stdout).toContain("username=hf_user");

    const out = await runHf(["auth", "logout"], { env, cwd: home });
    expect(out.code, out.stderr).toBe(0);
    expect(await credentials()).toBe("");
  });

  it("without a helper: warns, shows the one-line remedy, and still logs in", async () => {
    const r = await runHf(["auth", "login", "--token", DEMO_TOKENS.alice, "--add-to-git-credential"], {
      env,
      cwd: home,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("no credential helper is configured");
    expect(r.stderr).toContain("Hint: git config --global credential.helper store");
    expect(await credentials()).toBe("");
    expect(await readFile(join(home, "hf", "token"), "utf8")).toBe(DEMO_TOKENS.alice);
  });
});
