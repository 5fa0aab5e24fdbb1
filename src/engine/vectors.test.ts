/**
 * Every test vector (V01–V99 from Chromium's unit tests, D01–D13 from its implementation, S1–S7
 * from the Fetch standard's credentials table; where each comes from: docs/vectors.md),
 * table-driven, against the spec-level and Chromium-level functions.
 */
import { describe, expect, it } from 'vitest';
import {
  checkAccess,
  checkPreflightAccess,
  checkRedirectLocation,
  createPreflightResult,
  ensureAllowedCrossOriginHeaders,
  ensureAllowedCrossOriginMethod,
  hasAuthorizationCoveredByWildcard,
  isPreflightResult,
  parseAccessControlMaxAge,
  preflightResultAllowsRequest,
  type EngineOptions,
  type PreflightResult,
} from './chromium';
import {
  corsCheck,
  corsUnsafeNotForbiddenRequestHeaderNames,
  corsUnsafeRequestHeaderNames,
  extractHeaderListValues,
  isCorsSafelistedMethod,
  isCorsSafelistedRequestHeader,
  isForbiddenMethod,
  isNoCorsSafelistedRequestHeaderName,
  isPrivilegedNoCorsRequestHeaderName,
  lowerCaseSortedUnique,
  serializingARequestOrigin,
} from './fetch-spec';
import type { HeaderList } from './types';

const h = (...pairs: [string, string][]): HeaderList => pairs.map(([name, value]) => ({ name, value }));
const URL_ = 'http://example.com/data';
const ORIGIN = 'http://google.com';
const status = (corsError: string, failedParameter = '') => ({ corsError, failedParameter });

describe('CheckAccess', () => {
  const cases: [string, HeaderList, 'omit' | 'include', string, ReturnType<typeof status> | null][] = [
    ['V01', h(['Access-Control-Allow-Origin', '*']), 'omit', ORIGIN, null],
    ['V02', h(['Access-Control-Allow-Origin', '*']), 'include', ORIGIN, status('WildcardOriginNotAllowed')],
    ['V03', h(), 'omit', ORIGIN, status('MissingAllowOriginHeader')],
    [
      'V04',
      h(['Access-Control-Allow-Origin', 'http://example.com http://another.example.com']),
      'omit',
      ORIGIN,
      status('MultipleAllowOriginValues', 'http://example.com http://another.example.com'),
    ],
    [
      'V05',
      h(['Access-Control-Allow-Origin', 'http://example.com,http://another.example.com']),
      'omit',
      ORIGIN,
      status('MultipleAllowOriginValues', 'http://example.com,http://another.example.com'),
    ],
    ['V06', h(['Access-Control-Allow-Origin', 'invalid.origin']), 'omit', ORIGIN, status('InvalidAllowOriginValue', 'invalid.origin')],
    ['V07', h(['Access-Control-Allow-Origin', 'http://google.com']), 'omit', ORIGIN, null],
    ['V08', h(['Access-Control-Allow-Origin', 'http://not.google.com']), 'omit', ORIGIN, status('AllowOriginMismatch', 'http://not.google.com')],
    ['V09', h(['Access-Control-Allow-Origin', 'null']), 'omit', 'null', null],
    ['V10', h(['Access-Control-Allow-Origin', 'http://google.com'], ['Access-Control-Allow-Credentials', 'true']), 'include', ORIGIN, null],
    [
      'V11',
      h(['Access-Control-Allow-Origin', 'http://google.com'], ['Access-Control-Allow-Credentials', 'fuga']),
      'include',
      ORIGIN,
      status('InvalidAllowCredentials', 'fuga'),
    ],
    ['D01', h(['Access-Control-Allow-Origin', 'null']), 'omit', ORIGIN, status('AllowOriginMismatch', 'null')],
    ['D02', h(['Access-Control-Allow-Origin', 'http://google.com/']), 'omit', ORIGIN, status('AllowOriginMismatch', 'http://google.com/')],
    ['D03', h(['Access-Control-Allow-Origin', 'HTTP://google.com']), 'omit', ORIGIN, status('AllowOriginMismatch', 'HTTP://google.com')],
    [
      'D04',
      h(['Access-Control-Allow-Origin', 'http://google.com'], ['access-control-allow-origin', 'http://a.com']),
      'omit',
      ORIGIN,
      status('MultipleAllowOriginValues', 'http://google.com, http://a.com'),
    ],
    ['D05', h(['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Credentials', 'true']), 'include', ORIGIN, status('WildcardOriginNotAllowed')],
    [
      'D06',
      h(['Access-Control-Allow-Origin', 'http://google.com'], ['Access-Control-Allow-Credentials', 'True']),
      'include',
      ORIGIN,
      status('InvalidAllowCredentials', 'True'),
    ],
    ['D07', h(['Access-Control-Allow-Origin', 'http://google.com']), 'include', ORIGIN, status('InvalidAllowCredentials', '')],
    ['D08', h(['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Credentials', 'false']), 'omit', ORIGIN, null],
  ];
  it.each(cases)('%s', (_id, headers, credentials, origin, expected) => {
    expect(checkAccess(URL_, headers, credentials, origin)).toEqual(expected);
  });

  it('V12: status 0 is no longer InvalidResponse in CheckAccess (only the ACAO rules apply)', () => {
    expect(checkAccess(URL_, h(), 'omit', ORIGIN)).toEqual(status('MissingAllowOriginHeader'));
  });

  it('`*` with include on a non-http(s) response URL falls through to the ACAC check', () => {
    expect(checkAccess('data:,x', h(['Access-Control-Allow-Origin', '*']), 'include', ORIGIN)).toEqual(status('InvalidAllowCredentials'));
  });
});

