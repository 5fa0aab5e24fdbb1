/**
 * What the capture side assumes about one browser's webRequest: the error strings it reports and
 * the order its events come in. The assembler, the restart state and the entry builder read these
 * instead of hard-coding one browser's behaviour, so that another browser adds an implementation
 * (profiles/<browser>.ts) and changes none of them.
 */
import type { BrowserName } from '../../platform/browser-name';

export interface CaptureProfile {
  readonly browser: BrowserName;
  /**
   * Whether `error` (onErrorOccurred's `error`) is the one the browser reports when it blocked a
   * request for CORS. Other causes may share the string (Chromium's net::ERR_FAILED is generic);
   * the engine tells them apart from the exchange.
   */
  isCorsBlockError(error: string): boolean;
  /**
   * Whether `error` ends a request that never was a real load: the browser probed its cache and
   * then sent the request anew (its events follow under another request id).
   */
  isCacheProbeMiss(error: string): boolean;
  /**
   * Where a request the browser blocked for CORS ends: 'error' when it always ends in
   * onErrorOccurred (so one that ends in onCompleted was never blocked), 'completed' when a
   * blocked response can still end in onCompleted.
   */
  readonly blockedRequestEndsIn: 'error' | 'completed';
  /**
   * Whether the onCompleted that ends a passing request carries the final response's headers
   * again, so that state saved when the request sent its headers is enough to rebuild it.
   */
  readonly completedRepeatsResponseHeaders: boolean;
  /**
   * Whether a preflighted request's onSendHeaders comes before its preflight's events (Firefox),
   * rather than after its preflight passed (Chromium). Then the request is paired with its
   * preflight at its next event (response or error), not when it sends headers.
   */
  readonly sendHeadersBeforePreflight: boolean;
  /**
   * Whether the capture keeps, across redirects, a request header that showed credentials mode
   * include (`Cookie`, `Sec-Fetch-Storage-Access`) when a later URL's headers no longer show it
   * (ObservedExchange.credentialsBeforeRedirect). Firefox needs it: its outcome does not tell a
   * block from a pass, so the verdict rests on the credentials evidence, and Firefox stops sending
   * Sec-Fetch-Storage-Access once a redirect made the origin `null`. Chromium's verdict reads the
   * mode off the outcome instead (a block that passes without credentials was credentialed).
   */
  readonly keepsCredentialsAcrossRedirects: boolean;
}
