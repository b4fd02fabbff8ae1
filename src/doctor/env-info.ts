import { arch, platform, release } from "node:os";
import { listCredentialHelpers } from "../auth/git-credential.js";
import { describeTokenSource, listTokenSources, oidcSource } from "../auth/resolve-token.js";
import { maskToken } from "../common/mask-token.js";
import * as V from "../config/env-vars.js";
import { ALL_SETTINGS, type CaBundleOrigin, defaultConfig, type HubConfig } from "../config/index.js";
import { type CaSource, loadCaCertificates } from "../http/ca-certificates.js";
import { describeTrust } from "../http/describe-trust.js";
import { VERSION } from "../version.js";
import { maskProxyUrl, readProxyVars } from "./proxy-vars.js";

export interface EnvInfo {
  hubkitVersion: string;
  nodeVersion: string;
  platform: string;
  paths: Record<"hfHome" | "hubCache" | "tokenPath" | "storedTokensPath", { path: string; origin: string }>;
  endpoint: { url: string; origin: string };
  /** Every HF_* setting: the raw value (null when unset) and the value hubkit uses. */
  settings: { name: string; value: string | null; effective: string }[];
  token: {
    found: boolean;
    masked?: string;
    source?: string;
    sent: boolean;
    hidden: { masked: string; source: string }[];
  };
  gitCredentialHelpers: string[];
  proxy: { httpsProxy: string | null; httpProxy: string | null; noProxy: string | null };
  /** The CAs trusted on top of Node's roots, where they came from, and what was read. */
  caBundle: {
    /** "Node's roots + SSL_CERT_FILE=/etc/corp/ca.pem" */
    trusted: string;
    origin: CaBundleOrigin;
    paths: string[];
    nodeExtraCaCerts: string | null;
    sources: CaSource[];
    /** CA variables that are set but lose to `origin`. */
    shadowed: string[];
    /** Why the bundle cannot be used (an unreadable SSL_CERT_FILE), when it cannot. */
    error: string | null;
  };
}

const SECRET_SET = "(set, hidden)";

function effective(name: string, c: HubConfig): string {
  if (V.SECRET_SETTINGS.has(name)) return c.env[name] === undefined ? "(unset)" : SECRET_SET;
  switch (name) {
    case V.HF_HOME:
      return c.hfHome;
    case V.HF_HUB_CACHE:
    case V.HUGGINGFACE_HUB_CACHE:
      return c.hubCache;
    case V.HF_TOKEN_PATH:
      return c.tokenPath;
    case V.HF_STORED_TOKENS_PATH:
      return c.storedTokensPath;
    case V.HF_ENDPOINT:
      return c.endpoint;
    case V.HF_HUB_OFFLINE:
    case V.TRANSFORMERS_OFFLINE:
      return String(c.offline);
    case V.HF_HUB_DISABLE_TELEMETRY:
      return String(c.disableTelemetry);
    case V.HF_HUB_DISABLE_PROGRESS_BARS:
      return c.disableProgressBars === undefined
        ? "auto (bars on a terminal)"
        : String(c.disableProgressBars);
    case V.HF_HUB_DISABLE_IMPLICIT_TOKEN:
      return String(c.disableImplicitToken);
    case V.HF_HUB_DISABLE_SYMLINKS:
      return String(c.disableSymlinks);
    case V.HF_HUB_DISABLE_SYMLINKS_WARNING:
      return String(c.disableSymlinksWarning);
    case V.HF_HUB_ETAG_TIMEOUT:
      return String(c.etagTimeout);
    case V.HF_HUB_DOWNLOAD_TIMEOUT:
      return String(c.downloadTimeout);
    case V.HF_HUB_USER_AGENT_ORIGIN:
      return c.userAgentOrigin ?? "(none)";
    case V.HF_DEBUG:
      return String(c.debug);
    default:
      return c.env[name] ?? "(unset)";
  }
}

/**
 * Everything `hf env` reports, as data: versions, resolved paths with the variable that chose each,
 * the endpoint, every HF_* setting (raw and effective), the token (masked) and its source, git
 * credential helpers and proxy variables (passwords masked). Never contains a raw token.
 *
 * @example const info = await collectEnvInfo(); // process.env and the current folder
 */
