import { afterAll, beforeAll, expect, test } from "vitest";
import { bearer, get, type HubServer, manualClock, startHub } from "../helpers/hub.js";

const CLIENT_ID = "26be6b09-91c5-47da-9861-d2d2bb7a7e36";
let hub: HubServer;
// The server's own clock, moved by the tests: the Hub's real lifetimes, and no sleeping.
const clock = manualClock();
const INTERVAL = 5;
const DEVICE_CODE_TTL = 900;
const ACCESS_TOKEN_TTL = 3600;

beforeAll(async () => {
  hub = await startHub({ demo: true, clock });
});
afterAll(() => hub.close());

/** Exactly the form bodies `_oauth_device.py` posts. */
function post(path: string, form: Record<string, string>) {
  return get(hub.url + path, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
}

async function deviceCode() {
  const res = await post("/oauth/device", { client_id: CLIENT_ID });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    device_code: string;
    user_code: string;
    verification_uri: string;
    verification_uri_complete: string;
    expires_in: number;
    interval: number;
  };
}

const poll = (device_code: string) =>
  post("/oauth/token", {
    grant_type: "urn:ietf:params:oauth:grant-type:device_code",
    device_code,
    client_id: CLIENT_ID,
  });

test("device flow: pending, slow_down when polled too fast, approval, a token that whoami accepts", async () => {
  const d = await deviceCode();
  expect(d.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
  expect(d.verification_uri).toBe(`${hub.url}/device`);
  expect(d.verification_uri_complete).toContain(`user_code=${d.user_code}`);
  // Python's defaults (utils/_oauth_device.py reads both from the answer).
  expect([d.interval, d.expires_in]).toEqual([INTERVAL, DEVICE_CODE_TTL]);

  const first = await poll(d.device_code);
  expect([first.status, await first.json()]).toEqual([400, { error: "authorization_pending" }]);
  clock.advance(INTERVAL * 1000 - 1000);
  const fast = await poll(d.device_code);
  expect(await fast.json()).toEqual({ error: "slow_down" });
  // Each slow_down adds 5 s to the interval (RFC 8628 §3.5): the first interval is now too short,
  // and after a second slow_down 15 s is long enough.
  clock.advance(INTERVAL * 1000);
  expect(await (await poll(d.device_code)).json()).toEqual({ error: "slow_down" });
  clock.advance((INTERVAL + 10) * 1000);
  expect(await (await poll(d.device_code)).json()).toEqual({ error: "authorization_pending" });

  const page = await get(d.verification_uri_complete);
  expect(await page.text()).toContain("/_hubkit/device/approve");

  hub.approveDeviceCode(d.user_code.toLowerCase(), "alice");
  const ok = await poll(d.device_code);
  expect(ok.status).toBe(200);
  const tok = (await ok.json()) as { access_token: string; refresh_token: string; expires_in: number };
  expect(tok.access_token).toMatch(/^hf_oauth_/);
  expect(tok.expires_in).toBe(ACCESS_TOKEN_TTL);
  // A device code is exchanged once.
  expect(await (await poll(d.device_code)).json()).toMatchObject({ error: "invalid_grant" });

  const who = (await (
    await get(`${hub.url}/api/whoami-v2`, { headers: bearer(tok.access_token) })
  ).json()) as {
    name: string;
    auth: { type: string; accessToken?: unknown; expiresAt: string };
  };
  expect(who.name).toBe("alice");
  expect(who.auth.accessToken).toBeUndefined();
  expect(who.auth.expiresAt).toBe(new Date(clock.now() + ACCESS_TOKEN_TTL * 1000).toISOString());

  // Refresh rotates: the new refresh token works, the old one is then invalid_grant.
  const refreshed = await post("/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: tok.refresh_token,
    client_id: CLIENT_ID,
  });
  const r = (await refreshed.json()) as { access_token: string; refresh_token: string; expires_in: number };
  expect(r.access_token).not.toBe(tok.access_token);
  expect(r.refresh_token).not.toBe(tok.refresh_token);
  const reused = await post("/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: tok.refresh_token,
    client_id: CLIENT_ID,
  });
  expect([reused.status, ((await reused.json()) as { error: string }).error]).toEqual([400, "invalid_grant"]);

  // Access tokens expire after accessTokenTtl: still valid a millisecond before, refused from then on.
  const whoami = () => get(`${hub.url}/api/whoami-v2`, { headers: bearer(r.access_token) });
  clock.advance(ACCESS_TOKEN_TTL * 1000 - 1);
  expect((await whoami()).status).toBe(200);
  clock.advance(1);
  const expired = await whoami();
  expect([expired.status, expired.headers.get("x-error-message")]).toEqual([
    401,
    "Invalid credentials in Authorization header",
  ]);
});

test("deny over HTTP gives access_denied; an expired code gives expired_token", async () => {
  const d = await deviceCode();
  const deny = await get(`${hub.url}/_hubkit/device/deny`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user_code: d.user_code }),
  });
  expect(deny.status).toBe(200);
  expect(await (await poll(d.device_code)).json()).toEqual({ error: "access_denied" });

  // A code lives deviceCodeTtl: pending a millisecond before, expired_token from then on, and too
  // late to approve.
  const e = await deviceCode();
  clock.advance(DEVICE_CODE_TTL * 1000 - 1);
  expect(await (await poll(e.device_code)).json()).toEqual({ error: "authorization_pending" });
  clock.advance(1);
  expect(await (await poll(e.device_code)).json()).toEqual({ error: "expired_token" });
  expect(() => hub.approveDeviceCode(e.user_code, "alice")).toThrow(/has expired/);
});

test("approve over HTTP (JSON and the page's form); bad user or code is a 400", async () => {
  const d = await deviceCode();
  const bad = await get(`${hub.url}/_hubkit/device/approve`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user_code: d.user_code, user: "mallory" }),
  });
  expect(bad.status).toBe(400);
  const ok = await post("/_hubkit/device/approve", { user_code: d.user_code, user: "bob" });
  expect(ok.status).toBe(200);
  const tok = (await (await poll(d.device_code)).json()) as { access_token: string };
  const who = (await (
    await get(`${hub.url}/api/whoami-v2`, { headers: bearer(tok.access_token) })
  ).json()) as {
    name: string;
  };
  expect(who.name).toBe("bob");
  expect((await post("/_hubkit/device/approve", { user_code: "ZZZZ-ZZZZ", user: "bob" })).status).toBe(400);
});

test("missing client_id and unknown grant types are OAuth errors", async () => {
  expect(await (await post("/oauth/device", {})).json()).toMatchObject({ error: "invalid_client" });
  expect(await (await post("/oauth/token", { grant_type: "password", client_id: CLIENT_ID })).json()).toEqual(
    {
      error: "unsupported_grant_type",
    },
  );
});
