import { checkAccess, checkAccessValues } from '../chromium';
import type { CleanRedirect } from '../clean-exchange';
import { finalResponseCors } from '../judge-context';
import { corsPreflightFetch } from './cors-preflight-fetch';
import { httpRedirectFetch } from './http-redirect-fetch';
import { type FetchState, type Failure, type PreflightNetworkFailure, replayFailure, serializedRequestOrigin } from './outcome';

/**
 * https://fetch.spec.whatwg.org/#concept-http-fetch, for the URL at `urlIndex` of the URL list.
 * Returns the failure it ends with, or null when this URL's response passed.
 */
export function httpFetch(state: FetchState, urlIndex: number): Failure | PreflightNetworkFailure | null {
  const { ctx } = state;
  const { ex } = ctx;
  const currentUrl = ctx.urls[urlIndex] as string;
  // Step 3 (a service worker's response) is not observable here; every response is the network's.
  //
  // Step 4.1: if makeCORSPreflight is true and the CORS-preflight cache has no match for the
  // method or for some CORS-unsafe request-header name, run a CORS-preflight fetch. The replay runs
  // the one the capture saw go out, for the URL it went to; one Chromium answered from its
  // preflight cache was never observed (the judge says so).
  if (ex.preflight && ctx.preflightIndex === urlIndex) {
    const preflight = corsPreflightFetch({
      ctx,
      preflight: ex.preflight,
      credentials: state.credentials,
      serializedOrigin: serializedRequestOrigin(state),
      tainted: state.redirectTainted,
    });
    // Step 4.1.2: a network error from the preflight is returned as is.
    if (preflight !== 'allowed' && preflight !== 'allowed-authorization-via-wildcard') return preflight;
    if (preflight === 'allowed-authorization-via-wildcard') state.authorizationViaWildcard = true;
    state.checkedSomething = true;
  }
  // Step 4.3: HTTP-network-or-cache fetch: the observed response to this URL, a redirect or the
  // final response.
  if (urlIndex < ex.redirects.length) {
    const hop = ex.redirects[urlIndex] as CleanRedirect;
    // Step 4.4: response tainting "cors" and the CORS check fails → a network error. It runs
    // before the redirect handling of step 6, so a 3xx must carry `Access-Control-Allow-Origin`
    // too (Chromium: CorsURLLoader::OnReceiveRedirect checks the redirect response first).
    if (state.responseTainting === 'cors') {
      state.checkedSomething = true;
      const access = checkAccess(currentUrl, hop.headers, state.credentials, serializedRequestOrigin(state));
      if (access) {
        return replayFailure({
          status: access,
          stage: 'redirect',
          hopIndex: urlIndex,
          url: currentUrl,
          responseStatus: hop.status,
          headers: hop.headers,
          location: hop.location,
          tainted: state.redirectTainted,
          comparedOrigin: serializedRequestOrigin(state),
        });
      }
    }
    // Step 6: a redirect status with redirect mode "follow" → HTTP-redirect fetch (step 6.3).
    // Modes "error" and "manual" stop here; the judge reads that from the outcome.
    return httpRedirectFetch(state, urlIndex, hop);
  }
  const response = ex.response;
  if (response === null) return null;
  // Step 4.4 for the final response. "The CORS check is not to be applied to responses whose status
  // is 304 or 407": the replay skips it for a 304 answering the browser's own cache revalidation,
  // as Chromium does.
  if (state.responseTainting === 'cors' && !(response.status === 304 && ex.fromCache)) {
    state.checkedSomething = true;
    const cors = finalResponseCors(ctx, response);
    const access = checkAccessValues(currentUrl, cors.allowOrigin, response.headers, cors, state.credentials, serializedRequestOrigin(state));
    if (access) {
      return replayFailure({
        status: access,
        stage: 'response',
        hopIndex: null,
        url: currentUrl,
        responseStatus: response.status,
        headers: response.headers,
        location: null,
        tainted: state.redirectTainted,
        comparedOrigin: serializedRequestOrigin(state),
      });
    }
  }
  return null;
}
