import { HttpError } from "../errors.js";
import { authorizationFor } from "./authorization-for.js";
import { originOf } from "./build-url.js";
import { displayUrl } from "./display-url.js";
import type { RedirectMode } from "./hub-client.js";

/** Hosts whose redirects Python's HEAD /resolve follows (`constants.HF_URL_HOSTS` + the endpoint's). */
export const HUB_HOSTS: readonly string[] = ["hf.co", "huggingface.co", "hub-ci.huggingface.co"];
export const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Python's `_is_same_or_hub_host`: the target hostname (lower case; port and scheme ignored) equals
 * the current one or is a Hub host.
 */
export function isSameOrHubHost(current: string, target: string, endpoint: string): boolean {
  const t = new URL(target).hostname.toLowerCase();
  if (t === new URL(current).hostname.toLowerCase()) return true;
  return HUB_HOSTS.includes(t) || t === new URL(endpoint).hostname.toLowerCase();
}

/** Where the request stands when a response arrives. */
export interface HopState {
  /** The URL that answered. */
  url: string;
  /** The URL the request started at (the loop-limit message names it; leaving its origin drops auth). */
  firstUrl: string;
  method: string;
  /** Redirects followed so far. */
  hops: number;
  /** Whether an earlier hop already left the first origin (Authorization never comes back). */
  leftOrigin: boolean;
}

export interface HopAnswer {
  status: number;
  /** The Location header, as sent (relative or absolute). */
  location: string | undefined;
}

export interface HopRules {
  redirect: RedirectMode;
  endpoint: string;
  token: string | undefined;
  /** `false`: the request sends no token on any hop (`HubRequest.auth`). Default true. */
  auth?: boolean | undefined;
}

/** What to do with a response: deliver it, or follow it to `url`. */
export type Hop =
  | {
      follow: false;
      /** `hub-only` stopped at a redirect off the Hub: the 3xx is delivered as is, not as a final answer. */
      offHub: boolean;
    }
  | {
      follow: true;
      url: string;
      /** RFC 9110 §15.4: 303 (and a POST's 301/302) turn the request into a body-less GET. */
      method: string;
      dropBody: boolean;
      leftOrigin: boolean;
      /** The token's header for the next hop (`authorizationFor`), or undefined once the first origin was left. */
      authorization: string | undefined;
    };

/**
 * The redirect rule, pure: given where the request is and what the server answered, whether to
 * follow and where, with which method, and whether the token may go along. Authorization goes only
 * where `authorizationFor` allows it and never again once a hop left the first origin (httpx drops
 * it on cross-origin redirects; the caller's own Authorization header is dropped too, `leftOrigin`).
 * `hub-only` (Python's HEAD /resolve) delivers the first redirect to a non-Hub host instead of
 * following it; `manual` delivers every redirect.
 *
 * Throws `HttpError` for a Location that is not a URL, a non-http(s) scheme, or more than
 * `MAX_REDIRECTS` hops.
 *
 * @example
 * nextHop(
 *   { url: "http://127.0.0.1:8080/a", firstUrl: "http://127.0.0.1:8080/a", method: "GET", hops: 0, leftOrigin: false },
 *   { status: 302, location: "http://127.0.0.2:8081/blob" },
 *   { redirect: "follow", endpoint: "http://127.0.0.1:8080", token },
 * ) // { follow: true, url: "http://127.0.0.2:8081/blob", method: "GET", dropBody: false, leftOrigin: true, authorization: undefined }
 */
export function nextHop(state: HopState, answer: HopAnswer, rules: HopRules): Hop {
  const { url, method } = state;
  const { status, location } = answer;
  if (!REDIRECT_STATUSES.has(status) || !location || rules.redirect === "manual") {
    return { follow: false, offHub: false };
  }
  let targetUrl: URL;
  try {
    targetUrl = new URL(location, url);
  } catch (e) {
    throw new HttpError(`${displayUrl(url)} redirected to an invalid Location`, {
      url: displayUrl(url),
      cause: e,
    });
  }
  if (targetUrl.protocol !== "http:" && targetUrl.protocol !== "https:") {
    throw new HttpError(
      `${displayUrl(url)} redirected to a ${targetUrl.protocol} URL, which hubkit does not follow`,
      { url: displayUrl(url), status },
    );
  }
  const target = targetUrl.toString();
  if (rules.redirect === "hub-only" && !isSameOrHubHost(url, target, rules.endpoint)) {
    return { follow: false, offHub: true };
  }
  if (state.hops + 1 > MAX_REDIRECTS) {
    throw new HttpError(
      `Too many redirects (more than ${MAX_REDIRECTS}) starting at ${method} ${displayUrl(state.firstUrl)}`,
      { url: displayUrl(state.firstUrl), status },
    );
  }
  // RFC 9110 §15.4: 303 turns anything but HEAD into GET; browsers and httpx also turn a POST
  // into a GET on 301/302.
  const asGet =
    (status === 303 && method !== "HEAD") || ((status === 301 || status === 302) && method === "POST");
  const leftOrigin = state.leftOrigin || originOf(target) !== originOf(state.firstUrl);
  const authorization =
    rules.auth !== false && !leftOrigin
      ? authorizationFor(target, { endpoint: rules.endpoint, token: rules.token })
      : undefined;
  return {
    follow: true,
    url: target,
    method: asGet ? "GET" : method,
    dropBody: asGet,
    leftOrigin,
    authorization,
  };
}
