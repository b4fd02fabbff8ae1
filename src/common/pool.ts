/**
 * Runs `fn` over `items` with at most `workers` calls in flight, in order of `items`. The first
 * failure stops the rest: no new item starts, the `signal` handed to the calls in flight aborts,
 * and that first error is thrown once they have settled (so nothing keeps running behind the
 * caller's back). An abort of `signal` reaches every call too.
 *
 * @example
 * await pool(files, 8, async (f, signal) => download(f, { signal }), options.signal);
 */
export async function pool<T>(
  items: readonly T[],
  workers: number,
  fn: (item: T, signal: AbortSignal) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const stop = new AbortController();
  const combined = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  let next = 0;
  let firstError: unknown;
  let failed = false;
  const run = async () => {
    while (next < items.length && !failed) {
      const item = items[next++] as T;
      try {
        await fn(item, combined);
      } catch (e) {
        if (!failed) {
          failed = true;
          firstError = e;
        }
        stop.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, items.length)) }, run));
  if (failed) throw firstError;
}
