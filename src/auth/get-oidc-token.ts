import {
  ACTIONS_ID_TOKEN_REQUEST_TOKEN,
  ACTIONS_ID_TOKEN_REQUEST_URL,
  defaultConfig,
  type HubConfig,
} from "../config/index.js";
import { OidcError } from "../errors.js";
import { createHubClient } from "../http/hub-client.js";
import { detectOidcProvider, type OidcProvider, SUPPORTED_OIDC_PROVIDERS } from "./oidc-provider.js";

export const GITHUB_PERMISSIONS_MESSAGE =
  "Cannot request an OIDC id token from GitHub Actions. Make sure the workflow job sets `permissions: id-token: write`. See https://docs.github.com/en/actions/deployment/security-hardening-your-deployments/about-security-hardening-with-openid-connect";

export interface GetOidcTokenOptions {
  /** Default: detected from the environment (`detectOidcProvider`). */
  provider?: OidcProvider | undefined;
  /** The `aud` claim to ask for. Default: the endpoint, which is who validates it. */
  audience?: string | undefined;
  /** Default: `process.env`, read when the call is made. */
  config?: HubConfig | undefined;
}

/**
 * Mints a raw OIDC id token (a JWT) from the CI provider (huggingface_hub `get_oidc_token`). On
 * GitHub Actions: `GET $ACTIONS_ID_TOKEN_REQUEST_URL?audience=<endpoint>` with
 * `Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`, answered `{"value": jwt}`. GitHub sets
 * both variables only for jobs with `permissions: id-token: write`. Not retried (Python's is not).
 * The request never carries a Hub token.
 *
 * @example
 * const jwt = await getOidcToken(); // inside a GitHub Actions job
 * const res = await exchangeOidcToken({ subjectToken: jwt, resource: "acme/tiny-model" });
 */
export async function getOidcToken(options: GetOidcTokenOptions = {}): Promise<string> {
  const config = options.config ?? defaultConfig();
  const audience = options.audience || config.endpoint;
  const provider = options.provider ?? detectOidcProvider(config.env);
  if (provider === undefined) {
    throw new OidcError(
      `No supported CI OIDC provider detected. Trusted Publishers currently supports: ${SUPPORTED_OIDC_PROVIDERS.join(", ")}.`,
      { remedy: "set HF_OIDC_ID_TOKEN to an id token minted by your CI provider" },
    );
  }
  const requestUrl = config.env[ACTIONS_ID_TOKEN_REQUEST_URL];
  const requestToken = config.env[ACTIONS_ID_TOKEN_REQUEST_TOKEN];
  if (!requestUrl || !requestToken) {
    throw new OidcError(GITHUB_PERMISSIONS_MESSAGE, {
      remedy: "add `permissions: id-token: write` to the workflow job (or set HF_OIDC_ID_TOKEN)",
    });
  }
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch (e) {
    throw new OidcError(`${ACTIONS_ID_TOKEN_REQUEST_URL} is not a URL.`, { cause: e });
  }
  // huggingface_hub passes `params={"audience": ...}`, and httpx 0.28 then REPLACES the URL's own
  // query string (observed: `...?api-version=2.0` was requested as `...?audience=...`). Do the same,
  // so both clients ask GitHub the same question.
  url.search = "";
  url.searchParams.set("audience", audience);
  const client = createHubClient({ config });
  const body = await client.json<{ value?: unknown }>({
    url: url.toString(),
    headers: { authorization: `Bearer ${requestToken}` },
    auth: false,
    retry: false,
  });
  if (typeof body?.value !== "string" || body.value === "") {
    throw new OidcError(`The GitHub Actions id-token endpoint answered without a token ("value").`);
  }
  return body.value;
}
