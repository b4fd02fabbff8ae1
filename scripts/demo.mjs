#!/usr/bin/env node
// `npm run demo`: the Hugging Face authentication guide, end to end, offline. Starts `hf serve --demo`
// on a free port with a throwaway HF_HOME, then runs the real `hf` CLI through the guide's steps,
// narrating each one. Exits 0 when every step behaved as the guide says; cleans up after itself.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(root, "dist", "hf.cjs");
const home = mkdtempSync(join(tmpdir(), "hubkit-demo-"));
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (color ? `\x1b[90m${s}\x1b[0m` : s);
let server;
let failures = 0;
/** Every request the demo Hub served (`hf serve -v` logs one line per request on stderr). */
const serverLog = [];

function cleanup() {
  if (server && server.exitCode === null) server.kill("SIGTERM");
  rmSync(home, { recursive: true, force: true });
}
process.on("SIGINT", () => {
  cleanup();
  process.exit(130);
});

/** Starts `hf serve --demo --format json` and reads its first stdout line (url, users, repos). */
function startServer() {
  return new Promise((resolve, reject) => {
    server = spawn(process.execPath, [CLI, "serve", "--demo", "--port", "0", "--format", "json", "-v"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, HF_HOME: join(home, "server-home") },
    });
    createInterface({ input: server.stderr }).on("line", (line) => serverLog.push(line));
    const rl = createInterface({ input: server.stdout });
    rl.once("line", (line) => {
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`hf serve printed something unexpected: ${line}`));
      }
    });
    server.once("exit", (code) => reject(new Error(`hf serve exited early (code ${code})`)));
  });
}

let baseEnv;

/** Runs `hf ...` with the demo env, showing the command and its output as a user would see them. */
function hf(args, options = {}) {
  return run("hf", [CLI, ...args], args, options);
}

/** Runs `node <file>` in `cwd` with the demo env, the way a user runs their program. */
function node(file, options) {
  return run("node", [file], [file], options);
}

function run(shown, argv, args, { env = {}, input, expect = 0, show = true, progress = false, cwd } = {}) {
  const printable = args.map((a) => (/^hf_/.test(a) ? `${a.slice(0, 3)}****${a.slice(-4)}` : a)).join(" ");
  const envShown = Object.keys(env)
    .map((k) => `${k}=${/TOKEN/.test(k) ? "hf_****" : env[k]} `)
    .join("");
  console.log(`${dim("$")} ${envShown}${shown} ${printable}`);
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, argv, {
      cwd,
      env: { ...baseEnv, ...env },
      // With `progress`, stderr is the demo's own, so progress bars draw when it runs in a terminal.
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", progress ? "inherit" : "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      if (show) process.stdout.write(d);
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
      if (show) process.stdout.write(dim(String(d)));
    });
    if (input !== undefined) child.stdin.end(input);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const ok = code === expect;
      if (!ok) {
        failures++;
        console.log(`  !! expected exit ${expect}, got ${code}`);
      }
      console.log(dim(`  (exit ${code}, ${ms.toFixed(0)} ms)`));
      resolve({ code, stdout, stderr, ms });
    });
  });
}

/** Lets the server's log lines for the last command arrive (they come through a pipe). */
const settle = () => new Promise((r) => setTimeout(r, 50));

/**
 * The guide's "your code": a program that loads the gated model with transformers.js through
 * hubkit/transformers and names no token anywhere.
 */
const YOUR_CODE = `import { AutoTokenizer, env, pipeline } from "@huggingface/transformers";
import { useHubkit } from "hubkit/transformers";

useHubkit(env); // the saved login (or HF_TOKEN), HF_ENDPOINT and the hub cache
const model = "meta-llama/Llama-3.2-1B";
const tokenizer = await AutoTokenizer.from_pretrained(model);
const embed = await pipeline("feature-extraction", model, { dtype: "fp32" });
const output = await embed("Hello, world!");
console.log("token ids:", tokenizer.encode("Hello, world!").join(" "), "| embedding:", output.dims.join("x"));
`;

/**
 * A throwaway project that depends on transformers.js and hubkit, as a user's would: its
 * node_modules links to the transformers.js that `npm run setup:transformers` installs and to this
 * checkout (whose package.json exports hubkit/transformers).
 */
function makeProject() {
  const transformers = join(root, "test", "transformers-js", "node_modules", "@huggingface", "transformers");
  if (!existsSync(transformers))
    throw new Error("transformers.js is not installed: run `npm run demo` (it installs it first)");
  const dir = join(home, "your-project");
  mkdirSync(join(dir, "node_modules", "@huggingface"), { recursive: true });
  symlinkSync(transformers, join(dir, "node_modules", "@huggingface", "transformers"), "dir");
  symlinkSync(root, join(dir, "node_modules", "hubkit"), "dir");
  writeFileSync(join(dir, "package.json"), '{ "type": "module", "private": true }\n');
  writeFileSync(join(dir, "app.mjs"), YOUR_CODE);
  return dir;
}

function step(n, title, note) {
  console.log(`\n${bold(`${n}. ${title}`)}`);
  if (note) console.log(note);
}

