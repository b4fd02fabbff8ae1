import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseStoredTokens, serializeStoredTokens } from "../../src/auth/stored-tokens-ini.js";
import {
  deleteAllTokens,
  deleteStoredToken,
  listStoredTokens,
  readStoredTokensFull,
  saveToken,
  switchToken,
  writeSecret,
} from "../../src/auth/token-store.js";
import { readConfig } from "../../src/config/index.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hubkit-store-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const cfg = () => readConfig({ HF_HOME: join(dir, "hf"), HOME: dir });

// Byte fixtures: Python 1.33's files as recorded in python-hf-auth.md §2.4 (configparser.write).
const TWO_TOKENS =
  "[my-token-01]\nhf_token = hf_validAAAAAAAAAAAA01\n\n[my-token-02]\nhf_token = hf_validBBBBBBBBBBBB02\n\n";
const OAUTH =
  "[oauth-fakeuser]\nhf_token = hf_oauth_ACCESS1\nrefresh_token = hf_oauth_REFRESH1\nexpires_at = 1795532714\n\n";

describe("stored_tokens INI (configparser byte-compat)", () => {
  it("serializes sorted sections, `key = value`, a blank line after each", () => {
    const m = new Map([
      ["my-token-02", new Map([["hf_token", "hf_validBBBBBBBBBBBB02"]])],
      ["my-token-01", new Map([["hf_token", "hf_validAAAAAAAAAAAA01"]])],
    ]);
    expect(serializeStoredTokens(m)).toBe(TWO_TOKENS);
    expect(serializeStoredTokens(parseStoredTokens(OAUTH))).toBe(OAUTH);
    expect(serializeStoredTokens(new Map())).toBe("");
  });

  it("sorts by code point like Python's sorted()", () => {
    const names = ["b", "B", "a", "_x", "Z9", "é", "\u{1F600}", "\uFFFD"];
    const m = new Map(names.map((n) => [n, new Map([["hf_token", "t"]])]));
    const order = [...serializeStoredTokens(m).matchAll(/^\[(.*)\]$/gmu)].map((x) => x[1]);
    expect(order).toEqual(["B", "Z9", "_x", "a", "b", "é", "\uFFFD", "\u{1F600}"]);
  });

  it("parses like configparser: lower-case keys, stripped values, ':' delimiter, comments, continuation, DEFAULT", () => {
    const p = parseStoredTokens(
      "# c\n[DEFAULT]\nx = d\n[a]\nHF_Token =  hf_1  \n  cont\n; note\n[b]\nhf_token: hf_2\n",
    );
    expect(Object.fromEntries(p.get("a") ?? [])).toEqual({ hf_token: "hf_1\ncont", x: "d" });
    expect(p.get("b")?.get("hf_token")).toBe("hf_2");
    expect([...p.keys()]).toEqual(["a", "b"]);
  });

  it("rejects what configparser rejects", () => {
    expect(() => parseStoredTokens("[a]\nhf_token = 1\n[a]\n")).toThrow(/already exists/);
    expect(() => parseStoredTokens("[a]\nk = 1\nK = 2\n")).toThrow(/already exists/);
    expect(() => parseStoredTokens("k = 1\n")).toThrow(/no section headers/);
  });
});

describe("token store", () => {
  it("writeSecret: atomic, 0600 file, 0700 folder, no trailing newline, no temp file left", async () => {
    const c = cfg();
    await writeSecret(c.tokenPath, "hf_abc");
    expect(await readFile(c.tokenPath, "utf8")).toBe("hf_abc");
    expect((await stat(c.tokenPath)).mode & 0o777).toBe(0o600);
    expect((await stat(c.hfHome)).mode & 0o777).toBe(0o700);
    await writeSecret(c.tokenPath, "hf_def");
    expect(await readdir(c.hfHome)).toEqual(["token"]);
  });

  it("saveToken replaces the whole section and keeps others; file matches Python's bytes", async () => {
    const c = cfg();
    await saveToken({
      config: c,
      token: "hf_validBBBBBBBBBBBB02",
      name: "my-token-02",
      refreshToken: "r",
      expiresAt: 5,
    });
    await saveToken({ config: c, token: "hf_validAAAAAAAAAAAA01", name: "my-token-01" });
    await saveToken({ config: c, token: "hf_validBBBBBBBBBBBB02", name: "my-token-02" });
    expect(await readFile(c.storedTokensPath, "utf8")).toBe(TWO_TOKENS);
    expect((await stat(c.storedTokensPath)).mode & 0o777).toBe(0o600);
    const list = await listStoredTokens({ config: c });
    expect(list.map((t) => t.name)).toEqual(["my-token-01", "my-token-02"]);
  });

  it("reads Python's OAuth section with refresh metadata", async () => {
    const c = cfg();
    await writeSecret(c.storedTokensPath, OAUTH);
    const [t] = await listStoredTokens({ config: c });
    expect(t).toMatchObject({
      name: "oauth-fakeuser",
      refreshToken: "hf_oauth_REFRESH1",
      expiresAt: 1795532714,
    });
  });

  it("a file configparser cannot parse is reported and treated as empty", async () => {
    const c = cfg();
    await writeSecret(c.storedTokensPath, "garbage\n");
    const warnings: string[] = [];
    expect((await readStoredTokensFull(c, (m) => warnings.push(m))).size).toBe(0);
    expect(warnings[0]).toContain("Error parsing stored tokens file");
  });

  it("switchToken writes the token file; an unknown name lists the saved names", async () => {
    const c = cfg();
    await saveToken({ config: c, token: "hf_a", name: "a" });
    await saveToken({ config: c, token: "hf_b", name: "b" });
    await switchToken({ config: c, name: "b" });
    expect(await readFile(c.tokenPath, "utf8")).toBe("hf_b");
    await expect(switchToken({ config: c, name: "nope" })).rejects.toMatchObject({
      code: "HF_USAGE",
      message: expect.stringContaining("Saved tokens: a, b."),
    });
  });

  it("deleteStoredToken removes the section and the active token file; emptying leaves a 0-byte file", async () => {
    const c = cfg();
    await saveToken({ config: c, token: "hf_a", name: "a" });
    await switchToken({ config: c, name: "a" });
    expect(await deleteStoredToken({ config: c, name: "a" })).toEqual({ removed: true, wasActive: true });
    expect(await readFile(c.storedTokensPath, "utf8")).toBe("");
    await expect(stat(c.tokenPath)).rejects.toMatchObject({ code: "ENOENT" });
    expect(await deleteStoredToken({ config: c, name: "a" })).toEqual({ removed: false, wasActive: false });
  });

  it("deleteAllTokens removes both files", async () => {
    const c = cfg();
    await saveToken({ config: c, token: "hf_a", name: "a" });
    await writeFile(c.tokenPath, "hf_a");
    expect(await deleteAllTokens({ config: c })).toBe(true);
    expect(await deleteAllTokens({ config: c })).toBe(false);
  });
});
