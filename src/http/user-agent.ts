import type { HubConfig } from "../config/index.js";
import { VERSION } from "../version.js";

/**
 * The User-Agent hubkit sends, built like Python's `utils/_headers.py::_http_user_agent`:
 * `hubkit/<version>; node/<version>`, then telemetry-only parts (`os/<platform>`; Python's are
 * torch and agent) unless HF_HUB_DISABLE_TELEMETRY / DISABLE_TELEMETRY / DO_NOT_TRACK is set, then the
 * caller's parts, then `origin/<HF_HUB_USER_AGENT_ORIGIN>` (always, when set, as in Python), and
 * finally de-duplicated part by part, keeping the first occurrence.
 *
 * @example
 * buildUserAgent({ disableTelemetry: true, userAgentOrigin: undefined }, "hf-cli/1.0")
 * // "hubkit/0.1.0; node/20.20.0; hf-cli/1.0"
 */
export function buildUserAgent(
  config: Pick<HubConfig, "disableTelemetry" | "userAgentOrigin">,
  extra?: string | Record<string, string>,
): string {
  let ua = `hubkit/${VERSION}; node/${process.versions.node}`;
  if (!config.disableTelemetry) ua += `; os/${process.platform}`;
  if (typeof extra === "string" && extra.trim() !== "") ua += `; ${extra}`;
  else if (extra && typeof extra === "object") {
    const parts = Object.entries(extra).map(([k, v]) => `${k}/${v}`);
    if (parts.length > 0) ua += `; ${parts.join("; ")}`;
  }
  if (config.userAgentOrigin !== undefined) ua += `; origin/${config.userAgentOrigin}`;
  return dedupeUserAgent(ua);
}

/** Python's `_deduplicate_user_agent`: split on ";", strip, keep first occurrences, join with "; ". */
export function dedupeUserAgent(ua: string): string {
  return [...new Set(ua.split(";").map((p) => p.trim()))].join("; ");
}
