#!/usr/bin/env node
// `npm run demo`: the Hugging Face authentication guide, end to end, offline. Starts `hf serve --demo`
// on a free port with a throwaway HF_HOME, then runs the real `hf` CLI through the guide's steps,
// narrating each one. Exits 0 when every step behaved as the guide says; cleans up after itself.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
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
function hf(args, { env = {}, input, expect = 0, show = true, progress = false } = {}) {
  const printable = args.map((a) => (/^hf_/.test(a) ? `${a.slice(0, 3)}****${a.slice(-4)}` : a)).join(" ");
  const envShown = Object.keys(env)
    .map((k) => `${k}=${/TOKEN/.test(k) ? "hf_****" : env[k]} `)
    .join("");
  console.log(`${dim("$")} ${envShown}hf ${printable}`);
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, ...args], {
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
