/**
 * Trusted publishers on the local Hub: the RFC 8693 token-exchange grant of `POST /oauth/token`
 * (`grant_type=urn:ietf:params:oauth:grant-type:token-exchange`, an OIDC id token as
 * `subject_token`, the HF_OIDC_RESOURCE as `resource`), as huggingface_hub 1.33's `_oidc.py` sends
 * it, plus a test issuer so the whole flow runs offline:
 *
 *   GET /_hubkit/oidc/github?audience=...   GitHub Actions' id-token endpoint: with a runner's
 *                                           request token as bearer, answers `{"value": jwt}`
 *   GET /_hubkit/oidc/.well-known/openid-configuration, GET /_hubkit/oidc/jwks
 *                                           the issuer's discovery document and public key
 *
 * The exchange checks the id token's signature (ES256, the server's own key), `iss`, `aud` (the
 * endpoint), `exp`/`nbf` on the server's clock, then the trusted-publisher rule: a publisher of
 * exactly that resource whose claims all equal the token's. It issues a short-lived `hf_jwt_` token
 * scoped to the repo (write, or read with `readOnly`) or, for a user name, read-only to the gated
 * repos the user was granted. Refusals are 400 with `{error, error_description}` (RFC 6749 §5.2):
 * `invalid_request` for a malformed request, `invalid_grant` for an id token or claims the Hub will
 * not accept (as huggingface.co answers an issuer, subject or audience mismatch), `invalid_target`
 * for a resource that does not exist (RFC 8693 §2.2.2).
 */
import { randomBytes } from "node:crypto";
import type { RepoType } from "../common/repo.js";
import type { Call, ServerState } from "./context.js";
import { sendJson } from "./http-util.js";
import type { JwtClaims, OidcIssuer } from "./oidc-issuer.js";
import type { Route } from "./route-table.js";
import type { OidcScope } from "./store.js";
import type { OidcRunnerSpec, TrustedPublisherSpec } from "./types.js";

// RFC 8693 §2.1 and §3.
export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

/** The test issuer's routes; none looks at a Hub token (the mint takes a CI request token). */
export function oidcRoutes(oidc: OidcExchange): Route[] {
  return [
    { route: "GET /_hubkit/oidc/github", handle: (call) => oidc.mintGithub(call), token: "ignored" },
    {
      route: "GET /_hubkit/oidc/.well-known/openid-configuration",
      handle: (call) => oidc.discovery(call),
      token: "ignored",
    },
    { route: "GET /_hubkit/oidc/jwks", handle: (call) => oidc.jwks(call), token: "ignored" },
  ];
}

/** What a `resource` names: a repo (HF_OIDC_RESOURCE `ns/name`, `datasets/ns/name`, ...) or a user. */
type Target = { kind: "repo"; type: RepoType; id: string } | { kind: "user"; name: string };

const REPO_PREFIXES: Record<string, RepoType> = { datasets: "dataset", spaces: "space" };

function parseResource(resource: string): Target | undefined {
  const parts = resource.split("/");
  if (parts.some((p) => p === "")) return undefined;
  if (parts.length === 1) return { kind: "user", name: parts[0] as string };
  if (parts.length === 2) return { kind: "repo", type: "model", id: resource };
  const type = REPO_PREFIXES[parts[0] as string];
  return parts.length === 3 && type ? { kind: "repo", type, id: parts.slice(1).join("/") } : undefined;
}

function sameTarget(a: Target, b: Target): boolean {
  if (a.kind === "user") return b.kind === "user" && a.name === b.name;
  return b.kind === "repo" && a.type === b.type && a.id === b.id;
}

export class OidcExchange {
  constructor(
    private readonly state: ServerState,
    readonly issuer: OidcIssuer,
    private readonly publishers: readonly TrustedPublisherSpec[],
    private readonly runners: readonly OidcRunnerSpec[],
  ) {}

  private get opts() {
    return {
      tokenTtl: this.state.options.oidc?.tokenTtl ?? 3600,
      idTokenTtl: this.state.options.oidc?.idTokenTtl ?? 300,
    };
  }

  /** A signed id token from the test issuer: `claims` plus iss, aud, iat, nbf, exp (`ttl` s) and jti. */
  mint(claims: JwtClaims, audience: string, ttl = this.opts.idTokenTtl): string {
    const now = Math.floor(this.state.clock.now() / 1000);
    return this.issuer.sign({
      jti: randomBytes(12).toString("hex"),
      iss: this.issuer.url(),
      aud: audience,
      iat: now,
      nbf: now,
      exp: now + ttl,
      ...claims,
    });
  }

  /** `GET /_hubkit/oidc/github?audience=...` with `Authorization: Bearer <runner request token>`. */
  mintGithub(call: Call): void {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(call.req.headers.authorization ?? "");
    const runner = m ? this.runners.find((r) => r.requestToken === m[1]) : undefined;
    if (!runner) {
      sendJson(call.res, 401, { message: "Bad credentials: not a request token of any runner" });
      return;
    }
    // GitHub's default audience is the repository owner's URL.
    const audience =
      call.query.get("audience") || `https://github.com/${runner.claims.repository_owner ?? ""}`;
    sendJson(call.res, 200, { value: this.mint(runner.claims, audience) });
  }

