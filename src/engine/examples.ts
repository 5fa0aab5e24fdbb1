/**
 * Realistic exchanges as the background capture builds them from webRequest (header lists as
 * Chromium hands them over, duplicates kept). Used by the tests, the rules document and the bench.
 */
import type { CorsErrorName, HeaderList, ObservedExchange } from './types';

export const PAGE = 'https://app.example.com';
export const API = 'https://api.example.com';

const h = (...pairs: [string, string][]): HeaderList => pairs.map(([name, value]) => ({ name, value }));

export function browserHeaders(extra: [string, string][] = [], mode = 'cors'): HeaderList {
  return h(
    ['Accept', '*/*'],
    ['Origin', PAGE],
    ['Referer', `${PAGE}/`],
    ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36'],
    ['Accept-Encoding', 'gzip, deflate, br, zstd'],
    ['Accept-Language', 'en-US,en;q=0.9'],
    ['sec-ch-ua', '"Chromium";v="156", "Not-A.Brand";v="24"'],
    ['sec-ch-ua-mobile', '?0'],
    ['sec-ch-ua-platform', '"Linux"'],
    ['Sec-Fetch-Site', 'same-site'],
    ['Sec-Fetch-Mode', mode],
    ['Sec-Fetch-Dest', 'empty'],
    ...extra,
  );
}

export function responseHeaders(...extra: [string, string][]): HeaderList {
  return h(
    ['Content-Type', 'application/json; charset=utf-8'],
    ['Content-Length', '27'],
    ['Date', 'Wed, 26 Nov 2025 08:00:00 GMT'],
    ['Connection', 'keep-alive'],
    ...extra,
  );
}

export function preflightRequestHeaders(method: string, acrh: string | null, origin = PAGE): HeaderList {
  const lines: [string, string][] = [
    ['Accept', '*/*'],
    ['Access-Control-Request-Method', method],
  ];
  if (acrh !== null) lines.push(['Access-Control-Request-Headers', acrh]);
  lines.push(
    ['Origin', origin],
    ['User-Agent', 'Mozilla/5.0 Chrome/156.0.0.0'],
    ['Sec-Fetch-Mode', 'cors'],
    ['Sec-Fetch-Site', 'same-site'],
    ['Sec-Fetch-Dest', 'empty'],
  );
  return h(...lines);
}

interface SimpleOptions {
  url?: string;
  method?: string;
  requestExtra?: [string, string][];
  status?: number;
  response?: [string, string][];
  error?: string | null;
}

export function simpleExchange(options: SimpleOptions = {}): ObservedExchange {
  return {
    initiator: PAGE,
    request: { url: options.url ?? `${API}/v1/items`, method: options.method ?? 'GET', type: 'xmlhttprequest', headers: browserHeaders(options.requestExtra) },
    preflight: null,
    redirects: [],
    response: { status: options.status ?? 200, headers: responseHeaders(...(options.response ?? [])) },
    outcome: options.error ? { kind: 'error', error: options.error } : { kind: 'completed' },
  };
}

interface PreflightOptions {
  method: string;
  acrh: string | null;
  preflightStatus?: number;
  preflightResponse: [string, string][];
  redirectedTo?: string | null;
  actualRequestExtra?: [string, string][];
  /** When the preflight passes: the actual response. Null when the preflight failed. */
  actualResponse?: [string, string][] | null;
  error?: string | null;
}

export function preflightedExchange(options: PreflightOptions): ObservedExchange {
  const url = `${API}/v1/items/42`;
  const failed = options.actualResponse === null || options.actualResponse === undefined;
  return {
    initiator: PAGE,
    request: {
      url,
      method: options.method,
      type: 'xmlhttprequest',
      headers: failed ? null : browserHeaders(options.actualRequestExtra),
    },
    preflight: {
      url,
      request: { headers: preflightRequestHeaders(options.method, options.acrh) },
      response: { status: options.preflightStatus ?? 204, headers: h(['Date', 'Wed, 26 Nov 2025 08:00:00 GMT'], ...options.preflightResponse) },
      redirectedTo: options.redirectedTo ?? null,
      error: null,
    },
    redirects: [],
    response: failed ? null : { status: 200, headers: responseHeaders(...(options.actualResponse ?? [])) },
    outcome: options.error ? { kind: 'error', error: options.error } : failed ? { kind: 'error', error: 'net::ERR_FAILED' } : { kind: 'completed' },
  };
}

