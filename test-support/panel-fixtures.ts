/**
 * Realistic report entries for the panel's unit tests, its benchmark and its screenshots. The
 * verdicts are shaped as the engine writes them; the values are ones the lab produces.
 */
import type { Verdict } from '../src/engine/types';
import type { Report, ReportEntry } from '../src/shared/report';

const PAGE_ORIGIN = 'http://127.0.0.1:5500';
const API = 'http://localhost:5600';

export function passedVerdict(overrides: Partial<Verdict> = {}): Verdict {
  return {
    kind: 'passed',
    blocked: false,
    rule: null,
    failedParameter: '',
    stage: null,
    hopIndex: null,
    networkError: null,
    title: 'Passed',
    explanation: 'The response allowed this origin.',
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

export function missingAllowOriginVerdict(url: string): Verdict {
  return passedVerdict({
    kind: 'cors-blocked',
    blocked: true,
    rule: 'MissingAllowOriginHeader',
    stage: 'response',
    title: 'No Access-Control-Allow-Origin header',
    explanation: `The response from ${url} has no Access-Control-Allow-Origin header, so the browser hid it from ${PAGE_ORIGIN}.`,
    observed: [{ field: 'Access-Control-Allow-Origin', expected: PAGE_ORIGIN, actual: null }],
    fix: {
      summary: `Send Access-Control-Allow-Origin: ${PAGE_ORIGIN} on this response.`,
      details: 'Echo the allowed origin back, and add Vary: Origin when the value depends on the request.',
      snippets: [
        {
          stack: 'express',
          label: 'Express (cors)',
          language: 'js',
          verified: { version: 'express 5.3.0, cors 2.8.6' },
          versions: 'Express 4.x and 5.x with cors 2.8',
          code: `import cors from 'cors';\napp.use(cors({ origin: '${PAGE_ORIGIN}' }));`,
        },
        {
          stack: 'nginx',
          label: 'nginx',
          language: 'nginx',
          verified: { version: 'nginx 1.22.1' },
          versions: 'nginx 1.18 and later',
          code: `add_header Access-Control-Allow-Origin "${PAGE_ORIGIN}" always;\nadd_header Vary Origin always;`,
        },
      ],
      traps: ['nginx drops add_header on error responses unless you write `always`.'],
    },
    specUrl: 'https://fetch.spec.whatwg.org/#cors-check',
    chromeMessage: `Access to fetch at '${url}' from origin '${PAGE_ORIGIN}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`,
    firefox: {
      key: 'CORSMissingAllowOrigin',
      message: `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url}. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing).`,
    },
  });
}

export function headerDisallowedVerdict(url: string): Verdict {
  return passedVerdict({
    kind: 'cors-blocked',
    blocked: true,
    rule: 'HeaderDisallowedByPreflightResponse',
    failedParameter: 'x-api-key',
    stage: 'preflight',
    title: 'Request header not allowed by preflight',
    explanation: 'The preflight answer lists content-type in Access-Control-Allow-Headers but not x-api-key.',
    observed: [{ field: 'Access-Control-Allow-Headers', expected: 'content-type, x-api-key', actual: 'content-type' }],
    preflightReasons: [
      { kind: 'header', name: 'x-api-key', message: 'x-api-key is not a CORS-safelisted request header' },
      {
        kind: 'header-value',
        name: 'content-type',
        value: 'application/json',
        message: 'Content-Type: application/json is not one of the three safelisted values',
      },
    ],
    fix: {
      summary: 'Add x-api-key to Access-Control-Allow-Headers in the OPTIONS response.',
      details: 'The preflight response must name every non-safelisted header the request sends.',
      snippets: [
        {
          stack: 'express',
          label: 'Express (cors)',
          language: 'js',
          verified: { version: 'express 5.3.0, cors 2.8.6' },
          versions: 'Express 4.x and 5.x with cors 2.8',
          code: `app.use(cors({ origin: '${PAGE_ORIGIN}', allowedHeaders: ['content-type', 'x-api-key'] }));`,
        },
        {
          stack: 'nginx',
          label: 'nginx',
          language: 'nginx',
          verified: { version: 'nginx 1.22.1' },
          versions: 'nginx 1.18 and later',
          code: 'add_header Access-Control-Allow-Headers "content-type, x-api-key" always;',
        },
        {
          stack: 'fastify',
          label: 'Fastify (@fastify/cors)',
          language: 'js',
          verified: null,
          versions: 'Fastify 5.x',
          code: `await app.register(cors, { origin: '${PAGE_ORIGIN}', allowedHeaders: ['content-type', 'x-api-key'] });`,
        },
      ],
      traps: [],
    },
    specUrl: 'https://fetch.spec.whatwg.org/#cors-preflight-fetch',
    chromeMessage: `Access to fetch at '${url}' from origin '${PAGE_ORIGIN}' has been blocked by CORS policy: Request header field x-api-key is not allowed by Access-Control-Allow-Headers in preflight response.`,
    firefox: {
      key: 'CORSMissingAllowHeaderFromPreflight2',
      message: `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url}. (Reason: header ‘x-api-key’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).`,
    },
    warnings: [{ code: 'missing-vary-origin', message: 'The preflight response varies by Origin but sends no Vary: Origin.' }],
  });
}

export function wildcardCredentialsVerdict(url: string): Verdict {
  return passedVerdict({
    kind: 'cors-blocked',
    blocked: true,
    rule: 'WildcardOriginNotAllowed',
    stage: 'response',
    title: 'Wildcard origin with credentials',
    explanation: 'The request was sent with credentials, and the response allows any origin with "*", which credentialed requests may not use.',
    observed: [{ field: 'Access-Control-Allow-Origin', expected: PAGE_ORIGIN, actual: '*' }],
    fix: {
      summary: `Replace "*" with ${PAGE_ORIGIN} and send Access-Control-Allow-Credentials: true.`,
      details: 'Credentialed requests need the exact origin echoed back.',
      snippets: [
        {
          stack: 'express',
          label: 'Express (cors)',
          language: 'js',
          verified: { version: 'express 5.3.0, cors 2.8.6' },
          versions: 'Express 4.x and 5.x with cors 2.8',
          code: `app.use(cors({ origin: '${PAGE_ORIGIN}', credentials: true }));`,
        },
      ],
      traps: [],
    },
    specUrl: 'https://fetch.spec.whatwg.org/#cors-check',
    chromeMessage: `Access to fetch at '${url}' from origin '${PAGE_ORIGIN}' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.`,
    firefox: {
      key: 'CORSNotSupportingCredentials',
      message: `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url}. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).`,
    },
    confidence: 'inferred',
    evidence: ['The request carried a Cookie header, so its credentials mode was "include".'],
    credentials: 'include',
  });
}

let sequence = 0;

export function makeEntry(overrides: Partial<ReportEntry> = {}): ReportEntry {
  sequence++;
  const url = overrides.request?.url ?? `${API}/api/items/${sequence}`;
  return {
    id: `e${sequence}`,
    time: 1_760_000_000_000 + sequence * 37,
    endTime: 1_760_000_000_000 + sequence * 37 + 12,
    pageId: 1,
    frameId: 0,
    frameUrl: `${PAGE_ORIGIN}/`,
    initiator: PAGE_ORIGIN,
    request: {
      url,
      method: 'GET',
      type: 'xmlhttprequest',
      headers: [
        { name: 'Origin', value: PAGE_ORIGIN },
        { name: 'Sec-Fetch-Mode', value: 'cors' },
      ],
    },
    preflight: null,
    redirects: [],
    response: { status: 200, headers: [{ name: 'Access-Control-Allow-Origin', value: PAGE_ORIGIN }] },
    error: null,
    fromCache: false,
    verdict: passedVerdict(),
    ...overrides,
  };
}

export function missingAllowOriginEntry(overrides: Partial<ReportEntry> = {}): ReportEntry {
  const url = overrides.request?.url ?? `${API}/no-acao/users`;
  return makeEntry({
    request: { url, method: 'GET', type: 'xmlhttprequest', headers: [{ name: 'Origin', value: PAGE_ORIGIN }] },
    response: { status: 200, headers: [{ name: 'Content-Type', value: 'application/json' }] },
    error: 'net::ERR_FAILED',
    verdict: missingAllowOriginVerdict(url),
    ...overrides,
  });
}

export function headerDisallowedEntry(overrides: Partial<ReportEntry> = {}): ReportEntry {
  const url = overrides.request?.url ?? `${API}/orders`;
  return makeEntry({
    request: { url, method: 'POST', type: 'xmlhttprequest', headers: null },
    preflight: {
      url,
      request: {
        headers: [
          { name: 'Origin', value: PAGE_ORIGIN },
          { name: 'Access-Control-Request-Method', value: 'POST' },
          { name: 'Access-Control-Request-Headers', value: 'content-type,x-api-key' },
        ],
      },
      response: {
        status: 204,
        headers: [
          { name: 'Access-Control-Allow-Origin', value: PAGE_ORIGIN },
          { name: 'Access-Control-Allow-Methods', value: 'GET, POST' },
          { name: 'Access-Control-Allow-Headers', value: 'content-type' },
        ],
      },
      error: null,
    },
    response: null,
    error: 'net::ERR_FAILED',
    verdict: headerDisallowedVerdict(url),
    ...overrides,
  });
}

export function wildcardCredentialsEntry(overrides: Partial<ReportEntry> = {}): ReportEntry {
  const url = overrides.request?.url ?? `${API}/session`;
  return makeEntry({
    request: {
      url,
      method: 'GET',
      type: 'xmlhttprequest',
      headers: [
        { name: 'Origin', value: PAGE_ORIGIN },
        { name: 'Cookie', value: 'sid=abc123' },
      ],
    },
    redirects: [{ url: `${API}/login-redirect`, status: 302, location: url, headers: [{ name: 'Location', value: url }] }],
    response: { status: 200, headers: [{ name: 'Access-Control-Allow-Origin', value: '*' }] },
    error: 'net::ERR_FAILED',
    verdict: wildcardCredentialsVerdict(url),
    ...overrides,
  });
}

export function networkErrorEntry(overrides: Partial<ReportEntry> = {}): ReportEntry {
  return makeEntry({
    response: null,
    error: 'net::ERR_CONNECTION_REFUSED',
    verdict: passedVerdict({
      kind: 'network-error',
      title: 'Connection refused',
      networkError: 'net::ERR_CONNECTION_REFUSED',
      explanation: 'Nothing listens on that port: this is not a CORS problem.',
    }),
    ...overrides,
  });
}

/** A mix of passes and several kinds of failure, `count` entries long. */
export function mixedEntries(count: number): ReportEntry[] {
  const builders = [makeEntry, missingAllowOriginEntry, makeEntry, headerDisallowedEntry, wildcardCredentialsEntry, makeEntry, networkErrorEntry];
  return Array.from({ length: count }, (_, i) => {
    const build = builders[i % builders.length]!;
    return build({
      request: {
        url: `${API}/api/v1/resource-${i}/details?page=${i % 50}`,
        method: i % 3 ? 'GET' : 'POST',
        type: i % 11 ? 'xmlhttprequest' : 'font',
        headers: [{ name: 'Origin', value: PAGE_ORIGIN }],
      },
    });
  });
}

export function reportOf(entries: ReportEntry[], tabId = 1, currentPageId = 1): Report {
  const byRule: Record<string, number> = {};
  for (const entry of entries) if (entry.verdict.rule) byRule[entry.verdict.rule] = (byRule[entry.verdict.rule] ?? 0) + 1;
  return {
    schemaVersion: 1,
    tool: { name: 'CORS Doctor', version: '0.1.0' },
    generatedAt: new Date(0).toISOString(),
    browser: null,
    tab: { id: tabId, url: `${PAGE_ORIGIN}/`, title: 'Lab' },
    currentPageId,
    dropped: 0,
    summary: { total: entries.length, failures: entries.filter((e) => e.verdict.blocked).length, byRule },
    entries,
  };
}
