/**
 * A provider whose answer is remembered: every call gets the same promise until the answer expires.
 * `forceRefresh` looks again at once (still shared with concurrent callers).
 */
export type MemoizedProvider<T> = (options?: { forceRefresh?: boolean }) => Promise<T>;

/**
 * aws-sdk's `memoize(provider, isExpired, requiresRefresh)` (`@smithy/property-provider`): the
 * provider runs once and its answer is reused; concurrent callers share the one lookup in flight
 * (so two downloads starting together cause one OIDC exchange, as Python's lock does); a rejection
 * is not remembered, so the next call tries again. With `isExpired`, an answer for which
 * `requiresRefresh` holds (default: every answer) and `isExpired` then says true is looked up again
 * on the next call. Expiry is data of the answer, not a timer: an OIDC token that expires and a
 * token file that is re-read for OAuth refresh are both only an `isExpired`.
 *
 * @example
 * const token = memoize(fromOidc(config), (r) => Date.now() >= (r.staleAt ?? Infinity));
 * await token(); // exchanges
 * await token(); // the same answer, until it is stale
 */
export function memoize<T>(
  provider: () => Promise<T>,
  isExpired?: (value: T) => boolean,
  requiresRefresh: (value: T) => boolean = () => true,
): MemoizedProvider<T> {
  let pending: Promise<T> | undefined;
  // The last lookup that succeeded: its value, and its promise (handed out again while fresh).
  let settled: { value: T; promise: Promise<T> } | undefined;

  const lookup = (): Promise<T> => {
    if (pending) return pending;
    const run: Promise<T> = provider().then(
      (value) => {
        settled = { value, promise: run };
        if (pending === run) pending = undefined;
        return value;
      },
      (e: unknown) => {
        if (pending === run) pending = undefined;
        throw e;
      },
    );
    pending = run;
    return run;
  };

  return (options = {}) => {
    if (options.forceRefresh || !settled) return lookup();
    if (pending) return pending;
    const { value, promise } = settled;
    if (isExpired && requiresRefresh(value) && isExpired(value)) return lookup();
    return promise;
  };
}
