/**
 * OAuth device authorization grant (RFC 8628) as `hf auth login` uses it (utils/_oauth_device.py):
 * `POST /oauth/device` (form `client_id`), then `POST /oauth/token` polled with the device_code grant
 * until a user approves; refresh with `grant_type=refresh_token` (rotating refresh tokens). Errors
 * are 400 + `{"error": ...}` as RFC 6749 §5.2 says. Approval is local: `hub.approveDeviceCode`,
 * `POST /_hubkit/device/approve` or the page at the verification URI. Other grants of
 * `/oauth/token` (the OIDC token exchange, oidc-routes.ts) are handed in by `grant_type`.
 */
import { randomBytes } from "node:crypto";
import type { Call, ServerState } from "./context.js";
import { parseBody, readBody, sendJson } from "./http-util.js";
import type { Route } from "./route-table.js";

interface DeviceCode {
  deviceCode: string;
  userCode: string;
  clientId: string;
  expiresAt: number;
  /** Seconds the client must wait between polls; grows by 5 on each slow_down (RFC 8628 §3.5). */
  interval: number;
  lastPoll: number | undefined;
  status: "pending" | "approved" | "denied" | "used";
  user?: string;
}

interface RefreshToken {
  user: string;
  clientId: string;
}

/** The device flow's endpoints; the Hub's OAuth endpoints never look at Authorization. */
export function oauthRoutes(oauth: OAuthState): Route[] {
  return [
    { route: "POST /oauth/device", handle: (call) => oauth.device(call), token: "ignored" },
    { route: "POST /oauth/token", handle: (call) => oauth.token(call), token: "ignored" },
    { route: "GET|HEAD /device", handle: (call) => oauth.page(call), token: "ignored" },
    {
      route: "POST /_hubkit/device/:decision(approve|deny)",
      handle: (call, p) => oauth.decideHttp(call, p.decision === "approve"),
      token: "ignored",
    },
  ];
}

const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";

function userCode(): string {
  const b = randomBytes(8);
  const c = [...b].map((x) => USER_CODE_ALPHABET[x % USER_CODE_ALPHABET.length]).join("");
  return `${c.slice(0, 4)}-${c.slice(4)}`;
}

function normalizeUserCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z]/g, "");
}

/** A grant of `POST /oauth/token` served elsewhere (the OIDC token exchange), by `grant_type`. */
export type ExtraGrant = (call: Call, body: Record<string, unknown>) => void;

export class OAuthState {
  private readonly codes = new Map<string, DeviceCode>();
  private readonly refreshTokens = new Map<string, RefreshToken>();

  constructor(
    private readonly state: ServerState,
    private readonly grants: Readonly<Record<string, ExtraGrant>> = {},
  ) {}

  private get opts() {
    return {
      interval: this.state.options.oauth?.interval ?? 5,
      deviceCodeTtl: this.state.options.oauth?.deviceCodeTtl ?? 900,
      accessTokenTtl: this.state.options.oauth?.accessTokenTtl ?? 3600,
    };
  }

  private byUserCode(code: string): DeviceCode | undefined {
    const want = normalizeUserCode(code);
    for (const d of this.codes.values()) if (normalizeUserCode(d.userCode) === want) return d;
    return undefined;
  }

  /** Approves (or denies) a pending code as `user`. Throws a plain Error when it cannot. */
  decide(code: string, userName: string | undefined, approve: boolean): void {
    const d = this.byUserCode(code);
    if (!d) throw new Error(`unknown user code '${code}'`);
    if (this.state.clock.now() >= d.expiresAt) throw new Error(`user code '${code}' has expired`);
    if (d.status !== "pending") throw new Error(`user code '${code}' was already ${d.status}`);
    if (approve) {
      if (!userName || !this.state.store.users.has(userName))
        throw new Error(`unknown user '${userName ?? ""}'`);
      d.status = "approved";
      d.user = userName;
    } else {
      d.status = "denied";
    }
  }

  async device(call: Call): Promise<void> {
    const body = parseBody(call.req, await readBody(call.req));
    const clientId = typeof body.client_id === "string" ? body.client_id : "";
    if (!clientId) {
      sendJson(call.res, 400, { error: "invalid_client", error_description: "client_id is required" });
      return;
    }
    const o = this.opts;
    const d: DeviceCode = {
      deviceCode: randomBytes(20).toString("hex"),
      userCode: userCode(),
      clientId,
      expiresAt: this.state.clock.now() + o.deviceCodeTtl * 1000,
      interval: o.interval,
      lastPoll: undefined,
      status: "pending",
    };
    this.codes.set(d.deviceCode, d);
    sendJson(call.res, 200, {
      device_code: d.deviceCode,
      user_code: d.userCode,
      verification_uri: `${call.endpoint}/device`,
      verification_uri_complete: `${call.endpoint}/device?user_code=${encodeURIComponent(d.userCode)}`,
      expires_in: o.deviceCodeTtl,
      interval: o.interval,
    });
  }

