import { listTokenSources, oidcSource, resolveToken, type TokenResult } from "../auth/resolve-token.js";
import { createHubClient, type HubClient } from "../http/hub-client.js";
import type { DoctorContext } from "./types.js";

/**
 * The token hubkit would send (first source in the lookup order), without the OAuth refresh that
 * `resolveToken` may perform: doctor only looks. The one exception is the OIDC exchange
 * (HF_OIDC_RESOURCE), which holds no token until it runs: doctor runs it, as every command would (a
 * request; nothing is written), and rejects with its `OidcError` when it fails. `undefined` when
 * there is no token or when HF_HUB_DISABLE_IMPLICIT_TOKEN turns implicit tokens off.
 */
export async function activeToken(ctx: DoctorContext): Promise<TokenResult | undefined> {
  if (ctx.config.disableImplicitToken) return undefined;
  if (oidcSource(ctx.config.env)) return resolveToken({ token: true, config: ctx.config });
  return (await listTokenSources(ctx.config))[0];
}

/** A client for doctor's requests: the active token, no retries (a check reports, it does not insist). */
export function doctorClient(ctx: DoctorContext, token: TokenResult | undefined): HubClient {
  return createHubClient({
    config: ctx.config,
    token: token?.token,
    tokenSource: token?.source,
    retry: { retries: 0 },
  });
}
