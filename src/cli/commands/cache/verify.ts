import { Command, Option } from "commander";
import { verifyRevision } from "../../../cache/verify.js";
import { HfUsageError } from "../../../errors.js";
import type { CliContext } from "../../context.js";
import { cacheDirOf, parseRepoType, printResult, text } from "./shared.js";

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
  let failed = !r.ok;
  const human = ctx.format === "human";
  if (r.corrupt.length) {
    text(
      ctx,
      `❌ Checksum verification failed for the following file(s):\n${r.corrupt
        .map((c) => `  - ${c.path}: expected ${c.expected} (${c.algorithm}), got ${c.actual}`)
        .join("\n")}`,
    );
  }
  if (r.missing.length) {
    text(
      ctx,
      `❌ Missing files (the cache lists them but their content is gone):\n${r.missing.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  if (r.notDownloaded.length) {
    if (options.failOnMissingFiles) {
      failed = true;
      text(
        ctx,
        `❌ Missing files (present remotely, absent locally):\n${r.notDownloaded.map((p) => `  - ${p}`).join("\n")}`,
      );
    } else if (human) {
      ctx.out.warn(
        `${r.notDownloaded.length} remote file(s) are missing locally. Use --fail-on-missing-files for details.`,
      );
    }
  }
  if (r.extra.length) {
    if (options.failOnExtraFiles) {
      failed = true;
      text(
        ctx,
        `❌ Extra files (nothing to check them against):\n${r.extra.map((p) => `  - ${p}`).join("\n")}`,
      );
    } else if (human) {
      ctx.out.warn(
        `${r.extra.length} local file(s) have no known checksum and were not verified. Use --fail-on-extra-files for details.`,
      );
    }
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
    if (ctx.format === "json") ctx.out.json(json);
    else if (ctx.format === "quiet")
      for (const c of [...r.corrupt.map((c) => c.path), ...r.missing]) ctx.out.result(c);
    ctx.out.error(
      `Verification failed for '${repoId}' (${repoType}) in ${r.path}.\n  Revision: ${r.revision}`,
    );
    ctx.exitCode = 1;
    return;
  }
  printResult(
    ctx,
    `Verified ${r.checked} file(s) for ${repoType} '${repoId}'. All checksums match.`,
    { repo_id: repoId, repo_type: repoType, checked: r.checked, path: r.path },
    json,
  );
}

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
