/**
 * HAR 1.2 of the captured exchanges, loadable by HAR viewers and DevTools' HAR import. One HAR
 * entry per request on the wire: the preflight, each redirect hop, and the actual request. The
 * engine's verdict travels in the custom `_cors` field (HAR allows fields starting with "_").
 *
 * webRequest shows headers and statuses but not bodies or phase timings, so bodies are empty and
 * the whole duration of an exchange is reported as waiting time on its last entry.
 */
import type { HeaderList, Verdict } from '../engine/types';
import type { Report, ReportEntry } from '../shared/report';
import { isoFromEpochMs, orderedEntries } from './markdown';
import type { Redactor } from './redact';

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  headersSize: number;
  bodySize: number;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: { size: number; mimeType: string };
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  _error?: string;
}

export type HarPart = 'preflight' | 'redirect' | 'actual';

export interface HarCors {
  /** The report entry this HAR entry belongs to. */
  exchangeId: string;
  part: HarPart;
  /** For a redirect: which hop (0-based, as in the report's `redirects`). */
  hopIndex?: number;
  blocked: boolean;
  rule: string | null;
  /** The iframe document that made the request (absent for the top-level page's own requests). */
  frameUrl?: string;
  /** Made by a service or shared worker of the page's origin (absent otherwise). */
  fromWorker?: true;
  /**
   * Some events of the exchange never reached the extension (the report entry's `partial`): a
   * missing part is no evidence, and a tool that judges the HAR again must know it. Absent otherwise.
   */
  partial?: true;
  /** The full verdict, on the last HAR entry of the exchange only (the others point to it by exchangeId). */
  verdict?: Verdict;
}

export interface HarEntry {
  pageref: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: { blocked: number; dns: number; connect: number; ssl: number; send: number; wait: number; receive: number };
  serverIPAddress?: string;
  _resourceType: string;
  _error?: string;
  _cors: HarCors;
}

export interface HarPage {
  startedDateTime: string;
  id: string;
  title: string;
  pageTimings: { onContentLoad: number; onLoad: number };
}

export interface Har {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    browser?: { name: string; version: string };
    pages: HarPage[];
    entries: HarEntry[];
    comment?: string;
  };
}

const HTTP_VERSION = 'HTTP/1.1';

const REASON_PHRASES: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  206: 'Partial Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** DevTools' resource types, which its HAR import reads from `_resourceType`. */
const DEVTOOLS_RESOURCE_TYPES: Record<string, string> = {
  xmlhttprequest: 'fetch',
  script: 'script',
  stylesheet: 'stylesheet',
  image: 'image',
  font: 'font',
  media: 'media',
  websocket: 'websocket',
  ping: 'ping',
  csp_report: 'cspviolationreport',
  main_frame: 'document',
  sub_frame: 'document',
};

const NO_TIMINGS = { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 0, receive: 0 };

function headerValue(headers: HeaderList | null | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers?.find((h) => h.name.toLowerCase() === lower)?.value;
}

function nameValues(headers: HeaderList | null): HarNameValue[] {
  return (headers ?? []).map((h) => ({ name: h.name, value: h.value }));
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

export function queryStringOf(url: string): HarNameValue[] {
  const withoutFragment = url.split('#')[0] ?? '';
  const question = withoutFragment.indexOf('?');
  if (question < 0) return [];
  return withoutFragment
    .slice(question + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? { name: decodeComponent(pair), value: '' } : { name: decodeComponent(pair.slice(0, eq)), value: decodeComponent(pair.slice(eq + 1)) };
    });
}

function requestCookies(original: HeaderList | null, redactor: Redactor): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const header of original ?? []) {
    if (header.name.toLowerCase() !== 'cookie') continue;
    for (const pair of header.value.split(';')) {
      const trimmed = pair.trim();
      if (trimmed === '') continue;
      const eq = trimmed.indexOf('=');
      const name = eq < 0 ? '' : trimmed.slice(0, eq).trim();
      const value = eq < 0 ? trimmed : trimmed.slice(eq + 1).trim();
      cookies.push({ name, value: redactor.cookieValue(value) });
    }
  }
  return cookies;
}

