import { defaultConfig } from "../config/index.js";
import { NotLoggedInError } from "../errors.js";
import { createHubClient, type HubClient } from "../http/hub-client.js";
import { resolveToken } from "./resolve-token.js";

/** An organisation in `/api/whoami-v2` (fields as huggingface.js `who-am-i.ts`). */
export interface WhoAmIOrg {
  id?: string;
  type?: "org";
  name: string;
  fullname?: string;
  email?: string | null;
  canPay?: boolean;
  avatarUrl?: string;
  periodEnd?: number | null;
  roleInOrg?: string;
}

/** `auth.accessToken.role`: classic tokens are read/write, the rest are fine-grained. */
export type TokenRole = "read" | "write" | "fineGrained" | (string & {});

export interface WhoAmIAccessToken {
  displayName?: string;
  role?: TokenRole;
  createdAt?: string;
  expiration?: string;
  fineGrained?: {
    global?: string[];
    scoped?: { entity: { type: string; name: string; _id?: string }; permissions: string[] }[];
    canReadGatedRepos?: boolean;
  };
}

/** The `/api/whoami-v2` answer, typed for the fields hubkit and huggingface_hub read. */
export interface WhoAmI {
  id?: string;
  type: "user" | "org" | "app" | (string & {});
  name: string;
  fullname?: string;
  email?: string | null;
  emailVerified?: boolean;
  isPro?: boolean;
  canPay?: boolean;
  avatarUrl?: string;
  periodEnd?: number | null;
  orgs: WhoAmIOrg[];
  auth?: {
    type?: "access_token" | "app_token" | "app_token_as_user" | "oauth" | (string & {});
    accessToken?: WhoAmIAccessToken;
    expiresAt?: string;
  };
}

/**
 * Asks the Hub who the client's token belongs to: `GET /api/whoami-v2`. A rejected token throws
 * `AuthInvalidError` naming the token's source; no token at all throws `NotLoggedInError`. Not
 * retried (Python does not retry whoami either). With no client, it asks with the token and
 * settings `process.env` gives when the call is made (HF_TOKEN, ..., else the saved login), as
 * Python's `whoami()` does.
 *
 * @example
 * const me = await whoami(); // { name: "alice", orgs: [{ name: "acme" }], auth: {...} }
 * const bob = await whoami(createHubClient({ config, token, tokenSource: { kind: "env", name: "HF_TOKEN" } }));
 */
export async function whoami(client?: HubClient): Promise<WhoAmI> {
  if (!client) {
    const config = defaultConfig();
    const found = await resolveToken({ config });
    client = createHubClient({
      config,
      token: found?.token,
      tokenSource: found?.source,
    });
  }
  if (!client.hasToken) throw new NotLoggedInError();
  const info = await client.json<WhoAmI>({ url: "/api/whoami-v2", retry: false });
  return { ...info, orgs: Array.isArray(info.orgs) ? info.orgs : [] };
}

/**
 * The name a token is saved under: its display name, else `oauth-<user>` (device-code logins have
 * no display name), as Python's `_validate_and_save_token`.
 */
export function tokenNameFor(info: WhoAmI): string {
  return info.auth?.accessToken?.displayName || `oauth-${info.name}`;
}

/** "read", "write", "fine-grained", or undefined when the server did not say. */
export function describeRole(info: WhoAmI): string | undefined {
  const role = info.auth?.accessToken?.role;
  if (!role) return info.auth?.type === "oauth" ? "oauth" : undefined;
  return role === "fineGrained" ? "fine-grained" : role;
}
