import { DeviceCodeError, type HfErrorOptions } from "../errors.js";

/**
 * A failed OAuth exchange (device code, refresh), carrying the server's RFC 6749 / RFC 8628 `error`
 * value (`expired_token`, `access_denied`, `invalid_grant`, ...) as Python's `DeviceCodeError.error_code`.
 */
export class OAuthError extends DeviceCodeError {
  readonly oauthError: string | undefined;
  constructor(message: string, oauthError?: string, options: HfErrorOptions = {}) {
    super(message, options);
    this.oauthError = oauthError;
  }
}
