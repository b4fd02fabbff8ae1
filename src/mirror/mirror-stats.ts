/** What `/_hubkit/mirror/stats` reports, per mirror process since it started. */
export interface MirrorStats {
  mirror: true;
  /** File GETs answered from the store without waiting for the upstream. */
  hits: number;
  /** File GETs that had to wait for an upstream fetch (single-flight waiters included). */
  misses: number;
  /** Blobs fetched from the upstream. */
  upstreamFetches: number;
  /** Bytes of blobs fetched from the upstream. */
  upstreamBytes: number;
  /** File bytes sent to callers (with nginx in front: bytes handed to nginx to send). */
  bytesServed: number;
  /** HEAD /resolve asked upstream (access checks), and those the access cache answered. */
  upstreamChecks: number;
  accessCacheHits: number;
  /** Requests answered from the store (or 503) because the upstream did not answer. */
  upstreamDown: number;
  /** How long an access decision is trusted, in seconds. */
  accessTtlSeconds: number;
}

export function emptyStats(ttlMs: number): MirrorStats {
  return {
    mirror: true,
    hits: 0,
    misses: 0,
    upstreamFetches: 0,
    upstreamBytes: 0,
    bytesServed: 0,
    upstreamChecks: 0,
    accessCacheHits: 0,
    upstreamDown: 0,
    accessTtlSeconds: ttlMs / 1000,
  };
}
