/**
 * The request side of the corpus: methods and header sets, each declaring which header names
 * make it "CORS-unsafe" (and so need a preflight) by the Fetch safelist plus Chromium's
 * additions (docs/chromium-behaviour.md, "Where Chromium departs from the spec"), and who makes the request.
 */
import { normalizeMethod, SAFELISTED_METHODS } from './server-shapes';
import type { FetchCredentials, Header, PageRequest } from './scenario';

export interface RequestShape {
  slug: string;
  /** As the page writes it; fetch() and XHR normalise only the six well-known names. */
  method: string;
  headers: Header[];
  /**
   * Lower-case names a preflight must allow, in the order Chromium checks them (observed: request
   * order for ordinary headers; for the over-budget set, Chromium names viewport-width first).
   */
  unsafeHeaders: string[];
}

const BODY = 'lab-body';
const repeat = (character: string, count: number) => character.repeat(count);

/** Seven safelisted values of 128 bytes, `save-data: on` and `width`: 1024 bytes with 126 digits of width. */
function safelistedBudget(widthDigits: number): Header[] {
  return [
    ['Content-Type', `text/plain; charset=${repeat('1', 108)}`],
    ['Accept', repeat('1', 128)],
    ['Accept-Language', repeat('1', 128)],
    ['Content-Language', repeat('1', 128)],
    ['DPR', repeat('1', 128)],
    ['Device-Memory', repeat('1', 128)],
    ['Save-Data', 'on'],
    ['Viewport-Width', repeat('1', 128)],
    ['Width', repeat('1', widthDigits)],
  ];
}

function shape(slug: string, method: string, headers: Header[], unsafeHeaders: string[] = []): RequestShape {
  return { slug, method, headers, unsafeHeaders };
}

/** Requests that need no preflight. */
export function safeShapes(): RequestShape[] {
  return [
    shape('get', 'GET', []),
    shape('head', 'HEAD', []),
    shape('get-lower-case', 'get', []),
    shape('post-text-plain', 'POST', [['Content-Type', 'text/plain']]),
    shape('post-text-plain-charset', 'POST', [['Content-Type', 'text/plain; charset=utf-8']]),
    shape('post-mixed-case-content-type', 'POST', [['Content-Type', 'Text/Plain']]),
    shape('post-form-urlencoded', 'POST', [['Content-Type', 'application/x-www-form-urlencoded']]),
    shape('post-multipart', 'POST', [['Content-Type', 'multipart/form-data; boundary=lab']]),
    shape('accept-json', 'GET', [['Accept', 'application/json']]),
    shape('accept-128-bytes', 'GET', [['Accept', repeat('a', 128)]]),
    shape('accept-language', 'GET', [['Accept-Language', 'en-US,en;q=0.9']]),
    shape('content-language', 'GET', [['Content-Language', 'de-DE']]),
    shape('range-closed', 'GET', [['Range', 'bytes=0-99']]),
    shape('range-open', 'GET', [['Range', 'bytes=100-']]),
    shape('save-data-on', 'GET', [['Save-Data', 'on']]),
    shape('dpr-decimal', 'GET', [['DPR', '1.5']]),
    shape('safelisted-1024-bytes', 'GET', safelistedBudget(126)),
    // Blink rewrites the charset of a text/plain string body to UTF-8, so the long value never leaves the page.
    shape('post-content-type-129-bytes-rewritten', 'POST', [['Content-Type', `text/plain; charset=${repeat('a', 109)}`]]),
    shape('user-agent-forbidden', 'GET', [['User-Agent', 'lab-agent/1.0']]),
    shape('accept-charset-forbidden', 'GET', [['Accept-Charset', 'utf-8']]),
  ];
}

