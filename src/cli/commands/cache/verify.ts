import { Command, Option } from "commander";
import { verifyRevision } from "../../../cache/verify.js";
import { HfUsageError } from "../../../errors.js";
import type { CliContext } from "../../context.js";
import { resultView, textView, type View } from "../../exporter.js";
import { cacheDirOf, parseRepoType } from "./shared.js";

export interface VerifyCommandOptions {
  repoType?: string | undefined;
  type?: string | undefined;
  revision?: string | undefined;
  cacheDir?: string | undefined;
  localDir?: string | undefined;
  failOnMissingFiles?: boolean | undefined;
  failOnExtraFiles?: boolean | undefined;
}

/**
 * `hf cache verify REPO_ID`: hashes every file of one cached revision (or a `--local-dir`
 * download) and compares it with its etag. Exit 1 with the list when a file is corrupt or missing
 * (a broken symlink, metadata without its file); `--fail-on-missing-files` also fails on files of
 * the revision that were never downloaded, `--fail-on-extra-files` on files with nothing to check
 * them against. Offline: no network, no token (Python asks the Hub for the file list).
 */
export async function run(ctx: CliContext, repoId: string, options: VerifyCommandOptions): Promise<void> {
  if (options.localDir !== undefined && options.cacheDir !== undefined) {
    throw new HfUsageError("Cannot pass both --local-dir and --cache-dir. Use one or the other.");
  }
  const repoType = parseRepoType(options.repoType ?? options.type) ?? "model";
  const r = await verifyRevision({
    repoId,
    repoType,
    revision: options.revision,
    ...(options.localDir !== undefined
      ? { localDir: cacheDirOf(ctx, options.localDir) }
      : { cacheDir: cacheDirOf(ctx, options.cacheDir) }),
  });
  const lines: string[] = [];
  const list = (paths: string[]) => paths.map((p) => `  - ${p}`).join("\n");
  let failed = !r.ok;
  if (r.corrupt.length) {
    lines.push(
      `❌ Checksum verification failed for the following file(s):\n${r.corrupt
        .map((c) => `  - ${c.path}: expected ${c.expected} (${c.algorithm}), got ${c.actual}`)
        .join("\n")}`,
    );
  }
  if (r.missing.length) {
    lines.push(`❌ Missing files (the cache lists them but their content is gone):\n${list(r.missing)}`);
  }
  if (r.notDownloaded.length && options.failOnMissingFiles) {
    failed = true;
    lines.push(`❌ Missing files (present remotely, absent locally):\n${list(r.notDownloaded)}`);
  }
  if (r.extra.length && options.failOnExtraFiles) {
    failed = true;
    lines.push(`❌ Extra files (nothing to check them against):\n${list(r.extra)}`);
  }
  const { exporter } = ctx;
  exporter.write(textView, lines);
  if (r.notDownloaded.length && !options.failOnMissingFiles) {
    exporter.warnHuman(
      `${r.notDownloaded.length} remote file(s) are missing locally. Use --fail-on-missing-files for details.`,
    );
  }
  if (r.extra.length && !options.failOnExtraFiles) {
    exporter.warnHuman(
      `${r.extra.length} local file(s) have no known checksum and were not verified. Use --fail-on-extra-files for details.`,
    );
  }
  const json = {
    ok: !failed,
    repo_id: r.repoId,
    repo_type: r.repoType,
    mode: r.mode,
    revision: r.revision,
    path: r.path,
    checked: r.checked,
    corrupt: r.corrupt,
    missing: r.missing,
    extra: r.extra,
    not_downloaded: r.notDownloaded,
  };
  if (failed) {
    exporter.write(failedView, { json, paths: [...r.corrupt.map((c) => c.path), ...r.missing] });
    ctx.out.error(
      `Verification failed for '${repoId}' (${repoType}) in ${r.path}.\n  Revision: ${r.revision}`,
    );
    ctx.exitCode = 1;
    return;
  }
  exporter.write(resultView, {
    message: `Verified ${r.checked} file(s) for ${repoType} '${repoId}'. All checksums match.`,
    fields: { repo_id: repoId, repo_type: repoType, checked: r.checked, path: r.path },
    json,
  });
}

/** A failed verification: the report (json) or the bad files' paths (quiet); people read the lists above. */
const failedView: View<{ json: Record<string, unknown>; paths: string[] }> = {
  json: (f) => f.json,
  quiet: (f) => f.paths,
};

export function createCommand(ctx: CliContext): Command {
  return new Command("verify")
    .description("Verify the checksums of a cached revision or a local-dir download (offline)")
    .argument("<repo_id>", "repo id, e.g. acme/tiny-model")
    .option("--repo-type <type>", "model (default), dataset or space")
    .option("--type <type>", "same as --repo-type")
    .option("--revision <rev>", "branch, tag or commit (default: main, else the only cached revision)")
    .option("--cache-dir <dir>", "cache directory (default: HF_HUB_CACHE)")
    .option("--local-dir <dir>", "verify a folder made by 'hf download --local-dir' instead")
    .option("--fail-on-missing-files", "also fail when files of the revision were never downloaded")
    .option("--fail-on-extra-files", "also fail on files with no known checksum")
    .addOption(
      new Option("--token <token>", "accepted for Python compatibility; verify is offline").hideHelp(),
    )
    .addHelpText(
      "after",
      [
        "",
        "Exit codes: 0 all files match, 1 a file is corrupt or missing (listed), 2 usage error.",
        "",
        "Examples:",
        "  hf cache verify acme/tiny-model",
        "  hf cache verify acme/tiny-model --revision v1.0",
        "  hf cache verify acme/tiny-dataset --repo-type dataset",
        "  hf cache verify acme/tiny-model --local-dir ./tiny",
      ].join("\n"),
    )
    .action(async (repoId: string, opts: VerifyCommandOptions) => run(ctx, repoId, opts));
}