describe('preflight access and status', () => {
  const ok = h(['Access-Control-Allow-Origin', '*']);
  it.each([
    ['V13', 200, ok, null],
    ['V14', 299, ok, null],
    ['V15', 300, ok, status('PreflightInvalidStatus')],
    ['V16', 0, ok, status('PreflightInvalidStatus')],
    ['V17', 404, h(['Access-Control-Allow-Origin', ORIGIN], ['Access-Control-Allow-Methods', 'GET, OPTIONS']), status('PreflightInvalidStatus')],
    ['V18', 200, h(['Access-Control-Allow-Origin', ORIGIN], ['Access-Control-Allow-Methods', 'GET, OPTIONS']), null],
    ['D09', 500, h(), status('PreflightMissingAllowOriginHeader')],
  ] as const)('%s', (_id, code, headers, expected) => {
    expect(checkPreflightAccess(URL_, code, headers, 'omit', ORIGIN)).toEqual(expected);
  });

  it('V18: a second identical request is served by the cached result; V19: another origin misses it', () => {
    const result = createPreflightResult(h(['Access-Control-Allow-Methods', 'PUT']), 'omit') as PreflightResult;
    expect(preflightResultAllowsRequest(result, 'omit', 'PUT', [])).toBe(true);
  });

  it('V20: a tainted request sends Origin null and ACAO null passes', () => {
    const origin = serializingARequestOrigin('https://a.com', ['https://a.com/x', 'https://b.com/y', 'https://c.com/z']);
    expect(origin).toBe('null');
    expect(checkPreflightAccess(URL_, 200, h(['Access-Control-Allow-Origin', 'null']), 'omit', origin)).toBeNull();
  });

  const authResult = createPreflightResult(h(['Access-Control-Allow-Headers', '*']), 'omit') as PreflightResult;
  it('V21: Authorization under ACAH * passes without NonWildcardRequestHeadersSupport, flag recorded', () => {
    expect(ensureAllowedCrossOriginHeaders(authResult, ['authorization'], { authorizationCoveredByWildcard: true })).toBeNull();
    expect(hasAuthorizationCoveredByWildcard(authResult, ['authorization'])).toBe(true);
  });
  it('V22: with NonWildcardRequestHeadersSupport it is HeaderDisallowedByPreflightResponse', () => {
    expect(ensureAllowedCrossOriginHeaders(authResult, ['authorization'], { authorizationCoveredByWildcard: false })).toEqual(
      status('HeaderDisallowedByPreflightResponse', 'authorization'),
    );
  });
  it('V23/V24: PNA preflights are modelled by the exchange judge, not by CheckPreflightAccess', () => {
    // A PNA preflight passing the CORS check still needs Access-Control-Allow-Private-Network; see judge.test.ts.
    expect(checkPreflightAccess(URL_, 200, ok, 'omit', ORIGIN)).toBeNull();
  });
});

