import type { HfError } from "../errors.js";

/** The CLI's exit codes, fixed and documented (README "Exit codes"; gh's 0 ok, 1 error, 2 usage). */
export const EXIT = { ok: 0, error: 1, usage: 2, interrupted: 130 } as const;

/**
 * The exit code an error ends the CLI with: 2 for usage errors, 130 (128 + SIGINT) for an
 * interruption, 1 for everything else.
 *
 * @example exitCodeOf(new HfUsageError("bad flag")) // 2
 */
export function exitCodeOf(e: HfError): number {
  return e.code === "HF_USAGE" ? EXIT.usage : e.code === "HF_ABORTED" ? EXIT.interrupted : EXIT.error;
}
