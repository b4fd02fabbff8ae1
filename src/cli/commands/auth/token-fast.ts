// The start-up path of `hf auth token` (exactly those two words), bundled into dist/cli.js itself
// (one self-contained file, no shared chunks) instead of going through the CLI runner, so scripts
// doing `$(hf auth token)` load the config reader and the token chain only (bench/auth-cold-start.mjs:
// target <= 1.3x bare node). Anything unusual (no token, a broken token file, an OAuth token due for
// refresh, an OIDC exchange to make) returns false and main.ts runs the full CLI, which handles it.
import { writeSync } from "node:fs";
import { isRefreshDue } from "../../../auth/refresh-check.js";
import { chain, oidcSource, tokenChain } from "../../../auth/resolve-token.js";
import { type Env, readConfig } from "../../../config/index.js";

/**
 * Prints the active token and resolves true, or resolves false (nothing printed) when the full CLI
 * must handle the case. Like Python's `hf auth token` (`get_token()`), HF_HUB_DISABLE_IMPLICIT_TOKEN
 * does not apply.
 */
export async function tokenFastPath(env: Env): Promise<boolean> {
  try {
    // The exchange needs the HTTP client, which this path never loads (scripts/build.mjs keeps it
    // out of dist/hf.cjs).
    if (oidcSource(env)) return false;
    const config = readConfig(env);
    const r = await chain(...tokenChain(config, undefined, (m) => process.stderr.write(`Warning: ${m}\n`)));
    if (!r || (r.source.kind === "file" && isRefreshDue(r.token, config))) return false;
    // fd 1 directly: creating process.stdout (a stream over a pipe or TTY) costs start-up time.
    writeSync(1, `${r.token}\n`);
    return true;
  } catch {
    return false;
  }
}
