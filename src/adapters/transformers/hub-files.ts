import { stat } from "node:fs/promises";
import { basename, join } from "node:path";
import {
  CACHED_NO_EXIST,
  type DownloadEvent,
  downloadFile,
  getFileMetadata,
  type HubConfig,
  isCommitHash,
  parseRepoFromUrl,
  readRef,
  repoPaths,
  tryToLoadFromCache,
} from "../../index.js";

/** One file of a model repo, as named by a `/resolve/` URL under the endpoint. */
export interface HubFile {
  repoId: string;
  /** As transformers.js passed it (URL-decoded): a branch, tag or commit. */
  revision: string;
  filename: string;
}

/** What the cache says without a request: the snapshot path, known absent, or nothing known. */
export type CacheAnswer = { kind: "file"; path: string } | { kind: "absent" } | undefined;

export interface HubFilesOptions {
  config: HubConfig;
  token?: string | false | undefined;
  onProgress?: ((event: DownloadEvent) => void) | undefined;
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * How long the commit a branch or tag resolved to is trusted without asking the Hub again: one
 * model load. Python transformers resolves the revision once per `from_pretrained` and looks every
 * other file up at that commit (`_commit_hash`, including `.no_exist/`); transformers.js gives a
 * cache no call boundaries, so a short window stands in for one call, and a long-running process
 * still sees a branch move.
 */
export const COMMIT_TRUST_MS = 30_000;

export interface HubFiles {
  readonly config: HubConfig;
  /** The file a URL names, or undefined when it is not a model `/resolve/` URL of the endpoint. */
  parse(url: string): HubFile | undefined;
  /** The cache's answer at the revision's trusted commit (offline: through refs/), no request. */
  lookup(file: HubFile): Promise<CacheAnswer>;
  /**
   * The file downloaded into the hub cache (verified, resumable, locked): its snapshot path, or
   * undefined when it does not exist (online: EntryNotFound; offline: absent from a cached
   * revision) and `required` is false. Other failures throw hubkit's errors.
   */
  download(
    file: HubFile,
    o: { required: boolean; onBytes?: (e: DownloadEvent) => void },
  ): Promise<string | undefined>;
  /** Size from one HEAD (no download), undefined when the file does not exist. Online only. */
  probe(file: HubFile): Promise<{ size: number | undefined } | undefined>;
}

/**
 * The hub-cache side of the transformers.js adapter: turns `/resolve/` URLs into hubkit lookups and
 * downloads, and remembers for COMMIT_TRUST_MS which commit each branch or tag resolved to, so that
 * one model load costs one request when cached and an absent optional file is not asked for again.
 *
 * @example
 * const files = createHubFiles({ config: readConfig(process.env) });
 * const file = files.parse(`${config.endpoint}/acme/x/resolve/main/config.json`);
 */
export function createHubFiles(options: HubFilesOptions): HubFiles {
  const { config } = options;
  const endpointOrigin = new URL(config.endpoint).origin.toLowerCase();
  const endpointPath = new URL(config.endpoint).pathname.replace(/\/+$/, "");
  const trusted = new Map<string, { commit: string; at: number }>();
  const keyOf = (f: HubFile) => `${f.repoId}\0${f.revision}`;
  const common = {
    config,
    token: options.token,
    tokenSourceLabel: "token passed to useHubkit",
    onWarning: options.onWarning,
  };

  const trust = (f: HubFile, commit: string) => {
    if (!isCommitHash(f.revision)) trusted.set(keyOf(f), { commit, at: Date.now() });
  };
  /** The commit to look files up at: a commit as is, else the one the branch/tag resolved to a moment ago. */
  const trustedCommit = (f: HubFile): string | undefined => {
    if (isCommitHash(f.revision)) return f.revision;
    const t = trusted.get(keyOf(f));
    return t && Date.now() - t.at < COMMIT_TRUST_MS ? t.commit : undefined;
  };
  /** After a not-found: hubkit just wrote refs/<revision> from the answer's X-Repo-Commit. */
  const trustRef = async (f: HubFile) => {
    const commit = await readRef(repoPaths(config.hubCache, f.repoId), f.revision);
    if (commit) trust(f, commit);
  };
  const isNotFound = (e: unknown) => (e as { code?: string })?.code === "HF_ENTRY_NOT_FOUND";

  return {
    config,

    parse(url) {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return undefined;
      }
      if (u.origin.toLowerCase() !== endpointOrigin) return undefined;
      if (!u.pathname.startsWith(`${endpointPath}/`) || u.pathname.startsWith(`${endpointPath}/api/`)) {
        return undefined;
      }
      // transformers.js builds `{remoteHost}{model}/resolve/{encodeURIComponent(revision)}/{file}`
      // (hub.js:139-145); the one /resolve/ parser decodes the revision and the path.
      const info = parseRepoFromUrl(u.href, config.endpoint);
      if (info?.type !== "model" || info.revision === undefined || !info.path) return undefined;
      return { repoId: info.id, revision: info.revision, filename: info.path };
    },

    async lookup(f) {
      // Offline, refs/ is the truth (as for `hf download --offline`); online, only a commit seen a
      // moment ago is, so a branch that moved is noticed.
      const revision = config.offline ? f.revision : trustedCommit(f);
      if (revision === undefined) return undefined;
      const hit = await tryToLoadFromCache({ repoId: f.repoId, filename: f.filename, revision, config });
      if (hit === CACHED_NO_EXIST) return { kind: "absent" };
      return hit === undefined ? undefined : { kind: "file", path: hit };
    },

    async download(f, o) {
      const onProgress = (e: DownloadEvent) => {
        options.onProgress?.(e);
        o.onBytes?.(e);
      };
      try {
        const path = await downloadFile({
          ...common,
          repoId: f.repoId,
          filename: f.filename,
          // The revision as asked, so refs/<revision> is written as by `hf download` and Python
          // (a download costs one HEAD either way).
          revision: f.revision,
          onProgress,
        });
        // snapshots/<commit>/<filename>: the commit this revision resolved to.
        trust(f, basename(path.slice(0, path.length - f.filename.length - 1)));
        return path;
      } catch (e) {
        if (o.required) throw e;
        if (isNotFound(e)) {
          await trustRef(f);
          return undefined;
        }
        // Offline and not cached: absent when the revision itself is cached (a file the run that
        // filled the cache never needed: an optional one, most likely); otherwise nothing of that
        // revision was ever downloaded, and hubkit's error says how to fix it.
        if (config.offline && (await revisionCached(f))) return undefined;
        throw e;
      }
    },

    async probe(f) {
      try {
        const meta = await getFileMetadata({
          ...common,
          repoId: f.repoId,
          filename: f.filename,
          revision: f.revision,
        });
        trust(f, meta.commit);
        return { size: meta.size };
      } catch (e) {
        if (!isNotFound(e)) throw e;
        await trustRef(f);
        return undefined;
      }
    },
  };

  /** Whether the cache holds a snapshot of the revision (refs/ resolved, or the commit itself). */
  async function revisionCached(f: HubFile): Promise<boolean> {
    const paths = repoPaths(config.hubCache, f.repoId);
    const commit = isCommitHash(f.revision) ? f.revision : await readRef(paths, f.revision);
    if (commit === undefined) return false;
    return stat(join(paths.snapshots, commit)).then(
      (s) => s.isDirectory(),
      () => false,
    );
  }
}
