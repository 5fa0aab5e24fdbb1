/**
 * A fixed, realistic report for the export tests: three CORS failures of different stages (actual
 * response, preflight, redirect), one pass, with secrets in every place traffic can carry them.
 * The verdicts come from the real engine, so the goldens change when its wording does.
 */
import { judgeExchange } from '../src/engine/index';
import type { Report, ReportEntry } from '../src/shared/report';

/** A report entry as the service worker assembles it, before the engine judges it. */
type ObservedEntry = Omit<ReportEntry, 'verdict'>;

/** The verdict exactly as the service worker stores it: the real engine's. */
function judged(entry: ObservedEntry): ReportEntry {
  const verdict = judgeExchange({
    initiator: entry.initiator,
    request: entry.request,
    preflight: entry.preflight,
    redirects: entry.redirects,
    response: entry.response,
    outcome: entry.error === null ? { kind: 'completed' } : { kind: 'error', error: entry.error },
    fromCache: entry.fromCache,
  });
  return { ...entry, verdict };
}

export const PAGE_ORIGIN = 'http://localhost:41000';
export const API_ORIGIN = 'http://127.0.0.1:41001';
export const API2_ORIGIN = 'http://127.0.0.1:41002';

/** Every secret the fixture's traffic carries; none may appear in a default export. */
export const SECRETS: Secrets = {
  queryApiKey: 'q-secret-7f3a9c1e',
  cookie: 'cookie-secret-b81d44',
  setCookie: 'setcookie-secret-55aa',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.bearer-secret-92c1',
  userinfoPassword: 'hunter2-userinfo-secret',
  refererSession: 'referer-secret-1234',
};

export interface Secrets {
  queryApiKey: string;
  cookie: string;
  setCookie: string;
  bearer: string;
  userinfoPassword: string;
  refererSession: string;
}

const CHROMIUM_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

/** The four observed exchanges, carrying `SECRETS` in every place traffic can carry them. */
function observedEntries(SECRETS: Secrets): ObservedEntry[] {
  const missingAllowOrigin: ObservedEntry = {
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
  };

  const headerDisallowed: ObservedEntry = {
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
  };

  const redirectWithCredentials: ObservedEntry = {
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
  };

  const passed: ObservedEntry = {
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
  };

  return [missingAllowOrigin, headerDisallowed, redirectWithCredentials, passed];
}

/** The fixture report; `secrets` replaces the values the traffic carries (default `SECRETS`). */
export function fixtureReport(secrets: Secrets = SECRETS): Report {
  const entries = observedEntries(secrets);
  return {
    schemaVersion: 1,
    tool: { name: 'CORS Doctor', version: '0.1.0' },
    generatedAt: '2026-11-26T09:00:05.000Z',
    browser: { name: 'Chromium', version: '156.0.7311.0' },
    tab: { id: 7, url: `${PAGE_ORIGIN}/app?session=${secrets.refererSession}`, title: 'Orders' },
    currentPageId: 1,
    dropped: 0,
    summary: {
      total: 4,
      failures: 3,
      byRule: { MissingAllowOriginHeader: 1, HeaderDisallowedByPreflightResponse: 1, RedirectContainsCredentials: 1 },
    },
    entries: entries.map((entry) => judged(entry)),
  };
}
