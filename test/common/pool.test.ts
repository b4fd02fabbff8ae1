import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { pool } from "../../src/common/pool.js";

describe("pool", () => {
  it("keeps at most `workers` calls in flight and runs every item", async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await pool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await sleep(5);
      inFlight--;
      done.push(n);
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("the first failure aborts the calls in flight, starts no new item, and is thrown after they settle", async () => {
    const started: number[] = [];
    let settled = 0;
    const run = pool([1, 2, 3, 4, 5], 2, async (n, signal) => {
      started.push(n);
      if (n === 1) throw new Error("one failed");
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      await sleep(5);
      settled++;
      throw new Error("aborted too");
    });
    await expect(run).rejects.toThrow("one failed");
    expect(started).toEqual([1, 2]);
    expect(settled).toBe(1);
  });

  it("an empty list is fine, and the caller's abort reaches every call", async () => {
    await pool([], 4, async () => undefined);
    const ac = new AbortController();
    const seen: boolean[] = [];
    const run = pool(
      [1, 2],
      2,
      async (_n, signal) => {
        await sleep(5);
        seen.push(signal.aborted);
      },
      ac.signal,
    );
    ac.abort();
    await run;
    expect(seen).toEqual([true, true]);
  });
});
