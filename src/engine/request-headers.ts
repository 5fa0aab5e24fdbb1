/**
 * Request headers as the Fetch standard classifies them for CORS: CORS-safelisted, forbidden,
 * CORS-unsafe (the preflight's input). Where Chromium classifies differently, the default flavour
 * 'chromium' follows it (the engine reproduces Chromium's verdict) and the place is marked
 * `Deviation(Chromium)`; `flavour: 'spec'` selects the standard's own answer.
 */
import { MIMEType } from 'whatwg-mimetype';
import { asciiLowercase, trimHttpTabOrSpace } from './headers';
import { byteLength, isToken } from './http';
import { isForbiddenMethod } from './methods';
import type { HeaderLine, HeaderList } from './types';

export type SafelistFlavour = 'chromium' | 'spec';

const UNSAFE_REQUEST_HEADER_BYTES = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 0x20; c++) if (c !== 0x09) table[c] = 1;
  for (const ch of '"():<>?@[\\]{}') table[ch.charCodeAt(0)] = 1;
  table[0x7f] = 1;
  return table;
})();

/** https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte (bytes ≥ 0x80 are not unsafe). */
function isCorsUnsafeRequestHeaderByte(code: number): boolean {
  return code < 128 && UNSAFE_REQUEST_HEADER_BYTES[code] === 1;
}

/** The first CORS-unsafe request-header byte of a value, or -1. */
export function indexOfCorsUnsafeRequestHeaderByte(value: string): number {
  for (let i = 0; i < value.length; i++) if (isCorsUnsafeRequestHeaderByte(value.charCodeAt(i))) return i;
  return -1;
}

// Letters, digits, space, `*`, `,`, `-`, `.`, `;` and `=`: the bytes `Accept-Language` and
// `Content-Language` values may hold.
const LANGUAGE_BYTES = (() => {
  const table = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1;
  for (const ch of ' *,-.;=') table[ch.charCodeAt(0)] = 1;
  return table;
})();

export function indexOfNonLanguageByte(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 128 || LANGUAGE_BYTES[code] !== 1) return i;
  }
  return -1;
}

/** The three `Content-Type` essences a CORS request may send without a preflight. */
export const SAFELISTED_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * Chromium's ExtractMIMETypeFromMediaType + ParseMimeTypeWithoutParameter: the part before the
 * first `;`, trimmed, as `type/subtype` when both are tokens; lower-cased. '' when it does not parse.
 * Deviation(Chromium): the spec's safelist check parses the whole value as a MIME type
 * (specMimeEssence), which fails on some values Chromium's extraction accepts.
 */
function chromiumMimeEssence(value: string): string {
  const semicolon = value.indexOf(';');
  const bare = trimHttpTabOrSpace(semicolon >= 0 ? value.slice(0, semicolon) : value);
  const slash = bare.indexOf('/');
  if (slash <= 0) return '';
  const type = bare.slice(0, slash);
  const subtype = bare.slice(slash + 1);
  if (!isToken(type) || !isToken(subtype)) return '';
  return asciiLowercase(bare);
}

/** The MIME essence the spec's "parse a MIME type" gives (https://mimesniff.spec.whatwg.org/#parse-a-mime-type), '' on failure. */
function specMimeEssence(value: string): string {
  const parsed = MIMEType.parse(value);
  return parsed ? parsed.essence : '';
}

/**
 * https://fetch.spec.whatwg.org/#simple-range-header-value
 * Returns [start, end] (either may be null, not both) or null on failure. Numbers are kept as
 * digit strings: a Range value may exceed 2^53.
 */
export function parseSingleRangeHeaderValue(value: string, allowWhitespace: boolean): [string | null, string | null] | null {
  let position = 0;
  const skipWhitespace = () => {
    if (!allowWhitespace) return;
    while (position < value.length && (value[position] === ' ' || value[position] === '\t')) position++;
  };
  if (value.slice(0, 5).toLowerCase() !== 'bytes') return null;
  position = 5;
  skipWhitespace();
  if (value[position] !== '=') return null;
  position++;
  skipWhitespace();
  const collectDigits = () => {
    const start = position;
    while (position < value.length) {
      const code = value.charCodeAt(position);
      if (code < 0x30 || code > 0x39) break;
      position++;
    }
    return value.slice(start, position);
  };
  const start = collectDigits();
  skipWhitespace();
  if (value[position] !== '-') return null;
  position++;
  skipWhitespace();
  const end = collectDigits();
  if (position < value.length) return null;
  if (start === '' && end === '') return null;
  if (start !== '' && end !== '' && compareDigitStrings(start, end) > 0) return null;
  return [start === '' ? null : start, end === '' ? null : end];
}

