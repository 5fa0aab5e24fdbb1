/** Feature tests of the webRequest API. */
import { browser } from './browser';

/**
 * Whether webRequest accepts `extraHeaders` (Chromium). Without it Chromium hides preflights,
 * Origin and the headers of CORS-failed responses; Firefox has no such option and shows them anyway.
 */
export function supportsExtraHeaders(): boolean {
  const webRequest = browser.webRequest as unknown as { OnSendHeadersOptions?: Record<string, string> };
  return webRequest.OnSendHeadersOptions?.EXTRA_HEADERS === 'extraHeaders';
}
