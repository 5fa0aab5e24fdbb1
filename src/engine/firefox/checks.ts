/**
 * Firefox's CORS checks, in Gecko's order (netwerk/protocol/http/nsCORSListenerProxy.cpp), on the
 * headers alone: on Firefox the webRequest events do not tell a CORS block from a success (a simple
 * request Firefox blocks still ends with onCompleted), so the verdict cannot lean on the outcome.
 *
 * Where Firefox departs from Chromium (each measured on Firefox ESR 153, see the recorded fixtures
 * in __fixtures__/firefox-verdicts.json), the code says `FIREFOX DEVIATION`.
 */
import { isRedirectTainted } from '../fetch-spec';
import { countHeaderLines, getHeader, isToken, originOfUrl, urlIncludesCredentials } from '../http';
import type { HeaderList, ObservedExchange, ObservedPreflight, ObservedResponse, Stage } from '../types';
import type { FirefoxReasonKey, FirefoxReasonParams } from './reasons';

export interface FirefoxFailure {
  key: FirefoxReasonKey;
  params: FirefoxReasonParams;
  stage: Stage;
  /** The URL Firefox names in its console line (the response that failed the check). */
  url: string;
  /** For a redirect-stage failure: the index into `redirects`. */
  hopIndex: number | null;
  /** The origin the check compared with (`null` after a tainting redirect). */
  comparedOrigin: string;
  /** The response whose headers failed. */
  response: ObservedResponse;
}

export type FirefoxCheckResult =
  | { kind: 'pass' }
  | { kind: 'blocked'; failure: FirefoxFailure }
  /**
   * Firefox refused it with only "CORS request did not succeed": a network failure, or a redirect
   * to a URL with credentials (FIREFOX DEVIATION: Chromium names that `RedirectContainsCredentials`).
   */
  | { kind: 'did-not-succeed'; url: string; stage: Stage; status: number | null; redirectWithCredentials: boolean };

/**
 * CheckRequestApproved on one response (a preflight, a redirect or the final response).
 * FIREFOX DEVIATION: two `Access-Control-Allow-Origin` lines are refused before anything else
 * (`CORSMultipleAllowOriginNotAllowed`); one line holding a list is a plain mismatch.
 */
export function checkResponseAccess(
  headers: HeaderList,
  status: number,
  origin: string,
  withCredentials: boolean,
): { key: FirefoxReasonKey; params: FirefoxReasonParams } | null {
  const lines = countHeaderLines(headers, 'access-control-allow-origin');
  const allowOrigin = getHeader(headers, 'access-control-allow-origin');
  // Firefox's webRequest hands an add-on two lines of one header as a single `a, b` line: a value
  // with `, ` is taken for two lines (a list written by hand on one line fails all the same).
  if (lines > 1 || (allowOrigin !== null && allowOrigin.includes(', '))) return { key: 'CORSMultipleAllowOriginNotAllowed', params: {} };
  if (allowOrigin === null) return { key: 'CORSMissingAllowOrigin', params: { status } };
  if (withCredentials && allowOrigin === '*') return { key: 'CORSNotSupportingCredentials', params: {} };
  if ((withCredentials || allowOrigin !== '*') && allowOrigin !== origin) return { key: 'CORSAllowOriginNotMatchingOrigin', params: { value: allowOrigin } };
  if (withCredentials && getHeader(headers, 'access-control-allow-credentials') !== 'true') return { key: 'CORSMissingAllowCredentials', params: {} };
  return null;
}

/** Header-list elements as Gecko splits them: on commas, trimmed, empty ones skipped. */
function elements(value: string | null): string[] {
  if (value === null) return [];
  return value
    .split(',')
    .map((element) => element.replace(/^[ \t]+|[ \t]+$/g, ''))
    .filter((element) => element !== '');
}

const SIMPLE_METHODS = ['GET', 'HEAD', 'POST'];
/** The page itself stopped the request (Firefox's NS_BINDING_ABORTED, Chromium's net::ERR_ABORTED). */
const ABORTED = new Set(['NS_BINDING_ABORTED', 'net::ERR_ABORTED']);

/**
 * nsCORSPreflightListener::CheckPreflightRequestApproved, after the access check on the preflight.
 * FIREFOX DEVIATION: the method is checked before `Access-Control-Allow-Headers` is parsed, so an
 * unparsable header list behind a refused method reports the method (Chromium parses both lists first).
 */
