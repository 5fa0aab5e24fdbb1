/**
 * The replay: the Fetch standard's algorithms run over what the capture observed, with Chromium's
 * checks and error names (chromium.ts). The browser already made the request; the replay asks, at
 * each step that can fail a CORS request, whether it failed there and with which `Network.CorsError`.
 */
import type { CredentialsMode } from '../fetch-spec';
import type { JudgeContext } from '../judge-context';
import { httpFetch } from './http-fetch';
import { type FetchState, type Failure, type PreflightNetworkFailure, type Replay, pass, replayFailure } from './outcome';
import { EMPTY_HEADERS } from '../headers';

/**
 * Replays a fetch of the exchange's request under one credentials mode.
 *
 * The request's URL list is the first URL plus each redirect's Location. Main fetch runs once for
 * the first URL and once more for each Location (HTTP-redirect fetch, step 22); the replay runs
 * those as a loop over the list, so a long redirect chain cannot exhaust the stack.
 */
export function replayFetch(ctx: JudgeContext, credentials: CredentialsMode): Replay {
  const state: FetchState = {
    ctx,
    credentials,
    responseTainting: 'basic',
    redirectTainted: false,
    checkedSomething: false,
    authorizationViaWildcard: false,
  };
  for (let urlIndex = 0; urlIndex < ctx.urls.length; urlIndex++) {
    const failure = mainFetch(state, urlIndex);
    if (failure !== null) return failure;
  }
  return pass(state.checkedSomething, state.authorizationViaWildcard);
}

/**
 * https://fetch.spec.whatwg.org/#concept-main-fetch, for the URL at `urlIndex` of the URL list.
 * Returns the failure it ends with, or null when this URL's part of the exchange passed.
 */
export function mainFetch(state: FetchState, urlIndex: number): Failure | PreflightNetworkFailure | null {
  const { ctx } = state;
  // Steps 1–11 (local-URLs-only, CSP, mixed content, bad port, referrer, HSTS upgrade) block for
  // reasons that are not CORS; Chromium reports those with their own net errors, which the judge
  // reads from the outcome before replaying anything.
  //
  // Step 12: the first matching statement decides.
  //   "current URL's origin is same origin with request's origin, and response tainting is basic"
  //   → stays "basic": no CORS check.
  if (state.responseTainting === 'basic' && ctx.origins[urlIndex] === ctx.pageOrigin) return httpFetch(state, urlIndex);
  //   "request's mode is same-origin" → a network error. Chromium: DisallowedByMode.
  if (ctx.mode === 'same-origin') {
    const currentUrl = ctx.urls[urlIndex] as string;
    const first = urlIndex === 0;
    return replayFailure({
      status: { corsError: 'DisallowedByMode', failedParameter: '' },
      stage: first ? 'request' : 'redirect',
      hopIndex: first ? null : urlIndex - 1,
      url: currentUrl,
      responseStatus: null,
      headers: EMPTY_HEADERS,
      location: first ? null : currentUrl,
      tainted: state.redirectTainted,
      comparedOrigin: state.redirectTainted ? 'null' : ctx.pageOrigin,
    });
  }
  //   "request's mode is no-cors" → an opaque response, no CORS check. Not replayed: the judge
  //   says "not a CORS request" before it replays (so are navigations and WebSockets).
  //   "current URL's scheme is not an HTTP(S) scheme" → a network error: for a redirect's Location
  //   see HTTP-redirect fetch, step 6.
  //   "use-CORS-preflight flag set, or an unsafe request with a non-safelisted method or
  //   CORS-unsafe request-header names" → tainting "cors", HTTP fetch with makeCORSPreflight;
  //   "otherwise" → tainting "cors", HTTP fetch. Whether the preflight ran is what the capture
  //   observed (HTTP fetch, step 4.1).
  state.responseTainting = 'cors';
  return httpFetch(state, urlIndex);
}
