/**
 * The generation counter behind `resolveToken`'s per-process memo. Every function that writes the
 * token files bumps it, so a lookup after `hf auth login` (in the same process) reads the new files.
 * A separate module so the store and the resolver do not import each other.
 */
let generation = 0;

/** Forgets every memoized token lookup. */
export function clearTokenCache(): void {
  generation++;
}

/** The current generation, part of the memo key. */
export function tokenCacheGeneration(): number {
  return generation;
}