function checkPreflightAnswer(
  preflight: ObservedPreflight,
  response: ObservedResponse,
  method: string,
  withCredentials: boolean,
): { key: FirefoxReasonKey; params: FirefoxReasonParams } | null {
  if (response.status < 200 || response.status > 299) return { key: 'CORSPreflightDidNotSucceed', params: { status: response.status } };
  const methods = elements(getHeader(response.headers, 'access-control-allow-methods'));
  const badMethod = methods.find((element) => !isToken(element));
  if (badMethod !== undefined) return { key: 'CORSInvalidAllowMethod', params: { value: badMethod } };
  if (!SIMPLE_METHODS.includes(method) && !methods.includes(method) && (withCredentials || !methods.includes('*'))) {
    return { key: 'CORSMethodNotFound', params: {} };
  }
  const allowed = elements(getHeader(response.headers, 'access-control-allow-headers'));
  const badHeader = allowed.find((element) => !isToken(element));
  if (badHeader !== undefined) return { key: 'CORSInvalidAllowHeader', params: { value: badHeader } };
  const allowedLower = allowed.map((element) => element.toLowerCase());
  // FIREFOX DEVIATION (from the standard, as Chromium by default): `*` without credentials covers
  // `Authorization` too (Firefox ESR 153 lets it through, no console line).
  const wildcard = !withCredentials && allowedLower.includes('*');
  for (const name of elements(getHeader(preflight.request.headers, 'access-control-request-headers'))) {
    const lower = name.toLowerCase();
    if (!wildcard && !allowedLower.includes(lower)) return { key: 'CORSMissingAllowHeaderFromPreflight', params: { value: lower } };
  }
  return null;
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}

/** The origin a preflight carried: its own Origin header as sent, else the page's. */
function preflightOrigin(preflight: ObservedPreflight, fallback: string): string {
  return getHeader(preflight.request.headers, 'origin') ?? fallback;
}

/**
 * Firefox's checks over the whole exchange: for each URL of the redirect chain, its preflight (when
 * the observed one went there), then the response at that URL (a redirect or the final one).
 */
export function firefoxChecks(exchange: ObservedExchange, pageOrigin: string, withCredentials: boolean): FirefoxCheckResult {
  const preflight = exchange.preflight;
  const urls = [exchange.request.url, ...exchange.redirects.map((redirect) => redirect.location)];
  const method = (preflight && getHeader(preflight.request.headers, 'access-control-request-method')) || exchange.request.method;
  for (let index = 0; index < urls.length; index++) {
    const url = urls[index]!;
    if (preflight && sameUrl(preflight.url, url)) {
      const origin = preflightOrigin(preflight, pageOrigin);
      const response = preflight.response;
      if (response === null) return { kind: 'did-not-succeed', url, stage: 'preflight', status: null, redirectWithCredentials: false };
      const access = checkResponseAccess(response.headers, response.status, origin, withCredentials);
      if (access) return { kind: 'blocked', failure: { ...access, stage: 'preflight', url, hopIndex: null, comparedOrigin: origin, response } };
      // FIREFOX DEVIATION: a redirected preflight is CORS-checked as a response first (above); only
      // one that passes is refused as a redirect (`CORSExternalRedirectNotAllowed`).
      if ((preflight.redirectedTo ?? null) !== null || (response.status >= 300 && response.status < 400 && getHeader(response.headers, 'location') !== null)) {
        return {
          kind: 'blocked',
          failure: { key: 'CORSExternalRedirectNotAllowed', params: {}, stage: 'preflight', url, hopIndex: null, comparedOrigin: origin, response },
        };
      }
      const answer = checkPreflightAnswer(preflight, response, method, withCredentials);
      if (answer) return { kind: 'blocked', failure: { ...answer, stage: 'preflight', url, hopIndex: null, comparedOrigin: origin, response } };
    }
    const origin = isRedirectTainted(pageOrigin, urls.slice(0, index + 1)) ? 'null' : pageOrigin;
    const redirect = exchange.redirects[index];
    if (redirect) {
      const response: ObservedResponse = { status: redirect.status, headers: redirect.headers };
      const access = checkResponseAccess(redirect.headers, redirect.status, origin, withCredentials);
      if (access) return { kind: 'blocked', failure: { ...access, stage: 'redirect', url, hopIndex: index, comparedOrigin: origin, response } };
      // FIREFOX DEVIATION: a Location with credentials fails the redirect with NS_ERROR_DOM_BAD_URI,
      // and the console says only "CORS request did not succeed".
      if (urlIncludesCredentials(redirect.location)) return { kind: 'did-not-succeed', url, stage: 'redirect', status: null, redirectWithCredentials: true };
      continue;
    }
    const response = exchange.response;
    if (response === null) {
      // The page stopped at a redirect that passed (fetch() with redirect: 'manual'): nothing failed.
      if (index > 0 && exchange.outcome.kind === 'error' && ABORTED.has(exchange.outcome.error)) return { kind: 'pass' };
      // A redirect to a scheme CORS cannot fetch (data:, …) is named by the URL that redirected.
      const named = index > 0 && !/^https?:/i.test(url) ? urls[index - 1]! : url;
      return { kind: 'did-not-succeed', url: named, stage: index > 0 ? 'redirect' : 'response', status: null, redirectWithCredentials: false };
    }
    const access = checkResponseAccess(response.headers, response.status, origin, withCredentials);
    if (access) return { kind: 'blocked', failure: { ...access, stage: 'response', url, hopIndex: null, comparedOrigin: origin, response } };
  }
  return { kind: 'pass' };
}

/** Whether a URL is on another origin than the page (Firefox CORS-checks only cross-origin loads). */
export function isCrossOrigin(url: string, pageOrigin: string): boolean {
  return originOfUrl(url) !== pageOrigin;
}
