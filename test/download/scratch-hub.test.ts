import { writeFileSync } from "node:fs";
import { it } from "vitest";
import { startMiniHub } from "./mini-hub.js";
import { privateCli } from "./private-cli.js";

it("hub", async () => {
  const N = 1024 * 1024 * 1024;
  const big = Buffer.alloc(N);
  const C = "1".repeat(40);
  const hub = await startMiniHub([
    { id: "a/b", commits: { [C]: { "big.bin": { content: big, lfs: true } } }, refs: { main: C } },
  ]);
  const cli = await privateCli();
  writeFileSync("/tmp/hub-url", `${hub.url} ${cli}`);
  await new Promise((r) => setTimeout(r, 100000));
  console.error(JSON.stringify(hub.requests.map((r) => [r.method, r.host, r.path, r.status])));
  await hub.close();
}, 130000);
