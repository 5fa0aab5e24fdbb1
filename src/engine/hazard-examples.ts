/**
 * One realistic exchange per cause and hazard of the catalogue (src/engine/hazards.ts), as the
 * background capture records it, and the common correct setups that must raise nothing. Used by
 * the tests and docs/rules.md.
 */
import { API, PAGE, browserHeaders, preflightRequestHeaders, responseHeaders, simpleExchange } from './examples';
import type { HeaderList, ObservedExchange } from './types';

const h = (...pairs: [string, string][]): HeaderList => pairs.map(([name, value]) => ({ name, value }));
const ECHO: [string, string][] = [
  ['Access-Control-Allow-Origin', PAGE],
  ['Vary', 'Origin'],
];

function preflighted(options: {
  method?: string;
  acrh?: string | null;
  requestExtra?: [string, string][];
  preflightStatus?: number;
  preflightHeaders: [string, string][];
  status?: number;
  response?: [string, string][] | null;
  error?: string | null;
  url?: string;
}): ObservedExchange {
  const url = options.url ?? `${API}/v1/items`;
  return {
    initiator: PAGE,
    request: { url, method: options.method ?? 'PUT', type: 'xmlhttprequest', headers: options.response === null ? null : browserHeaders(options.requestExtra) },
    preflight: {
      url,
      request: { headers: preflightRequestHeaders(options.method ?? 'PUT', options.acrh ?? null) },
      response: { status: options.preflightStatus ?? 204, headers: h(...options.preflightHeaders) },
      error: null,
    },
    redirects: [],
    response: options.response === null ? null : { status: options.status ?? 200, headers: responseHeaders(...(options.response ?? ECHO)) },
    outcome: options.error ? { kind: 'error', error: options.error } : { kind: 'completed' },
  };
}

export const CAUSE_EXAMPLES: Record<string, ObservedExchange> = {
  'error-status-without-cors': simpleExchange({ status: 500, error: 'net::ERR_FAILED' }),
  'preflight-auth-layer': preflighted({
    method: 'GET',
    acrh: 'authorization',
    requestExtra: [['Authorization', 'Bearer abc']],
    preflightStatus: 401,
    preflightHeaders: [
      ['WWW-Authenticate', 'Bearer realm="api"'],
      ['Content-Length', '0'],
    ],
    response: null,
    error: 'net::ERR_FAILED',
  }),
  'dev-server-refused-origin': simpleExchange({
    url: 'http://localhost:5173/api/items',
    status: 403,
    response: [['Content-Type', 'text/plain']],
    error: 'net::ERR_FAILED',
  }),
  'duplicate-cors-layer': simpleExchange({
    response: [
      ['Access-Control-Allow-Origin', '*'],
      ['Access-Control-Allow-Origin', PAGE],
      ['Via', '1.1 varnish'],
    ],
    error: 'net::ERR_FAILED',
  }),
  'local-network-access': {
    initiator: PAGE,
    request: { url: 'http://192.168.1.20/api/status', method: 'GET', type: 'xmlhttprequest', headers: browserHeaders() },
    preflight: null,
    redirects: [],
    response: null,
    outcome: { kind: 'error', error: 'net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS' },
  },
  'network-error': { ...simpleExchange({ error: 'net::ERR_CONNECTION_REFUSED' }), response: null },
};

