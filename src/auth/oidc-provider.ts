import { type Env, GITHUB_ACTIONS } from "../config/index.js";

/** CI providers that mint an OIDC id token natively (huggingface_hub `_oidc.Provider`: GitHub only). */
export type OidcProvider = "github";

export const SUPPORTED_OIDC_PROVIDERS: readonly OidcProvider[] = ["github"];

/**
 * The CI provider this process runs in, if it can mint an id token (Python's `detect_provider`):
 * `GITHUB_ACTIONS` must be exactly `true`, as GitHub sets it.
 *
 * @example detectOidcProvider({ GITHUB_ACTIONS: "true" }) // "github"
 */
export function detectOidcProvider(env: Env): OidcProvider | undefined {
  return env[GITHUB_ACTIONS] === "true" ? "github" : undefined;
}
