/**
 * Why a scenario is left out of the Firefox comparison: the one list the Firefox conformance suite
 * and docs/conformance.md (results-doc.ts) both read, so a reason is changed in one place.
 */
import { FIREFOX_CONSOLE_EXCLUSIONS } from '../../src/engine/firefox/__fixtures__/console-exclusions';

/**
 * Requests the add-on cannot judge as Firefox does, beyond those the engine itself cannot
 * (FIREFOX_CONSOLE_EXCLUSIONS): the engine gets them right from the recorded exchange, where the
 * credentials mode is known.
 */
export const ADDON_EXCLUSIONS: Record<string, string> = {
  'redirect/049-three-hops-hop-acao-echo-final-acao-wildcard':
    "A credentialed fetch() (credentials: 'include', no cookie) through two redirects ends at `Access-Control-Allow-Origin: *`. webRequest shows no credentials mode; without redirects the add-on tells it from Firefox's NS_ERROR_DOM_BAD_URI ending, but for this chain its capture holds no sign of it, so it judges the request as sent without credentials (passes). The engine, given the mode, says CORSNotSupportingCredentials like Firefox (src/engine/firefox/firefox-fixtures.test.ts).",
};

/** The reason a scenario is excluded from the Firefox comparison, or null (ids match by prefix). */
export function firefoxExclusionOf(id: string): string | null {
  for (const [prefix, reason] of Object.entries({ ...FIREFOX_CONSOLE_EXCLUSIONS, ...ADDON_EXCLUSIONS })) if (id.startsWith(prefix)) return reason;
  return null;
}
