/**
 * The shapes the local Hub server is seeded with (the `hub.json` format, also accepted as an object
 * by `createHubServer({ fixture })`) and the shapes it reports (request log, faults).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RepoType } from "../common/repo.js";

export type TokenRole = "read" | "write" | "fineGrained";

export interface TokenSpec {
  /** The token's display name (whoami-v2 `auth.accessToken.displayName`). */
  name: string;
  token: string;
  role: TokenRole;
  /** Fine-grained permissions, e.g. `repo.content.read`, `repo.write`. */
  scopes?: string[];
}

export interface UserSpec {
  name: string;
  fullname?: string;
  email?: string;
  orgs?: string[];
  tokens?: TokenSpec[];
}

export interface OrgSpec {
  name: string;
  fullname?: string;
  members?: string[];
}

/** One file of a commit: exactly one content source, plus `lfs` to store it through LFS. */
export interface FileSpec {
  content?: string;
  base64?: string;
  /** Deterministic pseudo-random bytes: the same seed and size always give the same bytes. */
  generate?: { size: number; seed: string };
  /** A file relative to the data dir (never outside it). */
  file?: string;
  lfs?: boolean;
}

export interface CommitSpec {
  message?: string;
  /** Path -> content; `null` deletes the path. */
  files?: Record<string, FileSpec | null>;
}

export interface RepoSpec {
  id: string;
  type?: RepoType;
  private?: boolean;
  gated?: false | "auto" | "manual";
  /** A user or org; defaults to the repo id's namespace. */
  owner?: string;
  /** Users granted access to a gated repo. */
  grants?: string[];
  /** Users whose access request waits for review. */
  pending?: string[];
  commits?: CommitSpec[];
  /** Branch name -> commit index (-1 = the last commit). Default `{ main: -1 }`. */
  branches?: Record<string, number>;
  tags?: Record<string, number>;
  /** Pull request number -> commit index: served as `refs/pr/N`. */
  pullRequests?: Record<string, number>;
}

/**
 * A trusted publisher (on huggingface.co: a repo's Settings > Trusted Publishers, or a user's CI/CD
 * Access): which CI jobs may exchange an OIDC id token for a short-lived token (RFC 8693), and for
 * what. Only id tokens signed by this server's test issuer are accepted.
 */
export interface TrustedPublisherSpec {
  /**
   * What the exchanged token is for, written as HF_OIDC_RESOURCE names it: a repo (`acme/x`,
   * `datasets/acme/x`, `spaces/acme/x`) for a token that may write to that one repo (read it only,
   * with `readOnly`), or a user name for a read-only token to the gated repos that user was granted
   * (a "CI/CD identity": no private repos, no writes).
   */
  resource: string;
  /**
   * Claims the id token must carry, compared exactly, as the Hub does: e.g.
   * `{"repository": "acme/x", "sub": "repo:acme/x:ref:refs/heads/main"}`. At least one.
   */
  claims: Record<string, string>;
  /** A repo publisher's token may only read the repo. */
  readOnly?: boolean;
  /**
   * The user the token acts as (whoami). Default: the repo's owner when that is a user, or the user
   * of a CI/CD identity. Required for a repo owned by an org.
   */
  user?: string;
}

/**
 * A CI job that may mint id tokens from the test issuer at `GET /_hubkit/oidc/github` (GitHub
 * Actions' id-token endpoint): the bearer it presents (ACTIONS_ID_TOKEN_REQUEST_TOKEN) and the
 * claims of the tokens it gets (GitHub's `repository`, `sub`, `ref`, `workflow`, ...).
 */
export interface OidcRunnerSpec {
  requestToken: string;
  claims: Record<string, string>;
}

export interface HubFixture {
  users?: UserSpec[];
  orgs?: OrgSpec[];
  repos?: RepoSpec[];
  trustedPublishers?: TrustedPublisherSpec[];
  oidcRunners?: OidcRunnerSpec[];
}

export interface RequestLogEntry {
  method: string;
  /** `host:port` of the listener that answered (the Hub or the CDN). */
  host: string;
  /** Which listener answered. */
  server: "hub" | "cdn";
  /** Path and query as received. */
  path: string;
  status: number;
  /** The Range header, when one was sent. */
  range?: string;
  /** Whether an Authorization header arrived (never its value). */
  authorization: boolean;
  /** Epoch milliseconds when the request arrived. */
  time: number;
}

export type FaultKind = "reset" | "500" | "429" | "ignore-range" | "slow" | "stall";

export interface FaultSpec {
  /**
   * Matched against the request path without its query (exact string, or a RegExp). A body fault on
   * an LFS file's `/resolve/` path also applies to the CDN request that the redirect leads to.
   */
  path: string | RegExp;
  kind: FaultKind;
  /** How many requests it hits before it wears off. Default 1. */
  times?: number;
  /** Seconds, for `429`. Default 1. */
  retryAfter?: number;
  /** For `reset` (default: half the body) and `stall` (default 0): bytes sent before the fault. */
  afterBytes?: number;
  /** For `slow`: the body's rate. Default 256 KiB/s. */
  bytesPerSecond?: number;
}

export interface OAuthOptions {
  /** Seconds between polls the client must respect (RFC 8628 `interval`). Default 5. */
  interval?: number;
  /** Seconds a device code stays valid. Default 900. */
  deviceCodeTtl?: number;
  /** Seconds an OAuth access token stays valid. Default 3600. */
  accessTokenTtl?: number;
}

export interface OidcOptions {
  /** Seconds an exchanged token stays valid. Default 3600 (the Hub's one hour). */
  tokenTtl?: number;
  /** Seconds an id token minted at `/_hubkit/oidc/github` stays valid. Default 300. */
  idTokenTtl?: number;
}

/** Where the server reads the time: epoch milliseconds, as `Date.now()` returns them. */
export interface Clock {
  now(): number;
}

export interface HubServerOptions {
  demo?: boolean;
  fixture?: HubFixture;
  /** Reads `DIR/hub.json` (unless `fixture` or `demo` is given); blobs are stored under `DIR/blobs`. */
  dataDir?: string;
  host?: string;
  port?: number;
  cdnHost?: string;
  cdnPort?: number;
  /**
   * Serve https on both listeners with this certificate (PEM; a chain file may follow the leaf with
   * its CA) and key: the URLs become `https://`. The certificate must name both hosts (IP SANs).
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
  oauth?: OAuthOptions;
  oidc?: OidcOptions;
  /** Called with one line per notable event (unknown routes). The server itself never prints. */
  log?: (line: string) => void;
  /** Called after each request is answered. */
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * The server's clock, read for every time it uses: device-code and OAuth-token expiry, the RFC 8628
   * polling interval, OIDC id-token and exchanged-token expiry, signed CDN URLs, access-request
   * times and the request log. Tests pass one they advance, instead of sleeping until something
   * expires. Default: `Date.now()`.
   * @internal
   */
  clock?: Clock;
  /**
   * Sees every request first, once it is in the log (the CDN's too; `entry.server` says which):
   * returns true when it answered the request itself, false to let the routes answer (it may rewrite
   * `req.url` before). For tests that need an answer no fault gives: other bytes, a status, a
   * listing the fixture cannot hold.
   */
  intercept?: (
    req: IncomingMessage,
    res: ServerResponse,
    entry: RequestLogEntry,
  ) => boolean | Promise<boolean>;
}
