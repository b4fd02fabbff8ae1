import { spawnSync } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listCredentialHelpers } from "../../src/auth/git-credential.js";
import { DEMO_TOKENS } from "../../src/server/index.js";
import { runHf } from "../helpers/cli.js";
import { useHubHome } from "../helpers/hub.js";

// Real git with a temp HOME: the `store` helper writes ~/.git-credentials, which we read back.
// GIT_CONFIG_NOSYSTEM: the machine's /etc/gitconfig must not provide a helper.
const box = useHubHome("hubkit-git-", { env: { GIT_CONFIG_NOSYSTEM: "1" } });

function git(args: string[]) {
  const r = spawnSync("git", args, {
    env: { ...box.env, PATH: process.env.PATH ?? "" },
    cwd: box.home,
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}
const credentials = () => readFile(join(box.home, ".git-credentials"), "utf8").catch(() => "");

describe("git credential helper", () => {
  it("login --add-to-git-credential stores hf_user:<token> for the endpoint; logout rejects it", async () => {
    git(["config", "--global", "credential.helper", "store"]);
    expect(await listCredentialHelpers({ env: box.env, cwd: box.home })).toEqual(["store"]);
    const r = await runHf(["auth", "login", "--token", DEMO_TOKENS.alice, "--add-to-git-credential"], {
      env: box.env,
      cwd: box.home,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("saved in your configured git credential helpers (store)");
    const port = new URL(box.hub.url).port;
    // Byte-for-byte what Python's `git credential approve` produced (python-hf-auth.md §3.7).
    expect(await credentials()).toBe(`http://hf_user:${DEMO_TOKENS.alice}@127.0.0.1%3a${port}\n`);
    expect((await stat(join(box.home, ".git-credentials"))).mode & 0o777).toBe(0o600);
    // git itself now answers with the token for the endpoint.
    const filled = spawnSync("git", ["credential", "fill"], {
      env: { ...box.env, PATH: process.env.PATH ?? "", GIT_TERMINAL_PROMPT: "0" },
      input: `protocol=http\nhost=127.0.0.1:${port}\n\n`,
      encoding: "utf8",
    });
    expect(filled.stdout).toContain("username=hf_user");

    const out = await runHf(["auth", "logout"], { env: box.env, cwd: box.home });
    expect(out.code, out.stderr).toBe(0);
    expect(await credentials()).toBe("");
  });

  it("without a helper: warns, shows the one-line remedy, and still logs in", async () => {
    const r = await runHf(["auth", "login", "--token", DEMO_TOKENS.alice, "--add-to-git-credential"], {
      env: box.env,
      cwd: box.home,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("no credential helper is configured");
    expect(r.stderr).toContain("Hint: git config --global credential.helper store");
    expect(await credentials()).toBe("");
    expect(await readFile(join(box.home, "hf", "token"), "utf8")).toBe(DEMO_TOKENS.alice);
  });
});
