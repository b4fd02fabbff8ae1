import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loginWithToken } from "../../src/auth/login.js";
import { readConfig } from "../../src/config/index.js";
import { ROOT } from "../helpers/cli.js";
import { DEMO_TOKENS, useHubHome } from "../helpers/hub.js";
import { readmeExample } from "../helpers/readme.js";
import { assertTransformersInstalled, TRANSFORMERS_DIR } from "../helpers/transformers.js";

// The README's transformers.js example, run as written (imports pointed at src/ and at the
// transformers.js that pretest installs) with only alice's saved login against the demo Hub.
const box = useHubHome("hubkit-readme-tjs-");
const saved = { ...process.env };
beforeAll(() => {
  assertTransformersInstalled();
});
afterEach(() => {
  process.env = { ...saved };
  vi.restoreAllMocks();
});

describe("README: transformers.js", () => {
  it("the gated model's tokenizer and pipeline load with the saved login and no token in the code", async () => {
    await loginWithToken({ config: readConfig(box.env), token: DEMO_TOKENS.alice });
    process.env = { PATH: saved.PATH, ...box.env };
    const transformers = join(
      TRANSFORMERS_DIR,
      "node_modules",
      "@huggingface",
      "transformers",
      "dist",
      "transformers.node.mjs",
    );
    const code = (await readmeExample("transformers"))
      .replace(
        'from "hubkit/transformers"',
        `from ${JSON.stringify(join(ROOT, "src", "adapters", "transformers", "index.js"))}`,
      )
      .replace(
        'from "@huggingface/transformers"',
        `from ${JSON.stringify(pathToFileURL(transformers).href)}`,
      );
    const file = join(box.home, "example.ts");
    await writeFile(file, code);
    box.hub.reset();
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await import(pathToFileURL(file).href);
    expect(log.mock.calls).toEqual([
      [
        [2, 260, 16, 261, 5, 3],
        [1, 6, 8],
      ],
    ]);
    expect(box.hub.requests.filter((r) => r.server === "hub").every((r) => r.authorization)).toBe(true);
    expect(box.hub.requests.filter((r) => r.server === "cdn").every((r) => !r.authorization)).toBe(true);
  });
});
