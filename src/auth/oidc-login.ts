import { defaultConfig, type HubConfig } from "../config/index.js";
import { exchangeOidcToken, type OidcTokenResponse } from "./exchange-oidc-token.js";
import { getOidcToken } from "./get-oidc-token.js";
import type { OidcProvider } from "./oidc-provider.js";

export interface OidcLoginOptions {
  /** A repo or a user name to scope the token to (see `exchangeOidcToken`). */
  resource: string;
  /**
   * A pre-minted id token to exchange as it is (any CI provider: GitLab, CircleCI, ...). When
   * absent, one is minted from the detected provider (GitHub Actions).
   */
  subjectToken?: string | undefined;
  /** Ignored when `subjectToken` is given. Default: detected. */
  provider?: OidcProvider | undefined;
  /** The `aud` to ask the provider for. Default: the endpoint. */
  audience?: string | undefined;
  /** Default: `config.endpoint`. */
  endpoint?: string | undefined;
  /** Default: `process.env`, read when the call is made. */
  config?: HubConfig | undefined;
}

/**
 * Mints a CI id token (unless one is given) and exchanges it for a short-lived Hub token:
 * huggingface_hub's `oidc_login` (`getOidcToken` + `exchangeOidcToken`). Returns the raw exchange
 * answer and saves nothing: the caller decides what to do with the token. Setting HF_OIDC_RESOURCE
 * does the same inside every token lookup, with no code at all.
 *
 * @example
 * const { access_token } = await oidcLogin({ resource: "acme/tiny-model" }); // in GitHub Actions
 * await downloadFile({ repoId: "acme/tiny-model", filename: "config.json", token: access_token });
 */
export async function oidcLogin(options: OidcLoginOptions): Promise<OidcTokenResponse> {
  const config = options.config ?? defaultConfig();
  const endpoint = (options.endpoint || config.endpoint).replace(/\/+$/, "");
  const subjectToken =
    options.subjectToken ??
    (await getOidcToken({ provider: options.provider, audience: options.audience || endpoint, config }));
  return exchangeOidcToken({ subjectToken, resource: options.resource, endpoint, config });
}
