import { type Env, HF_OIDC_ID_TOKEN, HF_OIDC_RESOURCE, type HubConfig } from "../config/index.js";
import { HfError, OidcError } from "../errors.js";
import { detectOidcProvider } from "./oidc-provider.js";
import { ProviderMiss, type TokenProvider, type TokenSource } from "./providers.js";

/**
 * Re-exchange this long before an exchanged token expires, seconds (Python `_OIDC_REFRESH_MARGIN`).
 * Only for minted id tokens: a supplied HF_OIDC_ID_TOKEN cannot be minted again (it has likely
 * expired by then), so that path keeps the token for its whole lifetime (margin 0).
 */
export const OIDC_REFRESH_MARGIN = 300;
/** The lifetime assumed when the exchange does not say (Python: `int(result.get("expires_in", 3600))`). */
export const OIDC_DEFAULT_EXPIRES_IN = 3600;

export const NO_ID_TOKEN_MESSAGE =
  "HF_OIDC_RESOURCE is set but no OIDC id token is available: not running in a supported CI provider (github) and HF_OIDC_ID_TOKEN is not set.";

/**
 * The OIDC source when HF_OIDC_RESOURCE turns the exchange on (a non-empty value, used as written,
 * as Python's `os.environ.get("HF_OIDC_RESOURCE")`), else `undefined`. Cheap: no request.
 *
 * @example oidcSource({ HF_OIDC_RESOURCE: "acme/x" }) // { kind: "oidc", resource: "acme/x" }
 */
export function oidcSource(env: Env): Extract<TokenSource, { kind: "oidc" }> | undefined {
  const resource = env[HF_OIDC_RESOURCE];
  return resource ? { kind: "oidc", resource } : undefined;
}

/**
 * The OIDC trusted-publisher provider (huggingface_hub `_get_token_from_oidc`): when HF_OIDC_RESOURCE
 * is set, exchanges an id token (HF_OIDC_ID_TOKEN, else one minted from GitHub Actions) for a
 * short-lived token scoped to that resource (RFC 8693). Opting in is explicit, so every failure
 * stops the chain ("here but broken") with an `OidcError` naming the source; it never falls back to
 * HF_TOKEN. The answer carries `staleAt` = the time before the exchange + `expires_in` minus the
 * margin (300 s when minted, 0 when supplied), on `now`'s clock, for the memo's `isExpired`.
 * Nothing is written to disk.
 *
 * @example await fromOidc(readConfig({ HF_OIDC_RESOURCE: "acme/x", HF_OIDC_ID_TOKEN: jwt }))()
 */
export function fromOidc(config: HubConfig, now: () => number = Date.now): TokenProvider {
  return async () => {
    const source = oidcSource(config.env);
    if (!source) throw new ProviderMiss(HF_OIDC_RESOURCE);
    const label = `OIDC token exchange for HF_OIDC_RESOURCE=${source.resource}`;
    // An explicit id token (any CI) wins; otherwise one is minted from a detected provider.
    const supplied = config.env[HF_OIDC_ID_TOKEN] || undefined;
    if (supplied === undefined && detectOidcProvider(config.env) === undefined) {
      throw new OidcError(NO_ID_TOKEN_MESSAGE, {
        remedy: "set HF_OIDC_ID_TOKEN to the id token minted by your CI provider, or unset HF_OIDC_RESOURCE",
      });
    }
    // Loaded only when the exchange runs: `hf auth token`'s start-up never pays for the HTTP client.
    const { getOidcToken } = await import("./get-oidc-token.js");
    const { exchangeOidcToken } = await import("./exchange-oidc-token.js");
    const started = now();
    let subjectToken = supplied;
    if (subjectToken === undefined) {
      try {
        subjectToken = await getOidcToken({ config });
      } catch (e) {
        // getOidcToken's own errors (no request variables) already say what to do.
        throw e instanceof OidcError
          ? wrap(e, `${label} failed: `, {})
          : wrap(e, `${label} failed: GitHub Actions did not mint an id token: `, {
              remedy:
                "check that the job has `permissions: id-token: write` and ACTIONS_ID_TOKEN_REQUEST_URL is reachable; or set HF_OIDC_ID_TOKEN",
            });
      }
    }
    let answer: Awaited<ReturnType<typeof exchangeOidcToken>>;
    try {
      answer = await exchangeOidcToken({ subjectToken, resource: source.resource, config });
    } catch (e) {
      throw wrap(e, `${label} failed: `, {
        remedy:
          (e as HfError).status === undefined
            ? undefined
            : supplied !== undefined
              ? `check HF_OIDC_ID_TOKEN: fresh, with audience ${config.endpoint}, and matching a trusted publisher of ${source.resource}`
              : `check that a trusted publisher of ${source.resource} on ${config.endpoint} matches this workflow (issuer, repository, sub)`,
      });
    }
    const expiresIn = Number.parseInt(String(answer.expires_in ?? OIDC_DEFAULT_EXPIRES_IN), 10);
    const lifetime = Number.isFinite(expiresIn) ? expiresIn : OIDC_DEFAULT_EXPIRES_IN;
    const margin = supplied !== undefined ? 0 : OIDC_REFRESH_MARGIN;
    return {
      token: answer.access_token,
      source,
      staleAt: started + Math.max(lifetime - margin, 0) * 1000,
    };
  };
}

/** One `OidcError` line naming the source; an error of ours keeps its code's remedy and its status. */
function wrap(e: unknown, prefix: string, options: { remedy?: string | undefined }): OidcError {
  if (!(e instanceof HfError))
    return new OidcError(`${prefix}${(e as Error)?.message ?? String(e)}`, { cause: e });
  return new OidcError(`${prefix}${e.message}`, {
    cause: e,
    remedy: options.remedy ?? e.remedy,
    status: e.status,
    requestId: e.requestId,
    serverMessage: e.serverMessage,
    url: e.url,
  });
}
