/**
 * The cheapest correct "is this URL cross-origin to its initiator?" test: most of a browser's
 * traffic is same-origin, and a string prefix check settles it without parsing the URL.
 * Chromium serializes both sides canonically (lower-case host, default port omitted), so a
 * prefix match followed by a path, query or fragment delimiter means same origin.
 */
import { originOfUrl } from '../engine/index';

export function isCrossOrigin(initiator: string | undefined | null, url: string): boolean {
  // No initiator: a browser-initiated request, not a page's. "null": an opaque origin, cross-origin to everything.
  if (initiator === undefined || initiator === null) return false;
  if (initiator === 'null') return true;
  if (url.startsWith(initiator)) {
    const next = url.charCodeAt(initiator.length);
    // '/' '?' '#' or end of string
    if (next === 47 || next === 63 || next === 35 || Number.isNaN(next)) return false;
  }
  return originOfUrl(url) !== initiator;
}
