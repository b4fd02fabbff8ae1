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

/** `fetch` without redirects (to look at the 302s themselves). */
export function get(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { redirect: "manual", ...init });
}

/** An Authorization header for a token. */
export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}
