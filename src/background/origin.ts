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
  try {
    return new URL(url).origin !== initiator;
  } catch {
    return true;
  }
}

/**
 * The origin of the document URL Firefox reports as a request's `originUrl` (Firefox gives no
 * `initiator`). Firefox serializes http(s) URLs canonically with a path, so the origin is everything
 * before the first '/' after the authority; anything else (userinfo, blob:, data:, about:) is parsed.
 */
export function originOfRequester(documentUrl: string): string {
  if (documentUrl.startsWith('http://') || documentUrl.startsWith('https://')) {
    const authorityStart = documentUrl.indexOf('//') + 2;
    const pathStart = documentUrl.indexOf('/', authorityStart);
    const authority = pathStart < 0 ? documentUrl.slice(authorityStart) : documentUrl.slice(authorityStart, pathStart);
    if (pathStart > 0 && !/[@?#]/.test(authority)) return documentUrl.slice(0, pathStart);
  }
  try {
    return new URL(documentUrl).origin;
  } catch {
    return 'null';
  }
}
