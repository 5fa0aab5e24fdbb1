/**
 * A fixed, realistic report for the export tests: three CORS failures of different stages (actual
 * response, preflight, redirect), one pass, with secrets in every place traffic can carry them.
 */
import type { Verdict } from '../engine/types';
import type { Report, ReportEntry } from '../shared/report';

export const PAGE_ORIGIN = 'http://localhost:41000';
export const API_ORIGIN = 'http://127.0.0.1:41001';
export const API2_ORIGIN = 'http://127.0.0.1:41002';

/** Every secret the fixture's traffic carries; none may appear in a default export. */
export const SECRETS = {
  queryApiKey: 'q-secret-7f3a9c1e',
  cookie: 'cookie-secret-b81d44',
  setCookie: 'setcookie-secret-55aa',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.bearer-secret-92c1',
  userinfoPassword: 'hunter2-userinfo-secret',
  refererSession: 'referer-secret-1234',
} as const;

const CHROMIUM_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

function verdict(overrides: Partial<Verdict> & Pick<Verdict, 'kind' | 'title' | 'explanation'>): Verdict {
  return {
    blocked: overrides.kind === 'cors-blocked',
    rule: null,
    failedParameter: '',
    stage: null,
    hopIndex: null,
    networkError: null,
    observed: [],
    preflightReasons: [],
    fix: null,
    specUrl: null,
    chromeMessage: null,
    firefox: null,
    confidence: 'certain',
    evidence: [],
    warnings: [],
    credentials: 'omit-or-same-origin',
    ...overrides,
  };
}

const missingAllowOrigin: ReportEntry = {
  id: 'e1',
  time: Date.UTC(2026, 10, 26, 9, 0, 1, 250),
  endTime: Date.UTC(2026, 10, 26, 9, 0, 1, 262),
  pageId: 1,
  frameId: 0,
  frameUrl: `${PAGE_ORIGIN}/app`,
  initiator: PAGE_ORIGIN,
  request: {
    url: `${API_ORIGIN}/api/orders?page=2&api_key=${SECRETS.queryApiKey}`,
    method: 'GET',
    type: 'xmlhttprequest',
    headers: [
      { name: 'Accept', value: '*/*' },
      { name: 'Origin', value: PAGE_ORIGIN },
      { name: 'Referer', value: `${PAGE_ORIGIN}/app?session=${SECRETS.refererSession}` },
      { name: 'Cookie', value: `sid=${SECRETS.cookie}; theme=dark` },
      { name: 'User-Agent', value: CHROMIUM_UA },
      { name: 'Accept-Encoding', value: 'gzip, deflate, br, zstd' },
      { name: 'Sec-Fetch-Mode', value: 'cors' },
    ],
  },
  preflight: null,
  redirects: [],
  response: {
    status: 200,
    headers: [
      { name: 'Content-Type', value: 'application/json' },
      { name: 'Set-Cookie', value: `sid=${SECRETS.setCookie}; Path=/; HttpOnly; SameSite=None; Secure` },
      { name: 'Vary', value: 'Accept-Encoding' },
    ],
  },
  error: 'net::ERR_FAILED',
  fromCache: false,
  verdict: verdict({
    kind: 'cors-blocked',
    rule: 'MissingAllowOriginHeader',
    stage: 'response',
    title: 'No Access-Control-Allow-Origin header',
    explanation:
      `The response from ${API_ORIGIN}/api/orders?page=2&api_key=${SECRETS.queryApiKey} has no Access-Control-Allow-Origin header, ` +
      `so the browser hid it from ${PAGE_ORIGIN}. The server must name the page's origin (or *, for requests without credentials).`,
    observed: [{ field: 'access-control-allow-origin', expected: PAGE_ORIGIN, actual: null }],
    credentials: 'include',
    fix: {
      summary: `Send Access-Control-Allow-Origin: ${PAGE_ORIGIN} and Access-Control-Allow-Credentials: true on this response.`,
      details: 'The request carries cookies, so the wildcard * is not allowed: echo the allowed origin and add Vary: Origin.',
      snippets: [
        {
          stack: 'express',
          label: 'Express (cors)',
          language: 'js',
          code: `app.use(cors({ origin: '${PAGE_ORIGIN}', credentials: true }));`,
        },
        {
          stack: 'nginx',
          label: 'nginx',
          language: 'nginx',
          code: `add_header Access-Control-Allow-Origin ${PAGE_ORIGIN} always;\nadd_header Access-Control-Allow-Credentials true always;\nadd_header Vary Origin always;`,
        },
        { stack: 'django', label: 'Django (django-cors-headers)', language: 'python', code: `CORS_ALLOWED_ORIGINS = ['${PAGE_ORIGIN}']` },
      ],
      traps: ['Error responses (4xx/5xx) need the header too: add it with `always` in nginx.'],
    },
    specUrl: 'https://fetch.spec.whatwg.org/#concept-cors-check',
    chromeMessage:
      `Access to XMLHttpRequest at '${API_ORIGIN}/api/orders?page=2&api_key=${SECRETS.queryApiKey}' from origin '${PAGE_ORIGIN}' has been blocked by CORS policy: ` +
      `No 'Access-Control-Allow-Origin' header is present on the requested resource.`,
  }),
};

