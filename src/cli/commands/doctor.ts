import { Command, Option } from "commander";
import { isRepoType, REPO_TYPES, type RepoType } from "../../common/repo.js";
import { type DoctorReport, formatDoctorReport, runDoctor } from "../../doctor/run-doctor.js";
import { validateRepoId } from "../../download/validators.js";
import { HfUsageError } from "../../errors.js";
import type { CliContext } from "../context.js";
import type { View } from "../exporter.js";

export interface DoctorOptions {
  repoId?: string | undefined;
  repoType?: string | undefined;
}

/**
 * `hf doctor [REPO_ID] [--repo-type T]`: runs every check of the guide's troubleshooting and
 * security sections and prints ✓ / ✗ / ! per finding with the exact fix, then a summary. Exit 1 when
 * any check fails (warnings do not fail it), so CI can run it.
 */
export function createCommand(ctx: CliContext): Command {
  return new Command("doctor")
    .description("Check the installation, token, git credentials, cache, network and repo access")
    .argument("[repo_id]", "also check access to this repo (exists, gated, access granted)")
    .addOption(new Option("--repo-type <type>", "type of REPO_ID").choices([...REPO_TYPES]).default("model"))
    .addHelpText(
      "after",
      "\nExamples:\n  hf doctor\n  hf doctor meta-llama/Llama-3.2-1B\n  hf doctor acme/tiny-dataset --repo-type dataset\n  hf doctor --format json\n\nExit codes: 0 no check failed (warnings allowed), 1 a check failed, 2 usage error.",
    )
    .action(async (repoId: string | undefined, opts: { repoType: string }) => {
      await run(ctx, { repoId, repoType: opts.repoType });
    });
}

export async function run(ctx: CliContext, options: DoctorOptions): Promise<DoctorReport> {
  const type = options.repoType ?? "model";
  if (!isRepoType(type)) {
    throw new HfUsageError(`Unknown repo type '${type}'.`, {
      remedy: "use --repo-type model, dataset or space",
    });
  }
  if (options.repoId !== undefined) validateRepoId(options.repoId);
  const report = await runDoctor({
    config: ctx.config,
    env: ctx.env,
    cwd: ctx.cwd,
    repo: options.repoId ? { id: options.repoId, type: type as RepoType } : undefined,
  });
  ctx.exporter.write(doctorView, report);
  if (report.exitCode !== 0) ctx.exitCode = report.exitCode;
  return report;
}

/** The report: every finding with its fix (human), the failures only (quiet), or all of it as JSON. */
export const doctorView: View<DoctorReport> = {
  json: (r) => ({ checks: r.checks, summary: r.summary, ok: r.exitCode === 0 }),
  quiet: (r) => r.checks.filter((c) => c.status === "fail").map((c) => `✗ ${c.message}`),
  human: (r, style) => formatDoctorReport(r, (c, t) => style.paint(c, t)),
};
