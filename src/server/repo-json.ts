/**
 * A repo as the Hub's JSON shows it, in `GET /api/{type}s/{id}[/revision/{rev}]` and in the listings
 * `GET /api/{type}s`, including the Hub's `expand` rule: with `expand=a&expand=b` (or `expand[]=`)
 * only `_id`, `id` and those properties come back, and a property the Hub does not know is a 400
 * (huggingface_hub's tests `test_model_info_expand_*` / `test_list_models_expand_*` pin both).
 */
import { createHash } from "node:crypto";
import { isTrue } from "../common/env.js";
import type { RepoType } from "../common/repo.js";
import type { Call } from "./context.js";
import { sendError } from "./http-util.js";
import type { Commit, Repo } from "./store.js";

/**
 * What `expand` accepts per type: huggingface_hub 1.33's `Expand{Model,Dataset,Space}Property_T`,
 * plus `gitalyUid`, which @huggingface/hub 2.17 offers among its expandable keys.
 */
const EXPANDABLE: Record<RepoType, ReadonlySet<string>> = {
  model: new Set([
    "author",
    "baseModels",
    "cardData",
    "childrenModelCount",
    "config",
    "createdAt",
    "disabled",
    "downloads",
    "downloadsAllTime",
    "evalResults",
    "gated",
    "gguf",
    "gitalyUid",
    "inference",
    "inferenceProviderMapping",
    "lastModified",
    "library_name",
    "likes",
    "mask_token",
    "model-index",
    "pipeline_tag",
    "private",
    "resourceGroup",
    "safetensors",
    "sha",
    "siblings",
    "spaces",
    "tags",
    "transformersInfo",
    "trendingScore",
    "usedStorage",
    "widgetData",
  ]),
  dataset: new Set([
    "author",
    "cardData",
    "citation",
    "createdAt",
    "description",
    "disabled",
    "downloads",
    "downloadsAllTime",
    "gated",
    "gitalyUid",
    "lastModified",
    "likes",
    "mainSize",
    "paperswithcode_id",
    "private",
    "resourceGroup",
    "sha",
    "siblings",
    "tags",
    "trendingScore",
    "usedStorage",
  ]),
  space: new Set([
    "author",
    "cardData",
    "createdAt",
    "datasets",
    "disabled",
    "gitalyUid",
    "lastModified",
    "likes",
    "models",
    "private",
    "region",
    "resourceGroup",
    "runtime",
    "sdk",
    "sha",
    "siblings",
    "subdomain",
    "tags",
    "trendingScore",
    "usedStorage",
  ]),
};

/** Accepted by model info only, refused when listing models (huggingface_hub PR #3182). */
const MODEL_INFO_ONLY = new Set(["baseModels", "childrenModelCount", "usedStorage"]);

/** The info route without `expand` (what huggingface_hub's `model_info` parses). */
const INFO_COMMON = [
  "author",
  "sha",
  "lastModified",
  "createdAt",
  "private",
  "gated",
  "disabled",
  "downloads",
  "likes",
  "tags",
  "siblings",
  "usedStorage",
];
const INFO_FIELDS: Record<RepoType, readonly string[]> = {
  model: [...INFO_COMMON, "modelId"],
  dataset: INFO_COMMON,
  space: [...INFO_COMMON, "sdk", "runtime"],
};

/** A listing's item without `expand`: the fields huggingface.co answers `GET /api/models?...` with. */
const LIST_FIELDS: Record<RepoType, readonly string[]> = {
  model: ["likes", "trendingScore", "private", "downloads", "tags", "createdAt", "modelId"],
  dataset: [
    "author",
    "disabled",
    "gated",
    "lastModified",
    "likes",
    "trendingScore",
    "private",
    "sha",
    "downloads",
    "tags",
    "createdAt",
  ],
  space: ["likes", "trendingScore", "private", "sdk", "tags", "createdAt"],
};

