import type { TokenSource } from "../common/token-source.js";
import {
  AuthInvalidError,
  CacheError,
  DiskFullError,
  ForbiddenError,
  GatedRepoError,
  HfConfigError,
  type HfError,
  HfUsageError,
  IntegrityError,
  LocalEntryNotFoundError,
  NotLoggedInError,
  NotWritableError,
  RateLimitedError,
  RepoNotFoundError,
  RevisionNotFoundError,
} from "../errors.js";

/**
 * How the CLI words a library error: one table from error class (and the reason and facts in its
 * `data`) to the message and remedy the terminal shows, naming commands and flags where the library
 * says options (`revision`, `repoType: "dataset"`, `forceDownload: true`). huggingface_hub's
 * `cli/_errors.py::CLI_ERROR_MAPPINGS` is the model: subclasses first, the first match wins, and a
 * formatter that returns nothing leaves the library's words as they are. Errors the CLI raises
 * itself already speak its language and match no entry.
 */
export interface CliWording {
  message?: string | undefined;
  remedy?: string | undefined;
}

type ErrorClass = abstract new (...args: never[]) => HfError;

export interface CliErrorMapping {
  type: ErrorClass;
  word(e: HfError): CliWording | undefined;
}

/** What the CLI says when no token is found (README "Troubleshooting"). */
export const NOT_LOGGED_IN = "Not logged in. Run `hf auth login` or set HF_TOKEN";

/** "HF_TOKEN" when a token came from that variable. */
function envVarOf(tokenSource: TokenSource | undefined): string | undefined {
  return tokenSource?.kind === "env" ? tokenSource.name : undefined;
}

/** A token that does not work: a variable to set (a login would not win over it), else a new login. */
function replaceToken(tokenSource: TokenSource | undefined): string {
  // A new login would not win over HF_OIDC_RESOURCE: the next run exchanges again.
  if (tokenSource?.kind === "oidc")
    return "run it again (a new OIDC exchange), or unset HF_OIDC_RESOURCE to use another token";
  const env = envVarOf(tokenSource);
  return env ? `set ${env} to a valid token (or unset it and run: hf auth login)` : "hf auth login --force";
}

/** `hf download org/name [file] [--repo-type T] [--revision R]`: the command that fetches it. */
function downloadCommand(e: HfError): string {
  const type = e.repoType && e.repoType !== "model" ? ` --repo-type ${e.repoType}` : "";
  const rev = e.data.revision && e.data.revision !== "main" ? ` --revision ${e.data.revision}` : "";
  return `hf download ${e.repoId}${e.data.filename ? ` ${e.data.filename}` : ""}${type}${rev}`;
}

/** Words for the `data.reason`s one class can carry. */
function byReason(words: Record<string, (e: HfError) => CliWording>): (e: HfError) => CliWording | undefined {
  return (e) => (e.data.reason === undefined ? undefined : words[e.data.reason]?.(e));
}

