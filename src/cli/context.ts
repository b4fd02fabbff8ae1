import type { Readable } from "node:stream";
import { type Env, type HubConfig, readConfig } from "../config/index.js";
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
  format: OutputFormat;
  stdin: Readable & { isTTY?: boolean };
  /** Extra format value given to --format that a command may understand (table, csv). */
  formatHint: string | undefined;
  cwd: string;
  /** Set by a command that finished without throwing but must exit non-zero (e.g. a failed check). */
  exitCode?: number;
}

export function createContext(init: Omit<CliContext, "config">): CliContext {
  let cached: HubConfig | undefined;
  return {
    ...init,
    get config() {
      cached ??= readConfig(init.env);
      return cached;
    },
  };
}
