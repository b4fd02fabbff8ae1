import { defaultConfig, type HubConfig } from "../config/index.js";
import { AuthInvalidError } from "../errors.js";
import { createHubClient, type HubClient } from "../http/hub-client.js";
import { approveGitCredential, rejectGitCredential } from "./git-credential.js";
import { cleanToken, type TokenSource } from "./providers.js";
import { clearTokenCache } from "./token-cache.js";
import { deleteAllTokens, deleteStoredToken, saveToken, writeSecret } from "./token-store.js";
import { describeRole, tokenNameFor, type WhoAmI, whoami } from "./whoami.js";

export interface LoginOptions {
  /** The token to validate and save. */
  token: string;
  /** Settings (token paths, endpoint). Default: `process.env`, read when the call is made. */
  config?: HubConfig | undefined;
  /** Also store the token in git's credential helpers (`git credential approve`). */
  addToGitCredential?: boolean | undefined;
  /** OAuth metadata from a device-code login, saved in stored_tokens for refresh. */
  refreshToken?: string | undefined;
  /** Unix seconds. */
  expiresAt?: number | undefined;
  /** How the token was given, named in a 401. Default `{ kind: "argument" }` ("token argument"). */
  tokenSource?: TokenSource | undefined;
  /** Working folder for git (repo-local helpers count). */
  cwd?: string | undefined;
  /** A pre-built client for the whoami check (tests); default: a Hub client holding `token`. */
  client?: HubClient | undefined;
}

export interface LoginResult {
  info: WhoAmI;
  /** The stored_tokens section name: display name, else `oauth-<user>`. */
  tokenName: string;
  /** "read", "write", "fine-grained" (undefined when the server did not say). */
  role: string | undefined;
  /** Helpers the token went to; `[]` = none configured; undefined = not requested. */
  gitHelpers: string[] | undefined;
}

/**
 * Python's `_validate_and_save_token`: checks the token with `/api/whoami-v2` BEFORE writing
 * anything (a rejected token leaves the files untouched), saves it in `stored_tokens` under its
 * display name, optionally gives it to git, then makes it the active token (the token file).
 *
 * @example
 * const { info, tokenName } = await loginWithToken({ token: "hf_...", addToGitCredential: true });
 */
export async function loginWithToken(options: LoginOptions): Promise<LoginResult> {
  const config = options.config ?? defaultConfig();
  const token = cleanToken(options.token);
  if (token === undefined) {
    throw new AuthInvalidError("The token is empty.", {
      remedy: "pass the token to validate and save",
      data: { reason: "empty-token" },
    });
  }
  if (token.startsWith("api_org")) {
    throw new AuthInvalidError("You must use your personal account token, not an organization token.", {
      remedy: `create a personal token at ${config.endpoint}/settings/tokens`,
    });
  }
  const client =
    options.client ??
    createHubClient({ config, token, tokenSource: options.tokenSource ?? { kind: "argument" } });
  const info = await whoami(client);
  const tokenName = tokenNameFor(info);
  await saveToken({
    config,
    token,
    name: tokenName,
    refreshToken: options.refreshToken,
    expiresAt: options.expiresAt,
  });
  // Python gives the token to git before writing the token file (_set_active_token).
  let gitHelpers: string[] | undefined;
  if (options.addToGitCredential) {
    gitHelpers = await approveGitCredential(config.endpoint, token, { env: config.env, cwd: options.cwd });
  }
  await writeSecret(config.tokenPath, token);
  clearTokenCache();
  return { info, tokenName, role: describeRole(info), gitHelpers };
}

export interface LogoutOptions {
  /** Settings (token paths, endpoint). Default: `process.env`, read when the call is made. */
  config?: HubConfig | undefined;
  /** Remove only this saved token (and the token file if it is the active one). */
  tokenName?: string | undefined;
  /** Run `git credential reject` for the endpoint (default true, as Python). */
  git?: boolean | undefined;
  cwd?: string | undefined;
}

export interface LogoutResult {
  /** Whether any file changed. */
  removed: boolean;
  /** With a name: whether it was the active token (the token file was removed too). */
  wasActive: boolean;
}

/**
 * Python's `logout`: without a name removes the token file and `stored_tokens`; with a name
 * removes that section (and the token file when it held that token). Then always asks git to
 * forget the Hub credential. Environment variables are not touched: the caller says if one still
 * provides a token.
 *
 * @example await logout({ tokenName: "old-laptop" })
 */
export async function logout(options: LogoutOptions = {}): Promise<LogoutResult> {
  const config = options.config ?? defaultConfig();
  let result: LogoutResult;
  if (options.tokenName !== undefined) {
    result = await deleteStoredToken({ config, name: options.tokenName });
  } else {
    result = { removed: await deleteAllTokens({ config }), wasActive: true };
  }
  if (options.git !== false) {
    await rejectGitCredential(config.endpoint, { env: config.env, cwd: options.cwd }).catch(() => false);
  }
  return result;
}
