import { readFileSync, statSync } from "node:fs";
import type { TokenEnvName, TokenSource } from "../common/token-source.js";
import type { Env } from "../config/index.js";
import { HfConfigError } from "../errors.js";

export type { TokenEnvName, TokenSource } from "../common/token-source.js";

export interface TokenResult {
  token: string;
  source: TokenSource;
}

/**
 * What a provider answers: the token, and for a token that expires (the OIDC exchange), when a
 * memoized lookup must run again (`staleAt`, ms on the clock the provider was given). `resolveToken`
 * reads `staleAt` and returns the plain `TokenResult`.
 */
export interface ProvidedToken extends TokenResult {
  staleAt?: number;
}

/**
 * One place a token may live. A provider resolves to a result, or rejects with a `ProviderMiss`
 * ("not here, try the next") or with any other error ("here but broken, stop the chain").
 */
export type TokenProvider = () => Promise<ProvidedToken>;

/**
 * "Not here, try the next provider" (aws-sdk's `CredentialsProviderError` with `tryNextLink`).
 * Any error WITHOUT this flag stops the chain: a token file we cannot read must not silently fall
 * back to "anonymous".
 */
export class ProviderMiss extends Error {
  readonly tryNextLink = true;
  constructor(what: string) {
    super(`no token in ${what}`);
    this.name = "ProviderMiss";
  }
}

function isMiss(e: unknown): boolean {
  return (e as { tryNextLink?: unknown })?.tryNextLink === true;
}

/**
 * Python's `_clean_token`: removes CR and LF anywhere in the string (not only at the ends), then
 * trims surrounding whitespace; an empty result means "no token".
 *
 * @example cleanToken("  hf_ab\r\ncd \n") // "hf_abcd"
 */
export function cleanToken(token: string | undefined | null): string | undefined {
  if (token === undefined || token === null) return undefined;
  const cleaned = token.replace(/[\r\n]/g, "").trim();
  return cleaned === "" ? undefined : cleaned;
}

/**
 * The token given explicitly (`--token`, `{ token: "hf_..." }`). Cleaned like the other sources, so
 * a token pasted with a trailing newline works; an empty value counts as not given.
 *
 * @example await fromArgument("hf_abc")() // { token: "hf_abc", source: { kind: "argument" } }
 */
export function fromArgument(token: string | undefined): TokenProvider {
  return async () => {
    const t = cleanToken(token);
    if (t === undefined) throw new ProviderMiss("the token argument");
    return { token: t, source: { kind: "argument" } };
  };
}

/**
 * A token from one environment variable. `onFound` runs when this variable provides the token (the
 * chain uses it for the deprecation warning of HUGGINGFACE_TOKEN).
 *
 * @example await fromEnv("HF_TOKEN", { HF_TOKEN: "hf_abc\n" })() // { token: "hf_abc", source: { kind: "env", name: "HF_TOKEN" } }
 */
export function fromEnv(name: TokenEnvName, env: Env, onFound?: () => void): TokenProvider {
  return async () => {
    const t = cleanToken(env[name]);
    if (t === undefined) throw new ProviderMiss(name);
    onFound?.();
    return { token: t, source: { kind: "env", name } };
  };
}

/**
 * The token file (`HF_TOKEN_PATH`, else `$HF_HOME/token`). A missing file (or a missing parent
 * folder) means "not here"; a whitespace-only file means "not logged in" (as Python). A file that
 * exists but cannot be read (EACCES, a directory, ...) stops the chain with an error naming it:
 * Python raises too, and sending no token where the user expects theirs would hide the problem.
 *
 * @example await fromTokenFile("/home/me/.cache/huggingface/token")()
 */
export function fromTokenFile(path: string): TokenProvider {
  return async () => {
    let raw: string;
    try {
      // Synchronous on purpose: a file of a few bytes, read on every `hf auth token` start-up, where
      // the promise API's file-handle machinery and a thrown ENOENT cost more than the read.
      if (!statSync(path, { throwIfNoEntry: false })) throw new ProviderMiss(path);
      raw = readFileSync(path, "utf8");
    } catch (e) {
      if (e instanceof ProviderMiss) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") throw new ProviderMiss(path);
      throw new HfConfigError(`Cannot read the token file ${path}: ${code ?? (e as Error).message}`, {
        cause: e,
        ...(code === "EACCES" || code === "EPERM"
          ? { remedy: `chmod 600 ${path}`, data: { reason: "token-file-unreadable", path } }
          : {
              remedy: `rm -r ${path}, then save a login again`,
              data: { reason: "token-file-broken", path },
            }),
      });
    }
    const t = cleanToken(raw);
    if (t === undefined) throw new ProviderMiss(path);
    return { token: t, source: { kind: "file", path } };
  };
}

/**
 * Tries providers in order: the first result wins, a `ProviderMiss` moves on, any other error
 * stops. Resolves to `undefined` when every provider missed (aws-sdk's `chain`).
 *
 * @example await chain(fromEnv("HF_TOKEN", env), fromTokenFile(path))
 */
export async function chain(...providers: TokenProvider[]): Promise<ProvidedToken | undefined> {
  for (const provider of providers) {
    try {
      return await provider();
    } catch (e) {
      if (!isMiss(e)) throw e;
    }
  }
  return undefined;
}
