import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createHubServer, DEMO_TOKENS, type HubServer } from "../../src/server/index.js";
import { runHf } from "../helpers/cli.js";

let hub: HubServer;
let home: string;
beforeAll(async () => {
  hub = await createHubServer({ demo: true });
  home = await mkdtemp(join(tmpdir(), "hubkit-gated-snap-"));
});
afterAll(async () => {
  await hub.close();
  await rm(home, { recursive: true, force: true });
});

// The guide's wording, for a whole-repo download too (the listing is public, the files are gated).
it("a gated snapshot download names the access page, the token's source and the user", async () => {
  const r = await runHf(["download", "meta-llama/Llama-3.2-1B"], {
    env: { HF_HOME: home, HF_ENDPOINT: hub.url, HF_TOKEN: DEMO_TOKENS.bob },
  });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(
    `Error: meta-llama/Llama-3.2-1B is gated: request access at ${hub.url}/meta-llama/Llama-3.2-1B, then retry (token from HF_TOKEN environment variable, user bob)`,
  );
  expect(r.stderr.trim().split("\n")).toHaveLength(2); // the error and its hint, no trace
});
