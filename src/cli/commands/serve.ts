import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { maskToken } from "../../common/mask-token.js";
import { HfConfigError, HfUsageError } from "../../errors.js";
import type { FaultSpec, HubServer, RequestLogEntry } from "../../server/index.js";
import type { CliContext } from "../context.js";
import type { View } from "../exporter.js";

export interface ServeOptions {
  host: string;
  port: number;
  cdnHost: string;
  cdnPort: number;
  data?: string | undefined;
  demo?: boolean | undefined;
  fault: string[];
  allowRemote?: boolean | undefined;
  verbose?: boolean | undefined;
  /** `--mirror UPSTREAM`: a pull-through mirror of that Hub, its store in `data`. */
  mirror?: string | undefined;
  /** `--nginx`: nginx in front of the mirror sends the blobs. */
  nginx?: boolean | undefined;
  /** `--behind-nginx`: answer blob requests with X-Accel-Redirect for another replica's nginx. */
  behindNginx?: boolean | undefined;
  /** `--nginx-app HOST:PORT`: more replicas in nginx's upstream block. */
  nginxApps?: string[] | undefined;
  /** PEM certificate (or chain) and key files: both listeners serve https. */
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
}

/** Loopback only, unless `--allow-remote`: the fake Hub hands out demo tokens to anyone who asks. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function parsePort(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new HfUsageError(`${flag} must be a port number (0-65535), got '${value}'.`, {
      remedy: `hf serve ${flag} 0  (0 picks a free port)`,
    });
  return n;
}

function describeEntry(e: RequestLogEntry): string {
  return `${e.server === "cdn" ? "cdn " : ""}${e.method} ${e.path} -> ${e.status}${e.range ? ` (${e.range})` : ""}${e.authorization ? " [auth]" : ""}`;
}

/** The PEM files of `--tls-cert` / `--tls-key`; a file that cannot be read is a usage error. */
function readTlsFiles(certPath: string, keyPath: string): { cert: Buffer; key: Buffer } {
  const read = (path: string, flag: string) => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new HfUsageError(`${flag} ${path} cannot be read (${(e as NodeJS.ErrnoException).code}).`, {
        remedy: `pass a readable PEM file to ${flag}`,
        cause: e,
      });
    }
  };
  return { cert: read(certPath, "--tls-cert"), key: read(keyPath, "--tls-key") };
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/**
 * Starts the local Hub, prints where it listens (with `--format json`: one JSON object as the FIRST
 * stdout line), and serves until `until` settles (SIGINT/SIGTERM in the CLI). Returns after a clean
 * close.
 *
 * @example await run(ctx, { host: "127.0.0.1", port: 0, cdnHost: "127.0.0.2", cdnPort: 0, demo: true, fault: [] })
 */
export async function run(
  ctx: CliContext,
  opts: ServeOptions,
  until: Promise<unknown> = untilSignal(),
): Promise<void> {
  for (const [flag, host] of [
    ["--host", opts.host],
    ["--cdn-host", opts.cdnHost],
  ] as const) {
    if (!isLoopbackHost(host) && !opts.allowRemote)
      throw new HfUsageError(`Refusing to serve on ${host}: ${flag} must be a loopback address.`, {
        remedy: `use 127.0.0.1 (or add --allow-remote if you really want other machines to reach this fake Hub)`,
      });
  }
  if (opts.mirror !== undefined) return runMirror(ctx, opts, until);
  if (!opts.demo && !opts.data)
    throw new HfUsageError("hf serve needs --demo or --data DIR.", { remedy: "hf serve --demo" });
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined))
    throw new HfUsageError("--tls-cert and --tls-key go together.", {
      remedy: "hf serve --demo --tls-cert cert.pem --tls-key key.pem",
    });
  const tls = opts.tlsCert !== undefined ? readTlsFiles(opts.tlsCert, opts.tlsKey as string) : undefined;
  const faults: FaultSpec[] = [];
  const { createHubServer, DEMO_TOKENS, parseFaultSpec } = await import("../../server/index.js");
  for (const f of opts.fault) {
    const spec = parseFaultSpec(f);
    if (!spec)
      throw new HfUsageError(`Invalid --fault '${f}'.`, {
        remedy:
          "--fault KIND[xN]:PATH with KIND one of reset, 500, 429, ignore-range, slow, stall (e.g. --fault 500:/acme/tiny-model/resolve/main/config.json)",
      });
    faults.push(spec);
  }
  let hub: HubServer;
  try {
    hub = await createHubServer({
      demo: opts.demo === true,
      dataDir: opts.data,
      host: opts.host,
      port: opts.port,
      cdnHost: opts.cdnHost,
      cdnPort: opts.cdnPort,
      tls,
      log: (line) => ctx.out.warn(line),
      onRequest: opts.verbose ? (e) => ctx.out.info(describeEntry(e)) : undefined,
    });
  } catch (e) {
    // A broken hub.json is the user's input: exit 2 like any other usage error.
    if (e instanceof HfConfigError) throw new HfUsageError(e.message, { remedy: e.remedy, cause: e });
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EADDRINUSE" || err.code === "EADDRNOTAVAIL" || err.code === "EACCES")
      throw new HfUsageError(`Cannot listen: ${err.message}`, {
        remedy: "hf serve --port 0  (any free port)",
      });
    // node:tls rejects a key that does not match the certificate, or PEM it cannot parse.
    if (tls && /^ERR_OSSL|^ERR_SSL/.test(err.code ?? ""))
      throw new HfUsageError(
        `Cannot use --tls-cert ${opts.tlsCert} / --tls-key ${opts.tlsKey}: ${err.message}`,
        {
          remedy: "pass a PEM certificate and its own private key",
          cause: e,
        },
      );
    throw e;
  }
  for (const f of faults) hub.fault(f);

  ctx.exporter.write(servingView, {
    hub,
    demo: opts.demo === true,
    demoTokens: new Set(Object.values(DEMO_TOKENS)),
    data: opts.data,
    faults: opts.fault,
    tlsCert: tls ? opts.tlsCert : undefined,
  });
  try {
    await until;
  } finally {
    await hub.close();
  }
  ctx.out.info("hf serve: stopped.");
}

