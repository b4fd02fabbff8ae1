/**
 * The local Hub's test OIDC issuer: an ES256 key pair made when the server starts (never written
 * anywhere), which signs the id tokens `GET /_hubkit/oidc/github` mints, and the one key whose
 * signatures the token exchange trusts. A JWT here is RFC 7519 compact serialization: base64url
 * header, payload and signature; ES256 signatures are the raw 64-byte r||s (RFC 7518 §3.4).
 */
import { generateKeyPairSync, type KeyObject, randomBytes, sign, verify } from "node:crypto";

export type JwtClaims = Record<string, unknown>;

export interface VerifiedJwt {
  header: Record<string, unknown>;
  claims: JwtClaims;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export class OidcIssuer {
  readonly kid = randomBytes(8).toString("hex");
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  /** `url()`: the issuer URL (`iss`), known once the server listens. */
  constructor(readonly url: () => string) {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  /** A signed JWT with these claims (the caller sets iss, aud, exp...). */
  sign(claims: JwtClaims): string {
    const head = b64url(JSON.stringify({ alg: "ES256", typ: "JWT", kid: this.kid }));
    const body = b64url(JSON.stringify(claims));
    const sig = sign("sha256", Buffer.from(`${head}.${body}`), {
      key: this.privateKey,
      dsaEncoding: "ieee-p1363",
    });
    return `${head}.${body}.${b64url(sig)}`;
  }

  /**
   * The header and claims of a JWT this issuer signed, or why not: not a JWT, another algorithm
   * (`none` and HS256 included: only ES256 with this key), another key id, a bad signature. The
   * claims (iss, aud, exp) are the caller's to check.
   */
  verify(jwt: string): VerifiedJwt | { error: string } {
    const parts = jwt.split(".");
    if (parts.length !== 3) return { error: "the subject_token is not a JWT" };
    const [head, body, sig] = parts as [string, string, string];
    const header = parseJson(head);
    const claims = parseJson(body);
    if (!header || !claims) return { error: "the subject_token is not a JWT" };
    if (header.alg !== "ES256")
      return { error: `the id token's algorithm ${String(header.alg)} is not accepted` };
    if (header.kid !== undefined && header.kid !== this.kid)
      return { error: "the id token was signed by an unknown key" };
    const ok = verify(
      "sha256",
      Buffer.from(`${head}.${body}`),
      { key: this.publicKey, dsaEncoding: "ieee-p1363" },
      Buffer.from(sig, "base64url"),
    );
    if (!ok) return { error: "the id token's signature does not verify" };
    return { header, claims };
  }

  /** The public key as a JWK Set (RFC 7517), as an issuer publishes it at its `jwks_uri`. */
  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: "jwk" });
    return { keys: [{ ...jwk, kid: this.kid, alg: "ES256", use: "sig" }] };
  }
}
