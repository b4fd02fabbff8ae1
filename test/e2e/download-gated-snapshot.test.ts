import { expect, it } from "vitest";
import { runHf } from "../helpers/cli.js";
import { DEMO_TOKENS, useHubHome } from "../helpers/hub.js";

const box = useHubHome("hubkit-gated-snap-");

// The guide's wording, for a whole-repo download too (the listing is public, the files are gated).
it("a gated snapshot download names the access page, the token's source and the user", async () => {
  const r = await runHf(["download", "meta-llama/Llama-3.2-1B"], {
    env: { ...box.env, HF_TOKEN: DEMO_TOKENS.bob },
  });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(
    `Error: meta-llama/Llama-3.2-1B is gated: request access at ${box.hub.url}/meta-llama/Llama-3.2-1B, then retry (token from HF_TOKEN environment variable, user bob)`,
  );
  expect(r.stderr.trim().split("\n")).toHaveLength(2); // the error and its hint, no trace
});