const ACAO_PAGE: [string, string] = ['Access-Control-Allow-Origin', PAGE];

/** One example exchange per rule an extension can observe (the docs show each one's verdict). */
export const RULE_EXAMPLES: Partial<Record<CorsErrorName, ObservedExchange>> = {
  MissingAllowOriginHeader: simpleExchange({ status: 500, error: 'net::ERR_FAILED' }),
  MultipleAllowOriginValues: simpleExchange({ response: [ACAO_PAGE, ['Access-Control-Allow-Origin', '*']], error: 'net::ERR_FAILED' }),
  InvalidAllowOriginValue: simpleExchange({ response: [['Access-Control-Allow-Origin', 'app.example.com']], error: 'net::ERR_FAILED' }),
  AllowOriginMismatch: simpleExchange({ response: [['Access-Control-Allow-Origin', `${PAGE}/`]], error: 'net::ERR_FAILED' }),
  WildcardOriginNotAllowed: simpleExchange({
    requestExtra: [['Cookie', 'session=abc']],
    response: [['Access-Control-Allow-Origin', '*']],
    error: 'net::ERR_FAILED',
  }),
  InvalidAllowCredentials: simpleExchange({ requestExtra: [['Cookie', 'session=abc']], response: [ACAO_PAGE, ['Vary', 'Origin']], error: 'net::ERR_FAILED' }),
  PreflightMissingAllowOriginHeader: preflightedExchange({
    method: 'PUT',
    acrh: 'content-type',
    preflightStatus: 404,
    preflightResponse: [['Content-Type', 'text/html']],
  }),
  PreflightMultipleAllowOriginValues: preflightedExchange({
    method: 'DELETE',
    acrh: null,
    preflightResponse: [['Access-Control-Allow-Origin', `${PAGE}, https://admin.example.com`]],
  }),
  PreflightInvalidAllowOriginValue: preflightedExchange({ method: 'DELETE', acrh: null, preflightResponse: [['Access-Control-Allow-Origin', 'https://']] }),
  PreflightAllowOriginMismatch: preflightedExchange({
    method: 'PUT',
    acrh: 'content-type',
    preflightResponse: [['Access-Control-Allow-Origin', 'https://www.example.com']],
  }),
  PreflightWildcardOriginNotAllowed: preflightedExchange({
    method: 'PUT',
    acrh: 'content-type',
    preflightResponse: [
      ['Access-Control-Allow-Origin', '*'],
      ['Access-Control-Allow-Methods', 'PUT'],
      ['Access-Control-Allow-Headers', 'content-type'],
    ],
  }),
  PreflightInvalidAllowCredentials: preflightedExchange({
    method: 'PATCH',
    acrh: 'content-type',
    preflightResponse: [
      ACAO_PAGE,
      ['Access-Control-Allow-Credentials', 'True'],
      ['Access-Control-Allow-Methods', 'PATCH'],
      ['Access-Control-Allow-Headers', 'content-type'],
    ],
  }),
  PreflightInvalidStatus: preflightedExchange({
    method: 'POST',
    acrh: 'authorization,content-type',
    preflightStatus: 401,
    preflightResponse: [ACAO_PAGE, ['WWW-Authenticate', 'Bearer']],
  }),
  PreflightDisallowedRedirect: preflightedExchange({
    method: 'PUT',
    acrh: 'content-type',
    preflightStatus: 301,
    preflightResponse: [['Location', `${API}/v1/items/42/`]],
    redirectedTo: `${API}/v1/items/42/`,
  }),
  InvalidAllowMethodsPreflightResponse: preflightedExchange({
    method: 'PUT',
    acrh: null,
    preflightResponse: [ACAO_PAGE, ['Access-Control-Allow-Methods', 'GET; PUT']],
  }),
  InvalidAllowHeadersPreflightResponse: preflightedExchange({
    method: 'POST',
    acrh: 'x-api-key',
    preflightResponse: [ACAO_PAGE, ['Access-Control-Allow-Headers', '"X-Api-Key"']],
  }),
  MethodDisallowedByPreflightResponse: preflightedExchange({
    method: 'PUT',
    acrh: 'content-type',
    preflightResponse: [ACAO_PAGE, ['Access-Control-Allow-Methods', 'get, post, put'], ['Access-Control-Allow-Headers', 'Content-Type']],
  }),
  HeaderDisallowedByPreflightResponse: preflightedExchange({
    method: 'POST',
    acrh: 'content-type,x-api-key',
    preflightResponse: [ACAO_PAGE, ['Access-Control-Allow-Methods', 'GET, POST'], ['Access-Control-Allow-Headers', 'Content-Type']],
  }),
  RedirectContainsCredentials: {
    initiator: PAGE,
    request: { url: `${API}/download`, method: 'GET', type: 'xmlhttprequest', headers: browserHeaders() },
    preflight: null,
    redirects: [
      {
        url: `${API}/download`,
        status: 302,
        location: 'https://user:secret@files.example.net/file.zip',
        headers: h(ACAO_PAGE, ['Location', 'https://user:secret@files.example.net/file.zip']),
      },
    ],
    response: null,
    outcome: { kind: 'error', error: 'net::ERR_FAILED' },
  },
  DisallowedByMode: {
    initiator: PAGE,
    request: { url: `${PAGE}/go`, method: 'GET', type: 'xmlhttprequest', headers: browserHeaders([], 'same-origin') },
    preflight: null,
    redirects: [{ url: `${PAGE}/go`, status: 302, location: `${API}/v1/items`, headers: h(['Location', `${API}/v1/items`]) }],
    response: null,
    outcome: { kind: 'error', error: 'net::ERR_FAILED' },
  },
  CorsDisabledScheme: {
    initiator: PAGE,
    request: { url: `${API}/legacy`, method: 'GET', type: 'xmlhttprequest', headers: browserHeaders() },
    preflight: null,
    redirects: [
      {
        url: `${API}/legacy`,
        status: 302,
        location: 'ftp://files.example.com/data.csv',
        headers: h(ACAO_PAGE, ['Location', 'ftp://files.example.com/data.csv']),
      },
    ],
    response: null,
    outcome: { kind: 'error', error: 'net::ERR_FAILED' },
  },
  PreflightMissingAllowPrivateNetwork: {
    initiator: PAGE,
    request: { url: 'http://192.168.1.20/api/status', method: 'GET', type: 'xmlhttprequest', headers: null },
    preflight: {
      url: 'http://192.168.1.20/api/status',
      request: { headers: [...preflightRequestHeaders('GET', null), { name: 'Access-Control-Request-Private-Network', value: 'true' }] },
      response: { status: 204, headers: h(ACAO_PAGE) },
      error: null,
    },
    redirects: [],
    response: null,
    outcome: { kind: 'error', error: 'net::ERR_FAILED' },
  },
  PreflightInvalidAllowPrivateNetwork: {
    initiator: PAGE,
    request: { url: 'http://192.168.1.20/api/status', method: 'GET', type: 'xmlhttprequest', headers: null },
    preflight: {
      url: 'http://192.168.1.20/api/status',
      request: { headers: [...preflightRequestHeaders('GET', null), { name: 'Access-Control-Request-Private-Network', value: 'true' }] },
      response: { status: 204, headers: h(ACAO_PAGE, ['Access-Control-Allow-Private-Network', 'yes']) },
      error: null,
    },
    redirects: [],
    response: null,
    outcome: { kind: 'error', error: 'net::ERR_FAILED' },
  },
  LocalNetworkAccessPermissionDenied: {
    initiator: PAGE,
    request: { url: 'http://192.168.1.20/api/status', method: 'GET', type: 'xmlhttprequest', headers: browserHeaders() },
    preflight: null,
    redirects: [],
    response: null,
    outcome: { kind: 'error', error: 'net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS' },
  },
  InvalidLocalNetworkAccess: {
    // fetch('http://127.0.0.1:8080/api', { targetAddressSpace: 'local' }): loopback is not local.
    initiator: PAGE,
    request: { url: 'http://127.0.0.1:8080/api', method: 'GET', type: 'xmlhttprequest', headers: browserHeaders() },
    preflight: null,
    redirects: [],
    response: null,
    outcome: { kind: 'error', error: 'net::ERR_FAILED' },
  },
  InsecureLocalNetwork: {
    initiator: 'http://intranet-portal.example.com',
    request: { url: 'http://127.0.0.1:8080/api', method: 'GET', type: 'xmlhttprequest', headers: null },
    preflight: null,
    redirects: [],
    response: null,
    outcome: { kind: 'error', error: 'net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS' },
  },
};
