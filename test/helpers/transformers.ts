import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { ROOT, runProcess } from "./cli.js";

/** Where scripts/setup-transformers.mjs installs transformers.js (outside hubkit's own node_modules). */
export const TRANSFORMERS_DIR = join(ROOT, "test", "transformers-js");
export const RUNNER = join(TRANSFORMERS_DIR, "runner.mjs");

export interface RunnerStep {
  load: "tokenizer" | "config" | "pipeline" | "model" | "fetch";
  model?: string;
  revision?: string;
  input?: string;
  url?: string;
  /** transformers.js's `use_external_data_format: true`. */
  external?: boolean;
}

export interface RunnerSpec {
  hubkit?: boolean;
  remoteHost?: string;
  cacheDir?: string;
  progress?: boolean;
  token?: string | false;
  steps: RunnerStep[];
}

export interface StepOutcome {
  ok: boolean;
  ms: number;
  // biome-ignore lint/suspicious/noExplicitAny: whatever the load step reports (ids, dims, model_type)
  result?: any;
  error?: { name?: string; code?: string; message: string; remedy?: string };
}

export interface RunnerResult {
  steps: StepOutcome[];
  progress: Record<string, unknown>[];
  version: string;
  stderr: string;
}

/**
 * Fails (never skips) when transformers.js is missing: `pretest` installs it
 * (npm run setup:transformers).
 */
export function assertTransformersInstalled(): void {
  expect(
    existsSync(join(TRANSFORMERS_DIR, "node_modules", "@huggingface", "transformers", "package.json")),
    "transformers.js is not installed: run `npm run setup:transformers` (pretest does)",
  ).toBe(true);
}

/**
 * One run of a program that uses transformers.js, in its own process (transformers.js memoises per
 * process), with exactly `env` (plus PATH/HOME).
 *
 * @example
 * const r = await runTransformers({ hubkit: true, steps: [{ load: "config", model: "acme/tiny-model" }] }, env);
 */
export async function runTransformers(spec: RunnerSpec, env: Record<string, string>): Promise<RunnerResult> {
  const r = await runProcess(process.execPath, [RUNNER, JSON.stringify(spec)], {
    env,
    cwd: TRANSFORMERS_DIR,
    timeoutMs: 120_000,
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("@@RESULT "));
  expect(line, `runner exited ${r.code}: ${r.stderr.slice(-2000)}`).toBeDefined();
  return {
    ...(JSON.parse((line as string).slice("@@RESULT ".length)) as Omit<RunnerResult, "stderr">),
    stderr: r.stderr,
  };
}