/** `hf serve --mirror UPSTREAM --data DIR [--nginx]`: src/mirror/ does the work; this prints and waits. */
async function runMirror(ctx: CliContext, opts: ServeOptions, until: Promise<unknown>): Promise<void> {
  if (!opts.data)
    throw new HfUsageError("hf serve --mirror needs --data DIR (the mirror's store, a hub cache).", {
      remedy: "hf serve --mirror https://huggingface.co --data /srv/hf-mirror",
    });
  const { startMirror } = await import("../../mirror/index.js");
  const mirror = await startMirror({
    upstream: opts.mirror as string,
    dataDir: opts.data,
    host: opts.host,
    port: opts.port,
    nginx: opts.nginx === true,
    behindNginx: opts.behindNginx === true,
    nginxApps: opts.nginxApps,
    env: ctx.env,
    log: (line) => ctx.out.info(line),
  });
  ctx.exporter.write(mirroringView, { mirror, dataDir: opts.data as string });
  try {
    await until;
  } finally {
    await mirror.close();
  }
  ctx.out.info("hf serve: stopped.");
}

export function createCommand(ctx: CliContext): Command {
  return new Command("serve")
    .description("Run a local Hugging Face Hub (for tests and demos; no internet needed)")
    .option("--host <host>", "address of the Hub listener", "127.0.0.1")
    .option("--port <port>", "port of the Hub listener (0 = any free port)", "0")
    .option("--cdn-host <host>", "address of the CDN listener that serves LFS files", "127.0.0.2")
    .option("--cdn-port <port>", "port of the CDN listener (0 = any free port)", "0")
    .option("--data <dir>", "serve DIR/hub.json; blobs are stored under DIR/blobs")
    .option("--demo", "serve the built-in demo users and repos")
    .option(
      "--fault <spec>",
      "inject a fault: KIND[xN]:PATH, KIND = reset|500|429|ignore-range|slow|stall (repeatable)",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option("--tls-cert <file>", "serve https on both listeners with this PEM certificate (or chain)")
    .option("--tls-key <file>", "the private key of --tls-cert (PEM)")
    .option("--allow-remote", "allow non-loopback --host/--cdn-host (unsafe: anyone can use the tokens)")
    .option("-v, --verbose", "log every request on stderr")
    .option(
      "--mirror <upstream>",
      "run a pull-through mirror of the Hub at UPSTREAM, its store (a hub cache) in --data",
    )
    .option("--nginx", "with --mirror: run nginx in front, sending the blobs from the store")
    .option("--behind-nginx", "with --mirror: a replica behind another replica's --nginx (X-Accel-Redirect)")
    .option(
      "--nginx-app <host:port>",
      "with --nginx: another replica on the same --data for nginx to balance to (repeatable)",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  hf serve --demo                        demo users (alice, bob) and repos, printed on start",
        "  hf serve --demo --port 8080 --format json   first stdout line: {url, cdnUrl, users, repos}",
        "  hf serve --data ./my-hub                serve ./my-hub/hub.json",
        "  hf serve --demo --fault 500:/acme/tiny-model/resolve/main/config.json",
        "  hf serve --mirror https://huggingface.co --data /srv/hf-mirror --nginx   a mirror for a team",
        "  hf serve --demo --tls-cert test/fixtures/tls/leaf.pem --tls-key test/fixtures/tls/leaf.key",
        "     https on both listeners (in a hubkit checkout: the TEST-ONLY certificate names 127.0.0.1",
        "     and 127.0.0.2; clients need SSL_CERT_FILE=test/fixtures/tls/ca.pem)",
        "",
        "Then: export HF_ENDPOINT=http://127.0.0.1:8080 (the Python client and hubkit both honour it).",
      ].join("\n"),
    )
    .action(async (o: Record<string, unknown>) => {
      await run(ctx, {
        host: String(o.host),
        port: parsePort(String(o.port), "--port"),
        cdnHost: String(o.cdnHost),
        cdnPort: parsePort(String(o.cdnPort), "--cdn-port"),
        data: typeof o.data === "string" ? resolve(ctx.cwd, o.data) : undefined,
        demo: o.demo === true,
        fault: o.fault as string[],
        allowRemote: o.allowRemote === true,
        verbose: o.verbose === true,
        mirror: typeof o.mirror === "string" ? o.mirror : undefined,
        nginx: o.nginx === true,
        behindNginx: o.behindNginx === true,
        nginxApps: o.nginxApp as string[],
        tlsCert: typeof o.tlsCert === "string" ? resolve(ctx.cwd, o.tlsCert) : undefined,
        tlsKey: typeof o.tlsKey === "string" ? resolve(ctx.cwd, o.tlsKey) : undefined,
      });
    });
}

