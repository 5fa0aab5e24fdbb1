/**
 * The Fetch standard's CORS definitions, one function per definition or algorithm, named after it,
 * each with its anchor on https://fetch.spec.whatwg.org/. Methods are in methods.ts, request-header
 * classes in request-headers.ts (both re-exported here); the algorithms that replay a fetch are in
 * replay/. Where Chromium implements one differently, the function follows Chromium (that is whose
 * verdict the engine must reproduce) and marks it `Deviation(Chromium)`.
 */
import type { HeaderList } from './types';
import { asciiLowercase, combinedHeaderValue, trimHttpTabOrSpace } from './headers';
import { isToken, originOfUrl } from './http';

export const SPEC = 'https://fetch.spec.whatwg.org/';

export * from './methods';
export * from './request-headers';

/** https://fetch.spec.whatwg.org/#ok-status */
export function isOkStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}

/** https://fetch.spec.whatwg.org/#redirect-status */
export function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * https://fetch.spec.whatwg.org/#concept-header-extract-mime-type's sibling for lists:
 * https://fetch.spec.whatwg.org/#extract-header-list-values, as Chromium's
 * ParseAccessControlAllowList implements it for ACAM/ACAH: split on commas, trim, skip empty
 * elements, every other element must be a token. null = header absent; 'failure' = unparsable.
 */
export function extractHeaderListValues(combinedValue: string | null): string[] | 'failure' | null {
  if (combinedValue === null) return null;
  const values: string[] = [];
  let start = 0;
  for (let i = 0; i <= combinedValue.length; i++) {
    if (i < combinedValue.length && combinedValue.charCodeAt(i) !== 0x2c) continue;
    const element = trimHttpTabOrSpace(combinedValue.slice(start, i));
    start = i + 1;
    if (element === '') continue;
    if (!isToken(element)) return 'failure';
    values.push(element);
  }
  return values;
}

export type CredentialsMode = 'omit' | 'same-origin' | 'include';

/**
 * https://fetch.spec.whatwg.org/#concept-cors-check — the standard's CORS check, as a boolean.
 * The Chromium layer's `checkAccess` names *why* it failed, in Chromium's order.
 */
export function corsCheck(responseHeaders: HeaderList, serializedRequestOrigin: string, credentials: CredentialsMode): boolean {
  const origin = combinedHeaderValue(responseHeaders, 'access-control-allow-origin');
  if (origin === null) return false;
  if (credentials !== 'include' && origin === '*') return true;
  if (serializedRequestOrigin !== origin) return false;
  if (credentials !== 'include') return true;
  return combinedHeaderValue(responseHeaders, 'access-control-allow-credentials') === 'true';
}

/**
 * https://fetch.spec.whatwg.org/#concept-request-tainted-origin, reduced to what origin
 * serialization needs: true when some hop went cross-origin from a URL that was itself
 * cross-origin to the request's origin (A → B → C). Chromium's CorsURLLoader taints on the same rule.
 */
export function isRedirectTainted(requestOrigin: string, urlList: readonly string[]): boolean {
  for (let i = 1; i < urlList.length; i++) {
    const lastOrigin = originOfUrl(urlList[i - 1] as string);
    if (originOfUrl(urlList[i] as string) !== lastOrigin && requestOrigin !== lastOrigin) return true;
  }
  return false;
}

/** https://fetch.spec.whatwg.org/#serializing-a-request-origin */
export function serializingARequestOrigin(requestOrigin: string, urlList: readonly string[]): string {
  return isRedirectTainted(requestOrigin, urlList) ? 'null' : requestOrigin;
}

/** https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 steps 7.9–7.10: Access-Control-Max-Age's default, and each browser's imposed limit. */
export const PREFLIGHT_DEFAULT_MAX_AGE_SECONDS = 5;
export const CHROMIUM_PREFLIGHT_MAX_AGE_CAP_SECONDS = 7200;
export const FIREFOX_PREFLIGHT_MAX_AGE_CAP_SECONDS = 86400;

export function lowerCaseSortedUnique(names: Iterable<string>): string[] {
  return [...new Set([...names].map(asciiLowercase))].sort();
}
