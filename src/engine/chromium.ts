/**
 * Chromium's CORS layer on top of the spec algorithms: the checks the network service runs, in
 * its order, returning the `Network.CorsError` name and `failedParameter` Chromium reports.
 * Sources: services/network/public/cpp/cors/cors.cc (CheckAccess), services/network/cors/
 * preflight_controller.cc, preflight_result.cc, cors_url_loader.cc. Their check order and where
 * they depart from the spec: docs/chromium-behaviour.md.
 */
import type { CorsErrorName, HeaderList } from './types';
import {
  CHROMIUM_PREFLIGHT_MAX_AGE_CAP_SECONDS,
  PREFLIGHT_DEFAULT_MAX_AGE_SECONDS,
  corsUnsafeNotForbiddenRequestHeaderNames,
  extractHeaderListValues,
  isCorsSafelistedMethod,
  isOkStatus,
  type CredentialsMode,
} from './fetch-spec';
import { asciiLowercase, combinedHeaderValue } from './headers';
import { isHttpOrHttpsUrl, isValidAbsoluteUrl, originOfUrl, urlIncludesCredentials } from './http';

export interface CorsErrorStatus {
  corsError: CorsErrorName;
  failedParameter: string;
}

export interface EngineOptions {
  /**
   * Whether `Access-Control-Allow-Headers: *` covers `Authorization` (credentials not included).
   * The spec says never; Chromium does unless its NonWildcardRequestHeadersSupport feature is on.
   * Chromium 156 (Debian 156.0.8078.108) lets it pass: observed with a CDP session, a fetch with
   * `Authorization` and a preflight answering `ACAH: *` succeeded (docs/chromium-behaviour.md,
   * "Observed in Chromium"). Default: true.
   */
  authorizationCoveredByWildcard: boolean;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = { authorizationCoveredByWildcard: true };

const ACTUAL_TO_PREFLIGHT: Partial<Record<CorsErrorName, CorsErrorName>> = {
  WildcardOriginNotAllowed: 'PreflightWildcardOriginNotAllowed',
  MissingAllowOriginHeader: 'PreflightMissingAllowOriginHeader',
  MultipleAllowOriginValues: 'PreflightMultipleAllowOriginValues',
  InvalidAllowOriginValue: 'PreflightInvalidAllowOriginValue',
  AllowOriginMismatch: 'PreflightAllowOriginMismatch',
  InvalidAllowCredentials: 'PreflightInvalidAllowCredentials',
};

/**
 * The CORS check, https://fetch.spec.whatwg.org/#concept-cors-check, as cors.cc CheckAccess runs
 * it: the spec's failure, named the way Chromium reports it (see checkAccessValues for the steps).
 */
export function checkAccess(responseUrl: string, responseHeaders: HeaderList, credentials: CredentialsMode, serializedOrigin: string): CorsErrorStatus | null {
  return checkAccessValues(
    responseUrl,
    combinedHeaderValue(responseHeaders, 'access-control-allow-origin'),
    responseHeaders,
    null,
    credentials,
    serializedOrigin,
  );
}

/**
 * checkAccess over an `Access-Control-Allow-Origin` value already read from the headers; when
 * `allowCredentialsRead` is null, `Access-Control-Allow-Credentials` is read from
 * `responseHeaders` only if needed.
 * https://fetch.spec.whatwg.org/#concept-cors-check
 */
export function checkAccessValues(
  responseUrl: string,
  allowOrigin: string | null,
  responseHeaders: HeaderList,
  allowCredentialsRead: { allowCredentials: string | null } | null,
  credentials: CredentialsMode,
  serializedOrigin: string,
): CorsErrorStatus | null {
  const include = credentials === 'include';
  // Step 1: origin is the result of getting `Access-Control-Allow-Origin` (every line, combined).
  // Deviation(Chromium): `*` is looked at before step 2, and with credentials it fails only for an
  // http(s) response URL (WildcardOriginNotAllowed); for any other URL it goes on to the
  // credentials check. The spec fails it at step 4 for every URL.
  if (allowOrigin === '*') {
    // Step 3: credentials mode not "include" and origin is `*` → success.
    if (!include) return null;
    if (isHttpOrHttpsUrl(responseUrl)) return { corsError: 'WildcardOriginNotAllowed', failedParameter: '' };
  } else if (allowOrigin === null) {
    // Step 2: origin is null (no header; "Null is not `null`") → failure.
    return { corsError: 'MissingAllowOriginHeader', failedParameter: '' };
  } else if (allowOrigin !== serializedOrigin) {
    // Step 4: the byte-serialized request origin is not origin → failure. Chromium names why: a
    // space or comma (two values, or two header lines combined), a value that is not a URL, or
    // another origin (`null` included).
    if (allowOrigin.includes(' ') || allowOrigin.includes(',')) {
      return { corsError: 'MultipleAllowOriginValues', failedParameter: allowOrigin };
    }
    if (allowOrigin !== 'null' && !isValidAbsoluteUrl(allowOrigin)) {
      return { corsError: 'InvalidAllowOriginValue', failedParameter: allowOrigin };
    }
    return { corsError: 'AllowOriginMismatch', failedParameter: allowOrigin };
  }
  // Step 5: credentials mode not "include" → success.
  // Steps 6–8: `Access-Control-Allow-Credentials` is exactly `true` → success; else failure.
  if (include) {
    const allowCredentials =
      allowCredentialsRead !== null ? allowCredentialsRead.allowCredentials : combinedHeaderValue(responseHeaders, 'access-control-allow-credentials');
    if (allowCredentials !== 'true') return { corsError: 'InvalidAllowCredentials', failedParameter: allowCredentials ?? '' };
  }
  return null;
}

/** The `Preflight*` name Chromium reports when `checkAccess` fails on the OPTIONS response. */
export function toPreflightError(status: CorsErrorStatus): CorsErrorStatus {
  return { corsError: ACTUAL_TO_PREFLIGHT[status.corsError] ?? status.corsError, failedParameter: status.failedParameter };
}

/**
 * preflight_controller.cc CheckPreflightAccess: the CORS check on the OPTIONS response with the
 * actual request's credentials mode, then the ok-status check
 * (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 step 7). The CORS check wins: a 404
 * without ACAO is PreflightMissingAllowOriginHeader, not PreflightInvalidStatus.
 */
export function checkPreflightAccess(
  responseUrl: string,
  status: number,
  responseHeaders: HeaderList,
  credentials: CredentialsMode,
  serializedOrigin: string,
): CorsErrorStatus | null {
  const access = checkAccess(responseUrl, responseHeaders, credentials, serializedOrigin);
  if (access) return toPreflightError(access);
  if (!isOkStatus(status)) return { corsError: 'PreflightInvalidStatus', failedParameter: '' };
  return null;
}

/** preflight_result.cc PreflightResult: what a successful preflight allows, and until when. */
export interface PreflightResult {
  /** ACAM tokens, case kept (Chromium compares methods case-sensitively). */
  methods: Set<string>;
  /** ACAH tokens, lower-cased. */
  headers: Set<string>;
  /** The actual request's credentials mode was include. */
  credentials: boolean;
  maxAgeSeconds: number;
}

/**
 * preflight_result.cc PreflightResult::Create: parse ACAM then ACAH
 * (https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 steps 7.1–7.3: extract both; either
 * failing is a network error).
 */
export function createPreflightResult(responseHeaders: HeaderList, credentials: CredentialsMode): PreflightResult | CorsErrorStatus {
  const methods = extractHeaderListValues(combinedHeaderValue(responseHeaders, 'access-control-allow-methods'));
  if (methods === 'failure') return { corsError: 'InvalidAllowMethodsPreflightResponse', failedParameter: '' };
  const headers = extractHeaderListValues(combinedHeaderValue(responseHeaders, 'access-control-allow-headers'));
  if (headers === 'failure') return { corsError: 'InvalidAllowHeadersPreflightResponse', failedParameter: '' };
  return {
    methods: new Set(methods ?? []),
    headers: new Set((headers ?? []).map(asciiLowercase)),
    credentials: credentials === 'include',
    maxAgeSeconds: parseAccessControlMaxAge(combinedHeaderValue(responseHeaders, 'access-control-max-age')),
  };
}

export function isPreflightResult(value: PreflightResult | CorsErrorStatus): value is PreflightResult {
  return (value as PreflightResult).methods !== undefined;
}

/**
 * PreflightResult::EnsureAllowedCrossOriginMethod — https://fetch.spec.whatwg.org/#cors-preflight-fetch-0
 * step 7.5: the method is in methods, or CORS-safelisted, or methods has `*` and the credentials
 * mode is not "include". Case-sensitive, as the spec's "is in": `put` does not allow `PUT`
 * (Chromium's spec-conformant mode, its default).
 */
export function ensureAllowedCrossOriginMethod(result: PreflightResult, method: string): CorsErrorStatus | null {
  if (result.methods.has(method) || isCorsSafelistedMethod(method)) return null;
  if (!result.credentials && result.methods.has('*')) return null;
  return { corsError: 'MethodDisallowedByPreflightResponse', failedParameter: method };
}

/**
 * PreflightResult::EnsureAllowedCrossOriginHeaders — https://fetch.spec.whatwg.org/#cors-preflight-fetch-0
 * steps 7.6 (`Authorization` must be listed by name) and 7.7 (every CORS-unsafe name listed, or `*`
 * without credentials), over the lower-cased CORS-unsafe, non-forbidden names in the order
 * Chromium checks them.
 */
export function ensureAllowedCrossOriginHeaders(result: PreflightResult, unsafeHeaderNames: readonly string[], options: EngineOptions): CorsErrorStatus | null {
  if (!result.credentials && result.headers.has('*')) {
    // Deviation(Chromium): step 7.6 holds only with its NonWildcardRequestHeadersSupport feature;
    // without it, `*` covers `Authorization` too (options.authorizationCoveredByWildcard).
    if (!options.authorizationCoveredByWildcard && unsafeHeaderNames.includes('authorization') && !result.headers.has('authorization')) {
      return { corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'authorization' };
    }
    return null;
  }
  for (const name of unsafeHeaderNames) {
    if (!result.headers.has(name)) return { corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: name };
  }
  return null;
}

/** preflight_result.cc HasAuthorizationCoveredByWildcard: `*` is what let Authorization through. */
export function hasAuthorizationCoveredByWildcard(result: PreflightResult, unsafeHeaderNames: readonly string[]): boolean {
  return !result.credentials && result.headers.has('*') && !result.headers.has('authorization') && unsafeHeaderNames.includes('authorization');
}

/**
 * cors_url_loader.cc CheckRedirectLocation: https://fetch.spec.whatwg.org/#concept-http-redirect-fetch
 * steps 9–10. A Location with userinfo fails when the CORS flag is set (response tainting "cors",
 * step 10), or in cors mode when cross-origin to the initiator (step 9).
 * Deviation(Chromium): step 9 in its older wording, which also fails a same-origin Location
 * when the request is redirect-tainted.
 */
export function checkRedirectLocation(locationUrl: string, mode: string, initiatorOrigin: string, corsFlag: boolean, tainted: boolean): CorsErrorStatus | null {
  const corsMode = mode === 'cors' || mode === 'cors-with-forced-preflight';
  if (!corsFlag && !corsMode) return null;
  if (!urlIncludesCredentials(locationUrl)) return null;
  const crossOrigin = originOfUrl(locationUrl) !== initiatorOrigin;
  if (corsFlag || (corsMode && (tainted || crossOrigin))) {
    return { corsError: 'RedirectContainsCredentials', failedParameter: '' };
  }
  return null;
}

/**
 * cors_url_loader.cc NeedsPreflight (CORS part): a non-safelisted method, or any CORS-unsafe,
 * non-forbidden request header. https://fetch.spec.whatwg.org/#concept-main-fetch step 12, the
 * statement "request's use-CORS-preflight flag is set, or its unsafe-request flag is set and
 * either its method is not a CORS-safelisted method or the CORS-unsafe request-header names … is
 * not empty" (and HTTP fetch step 4.1, which asks the preflight cache first).
 */
export function needsPreflight(method: string, requestHeaders: HeaderList, isRevalidating = false): boolean {
  return !isCorsSafelistedMethod(method) || corsUnsafeNotForbiddenRequestHeaderNames(requestHeaders, isRevalidating).length > 0;
}

// ---- Preflight cache model (preflight_result.cc, preflight_cache.cc; docs/chromium-behaviour.md) ----

/**
 * preflight_result.cc ParseAccessControlMaxAge + the default: missing or unparsable ⇒ 5 s,
 * negative ⇒ 0 (not cached), capped at 7200 s. https://fetch.spec.whatwg.org/#cors-preflight-fetch-0
 * steps 7.8–7.10 (failure or null ⇒ 5; above the imposed limit ⇒ the limit).
 * Deviation(Chromium): a negative value means "do not cache"; the spec's extraction fails on it,
 * which gives 5.
 */
export function parseAccessControlMaxAge(value: string | null): number {
  if (value === null || !/^[+-]?\d+$/.test(value)) return PREFLIGHT_DEFAULT_MAX_AGE_SECONDS;
  const negative = value.charCodeAt(0) === 0x2d;
  const digits = value.replace(/^[+-]/, '').replace(/^0+(?=\d)/, '');
  const int64Limit = negative ? '9223372036854775808' : '9223372036854775807';
  // base::StringToInt64 fails on overflow, and a failed parse means "use the default".
  if (digits.length > 19 || (digits.length === 19 && digits > int64Limit)) return PREFLIGHT_DEFAULT_MAX_AGE_SECONDS;
  if (negative) return 0;
  return digits.length > 5 ? CHROMIUM_PREFLIGHT_MAX_AGE_CAP_SECONDS : Math.min(Number(digits), CHROMIUM_PREFLIGHT_MAX_AGE_CAP_SECONDS);
}

/** One entry of https://fetch.spec.whatwg.org/#concept-cache as Chromium keeps it (per origin + URL). */
export interface PreflightCacheEntry {
  origin: string;
  url: string;
  result: PreflightResult;
  /** Epoch milliseconds. */
  createdAt: number;
}

export function preflightCacheEntryExpiresAt(entry: PreflightCacheEntry): number {
  return entry.createdAt + entry.result.maxAgeSeconds * 1000;
}

/**
 * https://fetch.spec.whatwg.org/#concept-cache-match plus Chromium's EnsureAllowedRequest: the
 * entry is fresh, for the same origin and URL, not made without credentials for an include
 * request (vector V92, docs/vectors.md), and allows the method and every unsafe header name.
 */
export function preflightCacheEntryMatch(
  entry: PreflightCacheEntry,
  request: { origin: string; url: string; method: string; unsafeHeaderNames: readonly string[]; credentials: CredentialsMode; now: number },
  options: EngineOptions = DEFAULT_ENGINE_OPTIONS,
): boolean {
  if (entry.origin !== request.origin || entry.url !== request.url) return false;
  if (request.now >= preflightCacheEntryExpiresAt(entry)) return false;
  return preflightResultAllowsRequest(entry.result, request.credentials, request.method, request.unsafeHeaderNames, options);
}

/** PreflightResult::EnsureAllowedRequest. */
export function preflightResultAllowsRequest(
  result: PreflightResult,
  credentials: CredentialsMode,
  method: string,
  unsafeHeaderNames: readonly string[],
  options: EngineOptions = DEFAULT_ENGINE_OPTIONS,
): boolean {
  if (!result.credentials && credentials === 'include') return false;
  if (ensureAllowedCrossOriginMethod(result, method)) return false;
  return ensureAllowedCrossOriginHeaders(result, unsafeHeaderNames, options) === null;
}
