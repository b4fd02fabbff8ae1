import type { HubConfig } from "../config/index.js";
import { createHubClient } from "../http/hub-client.js";

/** What the OAuth endpoints answered: the status, the JSON body (undefined if not JSON) and the text. */
export interface OAuthResponse {
  status: number;
  json: unknown;
  text: string;
}

/**
 * Sends one form-encoded POST (`application/x-www-form-urlencoded`, fields in the given order) and
 * returns the answer whatever its status. Rejects only when no answer came (network, timeout).
 * Injected in unit tests; the default is `createOAuthPost(config)`.
 */
export type OAuthPost = (path: string, form: Record<string, string>) => Promise<OAuthResponse>;

/**
 * The real poster: the Hub client without a token (Python sends the device and refresh requests on a
 * bare session: no Authorization), no retries (Python's device flow and refresh do not retry),
 * errors returned rather than thrown so the caller can read OAuth error codes.
 *
 * @example const post = createOAuthPost(config); await post("/oauth/device", { client_id: id });
 */
export function createOAuthPost(config: HubConfig): OAuthPost {
  const client = createHubClient({ config });
  return async (path, form) => {
    const res = await client.request({
      method: "POST",
      url: path,
      body: new URLSearchParams(form),
      auth: false,
      retry: false,
      throwOnError: false,
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  };
}
