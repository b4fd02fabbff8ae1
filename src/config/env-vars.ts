/**
 * Names of every environment variable hubkit reads. Code refers to these constants, never to string
 * literals, so `hf env` and the README can list them from one place.
 */
export const HF_HOME = "HF_HOME";
export const XDG_CACHE_HOME = "XDG_CACHE_HOME";
export const HF_HUB_CACHE = "HF_HUB_CACHE";
export const HUGGINGFACE_HUB_CACHE = "HUGGINGFACE_HUB_CACHE";
export const HF_TOKEN_PATH = "HF_TOKEN_PATH";
export const HF_STORED_TOKENS_PATH = "HF_STORED_TOKENS_PATH";
export const HF_ENDPOINT = "HF_ENDPOINT";
export const HF_HUB_OFFLINE = "HF_HUB_OFFLINE";
export const TRANSFORMERS_OFFLINE = "TRANSFORMERS_OFFLINE";
export const HF_HUB_DISABLE_TELEMETRY = "HF_HUB_DISABLE_TELEMETRY";
export const DISABLE_TELEMETRY = "DISABLE_TELEMETRY";
export const DO_NOT_TRACK = "DO_NOT_TRACK";
export const HF_HUB_DISABLE_PROGRESS_BARS = "HF_HUB_DISABLE_PROGRESS_BARS";
export const HF_HUB_DISABLE_IMPLICIT_TOKEN = "HF_HUB_DISABLE_IMPLICIT_TOKEN";
export const HF_HUB_DISABLE_SYMLINKS = "HF_HUB_DISABLE_SYMLINKS";
export const HF_HUB_DISABLE_SYMLINKS_WARNING = "HF_HUB_DISABLE_SYMLINKS_WARNING";
export const HF_HUB_ETAG_TIMEOUT = "HF_HUB_ETAG_TIMEOUT";
export const HF_HUB_DOWNLOAD_TIMEOUT = "HF_HUB_DOWNLOAD_TIMEOUT";
export const HF_HUB_USER_AGENT_ORIGIN = "HF_HUB_USER_AGENT_ORIGIN";
export const HF_DEBUG = "HF_DEBUG";
export const HF_TOKEN = "HF_TOKEN";
export const HUGGING_FACE_HUB_TOKEN = "HUGGING_FACE_HUB_TOKEN";
export const HUGGINGFACE_TOKEN = "HUGGINGFACE_TOKEN";
export const HF_DEVICE_CODE_OAUTH_CLIENT_ID = "HF_DEVICE_CODE_OAUTH_CLIENT_ID";
export const NO_COLOR = "NO_COLOR";
/** Turns on the OIDC trusted-publisher exchange and names what the token is for (a repo or a user). */
export const HF_OIDC_RESOURCE = "HF_OIDC_RESOURCE";
/** A pre-minted id token (JWT) from any CI provider, exchanged as it is. A secret: never printed. */
export const HF_OIDC_ID_TOKEN = "HF_OIDC_ID_TOKEN";
/** `true` inside GitHub Actions: the id token is minted from the runner (huggingface_hub `detect_provider`). */
export const GITHUB_ACTIONS = "GITHUB_ACTIONS";
/** GitHub Actions' id-token endpoint, set only for jobs with `permissions: id-token: write`. */
export const ACTIONS_ID_TOKEN_REQUEST_URL = "ACTIONS_ID_TOKEN_REQUEST_URL";
/** The bearer for ACTIONS_ID_TOKEN_REQUEST_URL. A secret: never printed. */
export const ACTIONS_ID_TOKEN_REQUEST_TOKEN = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";

/** Settings whose value is a credential: `hf env` says whether they are set, never what they hold. */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set([
  HF_OIDC_ID_TOKEN,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN,
]);

// Trust (config/ca-bundle.ts): the CA variables Python's clients, curl and Node read.
export const SSL_CERT_FILE = "SSL_CERT_FILE";
export const SSL_CERT_DIR = "SSL_CERT_DIR";
export const REQUESTS_CA_BUNDLE = "REQUESTS_CA_BUNDLE";
export const CURL_CA_BUNDLE = "CURL_CA_BUNDLE";
export const NODE_EXTRA_CA_CERTS = "NODE_EXTRA_CA_CERTS";

/** Every HF_* (and related) setting `hf env` reports, in display order. */
export const ALL_SETTINGS = [
  HF_HOME,
  HF_HUB_CACHE,
  HUGGINGFACE_HUB_CACHE,
  HF_TOKEN_PATH,
  HF_STORED_TOKENS_PATH,
  HF_ENDPOINT,
  HF_HUB_OFFLINE,
  TRANSFORMERS_OFFLINE,
  HF_HUB_DISABLE_TELEMETRY,
  HF_HUB_DISABLE_PROGRESS_BARS,
  HF_HUB_DISABLE_IMPLICIT_TOKEN,
  HF_HUB_DISABLE_SYMLINKS,
  HF_HUB_DISABLE_SYMLINKS_WARNING,
  HF_HUB_ETAG_TIMEOUT,
  HF_HUB_DOWNLOAD_TIMEOUT,
  HF_HUB_USER_AGENT_ORIGIN,
  HF_DEBUG,
  XDG_CACHE_HOME,
  HF_OIDC_RESOURCE,
  HF_OIDC_ID_TOKEN,
  GITHUB_ACTIONS,
  ACTIONS_ID_TOKEN_REQUEST_URL,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN,
] as const;