function compareDigitStrings(a: string, b: string): number {
  const left = a.replace(/^0+(?=\d)/, '');
  const right = b.replace(/^0+(?=\d)/, '');
  if (left.length !== right.length) return left.length - right.length;
  return left < right ? -1 : left > right ? 1 : 0;
}

// Chromium's client-hint value grammars (cors.cc IsSimilarToIntABNF / IsSimilarToDoubleABNF).
const INT_ABNF = /^\d+$/;
const DOUBLE_ABNF = /^\d+(\.\d+)?$/;
const ECT_VALUES = new Set(['slow-2g', '2g', '3g', '4g']);

/**
 * Deviation(Chromium): its safelist goes beyond the spec's names (cors.cc IsCorsSafelistedHeader):
 * client hints and `save-data`, each with its own value grammar.
 * `sec-ch-*` names are forbidden anyway, so they never reach the preflight decision.
 */
const CHROMIUM_EXTRA_SAFELISTED_NAMES = new Set([
  'intervention',
  'device-memory',
  'dpr',
  'width',
  'viewport-width',
  'rtt',
  'downlink',
  'ect',
  'save-data',
  'sec-ch-ua',
  'sec-ch-ua-arch',
  'sec-ch-ua-platform',
  'sec-ch-ua-model',
  'sec-ch-ua-mobile',
  'sec-ch-ua-full-version',
  'sec-ch-ua-platform-version',
  'sec-ch-ua-bitness',
  'sec-ch-ua-full-version-list',
  'sec-ch-ua-wow64',
  'sec-ch-ua-form-factors',
  'sec-ch-prefers-color-scheme',
  'sec-ch-prefers-reduced-motion',
  'sec-ch-prefers-reduced-transparency',
  'sec-ch-viewport-height',
  'sec-ch-device-memory',
  'sec-ch-dpr',
  'sec-ch-width',
  'sec-ch-viewport-width',
]);

/**
 * https://fetch.spec.whatwg.org/#cors-safelisted-request-header
 * Default flavour 'chromium' adds Chromium's client-hint names and checks `Content-Type` with
 * Chromium's MIME extraction; 'spec' is the standard's own list and MIME parser.
 */
export function isCorsSafelistedRequestHeader(name: string, value: string, flavour: SafelistFlavour = 'chromium'): boolean {
  return isCorsSafelistedNamedRequestHeader(requestHeaderName(name), value, flavour);
}

/**
 * The same algorithm for an already lower-cased name. The name is classified before any byte of
 * the value is counted: most request headers cannot be safelisted whatever their value.
 */
export function isCorsSafelistedNamedRequestHeader(name: RequestHeaderName, value: string, flavour: SafelistFlavour = 'chromium'): boolean {
  if ((name.flags & (SPEC_SAFELISTABLE | CHROMIUM_SAFELISTABLE)) === 0) return false;
  const lowerName = name.lower;
  // A UTF-16 unit is at most 3 UTF-8 bytes, so short values need no byte count.
  if (value.length > 128 || (value.length > 42 && byteLength(value) > 128)) return false;
  switch (lowerName) {
    case 'accept':
      return indexOfCorsUnsafeRequestHeaderByte(value) < 0;
    case 'accept-language':
    case 'content-language':
      return indexOfNonLanguageByte(value) < 0;
    case 'content-type': {
      if (indexOfCorsUnsafeRequestHeaderByte(value) >= 0) return false;
      const essence = flavour === 'spec' ? specMimeEssence(value) : chromiumMimeEssence(value);
      return essence === SAFELISTED_CONTENT_TYPES[0] || essence === SAFELISTED_CONTENT_TYPES[1] || essence === SAFELISTED_CONTENT_TYPES[2];
    }
    case 'range': {
      const range = parseSingleRangeHeaderValue(value, false);
      return range !== null && range[0] !== null;
    }
  }
  if (flavour === 'spec') return false;
  switch (lowerName) {
    case 'device-memory':
    case 'dpr':
    case 'downlink':
      return DOUBLE_ABNF.test(value);
    case 'width':
    case 'viewport-width':
    case 'rtt':
      return INT_ABNF.test(value);
    case 'ect':
      return ECT_VALUES.has(value);
    case 'save-data':
      return value.toLowerCase() === 'on';
  }
  return true;
}