export async function collectEnvInfo(
  options: { config?: HubConfig | undefined; cwd?: string | undefined } = {},
): Promise<EnvInfo> {
  const config = options.config ?? defaultConfig();
  const cwd = options.cwd ?? process.cwd();
  const env = config.env;
  const [sources, helpers] = await Promise.all([
    listTokenSources(config).catch(() => []),
    listCredentialHelpers({ env, cwd, timeoutMs: 3_000 }).catch(() => []),
  ]);
  const [first, ...rest] = sources;
  const oidc = oidcSource(env);
  const proxy = readProxyVars(env);
  const bundle = config.caBundle;
  let caSources: CaSource[] = [];
  let caError: string | null = null;
  try {
    caSources = loadCaCertificates(bundle).sources;
  } catch (e) {
    caError = (e as Error).message;
  }
  return {
    hubkitVersion: VERSION,
    nodeVersion: process.versions.node,
    platform: `${platform()}-${release()}-${arch()}`,
    paths: {
      hfHome: { path: config.hfHome, origin: config.origins.hfHome },
      hubCache: { path: config.hubCache, origin: config.origins.hubCache },
      tokenPath: { path: config.tokenPath, origin: config.origins.tokenPath },
      storedTokensPath: { path: config.storedTokensPath, origin: config.origins.storedTokensPath },
    },
    endpoint: { url: config.endpoint, origin: config.origins.endpoint },
    settings: ALL_SETTINGS.map((name) => ({
      name,
      // A credential (HF_OIDC_ID_TOKEN, ACTIONS_ID_TOKEN_REQUEST_TOKEN) is reported as set, never shown.
      value:
        env[name] === undefined ? null : V.SECRET_SETTINGS.has(name) ? SECRET_SET : (env[name] as string),
      effective: effective(name, config),
    })),
    token: oidc
      ? {
          // The exchange runs when a command needs the token; `hf env` makes no request.
          found: true,
          masked: "(exchanged when used)",
          source: describeTokenSource(oidc),
          sent: !config.disableImplicitToken,
          hidden: sources.map((r) => ({ masked: maskToken(r.token), source: describeTokenSource(r.source) })),
        }
      : first
        ? {
            found: true,
            masked: maskToken(first.token),
            source: describeTokenSource(first.source),
            sent: !config.disableImplicitToken,
            hidden: rest.map((r) => ({ masked: maskToken(r.token), source: describeTokenSource(r.source) })),
          }
        : { found: false, sent: false, hidden: [] },
    gitCredentialHelpers: helpers,
    proxy: {
      httpsProxy: proxy?.httpsProxy ? maskProxyUrl(proxy.httpsProxy) : null,
      httpProxy: proxy?.httpProxy ? maskProxyUrl(proxy.httpProxy) : null,
      noProxy: proxy?.noProxy ?? null,
    },
    caBundle: {
      trusted: describeTrust(bundle),
      origin: bundle.origin,
      paths: bundle.paths,
      nodeExtraCaCerts: bundle.nodeExtraCaCerts ?? null,
      sources: caSources,
      shadowed: bundle.shadowed.map((v) => v.name),
      error: caError,
    },
  };
}

const originLabel = (o: string) => (o === "default" ? "default" : `from ${o}`);

/**
 * `hf env`'s text, in the shape of Python's (`- key: value` lines after a copy-paste note).
 *
 * @example formatEnvInfo(info).join("\n")
 */
export function formatEnvInfo(info: EnvInfo): string[] {
  const t = info.token;
  const lines = [
    "",
    "Copy-and-paste the text below in your GitHub issue.",
    "",
    `- hubkit version: ${info.hubkitVersion}`,
    `- Node.js version: ${info.nodeVersion}`,
    `- Platform: ${info.platform}`,
    `- HF_HOME: ${info.paths.hfHome.path} (${originLabel(info.paths.hfHome.origin)})`,
    `- Hub cache: ${info.paths.hubCache.path} (${originLabel(info.paths.hubCache.origin)})`,
    `- Token path: ${info.paths.tokenPath.path} (${originLabel(info.paths.tokenPath.origin)})`,
    `- Stored tokens path: ${info.paths.storedTokensPath.path} (${originLabel(info.paths.storedTokensPath.origin)})`,
    `- Endpoint: ${info.endpoint.url} (${originLabel(info.endpoint.origin)})`,
    `- Token: ${t.found ? `${t.masked} from the ${t.source}${t.sent ? "" : " (not sent: HF_HUB_DISABLE_IMPLICIT_TOKEN)"}` : "none found"}`,
    ...t.hidden.map((h) => `- Token hidden by it: ${h.masked} from the ${h.source}`),
    `- Configured git credential helpers: ${info.gitCredentialHelpers.join(", ")}`,
    `- HTTPS_PROXY: ${info.proxy.httpsProxy ?? "(unset)"}`,
    `- HTTP_PROXY: ${info.proxy.httpProxy ?? "(unset)"}`,
    `- NO_PROXY: ${info.proxy.noProxy ?? "(unset)"}`,
    `- CA bundle: ${info.caBundle.trusted} (${info.caBundle.origin === "system" ? "no SSL_CERT_FILE, SSL_CERT_DIR, REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE set" : `from ${info.caBundle.origin}`})`,
    ...info.caBundle.sources.map(
      (s) =>
        `- CA file ${s.path}: ${s.error ? `not read (${s.error})` : `${s.certificates} certificate${s.certificates === 1 ? "" : "s"}, ${s.added} not in Node's roots`}`,
    ),
    ...(info.caBundle.error ? [`- CA bundle error: ${info.caBundle.error}`] : []),
    ...(info.caBundle.shadowed.length > 0
      ? [`- CA variables ignored: ${info.caBundle.shadowed.join(", ")} (${info.caBundle.origin} wins)`]
      : []),
  ];
  for (const s of info.settings) {
    lines.push(
      `- ${s.name}: ${s.effective}${s.value === null ? "" : s.value === s.effective ? "" : ` (set to '${s.value}')`}`,
    );
  }
  lines.push("");
  return lines;
}
