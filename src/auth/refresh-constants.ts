/** Refresh this long before expiry (Python `_OAUTH_REFRESH_MARGIN`, 1 day), seconds. */
export const OAUTH_REFRESH_MARGIN = 86_400;
/** Look again at most this often in a long-running process (Python `_OAUTH_RECHECK_INTERVAL`), seconds. */
export const OAUTH_RECHECK_INTERVAL = 300;
