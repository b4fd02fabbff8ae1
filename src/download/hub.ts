import { constants, promises as fsp } from "node:fs";
import { dirname, resolve } from "node:path";
import { describeTokenSource, resolveToken, type TokenSource } from "../auth/resolve-token.js";
import type { RepoType } from "../common/repo.js";
import { defaultConfig, type HubConfig } from "../config/index.js";
import { GatedRepoError, HfError, NotWritableError, RepoNotFoundError } from "../errors.js";
import { createHubClient, type HubClient } from "../http/hub-client.js";
import type { CommonDownloadOptions } from "./types.js";

export interface DownloadContext {
  config: HubConfig;
  client: HubClient;
  repoType: RepoType;
  cacheDir: string;
  /** Folders already created during this call. */
  madeDirs: Set<string>;
  /** One-line warnings (symlinks unsupported...). */
  onWarning?: ((message: string) => void) | undefined;
}

export async function createDownloadContext(o: CommonDownloadOptions): Promise<DownloadContext> {
  const config = o.config ?? o.client?.config ?? defaultConfig();
  const repoType = o.repoType ?? "model";
  // Python: Path(cache_dir).expanduser().resolve(), so symlinks in the cache path are resolved
  // before symlink targets are computed.
  const rawCache = resolve(o.cacheDir ?? config.hubCache);
  const cacheDir = await fsp.realpath(rawCache).catch(() => rawCache);
  const base = {
    config,
    repoType,
    cacheDir,
    madeDirs: new Set<string>(),
    onWarning: o.onWarning,
  };
  if (o.client) return { ...base, client: o.client };
  let token: string | undefined;
  let tokenSource: TokenSource | undefined;
  // Offline sends nothing, so there is no token to look up (and no OAuth refresh to attempt).
  if (!config.offline) {
    const r = await resolveToken({ token: o.token, onWarning: o.onWarning, config });
    token = r?.token;
    // An explicit token is named as the caller gave it (the CLI's "--token argument").
    tokenSource =
      r?.source.kind === "argument"
        ? { kind: "argument", label: o.tokenSourceLabel ?? "token argument" }
        : r?.source;
  }
  return { ...base, client: createHubClient({ config, token, tokenSource, retry: o.retry }) };
}

/**
 * Adds what the HTTP layer cannot know to a repo error: whether the same id exists as a dataset
 * (one extra HEAD /api/datasets/<id>), and who the token belongs to on a gated repo (one
 * /api/whoami-v2). Best effort: the original error is returned when the lookups fail.
 */
export async function explainRepoError(e: unknown, ctx: DownloadContext, repoId: string): Promise<unknown> {
  if (!(e instanceof HfError) || ctx.config.offline) return e;
  try {
    if (e instanceof RepoNotFoundError && ctx.repoType !== "dataset") {
      const res = await ctx.client.request({
        method: "HEAD",
        url: `/api/datasets/${repoId}`,
        throwOnError: false,
        retry: false,
      });
      await res.dump();
      if (res.status === 200) {
        return new RepoNotFoundError(`${e.message}. A dataset with this id exists`, {
          status: e.status,
          url: e.url,
          requestId: e.requestId,
          repoId,
          repoType: ctx.repoType,
          cause: e,
          remedy: 'pass repoType: "dataset"',
          data: { ...e.data, suggestedRepoType: "dataset" },
        });
      }
    }
    if (e instanceof GatedRepoError && ctx.client.hasToken) {
      const res = await ctx.client.request({ url: "/api/whoami-v2", throwOnError: false, retry: false });
      if (res.status === 200) {
        const me = await res.json<{ name?: string }>();
        if (me.name) {
          const web = `${ctx.config.endpoint}/${ctx.repoType === "model" ? "" : `${ctx.repoType}s/`}${repoId}`;
          const src = ctx.client.tokenSource
            ? `token from ${describeTokenSource(ctx.client.tokenSource)}, `
            : "";
          return new GatedRepoError(
            `${repoId} is gated: request access at ${web}, then retry (${src}user ${me.name})`,
            { status: e.status, url: e.url, repoId, repoType: ctx.repoType, cause: e, remedy: web },
          );
        }
      } else {
        await res.dump();
      }
    }
  } catch {
    // keep the original error
  }
  return e;
}

/** The nearest existing folder at or above `dir`. */
async function existingAncestor(dir: string): Promise<string> {
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      await fsp.stat(d);
      return d;
    } catch {
      if (dirname(d) === d) return d;
    }
  }
}

/**
 * Turns a file-system failure into `NotWritableError` when its cause is that the cache (or
 * `localDir`, or the folder it would be made in) cannot be written: a read-only mount (a cache
 * baked into an image) or missing permissions. Anything else is returned as is.
 */
export async function explainNotWritable(
  e: unknown,
  ctx: DownloadContext,
  localDir: string | undefined,
): Promise<unknown> {
  const what = localDir === undefined ? "cache folder" : "local folder";
  const dir = localDir ?? ctx.cacheDir;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (e instanceof HfError || !code || !["EROFS", "EACCES", "EPERM", "ENOENT"].includes(code)) return e;
  const at = await existingAncestor(dir);
  try {
    await fsp.access(at, constants.W_OK);
    return e;
  } catch (probe) {
    const why =
      (probe as NodeJS.ErrnoException).code === "EROFS" ? "a read-only file system" : "permission denied";
    return new NotWritableError(`The ${what} ${dir} cannot be written (${why}).`, {
      cause: e,
      remedy:
        localDir === undefined
          ? "point HF_HUB_CACHE (or `cacheDir`) at a writable folder, or download into one with `localDir`; files already cached are read with HF_HUB_OFFLINE=1"
          : "choose a writable folder for `localDir`",
      data: { reason: localDir === undefined ? "cache-not-writable" : "local-dir-not-writable", path: dir },
    });
  }
}
