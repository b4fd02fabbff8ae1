import type { DeviceVerification } from "../auth/device-flow.js";
import { OAuthError } from "../auth/oauth-error.js";
import { formatSize } from "../cache/format.js";
import type { DownloadEvent } from "../download/types.js";
import type { CliContext } from "./context.js";
import type { View } from "./exporter.js";

/**
 * What the CLI draws while work happens, and only where someone watches: the download bars
 * (stderr, a terminal, human mode) and the device-code login's wait (stdout, every mode but json,
 * where it is NDJSON events instead). The core reports progress through callbacks; this is the one
 * place that turns them into output.
 */

export interface DownloadProgress {
  onEvent(e: DownloadEvent): void;
  stop(succeeded: boolean): void;
}

/**
 * Progress bars on stderr (cli-progress multibar): one per file in flight plus a total, then one
 * summary line. None (undefined) unless stderr is a terminal in human mode, and never with
 * HF_HUB_DISABLE_PROGRESS_BARS or for a dry run.
 *
 * @example const progress = await createDownloadProgress(ctx, { disabled: config.disableProgressBars });
 */
export async function createDownloadProgress(
  ctx: CliContext,
  o: { disabled?: boolean | undefined; dryRun?: boolean | undefined },
): Promise<DownloadProgress | undefined> {
  if (ctx.exporter.mode !== "human" || !ctx.out.stderr.isTTY || o.disabled || o.dryRun) return undefined;
  const { default: cliProgress } = await import("cli-progress");
  const multi = new cliProgress.MultiBar(
    {
      stream: ctx.out.stderr as NodeJS.WritableStream,
      format: " {bar} {percentage}% | {name} | {done}/{size}",
      hideCursor: true,
      clearOnComplete: true,
      autopadding: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, ReturnType<typeof multi.create>>();
  let total: ReturnType<typeof multi.create> | undefined;
  let totalDone = 0;
  let totalSize = 0;
  // The bars clear themselves when done (a fast download would leave nothing to see): one summary
  // line on stderr says what happened, like tqdm's last line.
  const started = Date.now();
  let fetched = 0;
  let cached = 0;
  const short = (n: string) => (n.length > 30 ? `…${n.slice(-29)}` : n.padEnd(30));
  return {
    onEvent(e) {
      if (e.type === "plan") {
        totalSize = e.bytes ?? 0;
        total = multi.create(Math.max(totalSize, 1), 0, {
          name: short(`Fetching ${e.files} files`),
          done: "0.0",
          size: formatSize(totalSize),
        });
      } else if (e.type === "file-start") {
        const size = e.size ?? 0;
        bars.set(
          e.filename,
          multi.create(Math.max(size, 1), e.resumedFrom, {
            name: short(e.filename),
            done: formatSize(e.resumedFrom),
            size: formatSize(size),
          }),
        );
        if (e.resumedFrom > 0) totalDone += e.resumedFrom;
      } else if (e.type === "bytes") {
        bars.get(e.filename)?.update(e.downloaded, { done: formatSize(e.downloaded) });
        totalDone += e.delta;
        total?.update(totalDone, { done: formatSize(totalDone) });
      } else if (e.type === "file-done") {
        if (e.fromCache) cached++;
        else fetched++;
        const b = bars.get(e.filename);
        if (b) {
          multi.remove(b);
          bars.delete(e.filename);
        }
      }
    },
    stop(succeeded) {
      multi.stop();
      if (!succeeded) return;
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      const from = cached > 0 ? ` (${cached} already in the cache)` : "";
      if (fetched > 0)
        ctx.out.info(`Fetched ${fetched} file(s), ${formatSize(totalDone)} in ${secs}s${from}`);
      else if (cached > 0) ctx.out.info(`All ${cached} file(s) already in the cache`);
    },
  };
}

const deviceCodeEvent: View<DeviceVerification> = {
  json: (v) => ({
    event: "device_code",
    verification_uri: v.verificationUri,
    verification_uri_complete: v.verificationUriComplete,
    user_code: v.userCode,
    expires_in: v.expiresIn,
    interval: v.interval,
  }),
};

const failureEvent: View<unknown> = {
  json: (e) => ({
    event: "failure",
    code: (e as { code?: string }).code ?? "HF_DEVICE_CODE",
    error: e instanceof OAuthError ? e.oauthError : undefined,
    message: (e as Error).message,
  }),
};

/**
 * The device-code login's wait: Python's `_device_code_login` layout on stdout (the user must see
 * it even with -q), a dot per poll, a newline at the end; with --format json, `device_code` and
 * `failure` events instead.
 */
export function createDeviceCodeDisplay(ctx: CliContext): {
  verification(v: DeviceVerification): void;
  state(state: string): void;
  done(): void;
  failed(e: unknown): void;
} {
  const { stdout } = ctx.out;
  const json = ctx.exporter.mode === "json";
  return {
    verification(v) {
      if (json) ctx.exporter.write(deviceCodeEvent, v);
      else {
        stdout.write(
          `\n    Open this URL in your browser:\n        ${v.verificationUriComplete}\n\n    And enter the code: ${v.userCode}\n\n    Waiting for authorization.`,
        );
      }
    },
    state(state) {
      if (!json && state === "pending") stdout.write(".");
    },
    done() {
      if (!json) stdout.write("\n");
    },
    failed(e) {
      if (json) ctx.exporter.write(failureEvent, e);
      else stdout.write("\n");
    },
  };
}
