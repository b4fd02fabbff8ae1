import { type HubConfig, readConfig } from "./read-config.js";

let last: { key: string; config: HubConfig } | undefined;

/**
 * The settings a library call uses when it is given none: `readConfig(process.env)`, read when the
 * call is made, never at import time, so `HF_HOME`, `HF_ENDPOINT`, `HF_TOKEN` and every other `HF_*`
 * variable set before the call are honoured, as Python's `hf_hub_download` honours them. An explicit
 * config always wins; tests and hosts that inject settings pass one.
 *
 * The same object comes back while `process.env` is unchanged, so what is memoised per config (the
 * token lookup, one per process as in Python) is shared by consecutive calls.
 *
 * @example
 * process.env.HF_ENDPOINT = "http://127.0.0.1:8080";
 * defaultConfig().endpoint; // "http://127.0.0.1:8080"
 */
export function defaultConfig(): HubConfig {
  const env: Record<string, string | undefined> = { ...process.env };
  const key = JSON.stringify(env);
  if (last?.key === key) return last.config;
  const config = readConfig(env);
  last = { key, config };
  return config;
}