/** The spec's four names plus `range`, and Chromium's extras: names that *can* be safelisted. */
export function isCorsSafelistableRequestHeaderName(lowerName: string, flavour: SafelistFlavour = 'chromium'): boolean {
  switch (lowerName) {
    case 'accept':
    case 'accept-language':
    case 'content-language':
    case 'content-type':
    case 'range':
      return true;
  }
  return flavour === 'chromium' && CHROMIUM_EXTRA_SAFELISTED_NAMES.has(lowerName);
}

/** The safelisted-value budget of https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names */
export const SAFELISTED_VALUES_BUDGET = 1024;

/**
 * https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names
 * Deviation(Chromium): in its order (cors.cc CorsUnsafeRequestHeaderNames): the unsafe names in request order,
 * then, when safelisted values exceed 1024 bytes, every safelisted name in request order. The spec
 * returns the same names sorted; `Access-Control-Request-Headers` is that sorted form.
 */
export function corsUnsafeRequestHeaderNames(headers: HeaderList, flavour: SafelistFlavour = 'chromium'): string[] {
  return collectUnsafeNames(headers, flavour, false, false);
}

/**
 * Chromium's CorsUnsafeNotForbiddenRequestHeaderNames (cors_util.cc): the preflight's input.
 * Forbidden headers (Chromium counts `user-agent` as one) are skipped.
 * Deviation(Chromium): during cache revalidation so are the validators the HTTP cache adds
 * (`If-Modified-Since`, `If-None-Match`, `Cache-Control`).
 */
export function corsUnsafeNotForbiddenRequestHeaderNames(headers: HeaderList, isRevalidating = false): string[] {
  return collectUnsafeNames(headers, 'chromium', true, isRevalidating);
}

function collectUnsafeNames(
  headers: HeaderList,
  flavour: SafelistFlavour,
  skipForbidden: boolean,
  isRevalidating: boolean,
  names?: readonly RequestHeaderName[],
): string[] {
  const unsafe: string[] = [];
  let safelisted: string[] | null = null;
  let safelistedBytes = 0;
  for (let i = 0; i < headers.length; i++) {
    const line = headers[i] as HeaderLine;
    const name = names ? (names[i] as RequestHeaderName) : requestHeaderName(line.name);
    if (isRevalidating && (name.flags & REVALIDATION) !== 0) continue;
    if (skipForbidden && isForbiddenNamedRequestHeader(name, line.value, 'chromium')) continue;
    if (isCorsSafelistedNamedRequestHeader(name, line.value, flavour)) {
      (safelisted ??= []).push(name.lower);
      safelistedBytes += byteLength(line.value);
    } else unsafe.push(name.lower);
  }
  if (safelisted !== null && safelistedBytes > SAFELISTED_VALUES_BUDGET) unsafe.push(...safelisted);
  return unsafe;
}

const FORBIDDEN_REQUEST_HEADER_NAMES = [
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'access-control-request-private-network',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
];
const METHOD_OVERRIDE_HEADERS = ['x-http-method', 'x-http-method-override', 'x-method-override'];
const REVALIDATION_HEADERS = ['if-modified-since', 'if-none-match', 'cache-control'];

// What a request header name can be, as bits: every observed request runs each of its header
// names through the forbidden and safelist algorithms, and one lookup answers both.
const FORBIDDEN = 1;
const CHROMIUM_FORBIDDEN = 2;
const METHOD_OVERRIDE = 4;
const SPEC_SAFELISTABLE = 8;
export const CHROMIUM_SAFELISTABLE = 16;
const REVALIDATION = 32;
/** `proxy-` or `sec-`: forbidden by prefix. */
const FORBIDDEN_PREFIX = 64;
export const SEC_PREFIX = 128;

/** A request header name, lower-cased, with what it can be (the bits above). */
export interface RequestHeaderName {
  readonly lower: string;
  readonly flags: number;
  /** Which of the few names the judge reads evidence from this is (REQUEST_HEADER_ROLE_*), else 0. */
  readonly role: number;
}

export const REQUEST_HEADER_ROLE_SEC_FETCH_MODE = 1;
export const REQUEST_HEADER_ROLE_ORIGIN = 2;
export const REQUEST_HEADER_ROLE_COOKIE = 3;
export const REQUEST_HEADER_ROLE_STORAGE_ACCESS = 4;
/** `pragma`, `cache-control`, `if-none-match`, `if-modified-since`: headers the HTTP cache may add. */
export const REQUEST_HEADER_ROLE_CACHE_LAYER = 5;

