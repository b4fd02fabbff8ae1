import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, sandbox } from "../doctor/helpers.js";
import { runHf } from "../helpers/cli.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await sandbox();
});
afterAll(() => sb.cleanup());

const TOKEN = "hf_envCliToken000000000000000000000000wxyz";

describe("hf env", () => {
  it("prints versions, paths with their origin, endpoint, settings and the masked token source", async () => {
    const r = await runHf(["env"], {
      env: {
        ...sb.env,
        HF_TOKEN: TOKEN,
        HF_ENDPOINT: "http://127.0.0.1:9",
        HTTPS_PROXY: "http://u:pw@p:3128",
      },
      cwd: sb.work,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/- hubkit version: \d+\.\d+\.\d+/);
    expect(r.stdout).toContain(`- Node.js version: ${process.versions.node}`);
    expect(r.stdout).toContain(`- HF_HOME: ${sb.env.HF_HOME} (from HF_HOME)`);
    expect(r.stdout).toContain("- Endpoint: http://127.0.0.1:9 (from HF_ENDPOINT)");
    expect(r.stdout).toContain("- Token: hf_****wxyz from the HF_TOKEN environment variable");
    expect(r.stdout).toContain("- HTTPS_PROXY: http://u:****@p:3128");
    expect(r.stdout).toContain("- HF_HUB_ETAG_TIMEOUT: 10");
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(r.stdout).not.toContain("pw@");
  });

  it("--format json is one JSON object with the same facts", async () => {
    const r = await runHf(["env", "--format", "json"], { env: { ...sb.env, HF_TOKEN: TOKEN }, cwd: sb.work });
    const info = JSON.parse(r.stdout);
    expect(info.paths.hfHome).toEqual({ path: sb.env.HF_HOME, origin: "HF_HOME" });
    expect(info.token).toMatchObject({ found: true, masked: "hf_****wxyz" });
    expect(info.settings.map((s: { name: string }) => s.name)).toContain("HF_HUB_OFFLINE");
    expect(r.stdout).not.toContain(TOKEN);
  });

  it("git credential helpers are listed", async () => {
    sb.git(["config", "--global", "credential.helper", "store"], sb.home);
    const r = await runHf(["env"], { env: sb.env, cwd: sb.work });
    expect(r.stdout).toContain("- Configured git credential helpers: store");
  });
});

describe("--env-file", () => {
  it("loads settings (explicit variables win) and warns, with the .gitignore line, when git would commit it", async () => {
    const repo = `${sb.root}/app`;
    sb.git(["init", "-q", repo], sb.root);
    await sb.write(
      `${repo}/.env`,
      `HF_TOKEN=${TOKEN}\nHF_HUB_ETAG_TIMEOUT=42\nexport HF_ENDPOINT=http://127.0.0.1:7\n`,
    );
    const r = await runHf(["--env-file", ".env", "env"], {
      env: { ...sb.env, HF_ENDPOINT: "http://127.0.0.1:8" },
      cwd: repo,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("- Token: hf_****wxyz from the HF_TOKEN environment variable");
    expect(r.stdout).toContain("- HF_HUB_ETAG_TIMEOUT: 42");
    expect(r.stdout).toContain("- Endpoint: http://127.0.0.1:8");
    expect(r.stderr).toContain("Warning: .env is inside a git work tree and not ignored by git");
    expect(r.stderr).toContain(`Add this line to ${repo}/.gitignore: /.env`);
    expect(r.stderr).not.toContain(TOKEN);

    // README example: hf --env-file .env download acme/tiny-model (the endpoint comes from the file).
    const { createHubServer } = await import("../../src/server/index.js");
    const hub = await createHubServer({ demo: true });
    try {
      await sb.write(`${repo}/.env`, `HF_ENDPOINT=${hub.url}\n`);
      const d = await runHf(["--env-file", ".env", "download", "acme/tiny-model", "config.json"], {
        env: sb.env,
        cwd: repo,
      });
      expect(d.code).toBe(0);
      expect(d.stdout.trim()).toMatch(/config\.json$/);
      expect(d.stderr).toContain("Warning: .env is inside a git work tree");
    } finally {
      await hub.close();
    }

    await sb.write(`${repo}/.gitignore`, "/.env\n");
    const quiet = await runHf(["--env-file", ".env", "env"], { env: sb.env, cwd: repo });
    expect(quiet.stderr).toBe("");
  });
});
