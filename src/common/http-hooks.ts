/**
 * The request observers a config carries (`HubConfig.httpHooks`) and every Hub client calls. Neutral
 * types: config/ names them without depending on http/.
 */
export interface RequestInfo {
  method: string;
  /** As `displayUrl` shows it: signed-URL and token query values are `***`. */
  url: string;
  authenticated: boolean;
  traceId: string;
}

export interface ResponseInfo extends RequestInfo {
  status: number;
}

/**
 * Observers every client built from a config calls, besides its own `onRequest` / `onResponse`
 * (set on `HubConfig.httpHooks` by the CLI for its HF_DEBUG log, so clients made deep inside a
 * command report too; the core itself never prints).
 */
export interface HttpHooks {
  onRequest?: ((info: RequestInfo) => void) | undefined;
  onResponse?: ((info: ResponseInfo) => void) | undefined;
}