const REQUEST_HEADER_ROLES = new Map<string, number>([
  ['sec-fetch-mode', REQUEST_HEADER_ROLE_SEC_FETCH_MODE],
  ['origin', REQUEST_HEADER_ROLE_ORIGIN],
  ['cookie', REQUEST_HEADER_ROLE_COOKIE],
  ['sec-fetch-storage-access', REQUEST_HEADER_ROLE_STORAGE_ACCESS],
  ['pragma', REQUEST_HEADER_ROLE_CACHE_LAYER],
  ['cache-control', REQUEST_HEADER_ROLE_CACHE_LAYER],
  ['if-none-match', REQUEST_HEADER_ROLE_CACHE_LAYER],
  ['if-modified-since', REQUEST_HEADER_ROLE_CACHE_LAYER],
]);

const KNOWN_REQUEST_HEADER_FLAGS = (() => {
  const table = new Map<string, number>();
  const mark = (names: Iterable<string>, bit: number) => {
    for (const name of names) table.set(name, (table.get(name) ?? 0) | bit);
  };
  mark(FORBIDDEN_REQUEST_HEADER_NAMES, FORBIDDEN);
  mark(['user-agent'], CHROMIUM_FORBIDDEN);
  mark(METHOD_OVERRIDE_HEADERS, METHOD_OVERRIDE);
  mark(['accept', 'accept-language', 'content-language', 'content-type', 'range'], SPEC_SAFELISTABLE);
  mark(CHROMIUM_EXTRA_SAFELISTED_NAMES, CHROMIUM_SAFELISTABLE);
  mark(REVALIDATION_HEADERS, REVALIDATION);
  return table;
})();

// Keyed by the name as sent: the same few spellings come with every request, and one lookup
// replaces lower-casing plus a lookup per algorithm.
const REQUEST_HEADER_NAMES = new Map<string, RequestHeaderName>();
const REQUEST_HEADER_NAMES_LIMIT = 2048;

export function requestHeaderName(name: string): RequestHeaderName {
  let info = REQUEST_HEADER_NAMES.get(name);
  if (info !== undefined) return info;
  const lower = asciiLowercase(name);
  let flags = KNOWN_REQUEST_HEADER_FLAGS.get(lower) ?? 0;
  if (lower.startsWith('sec-')) flags |= FORBIDDEN_PREFIX | SEC_PREFIX;
  else if (lower.startsWith('proxy-')) flags |= FORBIDDEN_PREFIX;
  info = { lower, flags, role: REQUEST_HEADER_ROLES.get(lower) ?? 0 };
  if (name.length <= 64) {
    if (REQUEST_HEADER_NAMES.size >= REQUEST_HEADER_NAMES_LIMIT) REQUEST_HEADER_NAMES.clear();
    REQUEST_HEADER_NAMES.set(name, info);
  }
  return info;
}

/**
 * https://fetch.spec.whatwg.org/#forbidden-request-header
 * Deviation(Chromium): net::HttpUtil::IsSafeHeader also forbids `user-agent`; the spec does not.
 * The list also holds `access-control-request-private-network` (WICG Private Network Access), a
 * header only the browser sets.
 */
export function isForbiddenRequestHeader(name: string, value: string, flavour: SafelistFlavour = 'chromium'): boolean {
  return isForbiddenNamedRequestHeader(requestHeaderName(name), value, flavour);
}

export function isForbiddenNamedRequestHeader(name: RequestHeaderName, value: string, flavour: SafelistFlavour = 'chromium'): boolean {
  const flags = name.flags;
  if ((flags & (FORBIDDEN | FORBIDDEN_PREFIX)) !== 0) return true;
  if (flavour === 'chromium' && (flags & CHROMIUM_FORBIDDEN) !== 0) return true;
  if ((flags & METHOD_OVERRIDE) !== 0) {
    for (const method of value.split(',')) if (isForbiddenMethod(trimHttpTabOrSpace(method))) return true;
  }
  return false;
}

/** https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header-name */
export function isNoCorsSafelistedRequestHeaderName(name: string): boolean {
  const lowerName = asciiLowercase(name);
  return lowerName === 'accept' || lowerName === 'accept-language' || lowerName === 'content-language' || lowerName === 'content-type';
}

/** https://fetch.spec.whatwg.org/#privileged-no-cors-request-header-name */
export function isPrivilegedNoCorsRequestHeaderName(name: string): boolean {
  return asciiLowercase(name) === 'range';
}