function responseCookies(original: HeaderList | null, redactor: Redactor): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const header of original ?? []) {
    if (header.name.toLowerCase() !== 'set-cookie') continue;
    // webRequest joins several Set-Cookie lines of one response with newlines.
    for (const line of header.value.split('\n')) {
      const [first = '', ...attributes] = line.split(';');
      if (first.trim() === '') continue;
      const eq = first.indexOf('=');
      const cookie: HarCookie = {
        name: eq < 0 ? '' : first.slice(0, eq).trim(),
        value: redactor.cookieValue(eq < 0 ? first.trim() : first.slice(eq + 1).trim()),
      };
      for (const attribute of attributes) {
        const [rawKey = '', ...rest] = attribute.split('=');
        const key = rawKey.trim().toLowerCase();
        const value = rest.join('=').trim();
        if (key === 'path') cookie.path = value;
        else if (key === 'domain') cookie.domain = value;
        else if (key === 'expires') {
          const expires = new Date(value);
          if (!Number.isNaN(expires.getTime())) cookie.expires = expires.toISOString();
        } else if (key === 'httponly') cookie.httpOnly = true;
        else if (key === 'secure') cookie.secure = true;
        else if (key === 'samesite') cookie.sameSite = value;
      }
      cookies.push(cookie);
    }
  }
  return cookies;
}

function harRequest(method: string, url: string, headers: HeaderList | null, originalHeaders: HeaderList | null, redactor: Redactor): HarRequest {
  const upper = method.toUpperCase();
  return {
    method: upper,
    url,
    httpVersion: HTTP_VERSION,
    cookies: requestCookies(originalHeaders, redactor),
    headers: nameValues(headers),
    queryString: queryStringOf(url),
    headersSize: -1,
    bodySize: upper === 'GET' || upper === 'HEAD' || upper === 'OPTIONS' ? 0 : -1,
  };
}

function harResponse(
  observed: { status: number; headers: HeaderList } | null,
  originalHeaders: HeaderList | null,
  redirectURL: string,
  error: string | null,
  redactor: Redactor,
): HarResponse {
  if (observed === null) {
    return {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      _error: error ?? 'net::ERR_FAILED',
    };
  }
  const response: HarResponse = {
    status: observed.status,
    statusText: REASON_PHRASES[observed.status] ?? '',
    httpVersion: HTTP_VERSION,
    cookies: responseCookies(originalHeaders, redactor),
    headers: nameValues(observed.headers),
    content: { size: 0, mimeType: headerValue(observed.headers, 'Content-Type') ?? 'x-unknown' },
    redirectURL: redirectURL || headerValue(observed.headers, 'Location') || '',
    headersSize: -1,
    bodySize: -1,
  };
  if (error !== null) response._error = error;
  return response;
}

/** HAR fields in the order the spec lists them, which is how viewers and people read them. */
function harEntry(fields: Omit<HarEntry, 'cache'>): HarEntry {
  const { pageref, startedDateTime, time, request, response, timings, _resourceType, _error, _cors } = fields;
  return {
    pageref,
    startedDateTime,
    time,
    request,
    response,
    cache: {},
    timings,
    _resourceType,
    ...(_error === undefined ? {} : { _error }),
    _cors,
  };
}

function pageRef(pageId: number): string {
  return `page_${pageId}`;
}

