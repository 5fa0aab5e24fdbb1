/**
 * Why a scenario is left out of the Firefox comparison: the one list the Firefox conformance suite
 * and docs/conformance.md (results-doc.ts) both read, so a reason is changed in one place.
 */
import { FIREFOX_CONSOLE_EXCLUSIONS } from '../../src/engine/firefox/__fixtures__/console-exclusions';

/**
 * Requests left out of the live comparison only (the recorded fixture still checks the engine on
 * them): Firefox's console did not give the same verdict in every run. redirect/049, a credentialed
 * fetch through two redirects, was here until the add-on judged it from the credentials header of
 * the chain's first URL (docs/firefox.md).
 */
export const ADDON_EXCLUSIONS: Record<string, string> = {
  'network/004-response-dropped-xhr':
    "The server drops an XHR's connection (no preflight). Firefox's console said 'CORS request did not succeed' when the corpus was recorded, and 'Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed' (as for network/003) in one full run with the add-on (2026-12-02, Firefox ESR 153.8): its verdict for this request is not stable, so it is not compared. The add-on calls it a network error.",
};

/** The reason a scenario is excluded from the Firefox comparison, or null (ids match by prefix). */
export function firefoxExclusionOf(id: string): string | null {
  for (const [prefix, reason] of Object.entries({ ...FIREFOX_CONSOLE_EXCLUSIONS, ...ADDON_EXCLUSIONS })) if (id.startsWith(prefix)) return reason;
  return null;
}
