import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { Agent, EnvHttpProxyAgent } from "../../src/http/undici-lean.js";

// src/http/undici-lean.ts deep-imports undici's internals (lib/api, lib/dispatcher/*) to skip the
// index's load cost. undici is bundled into dist/ at build time, so what must hold is the version in
// package-lock.json: an upgrade that moves or changes those modules fails here, loudly, instead of
// shipping a client whose dispatchers lack `request`.
const require = createRequire(import.meta.url);
const undici = require("undici") as typeof import("undici");

describe("undici internals hubkit relies on", () => {
  it("the deep modules are the classes undici's index exports", () => {
    expect(Agent).toBe(undici.Agent);
    expect(EnvHttpProxyAgent).toBe(undici.EnvHttpProxyAgent);
  });

  it("dispatchers carry the request API the lean entry attaches", () => {
    const agent = new Agent();
    for (const m of ["request", "stream", "pipeline", "connect", "upgrade"]) {
      expect(typeof (agent as unknown as Record<string, unknown>)[m], m).toBe("function");
    }
    return agent.close();
  });

  it("the installed undici is the major the lean entry was written for", () => {
    const { version } = require("undici/package.json") as { version: string };
    expect(version.split(".")[0]).toBe("7");
  });
});
