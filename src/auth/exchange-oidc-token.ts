import { defaultConfig, type HubConfig } from "../config/index.js";
import { OidcError } from "../errors.js";
import { createHubClient } from "../http/hub-client.js";

// RFC 8693 §2.1: the token-exchange grant, with an OpenID Connect id token as the subject (§3).
export const TOKEN_EXCHANGE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";

/** The token-exchange answer (RFC 8693 §2.2.1), as the Hub sends it; unknown fields are kept. */
export interface OidcTokenResponse {
  /** A short-lived Hub token (`hf_jwt_...` on huggingface.co). A secret. */
  access_token: string;
  token_type?: string;
  /** Seconds; huggingface_hub assumes 3600 when absent. */
  expires_in?: number;
  issued_token_type?: string;
  [field: string]: unknown;
}

export interface ExchangeOidcTokenOptions {
  /** The raw OIDC id token (a JWT) from the CI provider; its `aud` must be the endpoint. A secret. */
  subjectToken: string;
  /**
   * What the token is for: a repo (`namespace/name`, `datasets/namespace/name`,
   * `spaces/namespace/name`, `kernels/namespace/name`) for a write token, or a bare user name for a
   * read-only "gated-repos" token.
   */
  resource: string;
  /** Default: `config.endpoint`. */
  endpoint?: string | undefined;
  /** Default: `process.env`, read when the call is made. */
  config?: HubConfig | undefined;
}

/**
 * Exchanges a CI id token for a short-lived Hub token (huggingface_hub `exchange_oidc_token`):
 * `POST {endpoint}/oauth/token` with the JSON body `{grant_type, subject_token_type, subject_token,
 * resource}` in that order (RFC 8693 §2.1; Python sends JSON, not a form). No Authorization header
 * and no retry, as Python. A refusal throws the Hub's HTTP error (`HttpError` for the Hub's 400
 * `invalid_grant`), as Python raises `HfHubHTTPError`, not `OIDCError`. Nothing is saved.
 *
 * @example
 * const { access_token, expires_in } = await exchangeOidcToken({
 *   subjectToken: process.env.CI_ID_TOKEN!,
 *   resource: "acme/tiny-model",
 * });
 */
export async function exchangeOidcToken(options: ExchangeOidcTokenOptions): Promise<OidcTokenResponse> {
  const config = options.config ?? defaultConfig();
  const endpoint = (options.endpoint || config.endpoint).replace(/\/+$/, "");
  const client = createHubClient({ config });
  const body = await client.json<Partial<OidcTokenResponse>>({
    method: "POST",
    url: `${endpoint}/oauth/token`,
    json: {
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token_type: ID_TOKEN_TYPE,
      subject_token: options.subjectToken,
      resource: options.resource,
    },
    auth: false,
    retry: false,
  });
  if (typeof body?.access_token !== "string" || body.access_token === "") {
    throw new OidcError(`${endpoint}/oauth/token answered the token exchange without an access_token.`);
  }
  return body as OidcTokenResponse;
}
