import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";

// DESIGN.md: server/ imports nothing from the client side (auth, download, http, cache), so the
// local Hub's fidelity never borrows a client bug; helpers both need live in common/.
it("src/server/ imports nothing from auth/, download/, http/ or cache/", () => {
  const dir = join(ROOT, "src", "server");
  const offending: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(dir, file), "utf8");
    for (const m of text.matchAll(/\bfrom\s+["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']/g)) {
      const spec = (m[1] ?? m[2]) as string;
      if (/^\.\.\/(auth|download|http|cache)\//.test(spec)) offending.push(`${file}: ${spec}`);
    }
  }
  expect(offending).toEqual([]);
});
