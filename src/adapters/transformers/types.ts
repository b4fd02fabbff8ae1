import type { DownloadEvent, HubConfig } from "../../index.js";

/** A WHATWG `fetch` as transformers.js calls it (`env.fetch(url, init)`, env.js:278). */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * The fields of transformers.js's `env` that useHubkit reads or sets (4.x, env.js:95-142). Typed
 * here so that hubkit never imports `@huggingface/transformers`: the caller hands its `env` in.
 */
export interface TransformersEnv {
  /** transformers.js's own version ("4.3.2"). */
  version?: string | undefined;
  remoteHost: string;
  remotePathTemplate: string;
  useCustomCache: boolean;
  customCache: unknown;
  fetch: FetchLike | undefined;
}

/** What transformers.js's put() hands the cache for weights in Node (hub.js:220-229), before wrapping. */
export interface TransformersProgress {
  /** Percent, 0-100. */
  progress: number;
  loaded: number;
  total: number;
}

export interface UseHubkitOptions {
  /** Settings (endpoint, offline, cache, token file). Default: `readConfig(process.env)` at call time. */
  config?: HubConfig | undefined;
  /**
   * A token for every request to the endpoint; `false` sends none. Default: hubkit's chain
   * (HF_TOKEN > HUGGING_FACE_HUB_TOKEN > HUGGINGFACE_TOKEN > the saved login).
   */
  token?: string | false | undefined;
  /** hubkit's own progress events for every file it downloads (besides transformers.js's progress_callback). */
  onProgress?: ((event: DownloadEvent) => void) | undefined;
  /** One-line warnings (a deprecated token variable, an untested transformers.js version...). Never a token. */
  onWarning?: ((message: string) => void) | undefined;
}

/** What useHubkit returns. */
export interface HubkitForTransformers {
  /** The settings in effect. */
  readonly config: HubConfig;
  /** Puts back the `env` fields useHubkit replaced (remoteHost, remotePathTemplate, the cache, fetch). */
  restore(): void;
}
