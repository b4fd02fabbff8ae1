/**
 * What every route handler receives: the parsed request and the server's shared state.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { BlobStore } from "./blob-store.js";
import type { FaultList } from "./faults.js";
import type { HubStore, Token } from "./store.js";
import type { Clock, HubServerOptions } from "./types.js";

export interface ServerState {
  store: HubStore;
  blobs: BlobStore;
  faults: FaultList;
  cdn: CdnSigner;
  options: HubServerOptions;
  clock: Clock;
  hubUrl: string;
  cdnUrl: string;
  unknownRoutes: string[];
}

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** The raw path (no query), as received. */
  rawPath: string;
  /** Path segments, percent-decoded one by one (so `%2F` inside a segment stays inside it). */
  segments: string[];
  query: URLSearchParams;
  /** The valid token sent, if any (invalid tokens are rejected before routing). */
  token: Token | undefined;
  /** `http(s)://<Host header>`: the endpoint the client believes it talks to (used in messages and Links). */
  endpoint: string;
}

/**
 * Signs CDN URLs the way a presigned S3/CloudFront URL looks: the blob's path plus expiry and an
 * HMAC over them. The CDN answers only URLs this signer made, and never looks at Authorization.
 */
export class CdnSigner {
  private readonly key = randomBytes(32);

  constructor(
    private readonly base: () => string,
    private readonly clock: Clock,
  ) {}

  private mac(sha256: string, expires: number, origin: string, disposition: string): string {
    return createHmac("sha256", this.key)
      .update(`${sha256}\n${expires}\n${origin}\n${disposition}`)
      .digest("hex");
  }

  /** A URL on the CDN host for this blob, valid for an hour. `origin` is the /resolve path it came from. */
  sign(sha256: string, filename: string, origin: string): string {
    const now = this.clock.now();
    const date = new Date(now).toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
    const expires = Math.floor(now / 1000) + 3600;
    const disposition = `inline; filename*=UTF-8''${encodeURIComponent(filename)}; filename="${filename.replace(/["\\\r\n]/g, "_")}";`;
    const q = new URLSearchParams({
      "response-content-disposition": disposition,
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Date": date,
      "X-Amz-Expires": "3600",
      "X-Hub-Expires": String(expires),
      "X-Hub-Origin": origin,
      "X-Amz-Signature": this.mac(sha256, expires, origin, disposition),
    });
    return `${this.base()}/repos/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}?${q}`;
  }

  /** Checks a CDN request's query; returns the origin path and disposition when valid. */
  verify(
    sha256: string,
    q: URLSearchParams,
  ): { origin: string; disposition: string } | "expired" | "invalid" {
    const expires = Number(q.get("X-Hub-Expires"));
    const origin = q.get("X-Hub-Origin") ?? "";
    const disposition = q.get("response-content-disposition") ?? "";
    const sig = q.get("X-Amz-Signature") ?? "";
    if (!Number.isFinite(expires) || sig !== this.mac(sha256, expires, origin, disposition)) return "invalid";
    if (this.clock.now() / 1000 > expires) return "expired";
    return { origin, disposition };
  }
}
