import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chain, fromEnv, fromTokenFile, ProviderMiss } from "../../src/auth/providers.js";
import {
  cleanToken,
  describeTokenSource,
  listTokenSources,
  resolveToken,
} from "../../src/auth/resolve-token.js";
import { readConfig } from "../../src/config/index.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hubkit-auth-"));
});
afterEach(async () => {
  await chmod(join(dir, "token"), 0o600).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

function cfg(env: Record<string, string> = {}) {
  return readConfig({ HF_HOME: dir, HOME: dir, ...env });
}

describe("cleanToken (Python _clean_token)", () => {
  it("removes CR/LF anywhere and trims; empty is unset", () => {
    expect(cleanToken("  hf_validSP\r\nACES03 \n")).toBe("hf_validSPACES03");
    expect(cleanToken(" \n ")).toBeUndefined();
    expect(cleanToken("")).toBeUndefined();
    expect(cleanToken(undefined)).toBeUndefined();
  });
});

describe("resolveToken order", () => {
  it("argument > HF_TOKEN > HUGGING_FACE_HUB_TOKEN > HUGGINGFACE_TOKEN > file > none", async () => {
    await writeFile(join(dir, "token"), "hf_file");
    const all = { HF_TOKEN: "hf_a", HUGGING_FACE_HUB_TOKEN: "hf_b", HUGGINGFACE_TOKEN: "hf_c" };
    expect(await resolveToken({ token: "hf_arg", config: cfg(all) })).toEqual({
      token: "hf_arg",
      source: { kind: "argument" },
    });
    expect((await resolveToken({ config: cfg(all) }))?.source).toEqual({ kind: "env", name: "HF_TOKEN" });
    expect(
      (await resolveToken({ config: cfg({ HUGGING_FACE_HUB_TOKEN: "hf_b", HUGGINGFACE_TOKEN: "hf_c" }) }))
        ?.token,
    ).toBe("hf_b");
    const warnings: string[] = [];
    const r = await resolveToken({
      onWarning: (m) => warnings.push(m),
      config: cfg({ HUGGINGFACE_TOKEN: " hf_c\n" }),
    });
    expect(r).toEqual({ token: "hf_c", source: { kind: "env", name: "HUGGINGFACE_TOKEN" } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("HF_TOKEN");
    expect(await resolveToken({ config: cfg() })).toEqual({
      token: "hf_file",
      source: { kind: "file", path: join(dir, "token") },
    });
    await rm(join(dir, "token"));
    expect(await resolveToken({ config: cfg() })).toBeUndefined();
  });

  it("an empty or whitespace variable counts as unset", async () => {
    expect(
      (await resolveToken({ config: cfg({ HF_TOKEN: "  ", HUGGING_FACE_HUB_TOKEN: "hf_b" }) }))?.token,
    ).toBe("hf_b");
    expect((await resolveToken({ token: "", config: cfg({ HF_TOKEN: "hf_a" }) }))?.token).toBe("hf_a");
  });

  it("token:false sends none; HF_HUB_DISABLE_IMPLICIT_TOKEN only affects undefined", async () => {
    expect(await resolveToken({ token: false, config: cfg({ HF_TOKEN: "hf_a" }) })).toBeUndefined();
    const c = cfg({ HF_TOKEN: "hf_a", HF_HUB_DISABLE_IMPLICIT_TOKEN: "1" });
    expect(await resolveToken({ config: c })).toBeUndefined();
    expect((await resolveToken({ token: true, config: c }))?.token).toBe("hf_a");
    expect((await resolveToken({ token: "hf_x", config: c }))?.token).toBe("hf_x");
  });

  it("a whitespace-only token file is 'not logged in'", async () => {
    await writeFile(join(dir, "token"), " \r\n");
    expect(await resolveToken({ config: cfg() })).toBeUndefined();
  });

  it("an unreadable token file stops the chain with an error naming it", async () => {
    if (process.getuid?.() === 0) return; // root reads anything
    await writeFile(join(dir, "token"), "hf_file");
    await chmod(join(dir, "token"), 0o000);
    await expect(resolveToken({ config: cfg() })).rejects.toThrow(join(dir, "token"));
  });

  it("a token file that is a directory stops the chain too", async () => {
    await mkdir(join(dir, "token"));
    await expect(chain(fromTokenFile(join(dir, "token")))).rejects.toMatchObject({ code: "HF_CONFIG" });
  });

  it("concurrent callers share one lookup", async () => {
    await writeFile(join(dir, "token"), "hf_file");
    const c = cfg();
    const [a, b] = [resolveToken({ config: c }), resolveToken({ config: c })];
    expect(a).toBe(b);
    expect(await a).toEqual(await b);
  });

  it("providers: a miss is flagged tryNextLink", async () => {
    await expect(fromEnv("HF_TOKEN", {})()).rejects.toBeInstanceOf(ProviderMiss);
  });

  it("describeTokenSource", () => {
    expect(describeTokenSource({ kind: "argument" })).toBe("token argument");
    expect(describeTokenSource({ kind: "env", name: "HF_TOKEN" })).toBe("HF_TOKEN environment variable");
    expect(describeTokenSource({ kind: "file", path: "/x/token" })).toBe("token file /x/token");
  });

  it("listTokenSources lists every holder in order", async () => {
    await writeFile(join(dir, "token"), "hf_file");
    const list = await listTokenSources(cfg({ HF_TOKEN: "hf_a" }));
    expect(list.map((r) => r.source.kind)).toEqual(["env", "file"]);
  });
});

describe("git credential helpers", () => {
  it("credentialFields describes the endpoint as git expects; a missing git binary means no helper", async () => {
    const { approveGitCredential, credentialFields } = await import("../../src/auth/git-credential.js");
    expect(credentialFields("http://127.0.0.1:8080")).toBe("protocol=http\nhost=127.0.0.1:8080\n");
    expect(credentialFields("https://mirror.example/hub/")).toBe(
      "protocol=https\nhost=mirror.example\npath=hub\n",
    );
    expect(
      await approveGitCredential("http://127.0.0.1:1", "hf_x", { env: {}, git: "/nonexistent/git" }),
    ).toEqual([]);
  });
});
