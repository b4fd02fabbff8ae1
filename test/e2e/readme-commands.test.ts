import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { DEMO_TOKENS } from "../../src/server/index.js";
import { runHf } from "../helpers/cli.js";
import { useHubHome } from "../helpers/hub.js";
import { readmeCommands } from "../helpers/readme.js";

// Every `hf` command line of the README's ```sh blocks, run in README order with the built CLI against
// the demo Hub, in a throwaway HOME (the README's examples use the demo's names: acme/tiny-model,
// alice-read, ...). `hf serve` lines run until stopped, so test/server/serve-cli.test.ts starts them;
// a bare `hf auth login` is interactive (device code or prompt, tested in auth-cli and auth-tty), so
// here it becomes its unattended twin `hf auth login --token -` with alice's token on stdin.
const SKIP = /^hf serve\b/;
/** Exit codes a command may end with when the demo setup makes it report a finding. */
const ALLOWED_EXIT: [RegExp, number[]][] = [[/^hf doctor\b/, [0, 1]]];

const box = useHubHome("hubkit-readme-cmds-");

/** Splits a README line into argv, honouring quotes and dropping shell redirections. */
function argv(line: string): { args: string[]; stdinFile?: string } {
  const words = [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? (m[3] as string));
  const out: string[] = [];
  let stdinFile: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const w = (words[i] as string).replace(/\)$/, ""); // `$(hf download -q ...)`
    if (w === ">") i++;
    else if (w === "<") stdinFile = words[++i];
    else if (w !== "[--token-name" && w !== "NAME]") out.push(w);
  }
  return { args: out, stdinFile };
}

it("every README hf command runs against the demo Hub without a usage error or a crash", async () => {
  const cwd = box.home;
  await writeFile(join(cwd, ".env"), `HF_TOKEN=${DEMO_TOKENS.alice}\n`);
  await writeFile(join(cwd, "token.txt"), `${DEMO_TOKENS.bob}\n`);
  const env = { ...box.env, GIT_CONFIG_NOSYSTEM: "1" };
  const ran: string[] = [];
  for (const line of await readmeCommands()) {
    if (line.startsWith("huggingface-cli")) continue; // test/e2e/legacy-cli.test.ts
    if (SKIP.test(line)) continue;
    let { args, stdinFile } = argv(line === "hf auth login" ? "hf auth login --token -" : line);
    if (args.includes("<revision_hash>")) {
      // The tag v1.0's commit, downloaded by the README's `--revision v1.0` line above.
      const commit = await readFile(
        join(box.home, "hf", "hub", "models--acme--tiny-model", "refs", "v1.0"),
        "utf8",
      );
      args = args.map((a) => (a === "<revision_hash>" ? commit : a));
    }
    const input = stdinFile
      ? await readFile(join(cwd, stdinFile), "utf8")
      : args.includes("-")
        ? `${DEMO_TOKENS.alice}\n`
        : undefined;
    const r = await runHf(args, { env, cwd, input, timeoutMs: 30_000 });
    const allowed = ALLOWED_EXIT.find(([re]) => re.test(line))?.[1] ?? [0];
    expect(allowed, `'${line}' exited ${r.code}:\n${r.stdout}\n${r.stderr}`).toContain(r.code);
    expect(r.stderr, line).not.toContain("unexpected failure");
    for (const t of Object.values(DEMO_TOKENS)) {
      if (!(args[0] === "auth" && args[1] === "token")) expect(r.stdout + r.stderr, line).not.toContain(t);
    }
    ran.push(line);
  }
  expect(ran.length).toBeGreaterThan(30);
}, 120_000);
