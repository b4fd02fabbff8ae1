import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_OIDC_REQUEST_TOKENS, DEMO_TOKENS } from "../../src/server/index.js";
import { CLI, type RunResult, runHf } from "../helpers/cli.js";
import { useHubHome } from "../helpers/hub.js";

// Runs every auth command, in every output format, with the demo's known tokens (and a device-code
// OAuth token), and greps everything printed: only `hf auth token` may print a token.
const box = useHubHome("hubkit-leak-", {
  hub: { demo: true, oauth: { interval: 1 } },
  env: { GIT_CONFIG_NOSYSTEM: "1" },
});

describe("no token in any output except `hf auth token`", () => {
  it("greps stdout and stderr of every auth command", async () => {
    const { env, home } = box;
    const outputs: { args: string[]; r: RunResult }[] = [];
    const run = async (args: string[], extra: Record<string, string> = {}, input?: string) => {
      const r = await runHf(args, { env: { ...env, ...extra }, input, cwd: home, timeoutMs: 20_000 });
      outputs.push({ args, r });
      return r;
    };
    const formats = [[], ["--format", "json"], ["-q"]];
    for (const f of formats) {
      for (const t of [DEMO_TOKENS.alice, DEMO_TOKENS.aliceFineGrained, DEMO_TOKENS.bob]) {
        await run(["auth", "login", "--token", t, "--add-to-git-credential", ...f]);
        await run(["auth", "login", "--token", "-", ...f], {}, `${t}\n`);
      }
      await run(["auth", "login", "--token", `${DEMO_TOKENS.alice}x`, ...f]);
      await run(["auth", "login", ...f]); // already logged in
      await run(["auth", "whoami", ...f]);
      await run(["auth", "whoami", ...f], { HF_TOKEN: DEMO_TOKENS.bob });
      await run(["auth", "whoami", ...f], { HF_TOKEN: `${DEMO_TOKENS.bob}x` });
      await run(["auth", "whoami", ...f], { HUGGINGFACE_TOKEN: DEMO_TOKENS.bob });
      await run(["auth", "list", ...f]);
      await run(["auth", "list", ...f], { HF_TOKEN: DEMO_TOKENS.bob });
      await run(["auth", "switch", "--token-name", "alice-read", ...f], { HF_TOKEN: DEMO_TOKENS.bob });
      await run(["auth", "switch", "--token-name", "nope", ...f]);
      await run(["auth", "switch", ...f]);
      await run(["auth", "logout", "--token-name", "bob-write", ...f]);
      await run(["auth", "logout", ...f], { HF_TOKEN: DEMO_TOKENS.bob });
      await run(["auth", "logout", ...f]);
      await run(["auth", "whoami", ...f]);
      await run(["auth", "token", ...f], { HF_ENDPOINT: "http://127.0.0.1:9" });
      await run(["auth", "login", "--token", DEMO_TOKENS.alice, ...f], { HF_ENDPOINT: "http://127.0.0.1:9" });
    }
    for (const c of ["login", "logout", "whoami", "list", "switch", "token"])
      await run(["auth", c, "--help"]);
    await run(["--help"]);

    // A device-code login, whose OAuth tokens we only learn afterwards.
    const device = await deviceLogin({ ...env, PATH: process.env.PATH ?? "", NO_COLOR: "1" });
    outputs.push({ args: ["auth", "login", "(device)"], r: device });
    expect(device.code, device.stderr).toBe(0);
    // Each later command refreshes the 1-hour token (Python's 1-day margin): collect every
    // access and refresh token the files held along the way.
    const oauthSecrets = new Set<string>();
    const collect = async () => {
      oauthSecrets.add(await readFile(join(home, "hf", "token"), "utf8"));
      const stored = await readFile(join(home, "hf", "stored_tokens"), "utf8");
      for (const m of stored.matchAll(/(?:hf_token|refresh_token) = (\S+)/g))
        oauthSecrets.add(m[1] as string);
    };
    await collect();
    for (const args of [
      ["auth", "whoami"],
      ["auth", "list"],
      ["auth", "list", "--json"],
    ]) {
      await run(args);
      await collect();
    }
    const printed = await run(["auth", "token"]);
    expect(printed.stdout).toBe(`${await readFile(join(home, "hf", "token"), "utf8")}\n`);
    await collect();
    expect(oauthSecrets.size).toBeGreaterThan(4);

    const secrets = [DEMO_TOKENS.alice, DEMO_TOKENS.aliceFineGrained, DEMO_TOKENS.bob, ...oauthSecrets];
    for (const { args, r } of outputs) {
      const isTokenCmd = args[0] === "auth" && args[1] === "token" && !args.includes("--help");
      for (const s of secrets) {
        expect(r.stderr.includes(s), `${args.join(" ")} leaked a token on stderr`).toBe(false);
        if (!isTokenCmd)
          expect(r.stdout.includes(s), `${args.join(" ")} leaked a token on stdout`).toBe(false);
      }
    }
    expect(outputs.length).toBeGreaterThan(60);
  }, 120_000);
});