  discovery(call: Call): void {
    const iss = this.issuer.url();
    sendJson(call.res, 200, {
      issuer: iss,
      jwks_uri: `${iss}/jwks`,
      id_token_signing_alg_values_supported: ["ES256"],
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      claims_supported: [
        "sub",
        "aud",
        "exp",
        "iat",
        "iss",
        "jti",
        "nbf",
        "repository",
        "repository_owner",
        "ref",
      ],
    });
  }

  jwks(call: Call): void {
    sendJson(call.res, 200, this.issuer.jwks());
  }

  /** The token-exchange grant; `body` is the parsed JSON (or form) of `POST /oauth/token`. */
  exchange(call: Call, body: Record<string, unknown>): void {
    const answer = this.grant(call, body);
    if ("error" in answer) sendJson(call.res, 400, answer);
    else sendJson(call.res, 200, answer);
  }

  /** The exchange's answer: the issued token, or the RFC 6749 §5.2 error body. */
  private grant(
    call: Call,
    body: Record<string, unknown>,
  ): { error: string; error_description: string } | Record<string, unknown> {
    const refuse = (error: string, description: string) => ({ error, error_description: description });
    if (body.subject_token_type !== ID_TOKEN_TYPE)
      return refuse("invalid_request", `subject_token_type must be ${ID_TOKEN_TYPE}`);
    const subject = body.subject_token;
    const resource = body.resource;
    if (typeof subject !== "string" || subject === "")
      return refuse("invalid_request", "subject_token is required");
    if (typeof resource !== "string" || resource === "")
      return refuse("invalid_request", "resource is required");

    const verified = this.issuer.verify(subject);
    if ("error" in verified) return refuse("invalid_grant", verified.error);
    const claims = verified.claims;
    if (claims.iss !== this.issuer.url())
      return refuse("invalid_grant", `the id token's issuer ${String(claims.iss)} is not trusted`);
    const endpoints = new Set([call.endpoint, this.state.hubUrl].map((u) => u.replace(/\/+$/, "")));
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((a) => typeof a === "string" && endpoints.has(a.replace(/\/+$/, ""))))
      return refuse(
        "invalid_grant",
        `the id token's audience ${JSON.stringify(claims.aud)} is not ${call.endpoint}`,
      );
    const now = this.state.clock.now() / 1000;
    if (typeof claims.exp !== "number") return refuse("invalid_grant", "the id token has no exp");
    if (now >= claims.exp)
      return refuse("invalid_grant", `the id token expired at ${new Date(claims.exp * 1000).toISOString()}`);
    if (typeof claims.nbf === "number" && now < claims.nbf)
      return refuse("invalid_grant", "the id token is not valid yet (nbf)");

    const target = parseResource(resource);
    if (!target)
      return refuse(
        "invalid_request",
        `resource '${resource}' is not a repo (namespace/name, datasets/namespace/name, spaces/namespace/name) or a user name`,
      );
    const store = this.state.store;
    if (target.kind === "repo" ? !store.findRepo(target.type, target.id) : !store.users.has(target.name))
      return refuse(
        "invalid_target",
        `no ${target.kind === "repo" ? target.type : "user"} '${resource}' on this Hub`,
      );

    // The trusted-publisher rule: a publisher of this very resource whose claims all match exactly.
    const publisher = this.publishers.find((p) => {
      const t = parseResource(p.resource);
      return (
        t !== undefined &&
        sameTarget(t, target) &&
        Object.entries(p.claims).every(([k, v]) => typeof claims[k] === "string" && claims[k] === v)
      );
    });
    if (!publisher) {
      const who = ["repository", "sub"]
        .filter((k) => typeof claims[k] === "string")
        .map((k) => `${k}=${claims[k] as string}`)
        .join(", ");
      return refuse(
        "invalid_grant",
        `no trusted publisher of '${resource}' matches this id token (${who || "no repository or sub claim"})`,
      );
    }
    const repo = target.kind === "repo" ? store.findRepo(target.type, target.id) : undefined;
    const user =
      publisher.user ??
      (target.kind === "user" ? target.name : store.users.has(repo?.owner ?? "") ? repo?.owner : undefined);
    if (!user || !store.users.has(user))
      return refuse("invalid_grant", `the trusted publisher of '${resource}' names no user to act as`);
    const scope: OidcScope = {
      resource,
      ...(target.kind === "repo" ? { repo: { type: target.type, id: target.id } } : {}),
      write: target.kind === "repo" && publisher.readOnly !== true,
    };
    const ttl = this.opts.tokenTtl;
    const issued = store.issueOidcToken(user, scope, ttl);
    // RFC 8693 §2.2.1: issued_token_type is required; token_type "bearer" (RFC 6750).
    return {
      access_token: issued.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: "bearer",
      expires_in: ttl,
    };
  }
}
