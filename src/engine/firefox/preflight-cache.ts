/**
 * Firefox's preflight cache, for the notes on a request that sent no preflight
 * (beyond-the-block.ts). Firefox keeps it in memory in the parent process (nsPreflightCache in
 * netwerk/protocol/http/nsCORSListenerProxy.cpp), filled by nsCORSPreflightListener::AddResultToCache:
 * - no `Access-Control-Max-Age`: 5 s (PREFLIGHT_DEFAULT_EXPIRY_SECONDS, "compatible with Chromium");
 * - anything but ASCII digits (a sign, a space, a letter): not cached at all;
 * - digits: that many seconds, capped at 86,400 (24 h); 0: not cached.
 * Measured in Firefox ESR 153 by e2e/firefox/preflight-cache.e2e.ts (docs/firefox.md).
 * FIREFOX DEVIATION (from Chromium's cache, chromium.ts parseAccessControlMaxAge): Chromium caps at
 * 2 h and uses its 5 s default for an unparsable value.
 */
import type { PreflightCacheModel } from '../beyond-the-block';
import { FIREFOX_PREFLIGHT_MAX_AGE_CAP_SECONDS, PREFLIGHT_DEFAULT_MAX_AGE_SECONDS } from '../fetch-spec';

export function firefoxPreflightMaxAge(value: string | null): number {
  if (value === null || value === '') return PREFLIGHT_DEFAULT_MAX_AGE_SECONDS;
  if (!/^[0-9]+$/.test(value)) return 0;
  const digits = value.replace(/^0+(?=\d)/, '');
  return digits.length > 5 ? FIREFOX_PREFLIGHT_MAX_AGE_CAP_SECONDS : Math.min(Number(digits), FIREFOX_PREFLIGHT_MAX_AGE_CAP_SECONDS);
}

export const FIREFOX_PREFLIGHT_CACHE: PreflightCacheModel = {
  browser: 'Firefox',
  maxAgeSeconds: firefoxPreflightMaxAge,
  cap: 'at most 24 h in Firefox',
  bypass: 'Firefox keeps its preflight cache in memory until the entry expires: restarting Firefox empties it.',
  retest: 'wait until the entry expires, or restart Firefox, which empties its preflight cache.',
};