describe("the OIDC path prints no id token, request token or exchanged token", () => {
  it("greps every auth command, hf env and hf doctor with HF_OIDC_RESOURCE, passing and failing", async () => {
    const { env, home, hub } = box;
    const claims = { repository: "acme/tiny-model", sub: "repo:acme/tiny-model:ref:refs/heads/main" };
    const idTokens = [hub.mintIdToken(claims), hub.mintIdToken(claims, { ttl: 0 })];
    const oidcEnvs: Record<string, string>[] = [
      { HF_OIDC_RESOURCE: "acme/tiny-model", HF_OIDC_ID_TOKEN: idTokens[0] as string },
      { HF_OIDC_RESOURCE: "acme/tiny-model", HF_OIDC_ID_TOKEN: idTokens[1] as string },
      {
        HF_OIDC_RESOURCE: "alice",
        GITHUB_ACTIONS: "true",
        ACTIONS_ID_TOKEN_REQUEST_URL: `${hub.url}/_hubkit/oidc/github`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: DEMO_OIDC_REQUEST_TOKENS.aliceCi,
      },
      {
        HF_OIDC_RESOURCE: "acme/tiny-model",
        GITHUB_ACTIONS: "true",
        ACTIONS_ID_TOKEN_REQUEST_URL: `${hub.url}/_hubkit/oidc/github`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: DEMO_OIDC_REQUEST_TOKENS.aliceCi, // a runner no publisher of it trusts
      },
    ];
    const outputs: { args: string[]; r: RunResult }[] = [];
    let exchanged = 0;
    for (const oidc of oidcEnvs) {
      for (const f of [[], ["--format", "json"]]) {
        for (const args of [
          ["auth", "whoami"],
          ["auth", "token"],
          ["auth", "list"],
          ["auth", "login", "--token", DEMO_TOKENS.bob],
          ["auth", "logout"],
          ["download", "acme/tiny-model", "config.json"],
          ["download", "alice/private-notes"],
          ["env"],
          ["doctor", "meta-llama/Llama-3.2-1B"],
        ]) {
          const r = await runHf([...args, ...f], {
            env: { ...env, HF_TOKEN: DEMO_TOKENS.alice, HF_DEBUG: f.length ? "" : "1", ...oidc },
            cwd: home,
            timeoutMs: 30_000,
          });
          outputs.push({ args, r });
          if (args[1] === "token" && r.code === 0) exchanged++;
        }
      }
    }
    expect(exchanged).toBeGreaterThan(2);
    const secrets = [...idTokens, DEMO_OIDC_REQUEST_TOKENS.aliceCi, DEMO_TOKENS.alice, DEMO_TOKENS.bob];
    for (const { args, r } of outputs) {
      const isTokenCmd = args[0] === "auth" && args[1] === "token";
      const what = `hf ${args.join(" ")}`;
      for (const s of secrets) {
        expect(r.stderr.includes(s), `${what} leaked a secret on stderr`).toBe(false);
        expect(r.stdout.includes(s), `${what} leaked a secret on stdout`).toBe(false);
      }
      for (const text of isTokenCmd ? [r.stderr] : [r.stdout, r.stderr]) {
        expect(text, `${what} printed an id token`).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}/);
        expect(text, `${what} printed an exchanged token`).not.toMatch(/hf_jwt_[A-Za-z0-9]/);
      }
    }
  }, 240_000);
});

function deviceLogin(env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "auth", "login", "--force", "--format", "json"], {
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdin.end();
    let stdout = "";
    let stderr = "";
    let approved = false;
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      if (!approved && stdout.includes("\n")) {
        approved = true;
        box.hub.approveDeviceCode(JSON.parse(stdout.split("\n")[0] as string).user_code, "bob");
      }
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