interface Subject {
  repo: Repo;
  commit: Commit;
  /** `blobs=true`: siblings carry size, blobId and lfs. */
  blobs: boolean;
}

const zero = () => 0;
const none = () => [];

/**
 * Every property this server can answer. A property the Hub knows but this server has no data for
 * (cardData, config, safetensors, pipeline_tag...) is left out, as the Hub leaves out a property a
 * repo does not have.
 */
const PROPERTIES: Record<string, (s: Subject) => unknown> = {
  author: ({ repo }) => (repo.id.includes("/") ? repo.id.split("/")[0] : repo.owner),
  sha: ({ commit }) => commit.id,
  lastModified: ({ commit }) => commit.date,
  createdAt: ({ repo }) => repo.createdAt,
  private: ({ repo }) => repo.private,
  gated: ({ repo }) => repo.gated,
  disabled: () => false,
  downloads: zero,
  downloadsAllTime: zero,
  likes: zero,
  trendingScore: zero,
  childrenModelCount: zero,
  tags: none,
  siblings: ({ commit, blobs }) =>
    [...commit.tree.values()]
      .sort((a, b) => (a.path < b.path ? -1 : 1))
      .map((f) => {
        if (!blobs) return { rfilename: f.path };
        const s: Record<string, unknown> = { rfilename: f.path, size: f.size, blobId: f.oid };
        if (f.lfs) s.lfs = { sha256: f.sha256, size: f.size, pointerSize: f.pointerSize };
        return s;
      }),
  usedStorage: ({ commit }) => [...commit.tree.values()].reduce((n, f) => n + f.size, 0),
  modelId: ({ repo }) => repo.id,
  spaces: none,
  models: none,
  datasets: none,
  sdk: () => "static",
  runtime: () => ({ stage: "RUNNING", hardware: { current: null, requested: null } }),
  // The Hub's `{author}-{name}` host name of a Space, lower-cased with `_` and `.` as `-`.
  subdomain: ({ repo }) => repo.id.replace(/[/_.]/g, "-").toLowerCase(),
};

/**
 * The `expand` properties asked for (`expand=` and `expand[]=` alike), undefined when none. On a
 * property the Hub would refuse, answers 400 and returns `false`.
 */
export function parseExpand(call: Call, type: RepoType, listing: boolean): string[] | undefined | false {
  const asked = [...call.query.getAll("expand"), ...call.query.getAll("expand[]")];
  if (asked.length === 0) return undefined;
  const bad = asked.find(
    (p) => !EXPANDABLE[type].has(p) || (listing && type === "model" && MODEL_INFO_ONLY.has(p)),
  );
  if (bad !== undefined) {
    const allowed = [...EXPANDABLE[type]].filter((p) => !(listing && MODEL_INFO_ONLY.has(p)));
    sendError(call.res, 400, `"expand" must be one of [${allowed.join(", ")}] (got "${bad}")`);
    return false;
  }
  return asked;
}

/**
 * The JSON of `repo` at `commit`: `_id` and `id`, then `fields` (the expand list), or the route's
 * default fields: the info route's (`full=true` on a listing asks for those too) or a listing's.
 */
export function repoJson(
  call: Call,
  repo: Repo,
  commit: Commit,
  fields: readonly string[] | undefined,
  route: "info" | "list",
): Record<string, unknown> {
  const subject: Subject = { repo, commit, blobs: isTrue(call.query.get("blobs") ?? undefined) };
  const full = route === "info" || isTrue(call.query.get("full") ?? undefined);
  const out: Record<string, unknown> = {
    _id: createHash("sha1").update(`${repo.type}:${repo.id}`).digest("hex").slice(0, 24),
    id: repo.id,
  };
  for (const field of fields ?? (full ? INFO_FIELDS : LIST_FIELDS)[repo.type]) {
    const value = PROPERTIES[field]?.(subject);
    if (value !== undefined) out[field] = value;
  }
  return out;
}
