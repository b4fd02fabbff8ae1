/**
 * The mirror's memory of what the upstream Hub said a caller may read: per (sha256 of the token,
 * repo, revision) the commit the revision resolved to, for `ttlMs` (default 60 s). Within the TTL a
 * caller the upstream confirmed is served without asking again (a cached HEAD costs no upstream
 * round trip); after it the upstream is asked again, so a token revoked or an access withdrawn
 * upstream is refused at most `ttlMs` later. The token itself is never kept, only its hash; an
 * anonymous caller is the hash of the empty string, a key of its own.
 */
import { createHash } from "node:crypto";
import type { RepoType } from "../common/repo.js";
import type { Clock } from "../server/types.js";

/** How long an access decision of the upstream is trusted (the README's TTL trade-off). */
export const DEFAULT_ACCESS_TTL_MS = 60_000;

export interface AccessGrant {
  /** The 40-hex commit the revision resolved to for this caller. */
  commit: string;
  /** Epoch ms when the upstream confirmed it. */
  at: number;
}

/** sha256 of the token ("" for none), hex: the only form in which a token is remembered. */
export function tokenHash(token: string | undefined): string {
  return createHash("sha256")
    .update(token ?? "")
    .digest("hex");
}

export class AccessCache {
  private readonly grants = new Map<string, AccessGrant>();

  constructor(
    readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  private key(token: string | undefined, type: RepoType, repo: string, revision: string): string {
    return `${tokenHash(token)}\n${type}\n${repo}\n${revision}`;
  }

  /** The grant, while it is younger than the TTL. */
  get(token: string | undefined, type: RepoType, repo: string, revision: string): AccessGrant | undefined {
    const k = this.key(token, type, repo, revision);
    const g = this.grants.get(k);
    if (!g) return undefined;
    if (this.clock.now() - g.at >= this.ttlMs) {
      this.grants.delete(k);
      return undefined;
    }
    return g;
  }

  set(token: string | undefined, type: RepoType, repo: string, revision: string, commit: string): void {
    // Bounded: a busy mirror forgets the oldest decisions first (Map keeps insertion order).
    if (this.grants.size >= 100_000) this.grants.delete(this.grants.keys().next().value as string);
    this.grants.set(this.key(token, type, repo, revision), { commit, at: this.clock.now() });
  }

  /** Forgets a decision the upstream has just contradicted (a 401/403/404 for this caller). */
  drop(token: string | undefined, type: RepoType, repo: string, revision: string): void {
    this.grants.delete(this.key(token, type, repo, revision));
  }
}