describe('preflight request construction (Access-Control-Request-Headers)', () => {
  const acrh = (headers: HeaderList) => lowerCaseSortedUnique(corsUnsafeNotForbiddenRequestHeaderNames(headers)).join(',');
  it.each([
    [
      'V25',
      h(['Orange', 'o'], ['Apple', 'a'], ['Kiwifruit', 'k'], ['Content-Type', 'application/octet-stream'], ['Strawberry', 's']),
      'apple,content-type,kiwifruit,orange,strawberry',
    ],
    ['V26', h(['Accept', 'everything'], ['Accept-Language', 'everything'], ['Content-Language', 'everything'], ['Save-Data', 'on']), ''],
    ['V28', h(['Content-Type', 'text/plain']), ''],
    ['V29', h(['X-Custom-Header', 'foobar']), 'x-custom-header'],
    ['V30', h(['Content-Type', 'application/octet-stream']), 'content-type'],
    ['V31', h(['referer', 'https://www.google.com/']), ''],
  ] as const)('%s', (_id, headers, expected) => {
    expect(acrh(headers)).toBe(expected);
  });
  it('V25/V32: an opaque or tainted initiator sends Origin null', () => {
    expect(serializingARequestOrigin('https://example.com', ['https://example.com/', 'https://b.com/', 'https://c.com/'])).toBe('null');
    expect(serializingARequestOrigin('https://example.com', ['https://b.com/', 'https://b.com/x'])).toBe('https://example.com');
  });
  it('V27: the preflight never carries credentials, but the cached result remembers include', () => {
    const result = createPreflightResult(h(), 'include') as PreflightResult;
    expect(result.credentials).toBe(true);
  });
});

describe('CheckRedirectLocation', () => {
  const initiator = 'http://example.com';
  const combos: [boolean, boolean][] = [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ];
  const plain = ['http://example.com/', 'http://example2.com/', 'data:,Hello'];
  it('V33/V34: plain URLs pass in cors and cors-with-forced-preflight', () => {
    for (const mode of ['cors', 'cors-with-forced-preflight'])
      for (const url of plain) for (const [flag, tainted] of combos) expect(checkRedirectLocation(url, mode, initiator, flag, tainted)).toBeNull();
  });
  it('V35: plain URLs pass in no-cors', () => {
    for (const url of plain)
      for (const [flag, tainted] of combos.slice(0, 2)) expect(checkRedirectLocation(url, 'no-cors', initiator, flag, tainted)).toBeNull();
  });
  const fail = status('RedirectContainsCredentials');
  it.each([
    ['V36', 'http://yukari@example.com/', false, false, null],
    ['V37', 'http://yukari@example.com/', true, false, fail],
    ['V37', 'http://yukari@example.com/', true, true, fail],
    ['V38', 'http://:tamura@example.com/', false, false, null],
    ['V38', 'http://:tamura@example.com/', true, false, fail],
    ['V38', 'http://:tamura@example.com/', true, true, fail],
    ['V39', 'http://yukari@example2.com/', false, false, fail],
    ['V39', 'http://yukari@example2.com/', true, false, fail],
    ['V39', 'http://yukari@example2.com/', true, true, fail],
    ['V40', 'http://:tamura@example2.com/', false, false, fail],
    ['V40', 'http://:tamura@example2.com/', true, false, fail],
    ['V40', 'http://:tamura@example2.com/', true, true, fail],
  ] as const)('%s %s cors_flag=%s tainted=%s', (_id, url, flag, tainted, expected) => {
    expect(checkRedirectLocation(url, 'cors', initiator, flag, tainted)).toEqual(expected);
  });
  it('V41: credentialed locations pass in no-cors', () => {
    for (const url of ['http://yukari@example.com/', 'http://:tamura@example.com/', 'http://yukari@example2.com/', 'http://:tamura@example2.com/'])
      for (const [flag, tainted] of combos.slice(0, 2)) expect(checkRedirectLocation(url, 'no-cors', initiator, flag, tainted)).toBeNull();
  });
});

