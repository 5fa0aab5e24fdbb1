/**
 * Chromium's webRequest, with listeners registered with extraHeaders (docs/architecture.md, "Event
 * sequences"; observed by the browser tests in e2e/capture.e2e.ts and e2e/restart*.e2e.ts):
 * - a preflight is a request of its own (OPTIONS with Access-Control-Request-Method) that ends
 *   before its actual request shows any event beyond onBeforeRequest;
 * - an actual request whose preflight failed shows only onErrorOccurred;
 * - every response, redirects and CORS-failed ones included, shows onHeadersReceived;
 * - a CORS block ends in onErrorOccurred with net::ERR_FAILED, never in onCompleted (a completion
 *   status built from a CorsErrorStatus has error_code net::ERR_FAILED:
 *   services/network/public/cpp/url_loader_completion_status.cc), and onCompleted repeats the
 *   response headers;
 * - before some loads (fonts) Chromium probes its cache; a miss ends that probe with
 *   net::ERR_CACHE_MISS and the real request follows.
 */
import type { CaptureProfile } from './profile';

/** The only net error Chromium gives a CORS block. */
export const CHROMIUM_CORS_ERROR = 'net::ERR_FAILED';
/** The end of a cache probe that found nothing. */
export const CHROMIUM_CACHE_MISS = 'net::ERR_CACHE_MISS';

export const chromiumCaptureProfile: CaptureProfile = {
  browser: 'chromium',
  isCorsBlockError: (error) => error === CHROMIUM_CORS_ERROR,
  isCacheProbeMiss: (error) => error === CHROMIUM_CACHE_MISS,
  blockedRequestEndsIn: 'error',
  completedRepeatsResponseHeaders: true,
  sendHeadersBeforePreflight: false,
  keepsCredentialsAcrossRedirects: false,
};
