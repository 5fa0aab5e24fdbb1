/**
 * Why a scenario is left out of the Firefox comparison: the one list the Firefox conformance suite
 * and docs/conformance.md (results-doc.ts) both read, so a reason is changed in one place.
 */
import { FIREFOX_CONSOLE_EXCLUSIONS } from '../../src/engine/firefox/__fixtures__/console-exclusions';

/**
 * Requests the add-on cannot judge as Firefox does, beyond those the engine itself cannot
 * (FIREFOX_CONSOLE_EXCLUSIONS). None now: redirect/049, a credentialed fetch through two redirects,
 * is judged from the credentials header of the chain's first URL (docs/firefox.md).
 */
export const ADDON_EXCLUSIONS: Record<string, string> = {};

/** The reason a scenario is excluded from the Firefox comparison, or null (ids match by prefix). */
export function firefoxExclusionOf(id: string): string | null {
  for (const [prefix, reason] of Object.entries({ ...FIREFOX_CONSOLE_EXCLUSIONS, ...ADDON_EXCLUSIONS })) if (id.startsWith(prefix)) return reason;
  return null;
}
