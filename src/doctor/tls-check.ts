import { HfError } from "../errors.js";
import { loadCaCertificates } from "../http/ca-certificates.js";
import { describeTrust } from "../http/describe-trust.js";
import { TLS_PROBLEM_TEXT, TRUST_REMEDY, tlsProblemOf } from "../http/tls-error.js";
import { probeTls } from "../http/tls-probe.js";
import { maskProxyUrl, proxyForUrl, readProxyVars } from "./proxy-vars.js";
import { type CheckResult, type DoctorContext, fail, ok, skip, warn } from "./types.js";

/** Hosts that serve certificates from a public CA: anything else there is an inspected connection. */
const PUBLIC_HUB_HOSTS = [
  "huggingface.co",
  "hf.co",
  "hub-ci.huggingface.co",
  "cdn-lfs.hf.co",
  "cas-bridge.xethub.hf.co",
];

/**
 * The CA bundle in effect and where it came from (SSL_CERT_FILE, SSL_CERT_DIR, REQUESTS_CA_BUNDLE,
 * CURL_CA_BUNDLE, or the OS bundle), with how many certificates it adds to Node's roots. Fails when
 * the variable names something unreadable; warns when another CA variable points elsewhere but loses.
 *
 * @example await checkCaBundle(ctx) // { id: "network.ca-bundle", message: "CA bundle: Node's roots + SSL_CERT_FILE=..." }
 */
export async function checkCaBundle(ctx: DoctorContext): Promise<CheckResult> {
  const bundle = ctx.config.caBundle;
  let loaded: ReturnType<typeof loadCaCertificates>;
  try {
    loaded = loadCaCertificates(bundle);
  } catch (e) {
    if (e instanceof HfError)
      return fail("network.ca-bundle", e.message, e.remedy, {
        data: { origin: bundle.origin, paths: bundle.paths },
      });
    throw e;
  }
  const counts = loaded.sources.map(
    (s) =>
      `${s.path}: ${s.error ? `not read (${s.error})` : `${s.certificates} certificate${s.certificates === 1 ? "" : "s"}, ${s.added} not in Node's roots`}`,
  );
  const data = {
    origin: bundle.origin,
    paths: bundle.paths,
    nodeExtraCaCerts: bundle.nodeExtraCaCerts ?? null,
    sources: loaded.sources,
    shadowed: bundle.shadowed.map((s) => s.name),
  };
  const message = `CA bundle: ${describeTrust(bundle)}${bundle.origin === "system" ? " (no CA variable set)" : ` (from ${bundle.origin})`}`;
  const winner = bundle.paths.join(":");
  const elsewhere = bundle.shadowed.filter((s) => s.value !== winner);
  if (elsewhere.length > 0) {
    return warn(
      "network.ca-bundle",
      `${message}; ${elsewhere.map((s) => `${s.name}=${s.value}`).join(", ")} ${elsewhere.length === 1 ? "is" : "are"} set too but ${bundle.origin} wins`,
      `point them at the same bundle, or unset ${elsewhere.map((s) => s.name).join(" and ")} (hubkit and Python's httpx read SSL_CERT_FILE first)`,
      { details: counts, data },
    );
  }
  return { id: "network.ca-bundle", status: "ok", message, details: counts, data };
}

/**
 * One TLS handshake with the endpoint (through the proxy the client would use): does its chain
 * verify, who issued it, and does it end at a public root? An endpoint that should present a public
 * certificate (the Hub, or anything reached through a proxy) but verifies only thanks to an extra CA
 * is an inspected connection; the issuer is reported. Skipped for http endpoints and offline.
 *
 * @example await checkTls(ctx) // { id: "network.tls", status: "warn", message: "the connection to huggingface.co:443 looks inspected ..." }
 */
export async function checkTls(ctx: DoctorContext): Promise<CheckResult> {
  const endpoint = ctx.config.endpoint;
  if (!endpoint.startsWith("https:")) return skip("network.tls", `${endpoint} is plain http: no TLS`);
  if (ctx.config.offline) return skip("network.tls", `${endpoint} not contacted (offline mode)`);
  const bundle = ctx.config.caBundle;
  const proxy = proxyForUrl(readProxyVars(ctx.env), endpoint);
  const through = proxy ? ` through the proxy ${maskProxyUrl(proxy)}` : "";
  let r: Awaited<ReturnType<typeof probeTls>>;
  try {
    r = await probeTls(endpoint, { bundle, proxy, timeoutMs: ctx.timeoutMs ?? 10_000 });
  } catch (e) {
    if (e instanceof HfError) return fail("network.tls", e.message, e.remedy);
    return fail(
      "network.tls",
      `no TLS handshake with ${new URL(endpoint).host}${through}: ${(e as Error).message}`,
      "check the network (hf doctor's network.endpoint says more)",
    );
  }
  const leaf = r.chain[0];
  const root = r.chain.at(-1);
  const issuer = leaf
    ? `'${leaf.issuer}'${root && root.subject !== leaf.issuer ? ` (root '${root.subject}')` : ""}`
    : "(no certificate)";
  const data = {
    host: r.host,
    authorized: r.authorized,
    errorCode: r.errorCode ?? null,
    issuer: leaf?.issuer ?? null,
    root: root?.subject ?? null,
    publicRoot: r.publicRoot,
    proxy: proxy ? maskProxyUrl(proxy) : null,
    inspected: false,
  };
  const hostname = new URL(endpoint).hostname.toLowerCase();
  const expectsPublic = proxy !== undefined || PUBLIC_HUB_HOSTS.includes(hostname);
  if (!r.authorized) {
    const problem = tlsProblemOf(r.errorCode ?? "") ?? "handshake";
    const inspected = problem === "unknown-ca" && expectsPublic;
    return fail(
      "network.tls",
      `TLS to ${r.host}${through} does not verify: ${TLS_PROBLEM_TEXT[problem]} (${r.errorMessage ?? r.errorCode}); the certificate is issued by ${issuer}${inspected ? ", which looks like a TLS-inspecting proxy's CA" : ""}; trusted: ${describeTrust(bundle)}`,
      problem === "unknown-ca"
        ? TRUST_REMEDY
        : problem === "name-mismatch"
          ? "check the host name in HF_ENDPOINT"
          : "check this computer's date and time, or tell the server's administrators",
      { data: { ...data, inspected } },
    );
  }
  if (r.publicRoot)
    return ok("network.tls", `TLS to ${r.host}${through} verified: issued by ${issuer}, a public root`, data);
  if (expectsPublic) {
    return warn(
      "network.tls",
      `the connection to ${r.host}${through} looks inspected: the certificate is issued by ${issuer}, not a public root; it verifies only because ${describeTrust(bundle)} trusts it`,
      "nothing to do if that is your organisation's TLS-inspecting proxy; if it is not, someone is intercepting this connection",
      { data: { ...data, inspected: true } },
    );
  }
  return ok(
    "network.tls",
    `TLS to ${r.host} verified: issued by ${issuer}, a private CA trusted through ${describeTrust(bundle)}`,
    data,
  );
}
