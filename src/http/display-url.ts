import { redactTokens } from "../common/mask-token.js";

// Query parameters that carry credentials in signed CDN URLs (S3/CloudFront/GCS) or OAuth flows.
const SECRET_PARAM = /signature|token|credential|secret|key-pair-id|^policy$|^sig$|^code$/i;

/**
 * A URL as it may appear in a message: no `user:pass@`, signed-URL and token query values replaced
 * by `***`, and anything shaped like a Hub token masked.
 *
 * @example displayUrl("https://cdn/x?X-Amz-Signature=abc&a=1") // "https://cdn/x?X-Amz-Signature=***&a=1"
 */
export function displayUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return redactTokens(url);
  }
  u.username = "";
  u.password = "";
  let out = `${u.origin}${u.pathname}`;
  if (u.search) {
    const parts: string[] = [];
    for (const [k, v] of u.searchParams) {
      parts.push(`${encodeURIComponent(k)}=${SECRET_PARAM.test(k) ? "***" : encodeURIComponent(v)}`);
    }
    out += `?${parts.join("&")}`;
  }
  return redactTokens(out);
}