export const CLI_ERROR_MAPPINGS: readonly CliErrorMapping[] = [
  {
    type: NotLoggedInError,
    // No url: no token was found here. A url: the server asked for one (401).
    word: (e) =>
      e.url === undefined
        ? { message: NOT_LOGGED_IN, remedy: "hf auth login" }
        : { remedy: "hf auth login  (or export HF_TOKEN=...)" },
  },
  {
    type: AuthInvalidError,
    word: (e) =>
      e.data.reason === "empty-token"
        ? { remedy: "hf auth login" }
        : e.data.tokenSent
          ? { remedy: replaceToken(e.data.tokenSource) }
          : undefined,
  },
  {
    type: ForbiddenError,
    word: (e) =>
      e.data.tokenSent === false
        ? { remedy: "hf auth login" }
        : e.data.tokenSent
          ? {
              remedy: `use a token with the needed permissions (${e.data.endpoint}/settings/tokens): ${replaceToken(e.data.tokenSource)}`,
            }
          : undefined,
  },
  {
    type: GatedRepoError,
    word: (e) =>
      e.data.tokenSent === false
        ? { remedy: `hf auth login  (then request access at ${e.data.repoUrl ?? e.data.endpoint})` }
        : undefined,
  },
  {
    type: RepoNotFoundError,
    word: (e) => {
      const other = e.data.suggestedRepoType;
      if (other) {
        return {
          message: `${e.message}: did you mean --repo-type ${other}?`,
          remedy: `hf download ${e.repoId} --repo-type ${other}`,
        };
      }
      if (e.data.tokenSent === undefined) return undefined;
      if (!e.data.tokenSent) return { remedy: "hf auth login" };
      const typeHint =
        e.repoType === "model" ? " (for a dataset or space pass --repo-type dataset|space)" : "";
      const source = e.data.tokenSource;
      const env = envVarOf(source);
      const swap =
        source?.kind === "oidc"
          ? `the OIDC token reaches only HF_OIDC_RESOURCE=${source.resource}: set it to this repo (with a trusted publisher for it)`
          : env
            ? `set ${env} to a token that can see it`
            : "log in with a token that can see it: hf auth login --force";
      return { remedy: `check the repo id${typeHint}; for a private repo, ${swap}` };
    },
  },
  {
    type: RevisionNotFoundError,
    word: (e) =>
      e.data.tokenSent === undefined
        ? undefined
        : {
            remedy: e.data.repoUrl
              ? `see the branches and tags at ${e.data.repoUrl}/tree/main, then pass an existing --revision`
              : "pass an existing --revision",
          },
  },
  {
    type: RateLimitedError,
    word: (e) => {
      if (e.data.tokenSent !== false) return undefined;
      const s = (e as RateLimitedError).retryAfterSeconds;
      const wait = s !== undefined ? `wait ${s} s and retry` : "wait a minute and retry";
      return { remedy: `${wait}; logged-in users get higher limits: hf auth login` };
    },
  },
  {
    type: LocalEntryNotFoundError,
    word: byReason({
      "not-cached": (e) => ({
        remedy: e.data.offline
          ? `unset HF_HUB_OFFLINE (or drop --offline), then: ${downloadCommand(e)}`
          : `check your connection, then: ${downloadCommand(e)}`,
      }),
    }),
  },
  {
    type: NotWritableError,
    word: byReason({
      "cache-not-writable": () => ({
        remedy:
          "point HF_HUB_CACHE (or --cache-dir) at a writable folder, or download into one with --local-dir DIR; files already cached are read with HF_HUB_OFFLINE=1",
      }),
      "local-dir-not-writable": () => ({ remedy: "choose a writable folder for --local-dir" }),
    }),
  },
  {
    type: DiskFullError,
    word: () => ({
      remedy: "free some disk space (hf cache prune removes leftovers), then re-run the same command",
    }),
  },
  {
    type: IntegrityError,
    word: byReason({
      "inconsistent-ranges": () => ({ remedy: "retry later, or run with --force-download" }),
      "size-mismatch": () => ({ remedy: "retry the download (add --force-download if it keeps failing)" }),
    }),
  },
  {
    type: CacheError,
    word: byReason({
      "cache-dir-missing": () => ({
        remedy:
          "pass --cache-dir, or set HF_HUB_CACHE to the folder that holds the models--*/datasets--* folders",
      }),
      "cache-dir-is-file": () => ({ remedy: "pass --cache-dir with a folder, or set HF_HUB_CACHE" }),
      "repo-not-cached": (e) => ({ remedy: `${downloadCommand(e)}  (or pass --local-dir)` }),
      "revision-not-cached": (e) => ({
        remedy: `hf cache ls --revisions  (to see the cached revisions of ${e.repoType}/${e.repoId})`,
      }),
      "revision-unknown": () => ({
        remedy: "hf cache ls --revisions  (then pass one of the listed commits or refs)",
      }),
      "revision-ambiguous": () => ({
        message:
          "Ambiguous cached revision: multiple snapshots found and no refs to disambiguate. Please pass --revision.",
        remedy: "hf cache ls --revisions  (then hf cache verify REPO_ID --revision <commit>)",
      }),
      "no-revision": () => ({
        remedy: "hf cache ls --revisions  (then hf cache verify REPO_ID --revision <commit>)",
      }),
      "local-dir-missing": (e) => ({ remedy: `hf download ${e.repoId} --local-dir ${e.data.path}` }),
    }),
  },
  {
    type: HfConfigError,
    word: byReason({
      "token-file-unreadable": (e) => ({
        remedy: `chmod 600 ${e.data.path}  (or log in again: hf auth login --force)`,
      }),
      "token-file-broken": (e) => ({ remedy: `rm -r ${e.data.path} && hf auth login` }),
      "env-file-unreadable": () => ({ remedy: "check the path given to --env-file" }),
    }),
  },
  {
    type: HfUsageError,
    word: byReason({
      "invalid-repo-id": () => ({
        remedy:
          "repo ids look like 'namespace/repo_name' (e.g. acme/tiny-model); use --repo-type for datasets",
      }),
      "unknown-token-name": (e) => ({ remedy: e.data.choices?.length ? "hf auth list" : "hf auth login" }),
      // hf cache rm's targets (cache/removal-targets.ts), in Python's words.
      "target-revision": (e) => ({
        message: "Revisions in hf:// URIs are not supported by `hf cache rm`.",
        remedy: e.data.filename
          ? "drop '@<revision>' to delete the file from all cached revisions"
          : "pass the revision hash instead, see 'hf cache ls --revisions'",
      }),
      "target-bucket": () => ({ message: "Only repository hf:// URIs are supported by `hf cache rm`." }),
      "targets-mixed": () => ({
        remedy: "run 'hf cache rm' once for the files and once for the repos or revisions",
      }),
    }),
  },
];

/**
 * The message and remedy the CLI prints for `e`: the first mapping whose class matches and that has
 * words for it, over the library's own.
 *
 * @example describeForCli(new NotLoggedInError()) // { message: NOT_LOGGED_IN, remedy: "hf auth login" }
 */
export function describeForCli(e: HfError): { message: string; remedy: string | undefined } {
  for (const m of CLI_ERROR_MAPPINGS) {
    if (!(e instanceof m.type)) continue;
    const w = m.word(e);
    if (w) return { message: w.message ?? e.message, remedy: w.remedy ?? e.remedy };
  }
  return { message: e.message, remedy: e.remedy };
}
