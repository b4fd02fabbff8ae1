import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHubServer, type HubServer } from "../../src/server/index.js";
import { raw } from "../helpers/hub.js";

/** `intercept`: a test's own answer before the routes, on both listeners, with the request logged. */
let hub: HubServer;
const seen: string[] = [];

beforeAll(async () => {
  hub = await createHubServer({
    demo: true,
    intercept: (req, res, entry) => {
      seen.push(`${entry.server} ${req.method} ${req.url}`);
      if (req.url === "/api/whoami-v2") {
        res.writeHead(418, { "content-type": "text/plain" }).end("scripted");
        return true;
      }
      // A rewrite is routed as if the client had sent it.
      if (req.url === "/api/models/acme/tiny-model/tree/main?recursive=true") req.url += "&limit=1";
      return false;
    },
  });
});
afterAll(() => hub.close());

describe("createHubServer({ intercept })", () => {
  it("answers in place of the routes, logged with its status; anything else reaches the routes", async () => {
    hub.reset();
    seen.length = 0;
    const scripted = await raw(hub.url, "/api/whoami-v2");
    expect([scripted.status, scripted.body.toString()]).toEqual([418, "scripted"]);
    const routed = await raw(hub.url, "/api/models/acme/tiny-model");
    expect(routed.status).toBe(200);
    expect(hub.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ["GET", "/api/whoami-v2", 418],
      ["GET", "/api/models/acme/tiny-model", 200],
    ]);
    expect(hub.unknownRoutes).toEqual([]);
  });

  it("sees the CDN's requests too, and may rewrite a request before it is routed", async () => {
    seen.length = 0;
    const page = await raw(hub.url, "/api/models/acme/tiny-model/tree/main?recursive=true");
    expect(JSON.parse(page.body.toString())).toHaveLength(1);
    expect(page.headers.link).toMatch(/rel="next"/);
    await raw(hub.cdnUrl, "/repos/00/00/nothing");
    expect(seen).toEqual([
      "hub GET /api/models/acme/tiny-model/tree/main?recursive=true",
      "cdn GET /repos/00/00/nothing",
    ]);
  });
});
