import { setTimeout as sleepFor } from "node:timers/promises";
import type { HubConfig } from "../config/index.js";
import { AbortedError, HfConfigError, TlsError } from "../errors.js";
import { OAuthError } from "./oauth-error.js";
import type { OAuthPost } from "./oauth-http.js";
import type { TokenResponse } from "./oauth-refresh.js";

/** RFC 8628 §3.4 grant type for polling. */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** What the user must do, from the device authorization response (RFC 8628 §3.2). */
export interface DeviceVerification {
  userCode: string;
  verificationUri: string;
  /** The URI with the code filled in (falls back to `verificationUri`, as Python). */
  verificationUriComplete: string;
  /** Seconds the code stays valid. */
  expiresIn: number;
  /** Seconds between polls. */
  interval: number;
}

/** The states the flow moves through; `onState` reports each transition (for UIs and tests). */
export type DeviceFlowState =
  | { state: "requesting" }
  | { state: "awaiting-user"; verification: DeviceVerification }
  | { state: "polling"; attempt: number; interval: number }
  | { state: "pending"; attempt: number }
  | { state: "slow-down"; interval: number }
  | { state: "transient-error"; status?: number | undefined; message: string }
  | { state: "authorized" }
  | { state: "failed"; error: OAuthError };

export interface DeviceFlowOptions {
  config: Pick<HubConfig, "endpoint" | "deviceCodeClientId">;
  /** Form POST to the endpoint; defaults to the real Hub client (`createOAuthPost`). */
  post?: OAuthPost | undefined;
  /** Show the user the URL and code (RFC 8628 §3.3). Awaited before polling starts. */
  onVerification: (v: DeviceVerification) => void | Promise<void>;
  onState?: ((s: DeviceFlowState) => void) | undefined;
  /** Injectable for tests: sleep `ms` (default: timers/promises), monotonic clock in ms. */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  now?: (() => number) | undefined;
  signal?: AbortSignal | undefined;
}

/** The token endpoint's success answer plus the absolute expiry hubkit saves (unix seconds). */
export interface DeviceFlowResult extends TokenResponse {
  expiresIn?: number | undefined;
}

const defaultNow = () => performance.now();

/**
 * The OAuth 2.0 Device Authorization Grant (RFC 8628) as huggingface_hub 1.33 runs it
 * (`utils/_oauth_device.py`): same endpoints (`/oauth/device`, `/oauth/token`), same client id
 * (`HF_DEVICE_CODE_OAUTH_CLIENT_ID`), no scope, no PKCE, the first poll sent at once, `slow_down`
 * adding 5 s to the interval for good, 5xx / non-JSON / network failures treated as transient, and
 * the whole wait bounded by the code's `expires_in`. Resolves to the token response; rejects with
 * an `OAuthError` (`oauthError` = expired_token, access_denied, ...).
 *
 * @example
 * const tokens = await runDeviceFlow({
 *   config,
 *   onVerification: (v) => console.error(`Open ${v.verificationUriComplete} and enter ${v.userCode}`),
 * });
 */
