import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HfUsageError } from "../errors.js";
import { expandPath, isTrue, readConfig } from "./read-config.js";

const HOME = "/home/u";

describe("readConfig", () => {
  it("defaults follow huggingface_hub 1.33 constants.py", () => {
    const c = readConfig({ HOME });
    expect(c.hfHome).toBe("/home/u/.cache/huggingface");
    expect(c.hubCache).toBe("/home/u/.cache/huggingface/hub");
    expect(c.tokenPath).toBe("/home/u/.cache/huggingface/token");
    expect(c.storedTokensPath).toBe("/home/u/.cache/huggingface/stored_tokens");
    expect(c.endpoint).toBe("https://huggingface.co");
    expect(c.offline).toBe(false);
    expect(c.disableTelemetry).toBe(false);
    expect(c.disableProgressBars).toBeUndefined();
    expect(c.disableImplicitToken).toBe(false);
    expect(c.etagTimeout).toBe(10);
    expect(c.downloadTimeout).toBe(10);
    expect(c.origins.hfHome).toBe("default");
  });

  it("XDG_CACHE_HOME moves HF_HOME; HF_HOME beats it", () => {
    expect(readConfig({ HOME, XDG_CACHE_HOME: "/x" }).hfHome).toBe("/x/huggingface");
    expect(readConfig({ HOME, XDG_CACHE_HOME: "/x", HF_HOME: "/h" }).hfHome).toBe("/h");
    expect(readConfig({ HOME, XDG_CACHE_HOME: "/x" }).origins.hfHome).toBe("XDG_CACHE_HOME");
  });

  it("expands ~ and $VAR like Python, leaving unknown variables as written", () => {
    expect(readConfig({ HOME, HF_HOME: "~/hh" }).tokenPath).toBe("/home/u/hh/token");
    expect(readConfig({ HOME, HF_TOKEN_PATH: "$HOME/../alt/tok" }).tokenPath).toBe("/home/u/../alt/tok");
    expect(readConfig({ HOME, HF_TOKEN_PATH: "$HOME/../alt/tok" }).storedTokensPath).toBe(
      "/home/u/../alt/stored_tokens",
    );
    expect(expandPath("${NOPE}/a", {})).toBe("${NOPE}/a");
    expect(expandPath("${A}/b/$A", { A: "z" })).toBe("z/b/z");
  });

  it("hub cache precedence: HF_HUB_CACHE > HUGGINGFACE_HUB_CACHE > HF_HOME/hub", () => {
    expect(readConfig({ HOME, HF_HOME: "/h" }).hubCache).toBe(join("/h", "hub"));
    expect(readConfig({ HOME, HF_HOME: "/h", HUGGINGFACE_HUB_CACHE: "/legacy" }).hubCache).toBe("/legacy");
    const c = readConfig({ HOME, HF_HOME: "/h", HUGGINGFACE_HUB_CACHE: "/legacy", HF_HUB_CACHE: "~/new" });
    expect(c.hubCache).toBe("/home/u/new");
    expect(c.origins.hubCache).toBe("HF_HUB_CACHE");
  });

  it("an empty HF_HOME counts as set (Python's os.getenv semantics)", () => {
    expect(readConfig({ HOME, HF_HOME: "" }).hubCache).toBe("hub");
  });

  it("HF_STORED_TOKENS_PATH overrides the stored tokens file", () => {
    expect(readConfig({ HOME, HF_STORED_TOKENS_PATH: "/s/st" }).storedTokensPath).toBe("/s/st");
  });

  it("strips trailing slashes from HF_ENDPOINT and rejects non-URLs with exit-2 usage errors", () => {
    expect(readConfig({ HF_ENDPOINT: "http://127.0.0.1:9/" }).endpoint).toBe("http://127.0.0.1:9");
    expect(() => readConfig({ HF_ENDPOINT: "localhost:9" })).toThrow(HfUsageError);
  });

  it("booleans use Python's _is_true", () => {
    for (const v of ["1", "ON", "yes", "True"]) expect(isTrue(v)).toBe(true);
    for (const v of ["0", "false", "", "2", undefined]) expect(isTrue(v)).toBe(false);
    expect(readConfig({ TRANSFORMERS_OFFLINE: "1" }).offline).toBe(true);
    expect(readConfig({ DO_NOT_TRACK: "1" }).disableTelemetry).toBe(true);
    expect(readConfig({ HF_HUB_DISABLE_PROGRESS_BARS: "0" }).disableProgressBars).toBe(false);
  });

  it("timeouts: 0 or unset -> 10, a number wins, garbage is a usage error", () => {
    expect(readConfig({ HF_HUB_ETAG_TIMEOUT: "0" }).etagTimeout).toBe(10);
    expect(readConfig({ HF_HUB_DOWNLOAD_TIMEOUT: "42" }).downloadTimeout).toBe(42);
    expect(() => readConfig({ HF_HUB_ETAG_TIMEOUT: "soon" })).toThrow(/whole number/);
  });
});
