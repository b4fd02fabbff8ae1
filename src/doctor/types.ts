import type { RepoType } from "../common/repo.js";
import type { Env, HubConfig } from "../config/index.js";

/** ✓ ok, ✗ fail (doctor exits 1), ! warn (worth fixing, not fatal), - skip (not applicable here). */
export type CheckStatus = "ok" | "fail" | "warn" | "skip";

/** One line of `hf doctor`'s report. Never carries a token: only masked forms (`hf_****wxyz`). */
export interface CheckResult {
  /** Stable id, e.g. "path.hf", "token.file-mode"; tests and `--format json` users match on it. */
  id: string;
  status: CheckStatus;
  /** One line: what was found. */
  message: string;
  /** The exact command or URL that fixes it (for fail and warn). */
  remedy?: string | undefined;
  /** Extra lines shown under the message (e.g. file:line of a leaked token, masked). */
  details?: string[] | undefined;
  /** Machine-readable facts for `--format json`. */
  data?: Record<string, unknown> | undefined;
}

/** What every check receives. Tests build one over a temp HOME, a temp git repo and a local Hub. */
export interface DoctorContext {
  config: HubConfig;
  /** The env the CLI runs with (PATH, HOME, proxies, git variables); `config.env` as a rule. */
  env: Env;
  cwd: string;
  /** `hf doctor REPO_ID`: the repo whose access is checked. */
  repo?: { id: string; type: RepoType } | undefined;
  /** Bound for each subprocess and request a check makes (ms). */
  timeoutMs?: number | undefined;
  /** Current time (ms since epoch), injectable for expiry tests. */
  now?: number | undefined;
}

/** A check: small, independent, never throws for an expected condition (the runner catches the rest). */
export type Check = (ctx: DoctorContext) => Promise<CheckResult | CheckResult[]>;

export const ok = (id: string, message: string, data?: Record<string, unknown>): CheckResult => ({
  id,
  status: "ok",
  message,
  data,
});
/** A result that needs action: what is wrong, and the command or URL that fixes it. */
const withRemedy =
  (status: "fail" | "warn") =>
  (id: string, message: string, remedy?: string, extra: Partial<CheckResult> = {}): CheckResult => ({
    id,
    status,
    message,
    remedy,
    ...extra,
  });
export const fail = withRemedy("fail");
export const warn = withRemedy("warn");
export const skip = (id: string, message: string): CheckResult => ({ id, status: "skip", message });