interface Serving {
  hub: HubServer;
  demo: boolean;
  /** The demo's fake tokens (the only ones printed in full). */
  demoTokens: Set<string>;
  /** `--data DIR`. */
  data: string | undefined;
  /** `--fault` specs as given. */
  faults: string[];
  /** `--tls-cert FILE`, when both listeners serve https. */
  tlsCert?: string | undefined;
}

const listening = (hub: HubServer) => [
  `Serving the Hub at ${hub.url}`,
  `CDN (LFS downloads) at ${hub.cdnUrl}`,
];

/**
 * Where the Hub listens. Raw, on purpose: the demo's tokens are fake and printed in full (anything
 * from a hub.json is masked here); with --format json the first stdout line is
 * `{url, cdnUrl, users, repos}`, tokens included, for scripts.
 */
const servingView: View<Serving> = {
  raw: true,
  json: ({ hub }) => ({ url: hub.url, cdnUrl: hub.cdnUrl, users: hub.users, repos: hub.repos }),
  quiet: ({ hub }) => listening(hub),
  human: (s) => {
    const { hub, demo, demoTokens } = s;
    const lines: string[] = [""];
    // What is printed describes what is served: the demo's fake tokens in full, anything from a
    // hub.json masked, and a download example taken from the repos actually there.
    if (hub.users.length > 0) {
      lines.push(
        demo
          ? "Demo tokens (FAKE: only this local server accepts them):"
          : `Tokens from ${s.data ? join(s.data, "hub.json") : "hub.json"} (masked):`,
      );
      for (const u of hub.users) {
        const shown = demo && demoTokens.has(u.token) ? u.token : maskToken(u.token);
        lines.push(`  ${u.name.padEnd(10)} ${u.role.padEnd(12)} ${shown}`);
      }
      lines.push("");
    }
    lines.push("Repos:");
    for (const r of hub.repos) {
      const access = r.private ? "private" : r.gated ? `gated (${r.gated})` : "public";
      lines.push(`  ${r.type.padEnd(8)} ${r.id.padEnd(28)} ${access}`);
    }
    if (s.faults.length > 0) lines.push("", `Faults armed: ${s.faults.join(", ")}`);
    if (s.tlsCert)
      lines.push(
        "",
        `TLS: both listeners present ${s.tlsCert}; clients must trust the CA that signed it (SSL_CERT_FILE).`,
      );
    const example = hub.users[0];
    lines.push("", "Try:", `  export HF_ENDPOINT=${hub.url}`);
    if (demo && example && demoTokens.has(example.token))
      lines.push(`  HF_TOKEN=${example.token} hf auth whoami`);
    const repo = hub.repos.find((r) => !r.private && !r.gated) ?? hub.repos[0];
    if (repo)
      lines.push(`  hf download ${repo.id}${repo.type === "model" ? "" : ` --repo-type ${repo.type}`}`);
    lines.push("", "Press Ctrl+C to stop.");
    return [...listening(hub), lines.join("\n")];
  },
};

interface Mirroring {
  mirror: { url: string; nginx: boolean; apps: unknown };
  dataDir: string;
}

/** `hf serve --mirror`: where it listens first (the JSON form's first line is `{url, ...}`). */
const mirroringView: View<Mirroring> = {
  json: ({ mirror, dataDir }) => ({
    url: mirror.url,
    mirror: true,
    nginx: mirror.nginx,
    apps: mirror.apps,
    dataDir,
  }),
  quiet: ({ mirror }) => mirror.url,
  human: ({ mirror, dataDir }) => [
    `Mirroring a Hub at ${mirror.url}${mirror.nginx ? " (nginx in front)" : ""}, store ${dataDir}`,
    ["", "Try:", `  export HF_ENDPOINT=${mirror.url}`, "", "Press Ctrl+C to stop."].join("\n"),
  ],
};