export const HAZARD_EXAMPLES: Record<string, ObservedExchange> = {
  'null-origin-allowed': simpleExchange({ response: [['Access-Control-Allow-Origin', 'null']] }),
  'wildcard-with-credentials': simpleExchange({
    response: [
      ['Access-Control-Allow-Origin', '*'],
      ['Access-Control-Allow-Credentials', 'true'],
    ],
  }),
  'missing-vary-origin': simpleExchange({ response: [['Access-Control-Allow-Origin', PAGE]] }),
  'http-origin-trusted': {
    ...simpleExchange({
      response: [
        ['Access-Control-Allow-Origin', 'http://app.example.com'],
        ['Access-Control-Allow-Credentials', 'true'],
        ['Vary', 'Origin'],
      ],
    }),
    initiator: 'http://app.example.com',
    request: {
      url: `${API}/v1/items`,
      method: 'GET',
      type: 'xmlhttprequest',
      headers: h(['Accept', '*/*'], ['Origin', 'http://app.example.com'], ['Cookie', 'session=1'], ['Sec-Fetch-Mode', 'cors']),
    },
  },
  'origin-reflected': {
    initiator: PAGE,
    request: {
      url: `${API}/v1/start`,
      method: 'GET',
      type: 'xmlhttprequest',
      headers: h(['Accept', '*/*'], ['Origin', 'null'], ['Cookie', 'session=1'], ['Sec-Fetch-Mode', 'cors']),
    },
    preflight: null,
    redirects: [
      { url: `${API}/v1/start`, status: 302, location: 'https://data.example.net/v1/items', headers: h(...ECHO, ['Access-Control-Allow-Credentials', 'true']) },
    ],
    response: {
      status: 200,
      headers: responseHeaders(['Access-Control-Allow-Origin', 'null'], ['Access-Control-Allow-Credentials', 'true'], ['Vary', 'Origin']),
    },
    outcome: { kind: 'completed' },
  },
  'preflight-echoes-request': preflighted({
    method: 'PUT',
    acrh: 'content-type,x-request-id',
    requestExtra: [
      ['Content-Type', 'application/json'],
      ['X-Request-Id', '42'],
    ],
    preflightHeaders: [...ECHO, ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'content-type,x-request-id']],
  }),
  'authorization-wildcard': preflighted({
    method: 'GET',
    acrh: 'authorization',
    requestExtra: [['Authorization', 'Bearer abc']],
    preflightHeaders: [
      ['Access-Control-Allow-Origin', '*'],
      ['Access-Control-Allow-Headers', '*'],
    ],
    response: [['Access-Control-Allow-Origin', '*']],
  }),
  'max-age-above-cap': preflighted({ preflightHeaders: [...ECHO, ['Access-Control-Allow-Methods', 'GET, PUT'], ['Access-Control-Max-Age', '86400']] }),
  'max-age-unparsable': preflighted({ preflightHeaders: [...ECHO, ['Access-Control-Allow-Methods', 'GET, PUT'], ['Access-Control-Max-Age', '10 minutes']] }),
  'cors-missing-on-errors': preflighted({
    preflightHeaders: [...ECHO, ['Access-Control-Allow-Methods', 'GET, PUT']],
    status: 500,
    response: [],
    error: 'net::ERR_FAILED',
  }),
  'header-not-exposed': simpleExchange({ response: [...ECHO, ['X-Total-Count', '42']] }),
  'no-cors-opaque': {
    initiator: PAGE,
    request: { url: `${API}/v1/items`, method: 'GET', type: 'xmlhttprequest', headers: browserHeaders([], 'no-cors').filter((line) => line.name !== 'Origin') },
    preflight: null,
    redirects: [],
    response: { status: 200, headers: responseHeaders() },
    outcome: { kind: 'completed' },
  },
  'preflight-from-cache': simpleExchange({ method: 'PUT', response: ECHO }),
  'preflight-cache-stale': {
    ...simpleExchange({ method: 'PUT', response: [...ECHO, ['Access-Control-Allow-Methods', 'GET, POST']] }),
    context: {
      requestTime: Date.UTC(2026, 11, 1, 10, 5),
      earlierPreflight: {
        time: Date.UTC(2026, 11, 1, 10, 0),
        preflight: {
          url: `${API}/v1/items`,
          request: { headers: preflightRequestHeaders('PUT', null) },
          response: { status: 204, headers: h(...ECHO, ['Access-Control-Allow-Methods', 'GET, PUT'], ['Access-Control-Max-Age', '600']) },
          error: null,
        },
      },
      echoedOrigins: [],
    },
  },
};

/** Correct setups people deploy every day: none may raise a warning or a cause. */
export const CORRECT_SETUPS: Record<string, ObservedExchange> = {
  'public data with *': simpleExchange({ response: [['Access-Control-Allow-Origin', '*']] }),
  'allow-list echo with Vary and credentials': simpleExchange({
    requestExtra: [['Cookie', 'session=1']],
    response: [...ECHO, ['Access-Control-Allow-Credentials', 'true']],
  }),
  'allow-list echo, second origin of the same allow-list, credentials': {
    ...simpleExchange({ requestExtra: [['Cookie', 'session=1']], response: [...ECHO, ['Access-Control-Allow-Credentials', 'true']] }),
    context: { requestTime: 0, earlierPreflight: null, echoedOrigins: [] },
  },
  'preflight with a hand-written allow-list': preflighted({
    method: 'PUT',
    acrh: 'content-type',
    requestExtra: [['Content-Type', 'application/json']],
    preflightHeaders: [
      ...ECHO,
      ['Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE'],
      ['Access-Control-Allow-Headers', 'Content-Type, Authorization'],
      ['Access-Control-Max-Age', '600'],
    ],
  }),
  'Authorization listed by name': preflighted({
    method: 'GET',
    acrh: 'authorization',
    requestExtra: [['Authorization', 'Bearer abc']],
    preflightHeaders: [...ECHO, ['Access-Control-Allow-Headers', 'Authorization']],
  }),
  'exposed custom header': simpleExchange({ response: [...ECHO, ['X-Total-Count', '42'], ['Access-Control-Expose-Headers', 'X-Total-Count']] }),
  'error response that carries CORS headers': simpleExchange({ status: 500, response: ECHO }),
};