const headerDisallowed: ReportEntry = {
  id: 'e2',
  time: Date.UTC(2026, 10, 26, 9, 0, 2, 0),
  endTime: Date.UTC(2026, 10, 26, 9, 0, 2, 9),
  pageId: 1,
  frameId: 0,
  frameUrl: `${PAGE_ORIGIN}/app`,
  initiator: PAGE_ORIGIN,
  request: { url: `${API_ORIGIN}/api/orders/17`, method: 'PUT', type: 'xmlhttprequest', headers: null },
  preflight: {
    url: `${API_ORIGIN}/api/orders/17`,
    request: {
      headers: [
        { name: 'Accept', value: '*/*' },
        { name: 'Access-Control-Request-Method', value: 'PUT' },
        { name: 'Access-Control-Request-Headers', value: 'authorization,content-type,x-request-id' },
        { name: 'Origin', value: PAGE_ORIGIN },
        { name: 'User-Agent', value: CHROMIUM_UA },
        { name: 'Sec-Fetch-Mode', value: 'cors' },
      ],
    },
    response: {
      status: 204,
      headers: [
        { name: 'Access-Control-Allow-Origin', value: PAGE_ORIGIN },
        { name: 'Access-Control-Allow-Methods', value: 'GET, PUT, DELETE' },
        { name: 'Access-Control-Allow-Headers', value: 'content-type, x-request-id' },
        { name: 'Access-Control-Max-Age', value: '600' },
      ],
    },
    error: null,
  },
  redirects: [],
  response: null,
  error: 'net::ERR_FAILED',
  fromCache: false,
  verdict: verdict({
    kind: 'cors-blocked',
    rule: 'HeaderDisallowedByPreflightResponse',
    failedParameter: 'authorization',
    stage: 'preflight',
    title: 'Request header not allowed by the preflight',
    explanation:
      "The request sends the header authorization, but the preflight response's Access-Control-Allow-Headers (content-type, x-request-id) does not list it, " +
      'so the browser never sent the PUT.',
    observed: [{ field: 'access-control-allow-headers', expected: 'authorization', actual: 'content-type, x-request-id' }],
    preflightReasons: [
      { kind: 'method', name: 'PUT', message: 'PUT is not one of GET, HEAD, POST' },
      { kind: 'header', name: 'authorization', message: 'Authorization is never safelisted' },
      { kind: 'header-value', name: 'content-type', value: 'application/json', message: 'Content-Type: application/json is not one of the three safelisted values' },
      { kind: 'header', name: 'x-request-id', message: 'X-Request-Id is not a safelisted header' },
    ],
    fix: {
      summary: 'Add authorization to Access-Control-Allow-Headers in the preflight (OPTIONS) response.',
      details: 'A wildcard * does not cover Authorization: name it explicitly.',
      snippets: [
        {
          stack: 'express',
          label: 'Express (cors)',
          language: 'js',
          code: "app.use(cors({ origin: 'http://localhost:41000', allowedHeaders: ['authorization', 'content-type', 'x-request-id'] }));",
        },
      ],
      traps: ['Access-Control-Allow-Headers: * never covers Authorization.'],
    },
    specUrl: 'https://fetch.spec.whatwg.org/#cors-preflight-fetch',
    chromeMessage:
      `Access to fetch at '${API_ORIGIN}/api/orders/17' from origin '${PAGE_ORIGIN}' has been blocked by CORS policy: ` +
      'Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response.',
  }),
};

