import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { HfConfigError } from "../errors.js";
import type { Env } from "./read-config.js";

/**
 * Loads a `.env` file (dotenv syntax, parsed by Node's `util.parseEnv`) and returns a new env in
 * which the file's values fill in what `env` does not already set: explicit variables win.
 *
 * @example
 * const env = loadEnvFile(".env", process.env);
 * const config = readConfig(env);
 */
export function loadEnvFile(path: string, env: Env): Env {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HfConfigError(`Cannot read the env file ${path} (${code ?? "error"}).`, {
      remedy: "check the path given to --env-file",
      cause: e,
    });
  }
  const parsed = parseEnv(text) as Record<string, string>;
  return { ...parsed, ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) };
}
