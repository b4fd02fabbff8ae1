import { checkCache } from "./cache-check.js";
import { checkDotEnv } from "./dotenv-check.js";
import { checkGitCredential } from "./git-credential.js";
import { checkEndpoint, checkOffline, checkProxy } from "./network-check.js";
import { checkHfOnPath } from "./path-check.js";
import { checkRepoAccess } from "./repo-check.js";
import { checkCaBundle, checkTls } from "./tls-check.js";
import { checkTokenExpiry, checkTokenSource, checkTokenValid } from "./token-check.js";
import { checkStoredTokens, checkTokenFileMode } from "./token-files.js";
import { checkTokenLeaks } from "./token-leaks.js";
import type { Check, CheckResult, CheckStatus, DoctorContext } from "./types.js";

/** A named check, as `hf doctor` runs it. */
export interface DoctorCheck {
  /** Section of the report the check belongs to. */
  group: string;
  run: Check;
}

/**
 * Every check of `hf doctor`, in report order: the guide's troubleshooting and security sections,
 * one small function each. The repo checks only run with a REPO_ID.
 */
export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  { group: "install", run: checkHfOnPath },
  { group: "token", run: checkTokenSource },
  { group: "token", run: checkTokenValid },
  { group: "token", run: checkTokenExpiry },
  { group: "token", run: checkTokenFileMode },
  { group: "token", run: checkStoredTokens },
  { group: "git", run: checkGitCredential },
  { group: "cache", run: checkCache },
  { group: "network", run: checkOffline },
  { group: "network", run: checkEndpoint },
  { group: "network", run: checkProxy },
  { group: "network", run: checkCaBundle },
  { group: "network", run: checkTls },
  { group: "security", run: checkDotEnv },
  { group: "security", run: checkTokenLeaks },
  { group: "repo", run: checkRepoAccess },
];

export interface DoctorReport {
  checks: CheckResult[];
  summary: Record<CheckStatus, number>;
  /** 1 when any check failed, else 0 (`hf doctor`'s exit code). */
  exitCode: number;
}

/** Bound for one whole check (its own subprocesses and requests have tighter bounds). */
const CHECK_TIMEOUT_MS = 30_000;

async function runOne(check: DoctorCheck, ctx: DoctorContext): Promise<CheckResult[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult[]>((resolve) => {
    timer = setTimeout(
      () =>
        resolve([
          {
            id: `${check.group}.${check.run.name}`,
            status: "fail",
            message: `check did not finish in ${CHECK_TIMEOUT_MS / 1000} s`,
          },
        ]),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    const r = await Promise.race([check.run(ctx).then((x) => (Array.isArray(x) ? x : [x])), timeout]);
    return r;
  } catch (e) {
    // An unexpected error is a failed check, not a crashed doctor.
    return [
      {
        id: `${check.group}.${check.run.name.replace(/^check/, "").toLowerCase()}`,
        status: "fail",
        message: `check failed unexpectedly: ${(e as Error)?.message ?? String(e)}`,
        remedy: (e as { remedy?: string })?.remedy,
      },
    ];
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the checks concurrently (they are independent) and reports them in list order with a
 * summary. Never throws; never prints.
 *
 * @example
 * const report = await runDoctor({ config: readConfig(process.env), env: process.env, cwd: process.cwd() });
 * for (const c of report.checks) console.log(c.status, c.message);
 */
export async function runDoctor(
  ctx: DoctorContext,
  checks: readonly DoctorCheck[] = DOCTOR_CHECKS,
): Promise<DoctorReport> {
  const results = (await Promise.all(checks.map((c) => runOne(c, ctx)))).flat();
  const summary: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const r of results) summary[r.status]++;
  return { checks: results, summary, exitCode: summary.fail > 0 ? 1 : 0 };
}

const SYMBOL: Record<CheckStatus, string> = { ok: "✓", fail: "✗", warn: "!", skip: "-" };

/**
 * The human report: one `✓ / ✗ / ! / -` line per result, details and the remedy (`→ fix: ...`)
 * indented under it, then a summary line.
 *
 * @example formatDoctorReport(report).join("\n")
 */
export function formatDoctorReport(
  report: DoctorReport,
  paint: (color: "green" | "red" | "yellow" | "gray", text: string) => string = (_c, t) => t,
): string[] {
  const color = { ok: "green", fail: "red", warn: "yellow", skip: "gray" } as const;
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${paint(color[c.status], SYMBOL[c.status])} ${c.message}`);
    for (const d of c.details ?? []) lines.push(`    ${d}`);
    if (c.remedy && (c.status === "fail" || c.status === "warn")) lines.push(`    → fix: ${c.remedy}`);
  }
  const s = report.summary;
  lines.push(
    "",
    `${s.ok} ok, ${s.warn} warning${s.warn === 1 ? "" : "s"}, ${s.fail} failed${s.skip ? `, ${s.skip} skipped` : ""}`,
  );
  return lines;
}