const redirectWithCredentials: ReportEntry = {
  id: 'e3',
  time: Date.UTC(2026, 10, 26, 9, 0, 3, 500),
  endTime: Date.UTC(2026, 10, 26, 9, 0, 3, 540),
  pageId: 1,
  frameId: 0,
  frameUrl: `${PAGE_ORIGIN}/app`,
  initiator: PAGE_ORIGIN,
  request: {
    url: `${API_ORIGIN}/download/report.csv`,
    method: 'GET',
    type: 'xmlhttprequest',
    headers: [
      { name: 'Accept', value: 'text/csv' },
      { name: 'Origin', value: PAGE_ORIGIN },
      { name: 'User-Agent', value: CHROMIUM_UA },
    ],
  },
  preflight: null,
  redirects: [
    {
      url: `${API_ORIGIN}/download/report.csv`,
      status: 302,
      location: `${API2_ORIGIN.replace('://', `://svc:${SECRETS.userinfoPassword}@`)}/files/report.csv`,
      headers: [
        { name: 'Location', value: `${API2_ORIGIN.replace('://', `://svc:${SECRETS.userinfoPassword}@`)}/files/report.csv` },
        { name: 'Access-Control-Allow-Origin', value: '*' },
      ],
    },
  ],
  response: null,
  error: 'net::ERR_FAILED',
  fromCache: false,
  verdict: verdict({
    kind: 'cors-blocked',
    rule: 'RedirectContainsCredentials',
    failedParameter: `${API2_ORIGIN.replace('://', `://svc:${SECRETS.userinfoPassword}@`)}/files/report.csv`,
    stage: 'redirect',
    hopIndex: 0,
    title: 'Redirect to a URL with credentials',
    explanation:
      `The server redirected to ${API2_ORIGIN.replace('://', `://svc:${SECRETS.userinfoPassword}@`)}/files/report.csv, which has a user name and password in it; ` +
      'browsers refuse to follow such redirects for cross-origin requests.',
    observed: [{ field: 'location', expected: 'a URL without user:password@', actual: `${API2_ORIGIN.replace('://', `://svc:${SECRETS.userinfoPassword}@`)}/files/report.csv` }],
    fix: {
      summary: 'Redirect to a URL without credentials, and authenticate with a header or a token instead.',
      details: '',
      snippets: [],
      traps: [],
    },
    specUrl: 'https://fetch.spec.whatwg.org/#http-redirect-fetch',
    chromeMessage: null,
  }),
};

const passed: ReportEntry = {
  id: 'e4',
  time: Date.UTC(2026, 10, 26, 9, 0, 0, 900),
  endTime: Date.UTC(2026, 10, 26, 9, 0, 0, 930),
  pageId: 1,
  frameId: 0,
  frameUrl: `${PAGE_ORIGIN}/app`,
  initiator: PAGE_ORIGIN,
  request: {
    url: `${API2_ORIGIN}/health`,
    method: 'POST',
    type: 'xmlhttprequest',
    headers: [
      { name: 'Content-Type', value: 'text/plain;charset=UTF-8' },
      { name: 'Authorization', value: `Bearer ${SECRETS.bearer}` },
      { name: 'Origin', value: PAGE_ORIGIN },
    ],
  },
  preflight: {
    url: `${API2_ORIGIN}/health`,
    request: {
      headers: [
        { name: 'Access-Control-Request-Method', value: 'POST' },
        { name: 'Access-Control-Request-Headers', value: 'authorization' },
        { name: 'Origin', value: PAGE_ORIGIN },
      ],
    },
    response: {
      status: 204,
      headers: [
        { name: 'Access-Control-Allow-Origin', value: '*' },
        { name: 'Access-Control-Allow-Headers', value: 'authorization' },
      ],
    },
    error: null,
  },
  redirects: [],
  response: {
    status: 200,
    headers: [
      { name: 'Access-Control-Allow-Origin', value: '*' },
      { name: 'Content-Type', value: 'text/plain' },
    ],
  },
  error: null,
  fromCache: false,
  verdict: verdict({
    kind: 'passed',
    title: 'Allowed',
    explanation: 'The preflight allows authorization and the response allows every origin with *.',
    preflightReasons: [{ kind: 'header', name: 'authorization', message: 'Authorization is never safelisted' }],
  }),
};

export function fixtureReport(): Report {
  const entries = [missingAllowOrigin, headerDisallowed, redirectWithCredentials, passed];
  return {
    schemaVersion: 1,
    tool: { name: 'CORS Doctor', version: '0.1.0' },
    generatedAt: '2026-11-26T09:00:05.000Z',
    browser: { name: 'Chromium', version: '156.0.7311.0' },
    tab: { id: 7, url: `${PAGE_ORIGIN}/app?session=${SECRETS.refererSession}`, title: 'Orders' },
    currentPageId: 1,
    dropped: 0,
    summary: {
      total: 4,
      failures: 3,
      byRule: { MissingAllowOriginHeader: 1, HeaderDisallowedByPreflightResponse: 1, RedirectContainsCredentials: 1 },
    },
    entries: structuredClone(entries),
  };
}
