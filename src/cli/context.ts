import type { Readable } from "node:stream";
import type { HttpHooks } from "../common/http-hooks.js";
import { type Env, type HubConfig, readConfig } from "../config/index.js";
import { Exporter, resolveExportMode } from "./exporter.js";
import type { Output, OutputFormat } from "./output.js";

/**
 * What every command's `run` receives: the env it must use (never `process.env`), its config, the
 * output, and the process streams. Tests build one with `createTestContext`.
 */
export interface CliContext {
  env: Env;
  /** Read on first use, so a command that needs no config never pays for it (or for its errors). */
  readonly config: HubConfig;
  out: Output;
  /** Writes results in the format asked for (commands hand it data and a view, never branch). */
  exporter: Exporter;
  format: OutputFormat;
  stdin: Readable & { isTTY?: boolean };
  /** Extra format value given to --format that a command may understand (table, csv). */
  formatHint: string | undefined;
  cwd: string;
  /** Set by a command that finished without throwing but must exit non-zero (e.g. a failed check). */
  exitCode?: number;
}

export function createContext(init: Omit<CliContext, "config" | "exporter">): CliContext {
  let cached: HubConfig | undefined;
  return {
    ...init,
    exporter: new Exporter(init.out, resolveExportMode(init.format, init.formatHint), init.env.COLUMNS),
    get config() {
      if (!cached) {
        cached = readConfig(init.env);
        if (cached.debug) cached.httpHooks = debugHttpLog(init.out);
      }
      return cached;
    },
  };
}

/**
 * HF_DEBUG=1: one stderr line per HTTP request and per response, from every client a command builds
 * off `ctx.config`. Like Python's "Request {id}: {METHOD} {url} (authenticated: {bool})" debug log:
 * the URL as `displayUrl` shows it and a yes/no for auth, never a header value.
 */
function debugHttpLog(out: Output): HttpHooks {
  return {
    onRequest: (r) =>
      out.debug(`Request ${r.traceId}: ${r.method} ${r.url} (authenticated: ${r.authenticated})`),
    onResponse: (r) => out.debug(`Response ${r.traceId}: ${r.status} ${r.method} ${r.url}`),
  };
}