describe('methods', () => {
  it('V42', () => {
    for (const m of ['get', 'Get', 'GET', 'HEAD', 'POST']) expect(isCorsSafelistedMethod(m)).toBe(true);
    expect(isCorsSafelistedMethod('OPTIONS')).toBe(false);
  });
  it('V43', () => {
    for (const m of ['connect', 'CONNECT', 'Connect', 'CoNnEcT', 'trace', 'track']) expect(isForbiddenMethod(m)).toBe(true);
    for (const m of ['C0NNECT', 'trac', 'tracz']) expect(isForbiddenMethod(m)).toBe(false);
  });
});

describe('CORS-safelisted request headers', () => {
  const safe = (name: string, value: string) => isCorsSafelistedRequestHeader(name, value);
  it('V44', () => {
    expect(safe('accept', 'foo')).toBe(true);
    expect(safe('foo', 'bar')).toBe(false);
    expect(safe('user-agent', 'foo')).toBe(false);
  });
  it('V45', () => {
    expect(safe('accept', 'text/html')).toBe(true);
    expect(safe('AccepT', 'text/html')).toBe(true);
  });
  const acceptAllowed = "\t !#$%&'*+,-./0123456789;=ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~";
  it('V46: every one-byte accept value', () => {
    for (let b = 0; b < 0x80; b++) expect(safe('accept', String.fromCharCode(b))).toBe(acceptAllowed.includes(String.fromCharCode(b)));
    for (let b = 0x80; b <= 0xff; b++) expect(safe('accept', String.fromCharCode(b))).toBe(true);
  });
  it('V47', () => {
    for (const name of ['accept', 'AccepT']) {
      expect(safe(name, 'a'.repeat(128))).toBe(true);
      expect(safe(name, 'a'.repeat(129))).toBe(false);
    }
  });
  const languageAllowed = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;=';
  for (const [id, name, oddName] of [
    ['V48–V50', 'accept-language', 'aCcEPT-lAngUAge'],
    ['V51', 'content-language', 'cOnTeNt-LaNgUaGe'],
  ] as const) {
    it(`${id}: ${name}`, () => {
      expect(safe(name, 'en,ja')).toBe(true);
      expect(safe(oddName, 'en,ja')).toBe(true);
      for (let b = 0; b <= 0xff; b++) expect(safe(name, String.fromCharCode(b))).toBe(languageAllowed.includes(String.fromCharCode(b)));
      expect(safe(name, 'a'.repeat(128))).toBe(true);
      expect(safe(name, 'a'.repeat(129))).toBe(false);
    });
  }
  it('V52: content-type text/plain; charset=<byte>', () => {
    for (let b = 0; b < 0x80; b++) {
      const c = String.fromCharCode(b);
      expect(safe('content-type', `text/plain; charset=${c}`)).toBe(acceptAllowed.includes(c));
    }
    for (let b = 0x80; b <= 0xff; b++) expect(safe('content-type', `text/plain; charset=${String.fromCharCode(b)}`)).toBe(true);
  });
  it('V53', () => {
    for (const v of [
      'text/plain',
      'text/plain; charset=utf-8',
      '  text/plain ; charset=UTF-8',
      'text/plain; param=BOGUS',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'Text/plain',
      'tEXT/PLAIN',
    ]) {
      expect(safe('content-type', v)).toBe(true);
      expect(safe('CONTENT-TYPE', v)).toBe(true);
    }
  });
  it('V54', () => {
    expect(safe('content-type', 'text/html')).toBe(false);
    expect(safe('content-type', 'image/png')).toBe(false);
  });
  it('V55', () => {
    expect(safe('content-type', `text/plain; charset=${'a'.repeat(108)}`)).toBe(true);
    expect(safe('content-type', `text/plain; charset=${'a'.repeat(109)}`)).toBe(false);
  });
  it('V56–V60: range', () => {
    for (const v of ['', '500']) expect(safe('range', v)).toBe(false);
    for (const name of ['range', 'Range', 'RANGE']) expect(safe(name, 'bytes=100-200')).toBe(true);
    expect(safe('range', 'BYTES=100-200')).toBe(true);
    expect(safe('range', 'bytes=100-')).toBe(true);
    for (const v of ['bytes=100-200,300-400', 'bytes=100-200,400', 'bytes=100-200-400', 'bytes=100-200,400-', 'bytes=-50,100-'])
      expect(safe('range', v)).toBe(false);
    for (const v of ['bytes=200-100', 'bytes=-200--100', 'bytes=-50-50', 'bytes=-200', 'bytes=100']) expect(safe('range', v)).toBe(false);
    for (const v of ['bytes = 100-200', 'bytes =100-200', 'bytes=,100-200', ',bytes=,100-200']) expect(safe('range', v)).toBe(false);
  });
  it('V61: device-memory / dpr', () => {
    for (const name of ['device-memory', 'Device-Memory', 'dpr', 'DPR']) {
      for (const v of ['1.25', '1']) expect(safe(name, v)).toBe(true);
      for (const v of ['', 'abc', '1.25-2.5', '-1.25', '1e2', 'inf', '-2.3', 'NaN', '1.25.3', '1.', '.1', '.']) expect(safe(name, v)).toBe(false);
    }
  });
  it('V62: width / viewport-width', () => {
    for (const name of ['width', 'viewport-width']) {
      for (const v of ['125', '1', '2147483648']) expect(safe(name, v)).toBe(true);
      for (const v of ['', 'abc', '125.2']) expect(safe(name, v)).toBe(false);
    }
    expect(safe('width', '-125')).toBe(false);
  });
  it('V63–V65: rtt, downlink, ect', () => {
    expect(safe('rtt', '1')).toBe(true);
    for (const v of ['', '-1', '1.0', '-1.0', '2g', '6g']) expect(safe('rtt', v)).toBe(false);
    for (const v of ['1', '1.0']) expect(safe('downlink', v)).toBe(true);
    for (const v of ['', '-1', '-1.0', 'foo', '2g', '6g']) expect(safe('downlink', v)).toBe(false);
    expect(safe('ect', '2g')).toBe(true);
    for (const v of ['', '1', '-1', '1.0', '-1.0', 'foo', '6g']) expect(safe('ect', v)).toBe(false);
  });
  it('V66: client-hint headers with quoted strings', () => {
    for (const name of [
      'Sec-CH-UA',
      'Sec-CH-UA-Platform',
      'Sec-CH-UA-Platform-Version',
      'Sec-CH-UA-Arch',
      'Sec-CH-UA-Model',
      'Sec-CH-UA-Form-Factors',
      'Sec-CH-Prefers-Color-Scheme',
      'Sec-CH-Prefers-Reduced-Motion',
      'Sec-CH-Prefers-Reduced-Transparency',
      'Sec-CH-Viewport-Height',
    ])
      expect(safe(name, '"User Agent!"')).toBe(true);
  });
  it('D10–D12', () => {
    expect(safe('save-data', 'on')).toBe(true);
    expect(safe('save-data', 'ON')).toBe(true);
    expect(safe('save-data', 'off')).toBe(false);
    expect(safe('intervention', 'x'.repeat(128))).toBe(true);
    expect(safe('intervention', 'x'.repeat(129))).toBe(false);
    expect(safe('accept', 'a'.repeat(129))).toBe(false);
  });
  it('the spec flavour has no client hints and parses Content-Type with the MIME sniffing parser', () => {
    expect(isCorsSafelistedRequestHeader('dpr', '1', 'spec')).toBe(false);
    expect(isCorsSafelistedRequestHeader('content-type', '  text/plain ; charset=UTF-8', 'spec')).toBe(true);
    expect(isCorsSafelistedRequestHeader('content-type', 'application/json', 'spec')).toBe(false);
  });
});

