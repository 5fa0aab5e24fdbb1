/**
 * Firefox's webRequest (measured on Firefox ESR 153 by e2e/firefox/capture.e2e.ts). Firefox has no
 * extraHeaders option and needs none: every listener sees preflights, Origin and every response
 * header. Where it differs from Chromium:
 * - a preflighted request's onSendHeaders comes first, before its preflight (OPTIONS, its own
 *   requestId, type xmlhttprequest) shows any event; its response (or error) comes after the
 *   preflight ended. The request is paired with its preflight at that later event;
 * - a request blocked for its response's CORS headers (a missing or mismatched
 *   Access-Control-Allow-Origin, credentials not allowed) ends in onCompleted with the server's
 *   status, not in onErrorOccurred: Firefox blocks it after the response was received, and
 *   webRequest reports the load as complete. So a completed request may have been blocked; the
 *   verdict comes from the headers alone;
 * - a failed preflight ends both the preflight and its actual request in onErrorOccurred with
 *   NS_ERROR_DOM_BAD_URI (the preflight's response, if any, came with onHeadersReceived first);
 * - there is no cache probe before a load;
 * - `initiator` is absent; `originUrl` names the requesting document (see initiatorOf in the assembler).
 */
import type { CaptureProfile } from './profile';

/** The error Firefox gives a request it blocked for CORS before or instead of its response. */
export const FIREFOX_CORS_ERROR = 'NS_ERROR_DOM_BAD_URI';

export const firefoxCaptureProfile: CaptureProfile = {
  browser: 'firefox',
  isCorsBlockError: (error) => error === FIREFOX_CORS_ERROR,
  isCacheProbeMiss: () => false,
  blockedRequestEndsIn: 'completed',
  completedRepeatsResponseHeaders: true,
  sendHeadersBeforePreflight: true,
  keepsCredentialsAcrossRedirects: true,
};
