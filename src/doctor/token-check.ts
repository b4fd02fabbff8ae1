import { readFile } from "node:fs/promises";
import { fromTokenFile } from "../auth/providers.js";
import {
  describeTokenSource,
  listTokenSources,
  oidcSource,
  type TokenResult,
} from "../auth/resolve-token.js";
import { parseStoredTokens } from "../auth/stored-tokens-ini.js";
import { describeRole, type WhoAmI, whoami } from "../auth/whoami.js";
import { maskToken } from "../common/mask-token.js";
import type { HfError } from "../errors.js";
import { activeToken, doctorClient } from "./active-token.js";
import { type CheckResult, type DoctorContext, fail, ok, skip, warn } from "./types.js";

/**
 * Is there a token, and where from? Lists lower-priority sources it hides (a saved login hidden by
 * HF_TOKEN is the classic "I logged in but it still uses the old token").
 *
 * @example await checkTokenSource(ctx) // { id: "token.source", message: "hf_****abcd from HF_TOKEN environment variable" }
 */
export async function checkTokenSource(ctx: DoctorContext): Promise<CheckResult> {
  let all: Awaited<ReturnType<typeof listTokenSources>>;
  try {
    all = await listTokenSources(ctx.config);
  } catch (e) {
    return fail("token.source", `cannot look up the token: ${(e as Error).message}`, "hf auth login --force");
  }
  const oidc = oidcSource(ctx.config.env);
  if (oidc) return oidcTokenSource(ctx, describeTokenSource(oidc), all);
  if (all.length === 0) {
    // listTokenSources skips a token file it cannot read; every real command would fail on it.
    try {
      await fromTokenFile(ctx.config.tokenPath)();
    } catch (e) {
      const err = e as HfError;
      if (err?.code === "HF_CONFIG") {
        return fail("token.source", err.message, err.remedy, {
          data: { found: false, path: ctx.config.tokenPath },
        });
      }
    }
    return warn(
      "token.source",
      "no token found (anonymous requests: private and gated repos are not reachable)",
      "hf auth login  (or export HF_TOKEN=hf_...)",
      { data: { found: false } },
    );
  }
  const [first, ...rest] = all as [(typeof all)[0], ...typeof all];
  return sourceResult(ctx, {
    label: `${maskToken(first.token)} from the ${describeTokenSource(first.source)}`,
    token: maskToken(first.token),
    source: describeTokenSource(first.source),
    unset: first.source.kind === "env" ? first.source.name : undefined,
    notSentRemedy: "unset HF_HUB_DISABLE_IMPLICIT_TOKEN  (or pass --token)",
    shadowed: rest,
    hides: rest.filter((r) => r.token !== first.token),
  });
}

/** token.source when HF_OIDC_RESOURCE is set: the exchange comes first and hides every stored token. */
function oidcTokenSource(ctx: DoctorContext, source: string, hidden: TokenResult[]): CheckResult {
  return sourceResult(ctx, {
    label: `a short-lived token from the ${source} (exchanged when a command runs)`,
    token: null,
    source,
    unset: "HF_OIDC_RESOURCE",
    notSentRemedy: "unset HF_HUB_DISABLE_IMPLICIT_TOKEN",
    shadowed: hidden,
    hides: hidden,
  });
}

/** token.source's verdict on the active source: not sent, hiding other tokens, or fine. */
function sourceResult(
  ctx: DoctorContext,
  a: {
    label: string;
    /** Masked; null for the OIDC exchange, which holds no token until it runs. */
    token: string | null;
    source: string;
    /** The variable to unset to use the next source. */
    unset: string | undefined;
    notSentRemedy: string;
    shadowed: TokenResult[];
    hides: TokenResult[];
  },
): CheckResult {
  const data = {
    found: true,
    token: a.token,
    source: a.source,
    shadowed: a.shadowed.map((r) => ({ token: maskToken(r.token), source: describeTokenSource(r.source) })),
  };
  if (ctx.config.disableImplicitToken) {
    return warn(
      "token.source",
      `${a.label} is NOT sent: HF_HUB_DISABLE_IMPLICIT_TOKEN is set`,
      a.notSentRemedy,
      {
        data,
      },
    );
  }
  if (a.hides.length > 0) {
    const names = a.hides.map((r) => `${describeTokenSource(r.source)} (${maskToken(r.token)})`);
    const remedy = a.unset
      ? `unset ${a.unset}  (to use the ${describeTokenSource(a.hides[0]!.source)})`
      : undefined;
    return warn("token.source", `${a.label}; it hides ${names.join(", ")}`, remedy, { data });
  }
  return ok("token.source", a.label, data);
}

/**
 * Is the active token accepted (`whoami`, `/api/whoami-v2`), by which user, with which role? Warns
 * on a `write` token: downloads only need `read`, and a leaked write token can push to every repo
 * the user owns.
 *
 * @example await checkTokenValid(ctx) // [{ id: "token.valid", message: "valid: alice (read token), ..." }]
 */
