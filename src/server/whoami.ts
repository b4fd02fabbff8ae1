/**
 * `GET /api/whoami-v2`: the caller's user, orgs and token, in the shape huggingface_hub's `whoami`
 * and `hf auth whoami` parse (hf_api.py), and @huggingface/hub's `whoAmI`.
 */
import type { Call, ServerState } from "./context.js";
import { sendError, sendJson } from "./http-util.js";
import type { Token } from "./store.js";

export function whoami(call: Call, state: ServerState): void {
  const t = call.token;
  const user = t && state.store.users.get(t.user);
  if (!t || !user) {
    sendError(call.res, 401, "Invalid credentials in Authorization header");
    return;
  }
  const orgs = [...user.orgs].flatMap((name) => {
    const o = state.store.orgs.get(name);
    if (!o) return [];
    return [
      {
        type: "org",
        id: o.id,
        name: o.name,
        fullname: o.fullname,
        email: null,
        canPay: false,
        isEnterprise: false,
        avatarUrl: `${call.endpoint}/avatars/${o.name}.svg`,
        periodEnd: null,
        roleInOrg: "write",
      },
    ];
  });
  sendJson(call.res, 200, {
    type: "user",
    id: user.id,
    name: user.name,
    fullname: user.fullname,
    email: user.email,
    emailVerified: true,
    canPay: false,
    isPro: false,
    periodEnd: null,
    avatarUrl: `${call.endpoint}/avatars/${user.name}.svg`,
    orgs,
    auth: authInfo(t, user.id, state),
  });
}

function authInfo(t: Token, userId: string, state: ServerState): Record<string, unknown> {
  // OAuth tokens carry no accessToken (so Python names them `oauth-<user>`, _login.py).
  if (t.kind === "oauth")
    return { type: "oauth", expiresAt: new Date(t.expiresAt ?? state.clock.now()).toISOString() };
  const accessToken: Record<string, unknown> = { displayName: t.name, role: t.role, createdAt: t.createdAt };
  // A trusted-publisher token: fine-grained, scoped to its repo (or to reading gated repos), and
  // short-lived, so it says when it expires.
  if (t.oidc) {
    const repo = t.oidc.repo;
    accessToken.fineGrained = {
      canReadGatedRepos: repo === undefined,
      global: [],
      scoped: [
        {
          entity: repo ? { type: repo.type, name: repo.id } : { _id: userId, type: "user", name: t.user },
          permissions: t.scopes,
        },
      ],
    };
    return {
      type: "access_token",
      accessToken,
      expiresAt: new Date(t.expiresAt ?? state.clock.now()).toISOString(),
    };
  }
  if (t.role === "fineGrained") {
    accessToken.fineGrained = {
      canReadGatedRepos: t.scopes.includes("repo.content.read"),
      global: [],
      scoped: [{ entity: { _id: userId, type: "user", name: t.user }, permissions: t.scopes }],
    };
  }
  return { type: "access_token", accessToken };
}
