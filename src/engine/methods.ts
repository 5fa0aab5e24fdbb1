/**
 * Methods: https://fetch.spec.whatwg.org/#methods
 */

/**
 * https://fetch.spec.whatwg.org/#cors-safelisted-method
 * Deviation(Chromium): it upper-cases before comparing (cors.cc IsCorsSafelistedMethod); fetch()
 * has already normalised GET/HEAD/POST, so the difference never shows on a real request.
 */
export function isCorsSafelistedMethod(method: string): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'POST') return true;
  if (method.length < 3 || method.length > 4) return false;
  const upper = method.toUpperCase();
  return upper === 'GET' || upper === 'HEAD' || upper === 'POST';
}

/** https://fetch.spec.whatwg.org/#forbidden-method */
export function isForbiddenMethod(method: string): boolean {
  const upper = method.toUpperCase();
  return upper === 'CONNECT' || upper === 'TRACE' || upper === 'TRACK';
}

/** https://fetch.spec.whatwg.org/#concept-method-normalize */
export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALISED_METHODS.has(upper) ? upper : method;
}
const NORMALISED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
