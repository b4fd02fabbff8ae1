/**
 * The shapes the local Hub server is seeded with (the `hub.json` format, also accepted as an object
 * by `createHubServer({ fixture })`) and the shapes it reports (request log, faults).
 */
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

export interface HubFixture {
  users?: UserSpec[];
  orgs?: OrgSpec[];
  repos?: RepoSpec[];
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
  /** Called with one line per notable event (unknown routes). The server itself never prints. */
  log?: (line: string) => void;
  /** Called after each request is answered. */
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * The server's clock, read for every time it uses: device-code and OAuth-token expiry, the RFC 8628
   * polling interval, signed CDN URLs, access-request times and the request log. Tests pass one
   * they advance, instead of sleeping until something expires. Default: `Date.now()`.
   * @internal
   */
  clock?: Clock;
}
