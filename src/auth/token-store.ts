import { readFileSync, statSync } from "node:fs";
import { chmod, mkdir, open, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { defaultConfig, type HubConfig } from "../config/index.js";
import { HfConfigError, HfUsageError } from "../errors.js";
import { cleanToken } from "./providers.js";
import {
  IniParseError,
  parseStoredTokens,
  type StoredTokenSections,
  serializeStoredTokens,
} from "./stored-tokens-ini.js";
import { clearTokenCache } from "./token-cache.js";

/** One `stored_tokens` section. */
export interface StoredToken {
  name: string;
  /** "" when the section has no `hf_token` (Python shows `<not set>`). */
  token: string;
  refreshToken?: string | undefined;
  /** Unix seconds; undefined when missing or not an integer. */
  expiresAt?: number | undefined;
  /** Whether the section has an `expires_at` key at all (Python adds the `expires` column then). */
  hasExpiresKey: boolean;
}

/**
 * Python's `_write_secret`, made atomic: the folder is created (0700), the content goes to a temp
 * file in the same folder (0600) which is renamed over `path`, then the file is chmod 0600 and the
 * folder 0700 even if it already existed (Python does that too, so HF_HOME becomes drwx------).
 * chmod failures are ignored (file systems without modes).
 *
 * @example await writeSecret("/home/me/.cache/huggingface/token", "hf_abc")
 */
export async function writeSecret(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Unique enough with O_EXCL ("wx"); not node:crypto, which would cost `hf auth token` start-up time.
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const fh = await open(tmp, "wx", 0o600);
  try {
    await fh.writeFile(content, "utf8");
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await chmod(path, 0o600).catch(() => {});
  await chmod(dir, 0o700).catch(() => {});
}

/** The token file's token (cleaned), or undefined when missing/empty. */
export async function readTokenFile(config: HubConfig): Promise<string | undefined> {
  try {
    if (!statSync(config.tokenPath, { throwIfNoEntry: false })) return undefined;
    return cleanToken(readFileSync(config.tokenPath, "utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw e;
  }
}

/**
 * All sections of `stored_tokens` with all their fields. A missing file is empty; a file
 * configparser could not parse is reported through `onWarning` and treated as empty, as Python does
 * (`Error parsing stored tokens file: ...`).
 */
export async function readStoredTokensFull(
  config: HubConfig,
  onWarning?: (message: string) => void,
): Promise<StoredTokenSections> {
  let text: string;
  try {
    // Sync, like the token file (providers.ts): tiny, and read by every token lookup.
    if (!statSync(config.storedTokensPath, { throwIfNoEntry: false })) return new Map();
    text = readFileSync(config.storedTokensPath, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return new Map();
    throw new HfConfigError(`Cannot read ${config.storedTokensPath}: ${code ?? (e as Error).message}`, {
      cause: e,
      remedy: `chmod 600 ${config.storedTokensPath}`,
    });
  }
  try {
    return parseStoredTokens(text);
  } catch (e) {
    if (!(e instanceof IniParseError)) throw e;
    onWarning?.(`Error parsing stored tokens file ${config.storedTokensPath}: ${e.message}`);
    return new Map();
  }
}

/** Writes every section (sorted, configparser format) atomically, 0600. */
export async function saveStoredTokensFull(config: HubConfig, sections: StoredTokenSections): Promise<void> {
  await writeSecret(config.storedTokensPath, serializeStoredTokens(sections));
  clearTokenCache();
}

function toStoredToken(name: string, fields: Map<string, string>): StoredToken {
  const raw = fields.get("expires_at");
  const n = raw !== undefined && /^\s*[+-]?\d+\s*$/.test(raw) ? Number.parseInt(raw, 10) : undefined;
  return {
    name,
    token: fields.get("hf_token") ?? "",
    refreshToken: fields.get("refresh_token"),
    expiresAt: n,
    hasExpiresKey: fields.has("expires_at"),
  };
}

/**
 * The saved tokens, in file order (as `hf auth list` shows them).
 *
 * @example (await listStoredTokens()).map((t) => t.name) // ["alice-read", "bob-write"]
 */
export async function listStoredTokens(
  options: { config?: HubConfig | undefined; onWarning?: ((message: string) => void) | undefined } = {},
): Promise<StoredToken[]> {
  const config = options.config ?? defaultConfig();
  const onWarning = options.onWarning;
  const sections = await readStoredTokensFull(config, onWarning);
  return [...sections].map(([name, fields]) => toStoredToken(name, fields));
}

/** Which settings (token paths) a token-store call works on. Default: `process.env` at call time. */
export interface TokenStoreOptions {
  config?: HubConfig | undefined;
}

export interface SaveTokenOptions extends TokenStoreOptions {
  token: string;
  /** The token's display name (whoami's `auth.accessToken.displayName`, else `oauth-<user>`). */
  name: string;
  refreshToken?: string | undefined;
  /** Unix seconds. */
  expiresAt?: number | undefined;
}

/**
 * Python's `_save_token`: adds or REPLACES the section `name` in `stored_tokens` (so stale
 * refresh metadata from an earlier login under the same name goes away). Does not change the
 * active token; see `setActiveToken`.
 *
 * @example await saveToken({ token: "hf_abc", name: "my-laptop" })
 */
export async function saveToken(options: SaveTokenOptions): Promise<void> {
  const config = options.config ?? defaultConfig();
  const sections = await readStoredTokensFull(config);
  const fields = new Map<string, string>([["hf_token", options.token]]);
  if (options.refreshToken !== undefined) fields.set("refresh_token", options.refreshToken);
  if (options.expiresAt !== undefined) fields.set("expires_at", String(options.expiresAt));
  sections.set(options.name, fields);
  await saveStoredTokensFull(config, sections);
}

/** The error for a token name that is not in `stored_tokens`: it lists the names that are. */
export function unknownTokenName(config: HubConfig, name: string, known: string[]): HfUsageError {
  return new HfUsageError(
    `Access token '${name}' not found in ${config.storedTokensPath}. ${
      known.length ? `Saved tokens: ${known.join(", ")}.` : "No tokens are saved."
    }`,
    {
      remedy: known.length
        ? "one of the saved names (listStoredTokens())"
        : "save a login first (loginWithToken())",
      data: { reason: "unknown-token-name", choices: known },
    },
  );
}

/**
 * Makes the saved token `name` the active one: writes it to the token file. No network check (as
 * Python's `auth switch`). Throws a usage error listing the saved names when `name` is unknown.
 *
 * @example await switchToken({ name: "bob-write" })
 */
export async function switchToken(options: TokenStoreOptions & { name: string }): Promise<void> {
  const { name } = options;
  const config = options.config ?? defaultConfig();
  const sections = await readStoredTokensFull(config);
  const fields = sections.get(name);
  const token = cleanToken(fields?.get("hf_token"));
  if (!fields || token === undefined) throw unknownTokenName(config, name, [...sections.keys()]);
  await writeSecret(config.tokenPath, token);
  clearTokenCache();
}

/** Python's `_get_token_by_name` (cleaned), or undefined. */
export async function getStoredToken(
  options: TokenStoreOptions & { name: string },
): Promise<string | undefined> {
  const config = options.config ?? defaultConfig();
  const { name } = options;
  const sections = await readStoredTokensFull(config);
  return cleanToken(sections.get(name)?.get("hf_token"));
}

/**
 * Removes the saved token `name`; when it is the active one, the token file goes too (Python's
 * `_logout_from_token`). Unknown names change nothing.
 *
 * @example const { removed, wasActive } = await deleteStoredToken({ name: "old-token" })
 */
export async function deleteStoredToken(
  options: TokenStoreOptions & { name: string },
): Promise<{ removed: boolean; wasActive: boolean }> {
  const config = options.config ?? defaultConfig();
  const { name } = options;
  const sections = await readStoredTokensFull(config);
  const fields = sections.get(name);
  if (!fields) return { removed: false, wasActive: false };
  sections.delete(name);
  await saveStoredTokensFull(config, sections);
  const active = await readTokenFile(config);
  const wasActive = active !== undefined && active === cleanToken(fields.get("hf_token"));
  if (wasActive) await unlink(config.tokenPath).catch(() => {});
  clearTokenCache();
  return { removed: true, wasActive };
}

/**
 * Removes the token file and `stored_tokens` (missing files are fine), as Python's `logout()`
 * without a name. Returns whether anything was removed.
 */
export async function deleteAllTokens(options: TokenStoreOptions = {}): Promise<boolean> {
  const config = options.config ?? defaultConfig();
  let removed = false;
  for (const p of [config.tokenPath, config.storedTokensPath]) {
    try {
      await unlink(p);
      removed = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
  clearTokenCache();
  return removed;
}
