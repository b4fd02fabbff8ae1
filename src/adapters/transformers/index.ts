/**
 * `hubkit/transformers`: transformers.js on hubkit's login, endpoint, offline mode and hub cache.
 * Imports only hubkit's public API, and never `@huggingface/transformers` itself (an optional peer
 * dependency): the caller passes its `env` in.
 */

export type {
  FetchLike,
  HubkitForTransformers,
  TransformersEnv,
  TransformersProgress,
  UseHubkitOptions,
} from "./types.js";
export { TESTED_TRANSFORMERS_VERSIONS, useHubkit } from "./use-hubkit.js";
