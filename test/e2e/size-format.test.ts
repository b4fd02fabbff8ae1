import { beforeAll, expect, it } from "vitest";
import { runHf } from "../helpers/cli.js";
import { useHubHome } from "../helpers/hub.js";

// One size formatter for every CLI path that prints sizes, and it is Python's `_format_size`:
// 1250 bytes is an exact tie at one decimal, which Python rounds to even ("1.2K") and JS's toFixed
// rounds up ("1.3K"). `hf download --dry-run` once printed 1.3K while `hf cache ls` printed 1.2K.
const box = useHubHome("hubkit-size-format-");
const PY_1250 = "1.2K"; // python -c "from huggingface_hub.utils._cache_manager import _format_size; print(_format_size(1250))"

beforeAll(() => {
  box.hub.addRepo({ id: "acme/sizes", commits: [{ files: { "a.bin": { content: "x".repeat(1250) } } }] });
});

it("1250 bytes prints as Python's 1.2K in download --dry-run, cache ls and cache rm --dry-run", async () => {
  const dry = await runHf(["download", "acme/sizes", "--dry-run"], { env: box.env });
  expect(dry.code, dry.stderr).toBe(0);
  expect(dry.stdout).toContain(`totalling ${PY_1250}.`);
  expect(dry.stdout).toMatch(new RegExp(`^a\\.bin\\s+${PY_1250}\\s+no\\s*$`, "m"));
  const dryJson = await runHf(["download", "acme/sizes", "--dry-run", "--json"], { env: box.env });
  expect(JSON.parse(dryJson.stdout)).toEqual([{ file: "a.bin", size: PY_1250, cached: false }]);

  expect((await runHf(["download", "acme/sizes", "-q"], { env: box.env })).code).toBe(0);
  const ls = await runHf(["cache", "ls"], { env: box.env });
  expect(ls.stdout).toMatch(new RegExp(`^model/acme/sizes\\s+${PY_1250}\\s`, "m"));
  expect(ls.stdout).toContain(`1 revision(s) and ${PY_1250} on disk.`);
  const revs = await runHf(["cache", "ls", "--revisions"], { env: { ...box.env, COLUMNS: "200" } });
  expect(revs.stdout).toMatch(new RegExp(`^model/acme/sizes\\s+[0-9a-f]{40}\\s+${PY_1250}\\s`, "m"));
  const rm = await runHf(["cache", "rm", "model/acme/sizes", "--dry-run"], { env: box.env });
  expect(rm.stdout).toContain(`About to delete 1 repo(s) totalling ${PY_1250}.`);
  expect(rm.stdout).toContain(`  size: ${PY_1250}`);
});
