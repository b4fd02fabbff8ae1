import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { CLI } from "../helpers/cli.js";

export interface MirrorProcess {
  child: ChildProcess;
  /** The first stdout line of `hf serve --mirror ... --format json`. */
  info: { url: string; nginx: boolean; apps: string[] };
  /** stderr so far: the mirror's log lines. */
  log(): string;
  /** SIGTERM (or the signal given) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs the built `hf serve --mirror UPSTREAM --data DIR --format json ...extra` as a child process. */
export function startMirrorProcess(
  upstream: string,
  dataDir: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<MirrorProcess> {
  const child = spawn(
    process.execPath,
    [CLI, "serve", "--mirror", upstream, "--data", dataDir, "--format", "json", ...extra],
    {
      env: { PATH: `${process.env.PATH}:/usr/sbin`, HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: "pipe",
    },
  );
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`hf serve --mirror did not start: ${stderr}`));
    }, 20_000);
    child.once("exit", (code) => reject(new Error(`hf serve --mirror exited (${code}): ${stderr}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", (line) => {
      clearTimeout(t);
      resolve({
        child,
        info: JSON.parse(line),
        log: () => stderr,
        async stop(signal = "SIGTERM") {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    });
  });
}