async function main() {
  console.log(bold("hubkit demo: the Hugging Face authentication guide, offline"));
  const info = await startServer();
  const token = (name) => info.users.find((u) => u.name === name)?.token;
  const [alice, bob] = [token("alice"), token("bob")];
  console.log(`Local Hub at ${info.url} (CDN ${info.cdnUrl}); throwaway HF_HOME ${join(home, "hf")}`);
  baseEnv = {
    PATH: process.env.PATH,
    HOME: home,
    HF_HOME: join(home, "hf"),
    HF_ENDPOINT: info.url,
    NO_COLOR: process.env.NO_COLOR,
  };
  const gated = "meta-llama/Llama-3.2-1B";

  step(1, "Who am I before logging in?", "No token anywhere: whoami says so and tells you how to fix it.");
  await hf(["auth", "whoami"], { expect: 1 });

  step(
    2,
    "Log in as bob",
    "The token comes on stdin (`--token -`) so it stays out of shell history and `ps`.",
  );
  await hf(["auth", "login", "--token", "-"], { input: `${bob}\n` });

  step(3, "whoami now shows the user, the token's role and where the token came from");
  await hf(["auth", "whoami"]);

  step(
    4,
    `bob downloads the gated ${gated}`,
    "bob has not been granted access: the error names the page to request it.",
  );
  await hf(["download", gated], { expect: 1 });

  step(
    5,
    "HF_TOKEN beats the saved login",
    "alice's token in HF_TOKEN wins over bob's saved token; whoami says so.",
  );
  await hf(["auth", "whoami"], { env: { HF_TOKEN: alice } });

  // File downloads are GETs of /resolve/ URLs and of the CDN; metadata calls are HEADs and /api/.
  const fileGets = (lines) => lines.filter((l) => /^(cdn )?GET /.test(l) && !/ \/api\//.test(l)).length;

  step(6, "alice downloads the gated model (progress bars show in a terminal)");
  let mark = serverLog.length;
  const first = await hf(["download", gated], { env: { HF_TOKEN: alice }, progress: true });
  await settle();
  console.log(
    dim(
      `  the Hub served ${serverLog.length - mark} requests, ${fileGets(serverLog.slice(mark))} of them file downloads`,
    ),
  );

  step(7, "The second run is served from the cache");
  mark = serverLog.length;
  const second = await hf(["download", gated], { env: { HF_TOKEN: alice } });
  await settle();
  const secondLog = serverLog.slice(mark);
  if (first.stdout.trim() !== second.stdout.trim()) {
    failures++;
    console.log("  !! the second run returned a different path");
  }
  if (fileGets(secondLog) !== 0) {
    failures++;
    console.log("  !! the second run downloaded files again");
  }
  console.log(
    `  first run ${first.ms.toFixed(0)} ms; second run ${second.ms.toFixed(0)} ms: ${secondLog.length} request (${secondLog.join(", ")}), 0 file downloads`,
  );

  step(8, "What the cache holds");
  await hf(["cache", "ls"]);

  step(9, "The environment hubkit sees (tokens are masked)");
  await hf(["env"], { env: { HF_TOKEN: alice } });

  step(
    10,
    "Log in as alice, then clear the gated model from the cache",
    "Her token is saved; from now on no command and no program is given a token.",
  );
  await hf(["auth", "login", "--token", "-"], { input: `${alice}\n` });
  await hf(["cache", "rm", `model/${gated}`, "-y"]);

  step(
    11,
    "Your code (no token needed)",
    "transformers.js loads the gated model's tokenizer and runs a pipeline, through hubkit/transformers:",
  );
  const project = makeProject();
  console.log(YOUR_CODE.trimEnd().replace(/^/gm, dim("  | ")));
  const runs = [];
  for (const label of ["first run", "second run"]) {
    mark = serverLog.length;
    const r = await node("app.mjs", { cwd: project });
    await settle();
    const log = serverLog.slice(mark);
    runs.push({ r, log });
    console.log(`  ${label}: ${log.length} request(s), ${fileGets(log)} of them file downloads`);
  }
  const [yours1, yours2] = runs;
  if (!/embedding: 1x6x8/.test(yours1.r.stdout) || yours2.r.stdout !== yours1.r.stdout) {
    failures++;
    console.log("  !! the program did not print the same tokens and embedding twice");
  }
  if (fileGets(yours1.log) === 0 || fileGets(yours2.log) !== 0) {
    failures++;
    console.log("  !! the first run should download and the second be served from the cache");
  }
  if ([...yours1.log, ...yours2.log].some((l) => !l.startsWith("cdn ") && !l.includes("[auth]"))) {
    failures++;
    console.log("  !! a request to the Hub went without the saved login's token");
  }

  step(
    12,
    "Log out",
    "The saved token is removed; HF_TOKEN is not set here, so nothing is logged in any more.",
  );
  await hf(["auth", "logout"]);
  await hf(["auth", "whoami"], { expect: 1 });

  await settle();
  const leaked = serverLog.filter((l) => l.startsWith("cdn ") && l.includes("[auth]")).length;
  const cdnGets = serverLog.filter((l) => l.startsWith("cdn ")).length;
  console.log(
    `\nThe CDN host served ${cdnGets} request(s); it received ${leaked} request(s) carrying an Authorization header.`,
  );
  if (leaked) failures++;

  console.log(
    failures === 0
      ? bold("\nEvery step behaved as the guide says.")
      : bold(`\n${failures} step(s) misbehaved.`),
  );
  return failures === 0 ? 0 : 1;
}

main()
  .then((code) => {
    cleanup();
    process.exitCode = code;
  })
  .catch((e) => {
    console.error(`demo failed: ${e.message}`);
    cleanup();
    process.exitCode = 1;
  });