export async function checkTokenValid(ctx: DoctorContext): Promise<CheckResult[]> {
  const oidc = oidcSource(ctx.config.env);
  if (oidc && ctx.config.offline && !ctx.config.disableImplicitToken) {
    return [skip("token.valid", `the ${describeTokenSource(oidc)} was not tried (offline mode)`)];
  }
  let token: Awaited<ReturnType<typeof activeToken>>;
  try {
    token = await activeToken(ctx);
  } catch (e) {
    // Only the OIDC exchange fails here (listTokenSources skips what it cannot read): every command
    // would stop on the same error, so it is a failure, with the exchange's own remedy.
    const err = e as HfError;
    return [
      fail("token.valid", err?.message ?? String(e), err?.remedy, {
        data: { valid: false, status: err?.status ?? null, code: err?.code ?? null },
      }),
    ];
  }
  if (!token) return [skip("token.valid", "no token to validate")];
  if (ctx.config.offline) return [skip("token.valid", "token not validated (offline mode)")];
  const source = describeTokenSource(token.source);
  let who: WhoAmI;
  try {
    who = await whoami(doctorClient(ctx, token));
  } catch (e) {
    const err = e as HfError;
    if (err?.code === "HF_AUTH_INVALID" || err?.status === 401) {
      const remedy =
        token.source.kind === "env"
          ? `unset ${token.source.name}  (or set it to a valid token from ${ctx.config.endpoint}/settings/tokens)`
          : token.source.kind === "oidc"
            ? "run it again (a new OIDC exchange), or unset HF_OIDC_RESOURCE"
            : "hf auth login --force";
      return [
        fail(
          "token.valid",
          `the token from the ${source} (${maskToken(token.token)}) was rejected (401)`,
          remedy,
          {
            data: { valid: false, status: 401 },
          },
        ),
      ];
    }
    if (err?.code === "HF_NETWORK" || err?.code === "HF_TIMEOUT") {
      return [skip("token.valid", `token not validated: ${err.message}`)];
    }
    return [
      warn("token.valid", `token not validated: ${err?.message ?? String(e)}`, "hf auth whoami", {
        data: { status: err?.status ?? null },
      }),
    ];
  }
  const role = who.auth?.accessToken?.role;
  const roleLabel = describeRole(who);
  const results: CheckResult[] = [
    ok("token.valid", `valid: ${who.name}${roleLabel ? ` (${roleLabel} token)` : ""}, from the ${source}`, {
      valid: true,
      user: who.name,
      role: role ?? null,
      authType: who.auth?.type ?? null,
    }),
  ];
  if (role === "write") {
    results.push(
      warn(
        "token.role",
        "a write token is used for reading: downloads need only read access, and a leaked write token can change every repo you own",
        `create a read (or fine-grained) token at ${ctx.config.endpoint}/settings/tokens, then: hf auth login --token <it>`,
        { data: { role } },
      ),
    );
  }
  return results;
}

/**
 * An OAuth token from `hf auth login` (device flow) carries `expires_at` in stored_tokens, and a
 * refresh token when the server gave one. Expired without a refresh token = every request will
 * fail with 401 until the user logs in again. (Python refreshes within a day of expiry.)
 *
 * @example await checkTokenExpiry(ctx) // { id: "token.expiry", status: "fail", ... } when expired and not refreshable
 */
export async function checkTokenExpiry(ctx: DoctorContext): Promise<CheckResult> {
  const token = await activeToken(ctx).catch(() => undefined);
  if (!token) return skip("token.expiry", "no token");
  if (token.source.kind === "oidc") {
    return ok("token.expiry", "a short-lived OIDC token: exchanged again before it expires, never saved", {
      expires: null,
      oidc: true,
    });
  }
  const text = await readFile(ctx.config.storedTokensPath, "utf8").catch(() => undefined);
  if (text === undefined)
    return skip("token.expiry", "no stored_tokens entry (a classic token does not expire)");
  let entry: { name: string; fields: Map<string, string> } | undefined;
  try {
    for (const [name, fields] of parseStoredTokens(text)) {
      if (fields.get("hf_token") === token.token) entry = { name, fields };
    }
  } catch {
    return skip("token.expiry", "stored_tokens cannot be parsed (see token.stored)");
  }
  const expiresAt = Number(entry?.fields.get("expires_at"));
  if (!entry || !Number.isFinite(expiresAt) || entry.fields.get("expires_at") === undefined) {
    return ok("token.expiry", "the active token has no expiry date", { expires: null });
  }
  const now = (ctx.now ?? Date.now()) / 1000;
  const refreshable = Boolean(entry.fields.get("refresh_token"));
  const when = new Date(expiresAt * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  const data = { name: entry.name, expiresAt: when, refreshable };
  if (expiresAt <= now && !refreshable) {
    return fail(
      "token.expiry",
      `the OAuth token '${entry.name}' expired at ${when} and has no refresh token`,
      "hf auth login --force",
      {
        data,
      },
    );
  }
  if (expiresAt <= now) {
    return warn(
      "token.expiry",
      `the OAuth token '${entry.name}' expired at ${when}; it will be refreshed on the next request`,
      "hf auth whoami  (refreshes it now)",
      { data },
    );
  }
  return ok(
    "token.expiry",
    `the OAuth token '${entry.name}' expires at ${when}${refreshable ? " (refreshed automatically)" : ""}`,
    data,
  );
}
