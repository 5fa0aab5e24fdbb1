/**
 * What the request headers say about the request: its mode, its credentials mode, whether the HTTP
 * cache touched them, and which names are CORS-unsafe (the preflight's input).
 */
import type { CleanExchange } from './clean-exchange';
import { isObject, str } from './clean-exchange';
import {
  CHROMIUM_SAFELISTABLE,
  REQUEST_HEADER_ROLE_CACHE_LAYER,
  REQUEST_HEADER_ROLE_COOKIE,
  REQUEST_HEADER_ROLE_ORIGIN,
  REQUEST_HEADER_ROLE_SEC_FETCH_MODE,
  REQUEST_HEADER_ROLE_STORAGE_ACCESS,
  SAFELISTED_VALUES_BUDGET,
  SEC_PREFIX,
  corsUnsafeNotForbiddenRequestHeaderNames,
  isCorsSafelistedNamedRequestHeader,
  isForbiddenNamedRequestHeader,
  requestHeaderName,
} from './fetch-spec';
import { asciiLowercase, combinedHeaderValue, headerNameIs } from './headers';
import { byteLength } from './http';
import type { CredentialsEvidenceHeader, HeaderLine, HeaderList } from './types';

/** The request's mode (https://fetch.spec.whatwg.org/#concept-request-mode) as far as the headers show it. */
export type RequestModeEvidence = 'cors' | 'no-cors' | 'navigate' | 'same-origin' | 'websocket' | 'unknown';

/** The mode a `Sec-Fetch-Mode` value names, or null when it names none of them. */
export function fetchModeOf(secFetchMode: string): RequestModeEvidence | null {
  const mode = asciiLowercase(secFetchMode.trim());
  return mode === 'cors' || mode === 'no-cors' || mode === 'navigate' || mode === 'same-origin' || mode === 'websocket' ? mode : null;
}

/**
 * The request's mode from what it sent: `Sec-Fetch-Mode` when present (Chromium sends it to
 * potentially trustworthy URLs), otherwise `Origin` (always on a CORS request) or its absence on
 * a GET/HEAD (a no-cors or navigation request); anything else is unknown.
 * The one place the mode is decided; requestModeFromHeaders and scanRequestHeaders gather the
 * evidence for it.
 */
export function requestMode(evidence: { fetchMode: RequestModeEvidence | null; hasOrigin: boolean; method: string }): RequestModeEvidence {
  if (evidence.fetchMode !== null) return evidence.fetchMode;
  if (evidence.hasOrigin) return 'cors';
  const upper = evidence.method.toUpperCase();
  return upper === 'GET' || upper === 'HEAD' ? 'no-cors' : 'unknown';
}

/** requestMode for a header list as sent (the first `Sec-Fetch-Mode` naming a mode wins). */
export function requestModeFromHeaders(headers: HeaderList | null | undefined, method = 'GET'): RequestModeEvidence {
  if (!Array.isArray(headers)) return 'unknown';
  let fetchMode: RequestModeEvidence | null = null;
  let hasOrigin = false;
  for (let i = 0; i < headers.length && fetchMode === null; i++) {
    const line = headers[i] as HeaderLine;
    if (!isObject(line) || typeof line.name !== 'string') continue;
    if (headerNameIs(line.name, 'sec-fetch-mode')) fetchMode = fetchModeOf(str(line.value));
    else if (headerNameIs(line.name, 'origin')) hasOrigin = true;
  }
  return requestMode({ fetchMode, hasOrigin, method });
}

/**
 * What the judge reads from the request headers, in one pass: each name is classified once
 * (`requestHeaderName`) for the mode evidence, the credentials evidence, the cache-layer check and
 * the preflight decision, instead of once per question.
 */
export interface RequestHeaderScan {
  /**
   * corsUnsafeNotForbiddenRequestHeaderNames of these headers, when asked for and no
   * cache-layer header is present (else null).
   */
  unsafeNames: string[] | null;
  /** The first header (lower-cased) safelisted only by Chromium's extra names, not `sec-` prefixed. */
  chromiumOnlySafelisted: string | null;
  /** requestModeFromHeaders' answer for these headers. */
  mode: RequestModeEvidence;
  /** credentialsEvidence's answer for these headers. */
  credentials: string | null;
  /** A header the HTTP cache may have added (see withoutCacheLayerHeaders). */
  cacheLayer: boolean;
}

export const COOKIE_EVIDENCE = 'The request sent a `Cookie` header, so its credentials mode was include.';
export const KNOWN_INCLUDE_EVIDENCE = 'The request was made with credentials mode include (stated by the client that sent it).';
export const STORAGE_ACCESS_EVIDENCE = 'The request sent `Sec-Fetch-Storage-Access`, which Chromium adds to credentialed cross-site requests.';

/**
 * The evidence of a credentials header sent to an earlier URL of the chain only (see
 * ObservedExchange.credentialsBeforeRedirect): the mode is the request's, so it holds after the
 * redirect too.
 */
export function credentialsBeforeRedirectEvidence(evidence: CredentialsEvidenceHeader, url: string): string {
  const header = evidence.name === 'cookie' ? '`Cookie`' : '`Sec-Fetch-Storage-Access` (sent only on credentialed cross-site requests)';
  return `Before a redirect the request sent ${header} to \`${url}\`, so its credentials mode was include; the headers sent after the redirect no longer show it (Firefox stops sending \`Sec-Fetch-Storage-Access\` once a redirect has made the request's origin \`null\`).`;
}

