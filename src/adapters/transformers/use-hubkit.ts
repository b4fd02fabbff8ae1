import { HfUsageError, readConfig } from "../../index.js";
import { createHubFiles } from "./hub-files.js";
import { createHubkitCache } from "./hubkit-cache.js";
import { createHubkitFetch } from "./hubkit-fetch.js";
import type { HubkitForTransformers, TransformersEnv, UseHubkitOptions } from "./types.js";

/** The transformers.js versions this adapter's tests run against. */
export const TESTED_TRANSFORMERS_VERSIONS: readonly string[] = ["4.3.2"];

/**
 * Makes transformers.js (`@huggingface/transformers` 4.x) load models through hubkit: hubkit's
 * login and token chain, endpoint, offline mode and the hub cache it shares with `hf download` and
 * Python's huggingface_hub. After it, no code needs a token:
 *
 * - the token is hubkit's (explicit > HF_TOKEN > HUGGING_FACE_HUB_TOKEN > HUGGINGFACE_TOKEN > the
 *   saved login), sent only to the endpoint's host, never to the CDN;
 * - `env.remoteHost` is HF_ENDPOINT; HF_HUB_OFFLINE=1 sends nothing and loads from the cache;
 * - files are downloaded with downloadFile (verified, resumable, locked) into HF_HUB_CACHE; weights
 *   are handed to ONNX Runtime as file paths; nothing is written to transformers.js's cache folder;
 * - failures are hubkit's errors (GatedRepoError with the access URL, which token was used...).
 *
 * Settings are read when it is called (`readConfig(process.env)` unless `config` is given), never at
 * import time. Calling it again replaces the earlier setup.
 *
 * @example
 * import { AutoTokenizer, env, pipeline } from "@huggingface/transformers";
 * import { useHubkit } from "hubkit/transformers";
 *
 * useHubkit(env); // after `hf auth login`, gated models just work
 * const tokenizer = await AutoTokenizer.from_pretrained("meta-llama/Llama-3.2-1B");
 * const embed = await pipeline("feature-extraction", "meta-llama/Llama-3.2-1B");
 */
export function useHubkit(env: TransformersEnv, options: UseHubkitOptions = {}): HubkitForTransformers {
  const major = Number.parseInt(env.version ?? "", 10);
  if (major < 4) {
    throw new HfUsageError(
      `hubkit/transformers needs @huggingface/transformers 4.x; this is ${env.version}.`,
      { remedy: "npm install @huggingface/transformers@4" },
    );
  }
  if (major > 4) {
    options.onWarning?.(
      `hubkit/transformers is tested with @huggingface/transformers ${TESTED_TRANSFORMERS_VERSIONS.join(", ")}; ${env.version} may load files differently.`,
    );
  }
  const config = options.config ?? readConfig(process.env);
  const files = createHubFiles({ ...options, config });
  const previous = {
    remoteHost: env.remoteHost,
    remotePathTemplate: env.remotePathTemplate,
    useCustomCache: env.useCustomCache,
    customCache: env.customCache,
    fetch: env.fetch,
  };
  const fallback = (previous.fetch as { hubkitFallback?: TransformersEnv["fetch"] } | undefined)
    ?.hubkitFallback;
  const baseFetch = fallback ?? previous.fetch ?? globalThis.fetch.bind(globalThis);

  // transformers.js builds `{remoteHost}{model}/resolve/{revision}/{file}` (hub.js:139-145).
  env.remoteHost = `${config.endpoint}/`;
  env.remotePathTemplate = "{model}/resolve/{revision}/";
  // The custom cache wins over the browser and file-system caches and ignores cache_dir (cache.js:26-40).
  env.customCache = createHubkitCache(files);
  env.useCustomCache = true;
  env.fetch = Object.assign(createHubkitFetch(files, baseFetch, options.token), {
    hubkitFallback: baseFetch,
  });

  return {
    config,
    restore() {
      Object.assign(env, previous);
    },
  };
}