export async function runDeviceFlow(options: DeviceFlowOptions): Promise<DeviceFlowResult> {
  const { config, onState, signal } = options;
  const sleep = options.sleep ?? ((ms: number, s?: AbortSignal) => sleepFor(ms, undefined, { signal: s }));
  const now = options.now ?? defaultNow;
  const post = options.post ?? (await import("./oauth-http.js")).createOAuthPost(config as HubConfig);
  const fail = (error: OAuthError): never => {
    onState?.({ state: "failed", error });
    throw error;
  };

  // Step 1 (RFC 8628 §3.1): Device Authorization Request, `client_id` only.
  onState?.({ state: "requesting" });
  const deviceUrl = `${config.endpoint}/oauth/device`;
  let first: Awaited<ReturnType<OAuthPost>>;
  try {
    first = await post("/oauth/device", { client_id: config.deviceCodeClientId });
  } catch (e) {
    // An untrusted certificate (or an unreadable SSL_CERT_FILE) is no login failure: it keeps its
    // own code (HF_TLS, exit 60) and remedy.
    if (e instanceof TlsError || e instanceof HfConfigError) throw e;
    return fail(
      new OAuthError(`Failed to request device code from ${deviceUrl}: ${(e as Error).message}`, undefined, {
        cause: e,
      }),
    );
  }
  const info = first.json as Record<string, unknown> | undefined;
  if (
    first.status >= 400 ||
    !info ||
    typeof info.device_code !== "string" ||
    typeof info.user_code !== "string"
  ) {
    const detail =
      first.status >= 400
        ? `${first.status} ${oauthErrorText(info) ?? first.text.slice(0, 200)}`
        : "unexpected answer";
    return fail(new OAuthError(`Failed to request device code from ${deviceUrl}: ${detail}`.trim()));
  }

  // Step 2 (§3.2): Device Authorization Response. Python applies `interval=5` and `expires_in=900`
  // when the keys are absent, and falls back to `verification_uri` for the complete URI.
  const verificationUri = String(info.verification_uri ?? "");
  const verification: DeviceVerification = {
    userCode: info.user_code,
    verificationUri,
    verificationUriComplete: String(info.verification_uri_complete || verificationUri),
    expiresIn: info.expires_in === undefined ? 900 : Number(info.expires_in),
    interval: info.interval === undefined ? 5 : Number(info.interval),
  };
  const deviceCode = info.device_code;

  // Step 3 (§3.3): User Interaction: the caller shows the URI and code.
  onState?.({ state: "awaiting-user", verification });
  await options.onVerification(verification);

  // Step 4 (§3.4): Device Access Token Request, polled until the code expires (§3.5: the client
  // must stop when `expires_in` has passed).
  let interval = verification.interval;
  const deadline = now() + verification.expiresIn * 1000;
  let attempt = 0;
  while (now() < deadline) {
    if (signal?.aborted) throw new AbortedError("Login was cancelled.");
    attempt++;
    onState?.({ state: "polling", attempt, interval });
    let data: Record<string, unknown> | undefined;
    try {
      const res = await post("/oauth/token", {
        grant_type: DEVICE_CODE_GRANT,
        device_code: deviceCode,
        client_id: config.deviceCodeClientId,
      });
      // Python: `response.json() if status < 500 else None`; an unparsable body is transient too.
      data =
        res.status < 500 && res.json && typeof res.json === "object"
          ? (res.json as Record<string, unknown>)
          : undefined;
      if (!data) onState?.({ state: "transient-error", status: res.status, message: `status ${res.status}` });
    } catch (e) {
      onState?.({ state: "transient-error", message: (e as Error).message });
    }

    // Step 5 (§3.5): Device Access Token Response.
    if (data && typeof data.access_token === "string" && data.access_token) {
      onState?.({ state: "authorized" });
      const result = data as unknown as DeviceFlowResult;
      if (data.expires_in !== undefined) result.expiresIn = Math.trunc(Number(data.expires_in));
      return result;
    }
    const error = data ? (typeof data.error === "string" ? data.error : undefined) : undefined;
    switch (error) {
      case undefined:
        break; // transient: try again after the interval
      case "authorization_pending":
        onState?.({ state: "pending", attempt });
        break;
      case "slow_down":
        // §3.5: "the interval MUST be increased by 5 seconds for this and all subsequent requests".
        interval += 5;
        onState?.({ state: "slow-down", interval });
        break;
      case "expired_token":
        return fail(new OAuthError("Device code expired. Please try again.", error));
      case "access_denied":
        return fail(new OAuthError("Authorization was denied. Please try again.", error));
      default:
        return fail(
          new OAuthError(`OAuth error: ${error} - ${String(data?.error_description ?? "")}`, error),
        );
    }
    const left = deadline - now();
    if (left <= 0) break;
    await sleep(Math.min(interval * 1000, left), signal).catch((e) => {
      if (signal?.aborted) throw new AbortedError("Login was cancelled.", { cause: e });
      throw e;
    });
  }
  // Step 6 (§3.5): the device code expired before the user approved it.
  return fail(new OAuthError("Device code expired (timeout). Please try again.", "expired_token"));
}

function oauthErrorText(data: Record<string, unknown> | undefined): string | undefined {
  if (!data) return undefined;
  const e = typeof data.error === "string" ? data.error : undefined;
  const d = typeof data.error_description === "string" ? data.error_description : undefined;
  if (e && d) return `${e}: ${d}`;
  return e ?? d;
}
