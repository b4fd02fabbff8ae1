/**
 * Masks a token for display: `hf_****wxyz` (the first three characters, four stars, the last four),
 * as `hf auth list` does in Python. Short strings are fully hidden.
 *
 * @example maskToken("hf_abcdefghijklmnopqrstuvwxyz") // "hf_****wxyz"
 */
export function maskToken(token: string): string {
  if (token.length < 12) return "****";
  return `${token.slice(0, 3)}****${token.slice(-4)}`;
}

/** Token-like strings: `hf_` (or `hf_oauth_`) followed by 30 or more letters/digits. */
export const TOKEN_PATTERN = /\bhf_[A-Za-z0-9_]{30,}\b/g;

/** Replaces anything that looks like a Hub token in `text` with its masked form. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, (t) => maskToken(t));
}
