/**
 * Fault hooks for reliability tests: each fault matches a request path and wears off after `times`
 * hits. Status faults (500, 429) replace the whole response; body faults (reset, ignore-range, slow,
 * stall) change how a body is sent and are consumed only by requests that send one (not HEAD).
 */
import type { FaultKind, FaultSpec } from "./types.js";

export const STATUS_FAULTS: readonly FaultKind[] = ["500", "429"];
export const BODY_FAULTS: readonly FaultKind[] = ["reset", "ignore-range", "slow", "stall"];

interface ActiveFault {
  spec: FaultSpec;
  left: number;
}

export class FaultList {
  private list: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    this.list.push({ spec, left: spec.times ?? 1 });
  }

  clear(): void {
    this.list = [];
  }

  get size(): number {
    return this.list.length;
  }

  /** The first live fault of one of `kinds` matching any of `paths`; consumes one use. */
  take(paths: string[], kinds: readonly FaultKind[]): FaultSpec | undefined {
    for (const f of this.list) {
      if (f.left <= 0 || !kinds.includes(f.spec.kind)) continue;
      const p = f.spec.path;
      if (paths.some((path) => (typeof p === "string" ? p === path : p.test(path)))) {
        f.left -= 1;
        if (f.left <= 0) this.list = this.list.filter((x) => x !== f);
        return f.spec;
      }
    }
    return undefined;
  }
}

const KINDS = new Set<FaultKind>(["reset", "500", "429", "ignore-range", "slow", "stall"]);

/**
 * Parses the CLI's `--fault KIND[xN]:PATH` (e.g. `500:/acme/tiny-model/resolve/main/config.json`,
 * `429x3:/api/models/acme/tiny-model`); returns undefined when it is not one.
 *
 * @example parseFaultSpec("reset:/x") // { kind: "reset", path: "/x", times: 1 }
 */
export function parseFaultSpec(text: string): FaultSpec | undefined {
  const m = /^(reset|500|429|ignore-range|slow|stall)(?:x(\d+))?:(\/.*)$/.exec(text);
  if (!m || !KINDS.has(m[1] as FaultKind)) return undefined;
  return { kind: m[1] as FaultKind, path: m[3] as string, times: m[2] ? Number(m[2]) : 1 };
}
