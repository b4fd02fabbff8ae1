/**
 * Runs Debian's nginx (`nginx -e <log> -c <conf> -p <prefix>`, the config says `daemon off`) as a
 * child process and waits until it accepts connections; stops it with SIGQUIT (graceful shutdown,
 * https://nginx.org/en/docs/control.html).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, promises as fsp, readFileSync } from "node:fs";
import { connect } from "node:net";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { HfUsageError } from "../errors.js";

export interface NginxProcess {
  pid: number;
  accessLog: string;
  errorLog: string;
  stop(): Promise<void>;
}

/** `HUBKIT_NGINX`, else `nginx` on PATH, else Debian's /usr/sbin/nginx (not on a user's PATH). */
export function findNginx(
  path = process.env.PATH ?? "",
  override = process.env.HUBKIT_NGINX,
): string | undefined {
  const candidates = [
    ...(override ? [override] : []),
    ...path
      .split(delimiter)
      .filter(Boolean)
      .map((d) => join(d, "nginx")),
    "/usr/sbin/nginx",
  ];
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return undefined;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = connect({ host, port }, () => {
      s.destroy();
      ok(true);
    });
    s.on("error", () => ok(false));
  });
}

/** Running (a zombie nobody reaped, as under a PID 1 that reaps nothing, counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) STATE ..."
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/**
 * An hf serve killed with SIGKILL leaves its nginx running (nothing tells a child its parent died).
 * The one whose pid file is in `prefix` and whose command line names this very config is that
 * leftover: it is stopped (SIGQUIT, then SIGKILL after 5 s) before a new one starts.
 */
async function stopLeftover(prefix: string, conf: string): Promise<void> {
  const pid = Number((await fsp.readFile(join(prefix, "nginx.pid"), "utf8").catch(() => "")).trim());
  if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return;
  const cmdline = await fsp.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  // nginx rewrites its argv into its process title ("nginx: master process nginx -c <conf> ...").
  if (!cmdline.includes(conf)) return;
  process.kill(pid, "SIGQUIT");
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
  if (alive(pid)) process.kill(pid, "SIGKILL");
}

export async function startNginx(o: {
  conf: string;
  prefix: string;
  host: string;
  port: number;
  bin?: string | undefined;
}): Promise<NginxProcess> {
  const bin = o.bin ?? findNginx();
  if (!bin)
    throw new HfUsageError("hf serve --nginx: nginx is not installed.", {
      remedy: "apt-get install nginx-light (or set HUBKIT_NGINX=/path/to/nginx), or run without --nginx",
    });
  await fsp.mkdir(join(o.prefix, "tmp"), { recursive: true });
  await stopLeftover(o.prefix, o.conf);
  const errorLog = join(o.prefix, "error.log");
  const child: ChildProcess = spawn(bin, ["-e", errorLog, "-c", o.conf, "-p", o.prefix], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  let exited: number | null | undefined;
  const exit = new Promise<void>((ok) =>
    child.once("exit", (code) => {
      exited = code;
      ok();
    }),
  );
  const started = Date.now();
  while (!(await accepts(o.host, o.port))) {
    if (exited !== undefined || Date.now() - started > 10_000) {
      child.kill("SIGKILL");
      const log = await fsp.readFile(errorLog, "utf8").catch(() => "");
      throw new HfUsageError(
        `hf serve --nginx: nginx did not start: ${(stderr || log).trim().split("\n").slice(-3).join(" | ")}`,
        { remedy: `see ${errorLog}; the config is ${o.conf}` },
      );
    }
    await sleep(30);
  }
  return {
    pid: child.pid as number,
    accessLog: join(o.prefix, "access.log"),
    errorLog,
    async stop() {
      if (exited !== undefined) return;
      child.kill("SIGQUIT");
      const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exit;
      clearTimeout(t);
    },
  };
}
