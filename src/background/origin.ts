/**
 * The cheapest correct "is this URL cross-origin to its initiator?" test: most of a browser's
 * traffic is same-origin, and a string prefix check settles it without parsing the URL.
 * Chromium serializes both sides canonically (lower-case host, default port omitted), so a
 * prefix match followed by a path, query or fragment delimiter means same origin.
 */
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

/**
 * The origin of a URL as `new URL(url).origin` serializes it, without parsing a canonical http(s)
 * URL: most of a watched tab's URLs are cross-origin ones, each seen at three or four events, and
 * parsing them was a visible part of the worker's time (docs/performance.md). The browsers give
 * canonical URLs (lower-case ASCII host, default port omitted, a path after the authority), whose
 * origin is everything before that path; any other URL is parsed.
 */
export function originOfUrl(url: string): string {
  const authorityStart = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : -1;
  if (authorityStart > 0) {
    const pathStart = url.indexOf('/', authorityStart);
    if (pathStart > authorityStart) {
      const authority = url.slice(authorityStart, pathStart);
      const defaultPort = authorityStart === 8 ? ':443' : ':80';
      if (CANONICAL_AUTHORITY.test(authority) && !authority.endsWith(defaultPort)) return url.slice(0, pathStart);
    }
  }
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
}

/** A host (lower-case ASCII name, IPv4, or bracketed IPv6) and an optional port: nothing to canonicalize. */
const CANONICAL_AUTHORITY = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?|\[[0-9a-f:.]+\])(?::[1-9][0-9]{0,4})?$/;

/**
 * The origin of the document URL Firefox reports as a request's `originUrl` (Firefox gives no
 * `initiator`). Firefox serializes http(s) URLs canonically with a path, so the origin is everything
 * before the first '/' after the authority; anything else (userinfo, blob:, data:, about:) is parsed.
 */
export function originOfRequester(documentUrl: string): string {
  return originOfUrl(documentUrl);
}