  async token(call: Call): Promise<void> {
    const body = parseBody(call.req, await readBody(call.req));
    const grant = String(body.grant_type ?? "");
    const clientId = String(body.client_id ?? "");
    const error = (e: string, description?: string) =>
      sendJson(call.res, 400, description ? { error: e, error_description: description } : { error: e });
    // A grant without a client (the RFC 8693 token exchange authenticates with its subject token).
    const extra = this.grants[grant];
    if (extra) return extra(call, body);
    if (!clientId) return error("invalid_client", "client_id is required");
    if (grant === "urn:ietf:params:oauth:grant-type:device_code") {
      const d = this.codes.get(String(body.device_code ?? ""));
      if (!d || d.clientId !== clientId) return error("invalid_grant", "unknown device_code");
      const now = this.state.clock.now();
      if (now >= d.expiresAt) return error("expired_token");
      if (d.status === "denied") return error("access_denied");
      if (d.status === "used") return error("invalid_grant", "device_code already used");
      if (d.status === "pending") {
        // Polling faster than `interval` gets slow_down, and the interval grows by 5 s (RFC 8628
        // §3.5). A 10% margin absorbs timer jitter: Python sleeps exactly `interval`.
        const tooFast = d.lastPoll !== undefined && now - d.lastPoll < d.interval * 900;
        d.lastPoll = now;
        if (tooFast) {
          d.interval += 5;
          return error("slow_down");
        }
        return error("authorization_pending");
      }
      d.status = "used";
      return this.issue(call, d.user as string, clientId);
    }
    if (grant === "refresh_token") {
      const rt = String(body.refresh_token ?? "");
      const r = this.refreshTokens.get(rt);
      if (!r || r.clientId !== clientId) return error("invalid_grant", "refresh token revoked");
      // Rotation: a refresh token works once.
      this.refreshTokens.delete(rt);
      return this.issue(call, r.user, clientId);
    }
    return error("unsupported_grant_type");
  }

  private issue(call: Call, user: string, clientId: string): void {
    const ttl = this.opts.accessTokenTtl;
    const t = this.state.store.issueOAuthToken(user, ttl);
    const refresh = `hf_oauth_refresh_${randomBytes(24).toString("hex")}`;
    this.refreshTokens.set(refresh, { user, clientId });
    sendJson(call.res, 200, {
      access_token: t.token,
      token_type: "bearer",
      expires_in: ttl,
      refresh_token: refresh,
    });
  }

  /** The verification page: says how to approve a code on this local server. */
  page(call: Call): void {
    const code = call.query.get("user_code") ?? "";
    const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const users = [...this.state.store.users.keys()];
    const html = `<!doctype html><meta charset="utf-8"><title>hubkit: approve a device</title>
<h1>Approve a device login</h1>
<p>This is a local Hub (<code>hf serve</code>). Pick the user who approves this code:</p>
<form method="post" action="/_hubkit/device/approve">
<label>Code <input name="user_code" value="${esc(code)}"></label>
<label>User <select name="user">${users.map((u) => `<option>${esc(u)}</option>`).join("")}</select></label>
<button>Approve</button> <button formaction="/_hubkit/device/deny">Deny</button>
</form>
<p>Or from a terminal:</p>
<pre>curl -X POST ${esc(call.endpoint)}/_hubkit/device/approve -H 'Content-Type: application/json' -d '{"user_code":"${esc(code || "ABCD-EFGH")}","user":"${esc(users[0] ?? "alice")}"}'</pre>
`;
    const body = Buffer.from(html);
    call.res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": body.length });
    call.res.end(call.method === "HEAD" ? undefined : body);
  }

  /** `POST /_hubkit/device/approve|deny` with JSON or form `{user_code, user}`. */
  async decideHttp(call: Call, approve: boolean): Promise<void> {
    const body = parseBody(call.req, await readBody(call.req));
    try {
      this.decide(
        String(body.user_code ?? ""),
        body.user === undefined ? undefined : String(body.user),
        approve,
      );
      sendJson(call.res, 200, { ok: true, status: approve ? "approved" : "denied" });
    } catch (e) {
      sendJson(call.res, 400, { error: `hubkit serve: ${(e as Error).message}` });
    }
  }
}
