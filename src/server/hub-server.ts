/**
 * The local Hub: two node:http listeners (the Hub, and a "CDN" on another loopback address that
 * serves LFS blobs; node:https for both with `tls`), seeded from a fixture, with a request log, fault hooks and a route table per
 * listener (route-table.ts). Every request is logged, then meets the status faults, then its
 * table. On the Hub a route that checks tokens (all but OAuth, the device page, agent-harnesses
 * and `/_hubkit/`, which includes the test OIDC issuer) first refuses an unknown or expired token with the Hub's 401; a request no route
 * takes gets the same check, then a loud 404 that is recorded in `unknownRoutes` and logged.
 *
 * The demo and `--data` are store backends behind the same routes. A mode or backend brings its
 * own route families (functions returning `Route[]`, as `apiRoutes(state)` does) and adds them to
 * `hubTable` below, before the file routes, or gets a table and listener of its own (a Xet CAS);
 * route-table.ts says how patterns and repo ids match.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecureContext } from "node:tls";
import type { RepoType } from "../common/repo.js";
import { apiRoutes } from "./api-routes.js";
import { BlobStore } from "./blob-store.js";
import { type Call, CdnSigner, type ServerState } from "./context.js";
import { DEMO_FIXTURE } from "./demo-fixture.js";
import { FaultList, STATUS_FAULTS } from "./faults.js";
import { cdnRoutes, fileRoutes } from "./file-routes.js";
import { loadFixtureFile, validateFixture } from "./fixture.js";
import { gatedRoutes } from "./gated-routes.js";
import { sendError, sendJson } from "./http-util.js";
import { OAuthState, oauthRoutes } from "./oauth.js";
import { type JwtClaims, OidcIssuer } from "./oidc-issuer.js";
import { OidcExchange, oidcRoutes, TOKEN_EXCHANGE_GRANT } from "./oidc-routes.js";
import { typeOf } from "./repo-route.js";
import { RouteTable, splitTarget } from "./route-table.js";
import { HubStore } from "./store.js";
import { treeRoutes } from "./tree-routes.js";
import type {
  Clock,
  FaultSpec,
  HubFixture,
  HubServerOptions,
  RepoSpec,
  RequestLogEntry,
  TokenRole,
} from "./types.js";

export interface HubServer {
  /** `http://127.0.0.1:PORT` (`https://` with `tls`) */
  url: string;
  /** `http://127.0.0.2:PORT2` (`https://` with `tls`): where LFS downloads are redirected. */
  cdnUrl: string;
  /** One entry per token of the fixture. */
  users: { name: string; token: string; role: TokenRole }[];
  repos: { id: string; type: RepoType; private: boolean; gated: false | "auto" | "manual" }[];
  /** Every request, in arrival order (its status is filled in when the response starts). */
  requests: RequestLogEntry[];
  /** `METHOD /path` of every request that matched no route. */
  unknownRoutes: string[];
  /** Clears the request log, the unknown-route list and the faults. */
  reset(): void;
  fault(spec: FaultSpec): void;
  addRepo(spec: RepoSpec): { id: string; commits: string[] };
  approveDeviceCode(userCode: string, userName: string): void;
  /** `user` asks for access to a gated repo: granted at once if gating is `auto`, else pending. */
  requestAccess(repoId: string, user: string, type?: RepoType): "accepted" | "pending";
  /** Sets a user's access to a gated repo directly. */
  setAccess(repoId: string, user: string, status: "accepted" | "rejected" | "pending", type?: RepoType): void;
  denyDeviceCode(userCode: string): void;
  /** The test OIDC issuer (`iss`) whose id tokens the token exchange accepts: `<url>/_hubkit/oidc`. */
  oidcIssuer: string;
  /**
   * An id token signed by the test issuer, as a CI provider would mint it: `claims` (e.g.
   * `repository`, `sub`) over iss, `aud` (default: the server's URL), iat, nbf and exp (`ttl`
   * seconds from the server's clock, default `oidc.idTokenTtl`). A claim given here wins, so a test
   * can also mint an expired or wrong-audience token.
   */
  mintIdToken(claims: JwtClaims, options?: { audience?: string; ttl?: number }): string;
  close(): Promise<void>;
}