/** The HAR entries of one exchange: `entry` is redacted, `original` is the same entry before redaction (for cookie names). */
function exchangeEntries(entry: ReportEntry, original: ReportEntry, redactor: Redactor): HarEntry[] {
  const started = isoFromEpochMs(entry.time);
  const duration = Number.isFinite(entry.endTime - entry.time) ? Math.max(0, entry.endTime - entry.time) : 0;
  const verdict = entry.verdict;
  const base = { pageref: pageRef(entry.pageId), startedDateTime: started };
  const cors = (part: HarPart, hopIndex?: number): HarCors => ({
    exchangeId: entry.id,
    part,
    ...(hopIndex === undefined ? {} : { hopIndex }),
    blocked: verdict.blocked,
    rule: verdict.rule,
    ...(entry.frameId > 0 && entry.frameUrl !== null ? { frameUrl: entry.frameUrl } : {}),
    ...(entry.fromWorker ? { fromWorker: true as const } : {}),
    ...(entry.partial ? { partial: true as const } : {}),
  });
  const result: HarEntry[] = [];

  if (entry.preflight) {
    const preflight = entry.preflight;
    const failedHere = verdict.blocked && verdict.stage === 'preflight';
    const error = preflight.error ?? (failedHere ? (entry.error ?? 'net::ERR_FAILED') : null);
    const response = harResponse(preflight.response, original.preflight?.response?.headers ?? null, preflight.redirectedTo ?? '', error, redactor);
    result.push(
      harEntry({
        ...base,
        time: 0,
        request: harRequest('OPTIONS', preflight.url, preflight.request.headers, original.preflight?.request.headers ?? null, redactor),
        response,
        timings: { ...NO_TIMINGS },
        _resourceType: 'preflight',
        ...(error !== null ? { _error: error } : {}),
        _cors: cors('preflight'),
      }),
    );
  }

  const resourceType = DEVTOOLS_RESOURCE_TYPES[entry.request.type] ?? 'other';
  const requestHeaders = entry.request.headers;
  const originalRequestHeaders = original.request.headers;
  entry.redirects.forEach((hop, index) => {
    const failedHere = verdict.blocked && verdict.stage === 'redirect' && (verdict.hopIndex ?? entry.redirects.length - 1) === index;
    const error = failedHere ? (entry.error ?? 'net::ERR_FAILED') : null;
    result.push(
      harEntry({
        ...base,
        time: 0,
        request: harRequest(entry.request.method, hop.url, requestHeaders, originalRequestHeaders, redactor),
        response: harResponse({ status: hop.status, headers: hop.headers }, original.redirects[index]?.headers ?? null, hop.location, error, redactor),
        timings: { ...NO_TIMINGS },
        _resourceType: resourceType,
        ...(error !== null ? { _error: error } : {}),
        _cors: cors('redirect', index),
      }),
    );
  });

  const blockedAtRedirect = verdict.blocked && verdict.stage === 'redirect' && entry.redirects.length > 0;
  if (!blockedAtRedirect) {
    const finalUrl = entry.redirects.length > 0 ? entry.redirects[entry.redirects.length - 1]!.location : entry.request.url;
    const error = entry.error ?? (verdict.blocked ? 'net::ERR_FAILED' : null);
    result.push(
      harEntry({
        ...base,
        time: duration,
        request: harRequest(entry.request.method, finalUrl, requestHeaders, originalRequestHeaders, redactor),
        response: harResponse(entry.response, original.response?.headers ?? null, '', error, redactor),
        timings: { ...NO_TIMINGS, wait: duration },
        _resourceType: resourceType,
        ...(error !== null ? { _error: error } : {}),
        _cors: cors('actual'),
      }),
    );
  } else {
    const last = result[result.length - 1]!;
    last.time = duration;
    last.timings = { ...NO_TIMINGS, wait: duration };
  }
  result[result.length - 1]!._cors.verdict = verdict;
  return result;
}

/**
 * The HAR of a report. `redacted` is what `redactReport` made of `original`; the two have their
 * entries at the same indexes.
 */
export function buildHar(redacted: Report, original: Report, redactor: Redactor): Har {
  const originals = new Map(redacted.entries.map((entry, index) => [entry, original.entries[index]!]));
  const entries = orderedEntries(redacted.entries);
  const pageStarts = new Map<number, number>();
  for (const entry of entries) {
    const start = pageStarts.get(entry.pageId);
    if (start === undefined || entry.time < start) pageStarts.set(entry.pageId, entry.time);
  }
  const pages: HarPage[] = [...pageStarts]
    .sort((a, b) => a[1] - b[1] || a[0] - b[0])
    .map(([pageId, start]) => ({
      startedDateTime: isoFromEpochMs(start),
      id: pageRef(pageId),
      title: pageId === redacted.currentPageId ? (redacted.tab.url ?? redacted.tab.title ?? `Page ${pageId}`) : `Page ${pageId} (before the last navigation)`,
      pageTimings: { onContentLoad: -1, onLoad: -1 },
    }));
  const har: Har = {
    log: {
      version: '1.2',
      creator: { name: redacted.tool.name, version: redacted.tool.version },
      ...(redacted.browser ? { browser: { name: redacted.browser.name, version: redacted.browser.version } } : {}),
      pages,
      entries: entries.flatMap((entry) => exchangeEntries(entry, originals.get(entry)!, redactor)),
      comment: `Cross-origin exchanges captured by ${redacted.tool.name}; bodies and phase timings are not observable from an extension.`,
    },
  };
  // HAR cookie arrays and query strings are derived from the traffic again here: sweep them as data.
  // The verdict (already redacted by its own rules) and the comment are not data.
  har.log.entries = har.log.entries.map((entry) => {
    const { verdict, ...cors } = entry._cors;
    const swept = redactor.deep({ ...entry, _cors: cors });
    return verdict === undefined ? swept : { ...swept, _cors: { ...swept._cors, verdict } };
  });
  har.log.pages = redactor.deep(har.log.pages);
  return har;
}