describe('unsafe-name lists and the 1024-byte budget', () => {
  const budget = (width: number, contentTypeTail = 108) =>
    h(
      ['content-type', `text/plain; charset=${'1'.repeat(contentTypeTail)}`],
      ['accept', '1'.repeat(128)],
      ['accept-language', '1'.repeat(128)],
      ['content-language', '1'.repeat(128)],
      ['dpr', '1'.repeat(128)],
      ['device-memory', '1'.repeat(128)],
      ['save-data', 'on'],
      ['viewport-width', '1'.repeat(128)],
      ['width', '1'.repeat(width)],
      ['hogE', 'fuga'],
    );
  const everything = ['hoge', 'content-type', 'accept', 'accept-language', 'content-language', 'dpr', 'device-memory', 'save-data', 'viewport-width', 'width'];
  const v68 = h(['content-type', 'text/plain'], ['dpr', '12345'], ['aCCept', 'en,ja'], ['accept-charset', 'utf-8'], ['uSer-Agent', 'foo'], ['hogE', 'fuga']);
  it('V67', () => expect(corsUnsafeRequestHeaderNames(h())).toEqual([]));
  it('V68', () => expect(corsUnsafeRequestHeaderNames(v68)).toEqual(['accept-charset', 'user-agent', 'hoge']));
  it('V69', () => {
    const headers = h(
      ['content-type', 'text/html'],
      ['dpr', '123-45'],
      ['aCCept', 'en,ja'],
      ['accept-charset', 'utf-8'],
      ['uSer-Agent', 'foo'],
      ['hogE', 'fuga'],
    );
    expect(corsUnsafeRequestHeaderNames(headers)).toEqual(['content-type', 'dpr', 'accept-charset', 'user-agent', 'hoge']);
  });
  it('V70', () => expect(corsUnsafeRequestHeaderNames(budget(126))).toEqual(['hoge']));
  it('V71', () => expect(corsUnsafeRequestHeaderNames(budget(127))).toEqual(everything));
  it('V72', () => expect(corsUnsafeRequestHeaderNames(budget(127, 128))).toEqual(['content-type', 'hoge']));
  it('V73', () => expect(corsUnsafeNotForbiddenRequestHeaderNames(v68)).toEqual(['hoge']));
  it('V74', () => {
    const headers = h(['content-type', 'text/html'], ['dpr', '123-45'], ['aCCept', 'en,ja'], ['accept-charset', 'utf-8'], ['hogE', 'fuga']);
    expect(corsUnsafeNotForbiddenRequestHeaderNames(headers)).toEqual(['content-type', 'dpr', 'hoge']);
  });
  it('V75', () => {
    const withCharset = (headers: HeaderList) => [...headers, { name: 'accept-charset', value: 'utf-8' }];
    expect(corsUnsafeNotForbiddenRequestHeaderNames(withCharset(budget(126)))).toEqual(['hoge']);
    expect(corsUnsafeNotForbiddenRequestHeaderNames(withCharset(budget(127)))).toEqual(everything);
    expect(corsUnsafeNotForbiddenRequestHeaderNames(withCharset(budget(127, 128)))).toEqual(['content-type', 'hoge']);
  });
  it('V76', () => {
    const headers = h(['If-MODifIED-since', 'x'], ['iF-nONE-MATCh', 'y'], ['CACHE-ContrOl', 'z']);
    expect(corsUnsafeNotForbiddenRequestHeaderNames(headers, true)).toEqual([]);
    expect(corsUnsafeNotForbiddenRequestHeaderNames(headers, false)).toEqual(['if-modified-since', 'if-none-match', 'cache-control']);
  });
  it('V77', () => {
    for (const n of ['accept', 'AcCePT', 'accept-language', 'acCEPt-lAnguage', 'content-language', 'coNTENt-lAnguage', 'content-type', 'CONTENT-TYPE'])
      expect(isNoCorsSafelistedRequestHeaderName(n)).toBe(true);
    for (const n of ['range', 'cookie', 'foobar']) expect(isNoCorsSafelistedRequestHeaderName(n)).toBe(false);
  });
  it('V78', () => {
    for (const n of ['range', 'RanGe']) expect(isPrivilegedNoCorsRequestHeaderName(n)).toBe(true);
    for (const n of ['content-type', 'foobar', 'cookie']) expect(isPrivilegedNoCorsRequestHeaderName(n)).toBe(false);
  });
});

