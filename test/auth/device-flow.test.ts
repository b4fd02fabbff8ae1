import { describe, expect, it } from "vitest";
import { type DeviceFlowState, runDeviceFlow } from "../../src/auth/device-flow.js";
import type { OAuthPost, OAuthResponse } from "../../src/auth/oauth-http.js";

const config = { endpoint: "http://127.0.0.1:1", deviceCodeClientId: "client-123" };
const DEVICE = {
  device_code: "dc-1",
  user_code: "ABCD-EFGH",
  verification_uri: "http://127.0.0.1:1/device",
  verification_uri_complete: "http://127.0.0.1:1/device?user_code=ABCD-EFGH",
  interval: 2,
  expires_in: 30,
};
const ok = (json: unknown, status = 200): OAuthResponse => ({ status, json, text: JSON.stringify(json) });

/** A scripted token endpoint, a fake monotonic clock advanced only by the injected sleep. */
function harness(tokenAnswers: (OAuthResponse | Error)[], device: unknown = DEVICE) {
  let clock = 0;
  const calls: { path: string; form: Record<string, string>; at: number }[] = [];
  const sleeps: number[] = [];
  const post: OAuthPost = async (path, form) => {
    calls.push({ path, form, at: clock });
    if (path === "/oauth/device") return ok(device);
    const next = tokenAnswers.shift() ?? ok({ error: "authorization_pending" }, 400);
    if (next instanceof Error) throw next;
    return next;
  };
  const states: DeviceFlowState[] = [];
  const shown: unknown[] = [];
  const run = () =>
    runDeviceFlow({
      config,
      post,
      onVerification: (v) => {
        shown.push(v);
      },
      onState: (s) => states.push(s),
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
  return { run, calls, sleeps, states, shown };
}

describe("device flow (RFC 8628) state machine", () => {
  it("requests a code, shows it, polls at once, honours pending and slow_down (+5 s), returns the token", async () => {
    const h = harness([
      ok({ error: "authorization_pending" }, 400),
      ok({ error: "slow_down" }, 400),
      ok("<html>oops</html>", 503),
      ok({ access_token: "hf_oauth_X", refresh_token: "r1", expires_in: 3600, token_type: "bearer" }),
    ]);
    const r = await h.run();
    expect(r).toMatchObject({ access_token: "hf_oauth_X", refresh_token: "r1", expiresIn: 3600 });
    expect(h.shown).toEqual([
      {
        userCode: "ABCD-EFGH",
        verificationUri: DEVICE.verification_uri,
        verificationUriComplete: DEVICE.verification_uri_complete,
        expiresIn: 30,
        interval: 2,
      },
    ]);
    expect(h.calls[0]).toEqual({ path: "/oauth/device", form: { client_id: "client-123" }, at: 0 });
    expect(h.calls[1]?.form).toEqual({
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
      device_code: "dc-1",
      client_id: "client-123",
    });
    // First poll immediately; then 2 s; slow_down makes every later wait 7 s.
    expect(h.calls.slice(1).map((c) => c.at)).toEqual([0, 2000, 9000, 16000]);
    expect(h.sleeps).toEqual([2000, 7000, 7000]);
    expect(h.states.map((s) => s.state)).toContain("slow-down");
    expect(h.states.at(-1)).toEqual({ state: "authorized" });
  });

  it("applies Python's defaults: interval 5, expires_in 900, complete URI falls back", async () => {
    const h = harness([ok({ access_token: "t" })], {
      device_code: "d",
      user_code: "U",
      verification_uri: "http://x/device",
    });
    await h.run();
    expect(h.shown[0]).toMatchObject({
      interval: 5,
      expiresIn: 900,
      verificationUriComplete: "http://x/device",
    });
  });

  it("expired_token and access_denied stop with their codes", async () => {
    await expect(harness([ok({ error: "expired_token" }, 400)]).run()).rejects.toMatchObject({
      oauthError: "expired_token",
      message: "Device code expired. Please try again.",
      code: "HF_DEVICE_CODE",
    });
    await expect(harness([ok({ error: "access_denied" }, 400)]).run()).rejects.toMatchObject({
      oauthError: "access_denied",
      message: "Authorization was denied. Please try again.",
    });
    await expect(
      harness([ok({ error: "invalid_client", error_description: "bad client" }, 400)]).run(),
    ).rejects.toMatchObject({ message: "OAuth error: invalid_client - bad client" });
  });

  it("is bounded by expires_in even if the server never answers", async () => {
    const h = harness(Array.from({ length: 100 }, () => new Error("ECONNREFUSED")));
    await expect(h.run()).rejects.toMatchObject({
      oauthError: "expired_token",
      message: "Device code expired (timeout). Please try again.",
    });
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBe(30_000);
    expect(h.calls.length - 1).toBe(15);
  });

  it("a failed device-code request names the endpoint", async () => {
    const post: OAuthPost = async () => {
      throw new Error("Could not reach http://127.0.0.1:1: ECONNREFUSED");
    };
    await expect(runDeviceFlow({ config, post, onVerification: () => {} })).rejects.toThrow(
      "Failed to request device code from http://127.0.0.1:1/oauth/device: Could not reach http://127.0.0.1:1: ECONNREFUSED",
    );
  });
});
