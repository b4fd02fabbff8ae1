import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { createHubServer, type HubServer, type HubServerOptions } from "../../src/server/index.js";

export { DEMO_TOKENS } from "../../src/server/index.js";
export type { HubServer };

/**
 * Starts a local Hub for one test file (`demo: true` unless told otherwise) and returns it with a
 * `stop()` for afterAll. Port 0 on 127.0.0.1, the CDN on 127.0.0.2.
 *
 * @example
 * let hub: HubServer;
 * beforeAll(async () => { hub = await startHub(); });
 * afterAll(() => hub.close());
 */
export function startHub(options: HubServerOptions = { demo: true }): Promise<HubServer> {
  return createHubServer(options);
}

export interface HubHome {
  hub: HubServer;
  /** This test's temp HOME (removed after the test). */
  home: string;
  /** `HF_HOME=$home/hf`, `HOME`, `HF_ENDPOINT` = the hub, plus the extra variables given. */
  env: Record<string, string>;
}

/**
 * For one test file: a local Hub (`demo: true` unless told otherwise) for the whole file, and a
 * fresh temp HOME with HF_HOME inside it for every test. Read its fields inside tests only.
 *
 * @example
 * const box = useHubHome("hubkit-auth-e2e-");
 * it("...", async () => { await runHf(["auth", "whoami"], { env: box.env }); });
 */
export function useHubHome(
  prefix: string,
  options: { hub?: HubServerOptions; env?: Record<string, string> } = {},
): HubHome {
  const t = {} as HubHome;
  beforeAll(async () => {
    t.hub = await createHubServer(options.hub ?? { demo: true });
  });
  afterAll(async () => {
    await t.hub?.close();
  });
  beforeEach(async (ctx) => {
    const home = await mkdtemp(join(tmpdir(), prefix));
    t.home = home;
    t.env = { HF_HOME: join(home, "hf"), HOME: home, HF_ENDPOINT: t.hub.url, ...options.env };
    ctx.onTestFinished(() => rm(home, { recursive: true, force: true }));
  });
  return t;
}

export interface ManualClock {
  now(): number;
  /** Moves the time on by `ms` (only ever forward). */
  advance(ms: number): void;
}

/**
 * A clock for `startHub({ clock })` that moves only when a test says so: expiry is tested by
 * advancing it past the deadline (and to just before it), not by sleeping.
 *
 * @example
 * const clock = manualClock();
 * const hub = await startHub({ demo: true, clock });
 * clock.advance(3600_000); // every one-hour OAuth token has now expired
 */
export function manualClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      if (!(ms >= 0)) throw new Error(`manualClock: cannot advance by ${ms}`);
      t += ms;
    },
  };
}

/** `fetch` without redirects (to look at the 302s themselves). */
export function get(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { redirect: "manual", ...init });
}

/** An Authorization header for a token. */
export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** True when the connection ended before the announced Content-Length. */
  aborted: boolean;
}

/**
 * A request with the path sent exactly as written (fetch would normalise `..` and `%2e%2e`), for
 * traversal and fault tests. Bounded by `timeoutMs`.
 */
export function raw(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return import("node:http").then(
    ({ request }) =>
      new Promise<RawResponse>((resolve, reject) => {
        const u = new URL(base);
        const req = request(
          { host: u.hostname, port: u.port, path, method: options.method ?? "GET", headers: options.headers },
          (res) => {
            const parts: Buffer[] = [];
            let aborted = false;
            res.on("data", (c: Buffer) => parts.push(c));
            res.on("aborted", () => {
              aborted = true;
            });
            res.on("error", () => {
              aborted = true;
            });
            res.on("close", () => {
              clearTimeout(timer);
              const body = Buffer.concat(parts);
              const expected = Number(res.headers["content-length"] ?? body.length);
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body,
                aborted: aborted || (options.method !== "HEAD" && body.length < expected),
              });
            });
          },
        );
        const timer = setTimeout(
          () => req.destroy(new Error("raw request timed out")),
          options.timeoutMs ?? 10_000,
        );
        req.on("error", (e) => {
          clearTimeout(timer);
          reject(e);
        });
        req.end(options.body);
      }),
  );
}