describe('PreflightResult', () => {
  const result = (acam: string | null, acah: string | null, credentials: 'omit' | 'include' = 'omit') => {
    const headers: [string, string][] = [];
    if (acam !== null) headers.push(['Access-Control-Allow-Methods', acam]);
    if (acah !== null) headers.push(['Access-Control-Allow-Headers', acah]);
    const created = createPreflightResult(h(...headers), credentials);
    if (!isPreflightResult(created)) throw new Error(`unexpected parse failure ${created.corsError}`);
    return created;
  };
  const methodCases: [string, string, string, string | null][] = [
    ['V79', 'OPTIONS', 'OPTIONS', null],
    ['V79', 'GET', 'GET', null],
    ['V79', 'HEAD', 'HEAD', null],
    ['V79', 'POST', 'POST', null],
    ['V79', 'PUT', 'PUT', null],
    ['V79', 'DELETE', 'DELETE', null],
    ['V79', 'FOOBAR', 'FOOBAR', null],
    ['V80', '', 'GET', null],
    ['V80', '', 'HEAD', null],
    ['V80', '', 'POST', null],
    ['V81', '*', 'OPTIONS', null],
    ['V82', 'GET, PUT, DELETE', 'GET', null],
    ['V82', 'GET, PUT, DELETE', 'PUT', null],
    ['V82', 'GET, PUT, DELETE', 'DELETE', null],
    ['V83', '', 'OPTIONS', 'OPTIONS'],
    ['V83', '', 'PUT', 'PUT'],
    ['V83', '', 'DELETE', 'DELETE'],
    ['V83', 'GET', 'PUT', 'PUT'],
    ['V83', 'GET, POST, DELETE', 'PUT', 'PUT'],
    ['V84', 'GET,,PUT', '', ''],
    ['V84', 'GET, ,PUT', ' ', ' '],
    ['V84', 'GET, ,PUT', 'PUT', null],
    ['V85', 'put', 'PUT', 'PUT'],
    ['V85', 'PUT', 'put', 'put'],
    ['V85', 'put', 'put', null],
    ['V85', 'patch', 'PATCH', 'PATCH'],
    ['V85', 'PATCH', 'patch', 'patch'],
    ['V85', 'patch', 'patch', null],
    ['V85', 'get', 'GET', null],
  ];
  it.each(methodCases)('%s ACAM %j | %j', (_id, acam, method, failed) => {
    expect(ensureAllowedCrossOriginMethod(result(acam, null), method)).toEqual(failed === null ? null : status('MethodDisallowedByPreflightResponse', failed));
  });
  it('a `*` ACAM does not cover a method when credentials are included', () => {
    expect(ensureAllowedCrossOriginMethod(result('*', null, 'include'), 'PUT')).toEqual(status('MethodDisallowedByPreflightResponse', 'PUT'));
  });

  const unsafe = (headers: HeaderList) => corsUnsafeNotForbiddenRequestHeaderNames(headers);
  const options: EngineOptions = { authorizationCoveredByWildcard: true };
  const headerCases: [string, string, HeaderList, 'omit' | 'include', string | null][] = [
    ['V86', 'X-MY-HEADER', h(['X-MY-HEADER', 't']), 'omit', null],
    ['V86', 'X-MY-HEADER, Y-MY-HEADER', h(['X-MY-HEADER', 't'], ['Y-MY-HEADER', 't']), 'omit', null],
    ['V86', 'x-my-header, Y-MY-HEADER', h(['X-MY-HEADER', 't'], ['y-my-header', 't']), 'omit', null],
    ['V87', '', h(['Accept', '*/*']), 'omit', null],
    ['V88', '*', h(['xyzzy', 't']), 'omit', null],
    ['V88', '*', h(['xyzzy', 't']), 'include', 'xyzzy'],
    ['V89', '', h(['Host', 'www.google.com']), 'omit', null],
    ['V90', '', h(['X-MY-HEADER', 't']), 'omit', 'x-my-header'],
    ['V90', 'X-SOME-OTHER-HEADER', h(['X-MY-HEADER', 't']), 'omit', 'x-my-header'],
    ['V90', 'X-MY-HEADER', h(['X-MY-HEADER', 't'], ['Y-MY-HEADER', 't']), 'omit', 'y-my-header'],
  ];
  it.each(headerCases)('%s ACAH %j', (_id, acah, headers, credentials, failed) => {
    expect(ensureAllowedCrossOriginHeaders(result(null, acah, credentials), unsafe(headers), options)).toEqual(
      failed === null ? null : status('HeaderDisallowedByPreflightResponse', failed),
    );
  });

  it('V91 / D13: Access-Control-Max-Age', () => {
    expect(parseAccessControlMaxAge('573')).toBe(573);
    expect(parseAccessControlMaxAge('-765')).toBe(0);
    expect(parseAccessControlMaxAge(null)).toBe(5);
    expect(parseAccessControlMaxAge('abc')).toBe(5);
    expect(parseAccessControlMaxAge('7200')).toBe(7200);
    expect(parseAccessControlMaxAge('86400')).toBe(7200);
    expect(parseAccessControlMaxAge('99999999999')).toBe(7200);
    expect(parseAccessControlMaxAge('99999999999999999999999')).toBe(5);
    expect(parseAccessControlMaxAge('0')).toBe(0);
  });
  it('V92: a result made without credentials cannot serve an include request', () => {
    const made = (c: 'omit' | 'include') => result(null, null, c);
    expect(preflightResultAllowsRequest(made('include'), 'omit', 'GET', [])).toBe(true);
    expect(preflightResultAllowsRequest(made('include'), 'include', 'GET', [])).toBe(true);
    expect(preflightResultAllowsRequest(made('omit'), 'omit', 'GET', [])).toBe(true);
    expect(preflightResultAllowsRequest(made('omit'), 'include', 'GET', [])).toBe(false);
  });
  it('V93: ACAH parsing', () => {
    expect(createPreflightResult(h(['Access-Control-Allow-Headers', 'bad value']), 'omit')).toEqual(status('InvalidAllowHeadersPreflightResponse'));
    for (const v of ['X-MY-HEADER, ', '']) expect(isPreflightResult(createPreflightResult(h(['Access-Control-Allow-Headers', v]), 'omit'))).toBe(true);
    expect([...result(null, ', X-MY-HEADER, Y-MY-HEADER, ,').headers]).toEqual(['x-my-header', 'y-my-header']);
  });
  it('V94: ACAM parsing', () => {
    expect(createPreflightResult(h(['Access-Control-Allow-Methods', 'bad value']), 'omit')).toEqual(status('InvalidAllowMethodsPreflightResponse'));
    for (const v of ['GET, ', '']) expect(isPreflightResult(createPreflightResult(h(['Access-Control-Allow-Methods', v]), 'omit'))).toBe(true);
    expect([...result(', GET, POST, ,', null).methods]).toEqual(['GET', 'POST']);
    expect(extractHeaderListValues('GET;')).toBe('failure');
  });
  it('V95–V98: Authorization and ACAH *', () => {
    const wildcard = result(null, '*');
    const auth = unsafe(h(['auThorization', 'x']));
    expect(ensureAllowedCrossOriginHeaders(wildcard, auth, { authorizationCoveredByWildcard: true })).toBeNull();
    expect(ensureAllowedCrossOriginHeaders(wildcard, auth, { authorizationCoveredByWildcard: false })).toEqual(
      status('HeaderDisallowedByPreflightResponse', 'authorization'),
    );
    expect(hasAuthorizationCoveredByWildcard(wildcard, auth)).toBe(true);
    const listed = result(null, '*, AUTHORIZAtion');
    expect(ensureAllowedCrossOriginHeaders(listed, auth, { authorizationCoveredByWildcard: false })).toBeNull();
    expect(hasAuthorizationCoveredByWildcard(listed, ['authorization', 'foo'])).toBe(false);
    expect(hasAuthorizationCoveredByWildcard(wildcard, ['authorization', 'foo'])).toBe(true);
    expect(hasAuthorizationCoveredByWildcard(wildcard, ['foo'])).toBe(false);
  });
  it('V99: normalised ACAM / ACAH', () => {
    expect([...result('GET, POST', null).methods].join(',')).toBe('GET,POST');
    expect([...result(null, 'X-MY-HEADER, Y-MY-HEADER').headers].join(',')).toBe('x-my-header,y-my-header');
  });
});

describe('the Fetch spec credentials table', () => {
  const origin = 'https://rabbit.invalid';
  it.each([
    ['S1', 'omit', '*', null, true],
    ['S2', 'omit', '*', 'true', true],
    ['S3', 'omit', 'https://rabbit.invalid/', null, false],
    ['S4', 'omit', 'https://rabbit.invalid', null, true],
    ['S5', 'include', '*', 'true', false],
    ['S6', 'include', 'https://rabbit.invalid', 'true', true],
    ['S7', 'include', 'https://rabbit.invalid', 'True', false],
  ] as const)('%s', (_id, credentials, acao, acac, shared) => {
    const headers: [string, string][] = [['Access-Control-Allow-Origin', acao]];
    if (acac !== null) headers.push(['Access-Control-Allow-Credentials', acac]);
    expect(corsCheck(h(...headers), origin, credentials)).toBe(shared);
    expect(checkAccess('https://rabbit.invalid/', h(...headers), credentials, origin) === null).toBe(shared);
  });
});
