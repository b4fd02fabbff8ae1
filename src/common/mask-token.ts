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

/**
 * Secrets of the OIDC exchange: a JWT (an id token: three base64url parts, the first a JSON header,
 * so it starts `eyJ`), and an exchanged `hf_jwt_` token, which may hold `.` and `-`.
 */
const OIDC_SECRET_PATTERN =
  /\bhf_jwt_[A-Za-z0-9_.-]{8,}|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;

/**
 * Replaces anything that looks like a Hub token (or an OIDC id token) in `text` with its masked form.
 *
 * @example redactTokens("id token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl") // "id token eyJ****dXJl"
 */
export function redactTokens(text: string): string {
  return text.replace(OIDC_SECRET_PATTERN, (t) => maskToken(t)).replace(TOKEN_PATTERN, (t) => maskToken(t));
}