export function scanRequestHeaders(headers: HeaderList, method: string, collectUnsafe: boolean): RequestHeaderScan {
  let fetchMode: RequestModeEvidence | null = null;
  let hasOrigin = false;
  let credentials: string | null = null;
  let cacheLayer = false;
  let chromiumOnlySafelisted: string | null = null;
  // corsUnsafeNotForbiddenRequestHeaderNames, in the same pass (see collectUnsafeNames).
  let unsafe: string[] | null = null;
  // UTF-16 units of the safelisted values: a unit is at most 3 UTF-8 bytes, so the exact byte
  // count is needed only when 3 × units could exceed the budget.
  let safelistedUnits = 0;
  for (let i = 0; i < headers.length; i++) {
    const line = headers[i] as HeaderLine;
    const name = requestHeaderName(line.name);
    const flags = name.flags;
    let isSafelisted: boolean | null = null;
    if (collectUnsafe && !isForbiddenNamedRequestHeader(name, line.value, 'chromium')) {
      isSafelisted = isCorsSafelistedNamedRequestHeader(name, line.value);
      if (isSafelisted) safelistedUnits += line.value.length;
      else (unsafe ??= []).push(name.lower);
    }
    if (chromiumOnlySafelisted === null && (flags & (CHROMIUM_SAFELISTABLE | SEC_PREFIX)) === CHROMIUM_SAFELISTABLE) {
      if (isSafelisted ?? isCorsSafelistedNamedRequestHeader(name, line.value)) chromiumOnlySafelisted = name.lower;
    }
    switch (name.role) {
      case 0:
        break;
      case REQUEST_HEADER_ROLE_SEC_FETCH_MODE:
        fetchMode ??= fetchModeOf(line.value);
        break;
      case REQUEST_HEADER_ROLE_ORIGIN:
        hasOrigin = true;
        break;
      case REQUEST_HEADER_ROLE_COOKIE:
        credentials ??= COOKIE_EVIDENCE;
        break;
      case REQUEST_HEADER_ROLE_STORAGE_ACCESS:
        credentials ??= STORAGE_ACCESS_EVIDENCE;
        break;
      case REQUEST_HEADER_ROLE_CACHE_LAYER:
        cacheLayer = true;
        break;
    }
  }
  const mode = requestMode({ fetchMode, hasOrigin, method });
  let unsafeNames: string[] | null = null;
  if (collectUnsafe && !cacheLayer) {
    unsafeNames = unsafe ?? [];
    if (safelistedUnits * 3 > SAFELISTED_VALUES_BUDGET) {
      // The rare long case: count the bytes exactly, and append every safelisted name when over.
      let safelisted: string[] | null = null;
      let safelistedBytes = 0;
      for (let i = 0; i < headers.length; i++) {
        const line = headers[i] as HeaderLine;
        const name = requestHeaderName(line.name);
        if (isForbiddenNamedRequestHeader(name, line.value, 'chromium') || !isCorsSafelistedNamedRequestHeader(name, line.value)) continue;
        (safelisted ??= []).push(name.lower);
        safelistedBytes += byteLength(line.value);
      }
      if (safelisted !== null && safelistedBytes > SAFELISTED_VALUES_BUDGET) unsafeNames.push(...safelisted);
    }
  }
  return { unsafeNames, chromiumOnlySafelisted, mode, credentials, cacheLayer };
}

/**
 * The CORS-unsafe, non-forbidden header names in the order Chromium checks them. A preflight's
 * `Access-Control-Request-Headers` is exactly that list (sorted), and it is all there is when
 * the actual request never sent its headers.
 */
export function unsafeHeaderNamesFor(ex: CleanExchange, scan: RequestHeaderScan | null): string[] {
  if (ex.preflight) {
    const acrh = combinedHeaderValue(ex.preflight.requestHeaders, 'access-control-request-headers');
    if (acrh !== null) {
      const names: string[] = [];
      for (const part of acrh.split(',')) {
        const name = asciiLowercase(part.trim());
        if (name !== '' && !names.includes(name)) names.push(name);
      }
      return names;
    }
    return [];
  }
  if (!ex.headers) return [];
  if (scan && scan.unsafeNames !== null) return scan.unsafeNames;
  return corsUnsafeNotForbiddenRequestHeaderNames(withoutCacheLayerHeaders(ex.headers));
}

/**
 * The HTTP cache and DevTools "Disable cache" add validators and `no-cache` below the CORS
 * layer; on an actual request without an observed preflight they say nothing about the
 * preflight decision.
 */
function withoutCacheLayerHeaders(headers: HeaderList): HeaderList {
  let drop = false;
  for (let i = 0; i < headers.length; i++) {
    const name = (headers[i] as HeaderLine).name;
    if (headerNameIs(name, 'pragma') || headerNameIs(name, 'cache-control') || headerNameIs(name, 'if-none-match') || headerNameIs(name, 'if-modified-since')) {
      drop = true;
      break;
    }
  }
  if (!drop) return headers;
  return headers.filter((line) => {
    const lower = asciiLowercase(line.name);
    if (lower === 'if-none-match' || lower === 'if-modified-since') return false;
    if ((lower === 'pragma' || lower === 'cache-control') && asciiLowercase(line.value.trim()) === 'no-cache') return false;
    return true;
  });
}