function hostUrl(scheme: "http" | "https", host: string, port: number): string {
  return `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

let requestCounter = 0;

const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/**
 * Starts a local Hub on two loopback listeners and resolves once both accept connections.
 *
 * @example
 * const hub = await createHubServer({ demo: true });
 * // HF_ENDPOINT=hub.url; DEMO_TOKENS.alice can read meta-llama/Llama-3.2-1B, DEMO_TOKENS.bob cannot
 * await hub.close();
 */
export async function createHubServer(options: HubServerOptions = {}): Promise<HubServer> {
  let fixture: HubFixture;
  let source: string;
  if (options.fixture) {
    fixture = validateFixture(options.fixture, "fixture");
    source = "fixture";
  } else if (options.demo) {
    fixture = DEMO_FIXTURE;
    source = "demo fixture";
  } else if (options.dataDir) {
    fixture = loadFixtureFile(options.dataDir);
    source = join(options.dataDir, "hub.json");
  } else {
    fixture = {};
    source = "fixture";
  }
  const clock = options.clock ?? SYSTEM_CLOCK;
  // A key that does not match its certificate, or PEM that does not parse, throws here, before
  // anything is created.
  if (options.tls) createSecureContext({ cert: options.tls.cert, key: options.tls.key });
  const tempDir = options.dataDir ? undefined : mkdtempSync(join(tmpdir(), "hubkit-serve-"));
  const blobs = new BlobStore(join(options.dataDir ?? (tempDir as string), "blobs"));
  let store: HubStore;
  try {
    store = new HubStore(fixture, blobs, options.dataDir, source, clock);
  } catch (e) {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw e;
  }

  const host = options.host ?? "127.0.0.1";
  const scheme = options.tls ? "https" : "http";
  const cdnHost = options.cdnHost ?? "127.0.0.2";
  const requests: RequestLogEntry[] = [];
  const faults = new FaultList();
  let cdnUrl = "";
  const state: ServerState = {
    store,
    blobs,
    faults,
    cdn: new CdnSigner(() => cdnUrl, clock),
    options,
    clock,
    hubUrl: "",
    cdnUrl: "",
    unknownRoutes: [],
  };
  const oidc = new OidcExchange(
    state,
    new OidcIssuer(() => `${state.hubUrl}/_hubkit/oidc`),
    fixture.trustedPublishers ?? [],
    fixture.oidcRunners ?? [],
  );
  const oauth = new OAuthState(state, { [TOKEN_EXCHANGE_GRANT]: (call, body) => oidc.exchange(call, body) });
  // The file routes come last: `/{repo}/resolve/...` would take any path shaped like a file URL.
  const hubTable = new RouteTable({ isRepo: (p, id) => store.findRepo(typeOf(p), id) !== undefined }).add(
    ...apiRoutes(state),
    ...treeRoutes(state),
    ...gatedRoutes(state),
    ...oauthRoutes(oauth),
    ...oidcRoutes(oidc),
    ...fileRoutes(state),
  );
  const cdnTable = new RouteTable().add(...cdnRoutes(state));

  const handler = (kind: "hub" | "cdn") => (req: IncomingMessage, res: ServerResponse) => {
    const address = req.socket.localAddress ?? "";
    const entry: RequestLogEntry = {
      method: req.method ?? "GET",
      host: `${address.includes(":") ? `[${address}]` : address}:${req.socket.localPort}`,
      server: kind,
      path: req.url ?? "/",
      status: 0,
      authorization: req.headers.authorization !== undefined,
      time: clock.now(),
    };
    if (req.headers.range) entry.range = req.headers.range;
    requests.push(entry);
    const writeHead = res.writeHead.bind(res);
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      entry.status = status;
      return (writeHead as (...a: unknown[]) => ServerResponse)(status, ...rest);
    }) as typeof res.writeHead;
    res.setHeader(
      "X-Request-Id",
      `Root=1-${Math.floor(entry.time / 1000).toString(16)}-${(++requestCounter).toString(16).padStart(8, "0")}${randomBytes(8).toString("hex")}`,
    );
    res.on("close", () => options.onRequest?.(entry));
    const answer = async () => {
      if (await options.intercept?.(req, res, entry)) return;
      await route(kind, req, res);
    };
    answer().catch((e: unknown) => {
      if (!res.headersSent) sendError(res, 500, `hubkit serve: internal error: ${(e as Error).message}`);
      else res.destroy();
    });
  };

  async function route(kind: "hub" | "cdn", req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = splitTarget(req.url ?? "/");
    if (!target) {
      sendError(res, 400, "hubkit serve: malformed request path");
      return;
    }
    const { segments, path: rawPath } = target;
    const query = new URLSearchParams(target.query);
    const call: Call = {
      req,
      res,
      method: req.method ?? "GET",
      rawPath,
      segments,
      query,
      token: undefined,
      endpoint: req.headers.host ? `${scheme}://${req.headers.host}` : kind === "hub" ? state.hubUrl : cdnUrl,
    };
    const faultPaths = [rawPath, `/${segments.join("/")}`];
    if (kind === "cdn") {
      const origin = query.get("X-Hub-Origin");
      if (origin) faultPaths.push(origin);
    }
    const fault = faults.take(faultPaths, STATUS_FAULTS);
    if (fault?.kind === "500") {
      sendError(res, 500, "hubkit serve: injected fault (500)");
      return;
    }
    if (fault?.kind === "429") {
      const after = fault.retryAfter ?? 1;
      sendError(res, 429, "hubkit serve: injected fault (429)", undefined, {
        "Retry-After": after,
        RateLimit: `"api";r=0;t=${after}`,
        "RateLimit-Policy": `"fixed window";"api";q=1000;w=300`,
      });
      return;
    }
    // The CDN never looks at Authorization (a presigned URL carries its own permission).
    let authenticated = kind === "cdn";
    for (const { route, params } of (kind === "hub" ? hubTable : cdnTable).matches(call.method, segments)) {
      if (!authenticated && route.token !== "ignored") {
        if (!authenticate(call)) return;
        authenticated = true;
      }
      const answer = route.handle(call, params);
      if (answer === false) continue;
      await answer;
      return;
    }
    if (!authenticated && !authenticate(call)) return;
    unknown(call);
  }

  /** Sets `call.token` from Authorization; false after answering 401 to a token that is not valid. */
  function authenticate(call: Call): boolean {
    const auth = call.req.headers.authorization;
    if (auth === undefined) return true;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    call.token = m ? store.lookupToken(m[1] as string) : undefined;
    if (call.token) return true;
    // The Hub's answer to an unknown, revoked or expired token, on every route.
    sendJson(
      call.res,
      401,
      { error: "Invalid user token" },
      { "X-Error-Message": "Invalid credentials in Authorization header" },
    );
    return false;
  }

  function unknown(call: Call): void {
    const what = `${call.method} ${call.rawPath}`;
    state.unknownRoutes.push(what);
    options.log?.(`hubkit serve: unknown route ${what}`);
    sendError(call.res, 404, `hubkit serve: unknown route ${what}`);
  }

  const listener = (kind: "hub" | "cdn"): Server =>
    options.tls
      ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler(kind))
      : createServer(handler(kind));
  const hubServer = listener("hub");
  const cdnServer = listener("cdn");
  for (const s of [hubServer, cdnServer]) {
    // Node closes idle keep-alive sockets after 5 s; a client reusing one at that instant sees
    // "server disconnected". Real load balancers keep them about a minute.
    s.keepAliveTimeout = 65_000;
    s.headersTimeout = 66_000;
  }
  try {
    const port = await listen(hubServer, host, options.port ?? 0);
    state.hubUrl = hostUrl(scheme, host, port);
    const cdnPort = await listen(cdnServer, cdnHost, options.cdnPort ?? 0);
    cdnUrl = hostUrl(scheme, cdnHost, cdnPort);
    state.cdnUrl = cdnUrl;
  } catch (e) {
    hubServer.close();
    cdnServer.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw e;
  }

  const mustFind = (id: string, type: RepoType) => {
    const repo = store.findRepo(type, id);
    if (!repo) throw new Error(`hubkit serve: no ${type} repo '${id}'`);
    return repo;
  };
  let closed: Promise<void> | undefined;
  const repoSummary = () =>
    [...store.repos.values()].map((r) => ({ id: r.id, type: r.type, private: r.private, gated: r.gated }));
  return {
    url: state.hubUrl,
    cdnUrl,
    users: store.listTokens(),
    get repos() {
      return repoSummary();
    },
    requests,
    unknownRoutes: state.unknownRoutes,
    reset() {
      requests.length = 0;
      state.unknownRoutes.length = 0;
      faults.clear();
    },
    fault(spec: FaultSpec) {
      faults.add(spec);
    },
    addRepo(spec: RepoSpec) {
      return store.addRepo(spec);
    },
    approveDeviceCode(userCode: string, userName: string) {
      oauth.decide(userCode, userName, true);
    },
    requestAccess(repoId: string, user: string, type: RepoType = "model") {
      return store.requestAccess(mustFind(repoId, type), user);
    },
    setAccess(
      repoId: string,
      user: string,
      status: "accepted" | "rejected" | "pending",
      type: RepoType = "model",
    ) {
      store.setAccess(mustFind(repoId, type), user, status);
    },
    denyDeviceCode(userCode: string) {
      oauth.decide(userCode, undefined, false);
    },
    oidcIssuer: oidc.issuer.url(),
    mintIdToken(claims: JwtClaims, options: { audience?: string; ttl?: number } = {}) {
      return oidc.mint(claims, options.audience ?? state.hubUrl, options.ttl);
    },
    close() {
      closed ??= (async () => {
        const done = (s: Server) => new Promise<void>((r) => s.close(() => r()));
        const both = Promise.all([done(hubServer), done(cdnServer)]);
        // Stalled and keep-alive connections would hold close() forever.
        hubServer.closeAllConnections();
        cdnServer.closeAllConnections();
        await both;
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
