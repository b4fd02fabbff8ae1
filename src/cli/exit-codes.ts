import type { HfError } from "../errors.js";

/**
 * The CLI's exit codes, fixed and documented (README "Exit codes"; gh's 0 ok, 1 error, 2 usage).
 * `tls` is curl's for the same failure (CURLE_PEER_FAILED_VERIFICATION, 60: the server's certificate
 * could not be verified), so scripts that already know curl's code recognise it.
 */
export const EXIT = { ok: 0, error: 1, usage: 2, tls: 60, interrupted: 130 } as const;

/**
 * The exit code an error ends the CLI with: 2 for usage errors, 60 for an untrusted TLS certificate,
 * 130 (128 + SIGINT) for an interruption, 1 for everything else.
 *
 * @example exitCodeOf(new HfUsageError("bad flag")) // 2
 */
export function exitCodeOf(e: HfError): number {
  switch (e.code) {
    case "HF_USAGE":
      return EXIT.usage;
    case "HF_TLS":
      return EXIT.tls;
    case "HF_ABORTED":
      return EXIT.interrupted;
    default:
      return EXIT.error;
  }
}
