/**
 * What `hf serve --mirror` runs: the mirror app, and with `nginx` Debian's nginx in front of it
 * (and of any other replicas named in `nginxApps`), its config written into the store's
 * `.locks/hubkit-mirror/nginx/` (`.locks/` is the one folder hub-cache readers skip).
 */
import { promises as fsp } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { createMirrorServer, type MirrorServerOptions } from "./mirror-server.js";
import { renderNginxConfig } from "./nginx-config.js";
import { startNginx } from "./nginx-process.js";

export interface StartMirrorOptions extends Omit<MirrorServerOptions, "blobs"> {
  /** Start nginx in front, listening on host:port (the app then takes a free loopback port). */
  nginx?: boolean | undefined;
  /** This app answers X-Accel-Redirect for an nginx started by another replica. */
  behindNginx?: boolean | undefined;
  /** Other replicas' `host:port`, added to nginx's upstream block. */
  nginxApps?: string[] | undefined;
}

export interface RunningMirror {
  /** What clients set HF_ENDPOINT to: nginx's URL, or the app's. */
  url: string;
  nginx: boolean;
  /** The app URLs behind nginx (this one first). */
  apps: string[];
  accessLog?: string | undefined;
  close(): Promise<void>;
}

function freePort(host: string): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/**
 * @example
 * const m = await startMirror({ upstream: "https://huggingface.co", dataDir: "/srv/hf", nginx: true, port: 8080 });
 */
export async function startMirror(o: StartMirrorOptions): Promise<RunningMirror> {
  const host = o.host ?? "127.0.0.1";
  if (!o.nginx) {
    const app = await createMirrorServer({ ...o, blobs: o.behindNginx ? "accel" : "node" });
    return { url: app.url, nginx: false, apps: [app.url], close: () => app.close() };
  }
  const dataDir = resolve(o.dataDir);
  const app = await createMirrorServer({ ...o, host: "127.0.0.1", port: 0, blobs: "accel" });
  try {
    const port = o.port ? o.port : await freePort(host);
    // Under .locks/: the one folder of a hub cache every reader (Python, hf cache) skips.
    const prefix = join(dataDir, ".locks", "hubkit-mirror", "nginx");
    await fsp.mkdir(prefix, { recursive: true });
    const conf = join(prefix, "nginx.conf");
    const apps = [new URL(app.url).host, ...(o.nginxApps ?? [])];
    await fsp.writeFile(
      conf,
      renderNginxConfig({
        prefix,
        dataDir,
        host,
        port,
        apps,
        user: process.getuid?.() === 0 ? "root root" : undefined,
      }),
    );
    const nginx = await startNginx({ conf, prefix, host, port });
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    return {
      url,
      nginx: true,
      apps: apps.map((a) => `http://${a}`),
      accessLog: nginx.accessLog,
      async close() {
        await nginx.stop();
        await app.close();
      },
    };
  } catch (e) {
    await app.close();
    throw e;
  }
}
