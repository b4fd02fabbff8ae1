import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/index.js";
import { HfError } from "../../src/errors.js";
import { closeSharedDispatchers } from "../../src/http/dispatcher.js";
import { createHubClient } from "../../src/http/hub-client.js";
import { createHubServer, DEMO_TOKENS, type HubServer } from "../../src/server/index.js";

/**
 * The hub client (src/http/hub-client.ts) against hubkit's own local Hub (`hf serve --demo`): the
 * error headers, redirects and faults come from the server the interop tests prove against the real
 * Python client. The server's own answers are tested in test/server/hub-protocol.test.ts; the
 * client against a server scripted to misbehave in hub-client.test.ts.
 */
let hub: HubServer;
beforeAll(async () => {
  hub = await createHubServer({ demo: true });
});
beforeEach(() => hub.reset());
afterAll(async () => {
  await hub.close();
  await closeSharedDispatchers();
});

function client(token?: string) {
  const config = readConfig({ HF_HOME: "/nonexistent-hf-home", HF_ENDPOINT: hub.url });
  return createHubClient({
    config,
    token,
    tokenSource: token ? { kind: "env", name: "HF_TOKEN" } : undefined,
    retry: { baseDelayMs: 5, serverDelayPaddingMs: 0 },
  });
}

async function failure(p: Promise<unknown>): Promise<HfError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HfError) return e;
    throw e;
  }
  throw new Error("expected a failure");
}

describe("against the local Hub", () => {
  it("whoami with alice's token", async () => {
    const me = await client(DEMO_TOKENS.alice).json<{ name: string }>({ url: "/api/whoami-v2" });
    expect(me.name).toBe("alice");
    expect(hub.requests.at(-1)?.authorization).toBe(true);
  });

  it("an unknown token on whoami is HF_AUTH_INVALID naming its source", async () => {
    const err = await failure(
      client("hf_notARealTokenNotARealToken000000").request({ url: "/api/whoami-v2" }),
    );
    expect(err.code).toBe("HF_AUTH_INVALID");
    expect(err.message).toContain("HF_TOKEN environment variable");
    expect(err.message).not.toContain("hf_notARealToken");
  });

  it("the LFS file: HEAD hub-only returns the CDN 302; GET follows it without Authorization to the CDN", async () => {
    const c = client(DEMO_TOKENS.alice);
    const url = "/acme/tiny-model/resolve/main/model.safetensors";
    const head = await c.request({ method: "HEAD", url, redirect: "hub-only" });
    expect(head.status).toBe(302);
    expect(head.headers.location?.startsWith(hub.cdnUrl)).toBe(true);
    expect(head.headers["x-repo-commit"]).toMatch(/^[0-9a-f]{40}$/);
    const cdnHost = new URL(hub.cdnUrl).host;
    expect(hub.requests.filter((r) => r.host === cdnHost)).toHaveLength(0);

    const res = await c.request({ url });
    let n = 0;
    for await (const chunk of res.body) n += (chunk as Buffer).length;
    expect(n).toBe(Number(head.headers["x-linked-size"]));
    const cdnRequests = hub.requests.filter((r) => r.host === cdnHost);
    expect(cdnRequests.length).toBeGreaterThan(0);
    expect(cdnRequests.every((r) => !r.authorization)).toBe(true);
  });

  it("gated repo: bob gets HF_GATED_REPO with the access URL; alice gets the file", async () => {
    const url = "/meta-llama/Llama-3.2-1B/resolve/main/README.md";
    const err = await failure(client(DEMO_TOKENS.bob).request({ url }));
    expect(err.code).toBe("HF_GATED_REPO");
    expect(err.remedy).toBe(`${hub.url}/meta-llama/Llama-3.2-1B`);
    expect(err.repoId).toBe("meta-llama/Llama-3.2-1B");
    const ok = await client(DEMO_TOKENS.alice).request({ url });
    expect((await ok.text()).length).toBeGreaterThan(0);
  });

  it("anonymous on the gated repo is refused with a code that says to log in", async () => {
    const err = await failure(client().request({ url: "/meta-llama/Llama-3.2-1B/resolve/main/README.md" }));
    expect(["HF_GATED_REPO", "HF_REPO_NOT_FOUND"]).toContain(err.code);
    expect(err.remedy).toContain("HF_TOKEN");
    expect(err.data.tokenSent).toBe(false);
  });

  it("someone else's private repo looks missing: HF_REPO_NOT_FOUND", async () => {
    const err = await failure(client(DEMO_TOKENS.bob).request({ url: "/api/models/alice/private-notes" }));
    expect(err.code).toBe("HF_REPO_NOT_FOUND");
    expect(err.repoId).toBe("alice/private-notes");
  });

  it("missing revision and missing file map to their codes", async () => {
    const c = client(DEMO_TOKENS.alice);
    expect((await failure(c.request({ url: "/acme/tiny-model/resolve/nope/config.json" }))).code).toBe(
      "HF_REVISION_NOT_FOUND",
    );
    expect((await failure(c.request({ url: "/acme/tiny-model/resolve/main/nope.json" }))).code).toBe(
      "HF_ENTRY_NOT_FOUND",
    );
  });

  it("a 500 fault once is retried transparently", async () => {
    hub.fault({ path: "/api/models/acme/tiny-model", kind: "500", times: 1 });
    const info = await client().json<{ id: string }>({ url: "/api/models/acme/tiny-model" });
    expect(info.id).toBe("acme/tiny-model");
    expect(
      hub.requests.filter((r) => r.path.startsWith("/api/models/acme/tiny-model")).map((r) => r.status),
    ).toEqual([500, 200]);
  });

  it("a 429 fault with Retry-After is waited out", async () => {
    hub.fault({ path: "/api/models/acme/tiny-model", kind: "429", times: 1, retryAfter: 1 });
    const t0 = performance.now();
    await client().json({ url: "/api/models/acme/tiny-model" });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
  });
});