/** Requests that need a preflight, and why. */
export function preflightedShapes(): RequestShape[] {
  return [
    shape('put', 'PUT', []),
    shape('put-lower-case', 'put', []),
    shape('delete', 'DELETE', []),
    shape('delete-lower-case', 'delete', []),
    shape('patch', 'PATCH', []),
    shape('patch-lower-case', 'patch', []),
    shape('options-method', 'OPTIONS', []),
    shape('custom-method', 'PROPFIND', []),
    shape('content-type-json', 'POST', [['Content-Type', 'application/json']], ['content-type']),
    shape('content-type-html', 'POST', [['Content-Type', 'text/html']], ['content-type']),
    shape('content-type-129-bytes', 'GET', [['Content-Type', `text/plain; charset=${repeat('a', 109)}`]], ['content-type']),
    shape('accept-129-bytes', 'GET', [['Accept', repeat('a', 129)]], ['accept']),
    shape('accept-unsafe-byte', 'GET', [['Accept', 'application/"json"']], ['accept']),
    shape('accept-language-underscore', 'GET', [['Accept-Language', 'en_US']], ['accept-language']),
    shape('content-language-parenthesis', 'GET', [['Content-Language', 'de(DE)']], ['content-language']),
    shape('range-multiple', 'GET', [['Range', 'bytes=0-1,3-4']], ['range']),
    shape('range-suffix', 'GET', [['Range', 'bytes=-500']], ['range']),
    shape('range-spaces', 'GET', [['Range', 'bytes = 0-1']], ['range']),
    shape('range-reversed', 'GET', [['Range', 'bytes=200-100']], ['range']),
    shape('authorization', 'GET', [['Authorization', 'Bearer lab-token']], ['authorization']),
    shape('custom-header', 'GET', [['X-Request-Id', 'lab-42']], ['x-request-id']),
    shape('custom-header-empty', 'GET', [['X-Empty', '']], ['x-empty']),
    shape('save-data-off', 'GET', [['Save-Data', 'off']], ['save-data']),
    shape('dpr-not-a-number', 'GET', [['DPR', 'abc']], ['dpr']),
    shape('cache-control', 'GET', [['Cache-Control', 'no-cache']], ['cache-control']),
    shape(
      'two-custom-headers',
      'GET',
      [
        ['X-Zeta', '1'],
        ['X-Alpha', '2'],
      ],
      ['x-zeta', 'x-alpha'],
    ),
    shape(
      'json-and-custom',
      'POST',
      [
        ['X-Custom', '1'],
        ['Content-Type', 'application/json'],
      ],
      ['x-custom', 'content-type'],
    ),
    shape('put-and-custom', 'PUT', [['X-Custom', '1']], ['x-custom']),
    shape('safelisted-1025-bytes', 'GET', safelistedBudget(127), [
      'viewport-width',
      'accept',
      'accept-language',
      'content-language',
      'content-type',
      'device-memory',
      'dpr',
      'save-data',
      'width',
    ]),
    shape('one-value-over-budget', 'GET', [...safelistedBudget(126).slice(0, 8), ['Width', repeat('1', 129)]], ['width']),
  ];
}

export function needsPreflight(requestShape: RequestShape): boolean {
  return !SAFELISTED_METHODS.includes(normalizeMethod(requestShape.method)) || requestShape.unsafeHeaders.length > 0;
}

/** Who makes a fetch/XHR request, and whether it sends credentials. */
export type Caller = 'fetch-omit' | 'fetch-same-origin' | 'fetch-include' | 'xhr' | 'xhr-credentials';
export const CALLERS: readonly Caller[] = ['fetch-omit', 'fetch-same-origin', 'fetch-include', 'xhr', 'xhr-credentials'];
export const CREDENTIALED_CALLERS: readonly Caller[] = ['fetch-include', 'xhr-credentials'];
export const UNCREDENTIALED_CALLERS: readonly Caller[] = ['fetch-omit', 'fetch-same-origin', 'xhr'];

export function includesCredentials(caller: Caller): boolean {
  return CREDENTIALED_CALLERS.includes(caller);
}

export function callerRequest(
  caller: Caller,
  url: string,
  requestShape: Pick<RequestShape, 'method' | 'headers'>,
  fetchOptions: { mode?: 'cors' | 'no-cors' | 'same-origin'; redirect?: 'follow' | 'manual' | 'error' } = {},
): PageRequest {
  const method = requestShape.method;
  const body = ['GET', 'HEAD'].includes(normalizeMethod(method)) ? null : BODY;
  if (caller === 'xhr' || caller === 'xhr-credentials') {
    return { kind: 'xhr', url, method, headers: requestShape.headers, withCredentials: caller === 'xhr-credentials', body };
  }
  const credentials: FetchCredentials = caller === 'fetch-include' ? 'include' : caller === 'fetch-omit' ? 'omit' : 'same-origin';
  return {
    kind: 'fetch',
    url,
    method,
    headers: requestShape.headers,
    credentials,
    mode: fetchOptions.mode ?? 'cors',
    redirect: fetchOptions.redirect ?? 'follow',
    body,
  };
}
