import { readFileSync, statSync } from "node:fs";
import type { HubConfig } from "../config/index.js";
import { OAUTH_REFRESH_MARGIN } from "./refresh-constants.js";
import { parseStoredTokens } from "./stored-tokens-ini.js";

/**
 * Whether `token` (read from the token file) is an OAuth access token due for refresh: its
 * stored_tokens section has a `refresh_token` and an integer `expires_at` less than a day away
 * (Python's `_OAUTH_REFRESH_MARGIN`). Synchronous and cheap (one small file, usually absent), so
 * every token lookup can ask it and load the refresh code (lock, HTTP) only when the answer is yes.
 */
export function isRefreshDue(token: string, config: HubConfig, nowSec = Date.now() / 1000): boolean {
  try {
    if (!statSync(config.storedTokensPath, { throwIfNoEntry: false })) return false;
    const sections = parseStoredTokens(readFileSync(config.storedTokensPath, "utf8"));
    for (const fields of sections.values()) {
      if (fields.get("hf_token") !== token) continue;
      const raw = fields.get("expires_at");
      if (!fields.has("refresh_token") || raw === undefined || !/^\s*[+-]?\d+\s*$/.test(raw)) return false;
      return Number.parseInt(raw, 10) - OAUTH_REFRESH_MARGIN <= nowSec;
    }
  } catch {
    // Unreadable or unparsable: nothing to refresh (the refresh itself would report it).
  }
  return false;
}
