import {
  type CorsErrorStatus,
  checkPreflightAccess,
  createPreflightResult,
  ensureAllowedCrossOriginHeaders,
  ensureAllowedCrossOriginMethod,
  hasAuthorizationCoveredByWildcard,
  isPreflightResult,
} from '../chromium';
import type { CleanPreflight } from '../clean-exchange';
import { type CredentialsMode, isRedirectStatus } from '../fetch-spec';
import { asciiLowercase, combinedHeaderValue, EMPTY_HEADERS } from '../headers';
import { type JudgeContext, preflightRequestedMethod } from '../judge-context';
import { type Failure, type PreflightNetworkFailure, replayFailure } from './outcome';

export interface CorsPreflightFetchParams {
  ctx: JudgeContext;
  /** The OPTIONS exchange the capture observed. */
  preflight: CleanPreflight;
  /** The actual request's credentials mode: the CORS check on the preflight uses it (step 7). */
  credentials: CredentialsMode;
  /** The request's origin, serialized ("null" once redirect-tainted). */
  serializedOrigin: string;
  tainted: boolean;
}

/**
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch-0, as Chromium's PreflightController runs it
 * (services/network/cors/preflight_controller.cc, preflight_result.cc), over the observed OPTIONS
 * exchange. 'allowed-authorization-via-wildcard': it passed only because `*` covered
 * `Authorization` (a Chromium deviation, see step 7.6).
 */
export function corsPreflightFetch({
  ctx,
  preflight,
  credentials,
  serializedOrigin,
  tainted,
}: CorsPreflightFetchParams): Failure | PreflightNetworkFailure | 'allowed' | 'allowed-authorization-via-wildcard' {
  const response = preflight.response;
  const fail = (status: CorsErrorStatus, location: string | null = null): Failure =>
    replayFailure({
      status,
      stage: 'preflight',
      hopIndex: null,
      url: preflight.url,
      responseStatus: response ? response.status : null,
      headers: response ? response.headers : EMPTY_HEADERS,
      location,
      tainted,
      comparedOrigin: originForPreflight(preflight, serializedOrigin),
    });
  // Steps 1–5: the OPTIONS request with `Accept: */*`, `Access-Control-Request-Method` and, when
  // there are CORS-unsafe names, `Access-Control-Request-Headers`. The browser built it; the
  // capture observed it.
  //
  // Step 6: HTTP-network-or-cache fetch, which does not follow redirects, so a redirect is not an
  // ok status and step 8 makes it a network error.
  // Deviation(Chromium): a redirected preflight has its own name, PreflightDisallowedRedirect
  // (PreflightController's HandleRedirect).
  const responseLocation = response && isRedirectStatus(response.status) ? combinedHeaderValue(response.headers, 'location') : null;
  if (preflight.redirectedTo || responseLocation !== null) {
    return fail({ corsError: 'PreflightDisallowedRedirect', failedParameter: '' }, preflight.redirectedTo ?? responseLocation);
  }
  // No response: Chromium reports the raw net error of the OPTIONS, with no CorsError.
  // net::ERR_FAILED is its error for a CORS-class block, so it says nothing here.
  if (response === null) {
    if (preflight.error && preflight.error !== 'net::ERR_FAILED') return { kind: 'network', error: preflight.error };
    return 'allowed';
  }
  // Step 7: a CORS check for the request (with its credentials mode, not the preflight's) and the
  // response, and an ok status; otherwise (step 8) a network error.
  // Deviation(Chromium): the CORS check runs first and wins, under the Preflight* names; only a
  // response that passes it can fail as PreflightInvalidStatus (CheckPreflightAccess).
  const access = checkPreflightAccess(preflight.url, response.status, response.headers, credentials, originForPreflight(preflight, serializedOrigin));
  if (access) return fail(access);
  // Deviation(Chromium): a Private Network Access preflight must answer
  // `Access-Control-Allow-Private-Network: true` (WICG Private Network Access, not in Fetch).
  if (asciiLowercase(combinedHeaderValue(preflight.requestHeaders, 'access-control-request-private-network') ?? '') === 'true') {
    const allow = combinedHeaderValue(response.headers, 'access-control-allow-private-network');
    if (allow === null) return fail({ corsError: 'PreflightMissingAllowPrivateNetwork', failedParameter: '' });
    if (allow !== 'true') return fail({ corsError: 'PreflightInvalidAllowPrivateNetwork', failedParameter: allow });
  }
  // Steps 7.1–7.3: methods and headerNames, extracted from `Access-Control-Allow-Methods` and
  // `Access-Control-Allow-Headers`; either failing → a network error. Chromium:
  // InvalidAllowMethodsPreflightResponse, InvalidAllowHeadersPreflightResponse.
  const result = createPreflightResult(response.headers, credentials);
  if (!isPreflightResult(result)) return fail(result);
  // Step 7.4 (methods null and the use-CORS-preflight flag set → methods is « the request's
  // method ») is not replayed: extensions cannot see the flag.
  //
  // Step 7.5: the method is not in methods, not CORS-safelisted, and (credentials "include" or no
  // `*` in methods) → a network error. Chromium: MethodDisallowedByPreflightResponse.
  const methodCheck = ensureAllowedCrossOriginMethod(result, preflightRequestedMethod(ctx));
  if (methodCheck) return fail(methodCheck);
  // Steps 7.6–7.7: `Authorization` not listed by name, then any CORS-unsafe name not listed while
  // (credentials "include" or no `*`) → a network error. Chromium: HeaderDisallowedByPreflightResponse.
  // Deviation(Chromium): without its NonWildcardRequestHeadersSupport feature, `*` covers
  // `Authorization` (EngineOptions.authorizationCoveredByWildcard; PreflightResult's
  // HasAuthorizationCoveredByWildcard).
  const headerCheck = ensureAllowedCrossOriginHeaders(result, ctx.unsafeNames, ctx.options);
  if (headerCheck) return fail(headerCheck);
  // Steps 7.8–7.16: max-age and the CORS-preflight cache, which only Chromium's own requests read;
  // the judge reads max-age for its preflight-cache notes (parseAccessControlMaxAge).
  return hasAuthorizationCoveredByWildcard(result, ctx.unsafeNames) ? 'allowed-authorization-via-wildcard' : 'allowed';
}

/** The preflight's own `Origin` header is what the server compared with; fall back to the replayed origin. */
function originForPreflight(preflight: CleanPreflight, serializedOrigin: string): string {
  return combinedHeaderValue(preflight.requestHeaders, 'origin') ?? serializedOrigin;
}
