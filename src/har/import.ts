/**
 * Reads a HAR (Chrome or Firefox DevTools, or CORS Doctor's own export) and turns its cross-origin
 * exchanges into a CORS Doctor report: preflights are paired with their requests, redirect hops
 * are chained, and every exchange is judged by the engine, exactly as the extension judges what
 * webRequest showed. Pure: no browser or Node APIs, so the CLI and the panel share it.
 *
 * A HAR shows less than webRequest in some ways, and those gaps are said, not papered over:
 * - no credentials mode (only a `Cookie` header hints at it, and sanitized exports strip cookies);
 * - no preflight cache: a preflighted request without its OPTIONS in the file got it from the
 *   cache, or the tool did not record preflights;
 * - request headers of a request that never went out are the page's provisional ones.
 * Verdicts that rest on those gaps are marked inferred, with the reason in `evidence`.
 */
import { judgeExchange } from '../engine';
import { corsUnsafeNotForbiddenRequestHeaderNames, isCorsSafelistedMethod } from '../engine/fetch-spec';
import { getHeader, originOfUrl } from '../engine/http';
import type { HeaderLine, ObservedExchange, ObservedPreflight, ObservedRedirect, ObservedResponse, ResourceType } from '../engine/types';
import type { Report, ReportEntry } from '../shared/report';

export class HarFormatError extends Error {}

interface RawEntry {
  index: number;
  started: number;
  time: number;
  method: string;
  url: string;
  requestHeaders: HeaderLine[];
  status: number;
  responseHeaders: HeaderLine[];
  redirectURL: string;
  error: string | null;
  resourceType: string;
  fromCache: boolean;
  corsExchangeId: string | null;
  corsPart: string | null;
  /** `_cors.partial`: CORS Doctor wrote the entry without every event of its exchange. */
  corsPartial: boolean;
}

export interface HarImportOptions {
  /** Shown as the report's tab title, e.g. the file name. */
  source?: string;
  tool?: { name: string; version: string };
}

export interface HarImport {
  report: Report;
  /** Requests in the HAR that were not cross-origin CORS requests (same-origin, no-cors, navigations). */
  skipped: number;
  /** Which tool wrote the HAR, as its `creator` says. */
  creator: string;
}

/** What a HAR cannot show, said once per report. */
export const HAR_LIMITS: readonly string[] = [
  'A HAR does not record the credentials mode (credentials: "include" / withCredentials): verdicts infer it from the Cookie header, which sanitized HAR exports remove.',
  'A HAR does not show the preflight cache: a request that needed a preflight but has none in the file is judged as if its preflight was cached.',
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function headerList(value: unknown): HeaderLine[] {
  if (!Array.isArray(value)) return [];
  const lines: HeaderLine[] = [];
  for (const item of value) {
    if (!isObject(item) || typeof item.name !== 'string') continue;
    // HTTP/2 pseudo-headers (":authority") are not header lines the engine knows.
    if (item.name.startsWith(':')) continue;
    lines.push({ name: item.name, value: typeof item.value === 'string' ? item.value : String(item.value ?? '') });
  }
  return lines;
}

function rawEntries(entries: unknown[]): RawEntry[] {
  const result: RawEntry[] = [];
  entries.forEach((item, index) => {
    if (!isObject(item) || !isObject(item.request)) return;
    const request = item.request;
    const response = isObject(item.response) ? item.response : {};
    const url = typeof request.url === 'string' ? request.url : '';
    if (!/^https?:/i.test(url)) return;
    const started = Date.parse(typeof item.startedDateTime === 'string' ? item.startedDateTime : '');
    const cors = isObject(item._cors) ? item._cors : null;
    const errorField =
      typeof response._error === 'string' && response._error !== ''
        ? response._error
        : typeof item._error === 'string' && item._error !== ''
          ? item._error
          : null;
    result.push({
      index,
      started: Number.isFinite(started) ? started : 0,
      time: typeof item.time === 'number' && Number.isFinite(item.time) ? Math.max(0, item.time) : 0,
      method: typeof request.method === 'string' && request.method !== '' ? request.method : 'GET',
      url,
      requestHeaders: headerList(request.headers),
      status: typeof response.status === 'number' ? response.status : 0,
      responseHeaders: headerList(response.headers),
      redirectURL: typeof response.redirectURL === 'string' ? response.redirectURL : '',
      error: errorField,
      resourceType: typeof item._resourceType === 'string' ? item._resourceType.toLowerCase() : '',
      fromCache: typeof item._fromCache === 'string' || (isObject(item.cache) && Object.keys(item.cache).length > 0 && isObject(item.cache.beforeRequest)),
      corsExchangeId: cors && typeof cors.exchangeId === 'string' ? cors.exchangeId : null,
      corsPart: cors && typeof cors.part === 'string' ? cors.part : null,
      corsPartial: cors?.partial === true,
    });
  });
  // Stable by start time: the file's order breaks ties (DevTools writes them in start order).
  return result.sort((a, b) => a.started - b.started || a.index - b.index);
}

function isPreflightEntry(entry: RawEntry): boolean {
  if (entry.corsPart !== null) return entry.corsPart === 'preflight';
  if (entry.resourceType === 'preflight') return true;
  return entry.method.toUpperCase() === 'OPTIONS' && getHeader(entry.requestHeaders, 'access-control-request-method') !== null;
}

function locationOf(entry: RawEntry): string | null {
  if (entry.status < 300 || entry.status > 399) return null;
  const location = entry.redirectURL || getHeader(entry.responseHeaders, 'location') || '';
  if (location === '') return null;
  try {
    return new URL(location, entry.url).href;
  } catch {
    return location;
  }
}

/** DevTools / Firefox resource types, as webRequest names them. */
function resourceTypeOf(entry: RawEntry): ResourceType {
  switch (entry.resourceType) {
    case 'fetch':
    case 'xhr':
    case 'xmlhttprequest':
      return 'xmlhttprequest';
    case 'font':
    case 'image':
    case 'script':
    case 'stylesheet':
    case 'media':
    case 'websocket':
    case 'ping':
      return entry.resourceType;
    case 'document':
      return 'main_frame';
    case 'img':
      return 'image';
    case 'css':
      return 'stylesheet';
    case 'js':
      return 'script';
    default:
      return 'other';
  }
}

function responseOf(entry: RawEntry): ObservedResponse | null {
  if (entry.status <= 0 && entry.responseHeaders.length === 0) return null;
  return { status: entry.status, headers: entry.responseHeaders };
}

interface Chain {
  hops: RawEntry[];
  preflight: RawEntry | null;
}

/** CORS Doctor's own HAR names each entry's exchange: group by it. */
function chainsFromCorsDoctor(entries: RawEntry[]): Chain[] {
  const byId = new Map<string, Chain>();
  for (const entry of entries) {
    const id = entry.corsExchangeId!;
    let chain = byId.get(id);
    if (!chain) byId.set(id, (chain = { hops: [], preflight: null }));
    if (entry.corsPart === 'preflight') chain.preflight = entry;
    else chain.hops.push(entry);
  }
  return [...byId.values()];
}

/**
 * Any other HAR: chain each redirect to the next entry at its Location, then give each chain the
 * preflight nearest in time for one of its URLs with the same method (Access-Control-Request-Method)
 * and origin. A preflight that nothing claimed stands for a request that never went out.
 */
function chainsByMatching(entries: RawEntry[]): Chain[] {
  const preflights = entries.filter(isPreflightEntry);
  const requests = entries.filter((entry) => !isPreflightEntry(entry));
  const continuation = new Set<RawEntry>();
  const next = new Map<RawEntry, RawEntry>();
  for (let i = 0; i < requests.length; i++) {
    const entry = requests[i]!;
    const location = locationOf(entry);
    if (location === null) continue;
    const follower = requests.slice(i + 1).find((candidate) => !continuation.has(candidate) && candidate.url === location);
    if (follower) {
      continuation.add(follower);
      next.set(entry, follower);
    }
  }
  const claimed = new Set<RawEntry>();
  const chains: Chain[] = [];
  for (const head of requests) {
    if (continuation.has(head)) continue;
    const hops = [head];
    for (let hop = next.get(head); hop; hop = next.get(hop)) hops.push(hop);
    let preflight: RawEntry | null = null;
    const origin = getHeader(head.requestHeaders, 'origin');
    for (const hop of hops) {
      // DevTools logs the actual request a moment before the preflight it triggers, so the
      // nearest match in time wins, not the last one before it.
      let best: RawEntry | null = null;
      for (const p of preflights) {
        if (claimed.has(p) || p.url !== hop.url) continue;
        if (getHeader(p.requestHeaders, 'access-control-request-method') !== head.method) continue;
        if (origin !== null && hop === head && getHeader(p.requestHeaders, 'origin') !== origin) continue;
        if (best === null || Math.abs(p.started - hop.started) < Math.abs(best.started - hop.started)) best = p;
      }
      if (best) {
        // Every hop's preflight belongs to this chain; the engine judges on the last one.
        preflight = best;
        claimed.add(best);
      }
    }
    chains.push({ hops, preflight });
  }
  for (const preflight of preflights) if (!claimed.has(preflight)) chains.push({ hops: [], preflight });
  return chains.sort((a, b) => startOf(a) - startOf(b));
}

function startOf(chain: Chain): number {
  return Math.min(chain.preflight?.started ?? Infinity, chain.hops[0]?.started ?? Infinity);
}

function exchangeOf(chain: Chain): { exchange: ObservedExchange; start: number; end: number } | null {
  const { hops } = chain;
  const preflightEntry = chain.preflight;
  const first = hops[0] ?? null;
  const last = hops[hops.length - 1] ?? null;
  const initiator = (first && getHeader(first.requestHeaders, 'origin')) ?? (preflightEntry && getHeader(preflightEntry.requestHeaders, 'origin')) ?? null;
  const preflight: ObservedPreflight | null = preflightEntry
    ? {
        url: preflightEntry.url,
        request: { headers: preflightEntry.requestHeaders },
        response: responseOf(preflightEntry),
        redirectedTo: locationOf(preflightEntry),
        error: preflightEntry.status <= 0 && preflightEntry.error !== null && preflightEntry.error !== 'net::ERR_FAILED' ? preflightEntry.error : null,
      }
    : null;
  const method = first ? first.method : (getHeader(preflightEntry!.requestHeaders, 'access-control-request-method') ?? 'GET');
  // A request that got no answer after a preflight never went out: webRequest shows no headers
  // for it, and the headers a HAR keeps for it are the page's provisional ones.
  const neverSent = last !== null && hops.length === 1 && preflightEntry !== null && responseOf(last) === null;
  const redirects: ObservedRedirect[] = [];
  let response: ObservedResponse | null = null;
  let error: string | null = null;
  if (last === null) {
    error = preflightEntry!.error ?? 'net::ERR_FAILED';
  } else {
    for (const hop of hops.slice(0, -1)) {
      redirects.push({ url: hop.url, status: hop.status, location: locationOf(hop) ?? '', headers: hop.responseHeaders });
    }
    const lastLocation = locationOf(last);
    if (lastLocation !== null && last.error !== null) {
      // The chain stopped at a redirect that failed its own check.
      redirects.push({ url: last.url, status: last.status, location: lastLocation, headers: last.responseHeaders });
    } else {
      response = responseOf(last);
    }
    // Status 0 with header lines: a blocked response whose headers the tool kept but whose status it
    // did not (DevTools can write it so); the headers decide CORS, so they stay.
    error = last.error ?? (response === null || response.status === 0 ? 'net::ERR_FAILED' : null);
  }
  const exchange: ObservedExchange = {
    initiator,
    request: {
      url: first ? first.url : preflightEntry!.url,
      method,
      type: first ? resourceTypeOf(first) : 'xmlhttprequest',
      headers: first && !neverSent ? first.requestHeaders : null,
    },
    preflight,
    redirects,
    response,
    outcome: error === null ? { kind: 'completed' } : { kind: 'error', error },
    fromCache: last?.fromCache ?? false,
  };
  const entriesOfChain = [...(preflightEntry ? [preflightEntry] : []), ...hops];
  if (entriesOfChain.some((e) => e.corsPartial)) exchange.partial = true;
  const start = Math.min(...entriesOfChain.map((e) => e.started));
  const end = Math.max(...entriesOfChain.map((e) => e.started + e.time));
  return { exchange, start, end };
}

function isCrossOrigin(exchange: ObservedExchange): boolean {
  if (exchange.initiator === null) return false;
  const urls = [exchange.request.url, ...exchange.redirects.map((hop) => hop.location)];
  return exchange.initiator === 'null' || urls.some((url) => originOfUrl(url) !== exchange.initiator);
}

/** A preflighted request with no preflight in the file: the HAR cannot say whether the cache served it. */
function missingPreflight(exchange: ObservedExchange): boolean {
  if (exchange.preflight !== null || exchange.request.headers === null) return false;
  return !isCorsSafelistedMethod(exchange.request.method) || corsUnsafeNotForbiddenRequestHeaderNames(exchange.request.headers).length > 0;
}

export function parseHar(input: string | unknown): {
  entries: unknown[];
  creator: string;
  browser: { name: string; version: string } | null;
  pageUrl: string | null;
} {
  let data: unknown = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input.replace(/^\uFEFF/, ''));
    } catch (error) {
      throw new HarFormatError(`Not a HAR file: it is not JSON (${error instanceof Error ? error.message : String(error)}).`);
    }
  }
  if (!isObject(data) || !isObject(data.log) || !Array.isArray(data.log.entries)) {
    throw new HarFormatError('Not a HAR file: there is no log.entries list.');
  }
  const log = data.log;
  const creator =
    isObject(log.creator) && typeof log.creator.name === 'string'
      ? `${log.creator.name}${typeof log.creator.version === 'string' ? ` ${log.creator.version}` : ''}`
      : 'unknown';
  const browser =
    isObject(log.browser) && typeof log.browser.name === 'string'
      ? { name: log.browser.name, version: typeof log.browser.version === 'string' ? log.browser.version : '' }
      : null;
  const firstPage = Array.isArray(log.pages) && isObject(log.pages[0]) ? log.pages[0] : null;
  const pageUrl = firstPage && typeof firstPage.title === 'string' && /^https?:/i.test(firstPage.title) ? firstPage.title : null;
  return { entries: log.entries as unknown[], creator, browser, pageUrl };
}

/** The report for a HAR: one entry per cross-origin CORS exchange, judged by the engine. */
export function importHar(input: string | unknown, options: HarImportOptions = {}): HarImport {
  const parsed = parseHar(input);
  const entries = rawEntries(parsed.entries);
  const ours = entries.length > 0 && entries.every((entry) => entry.corsExchangeId !== null);
  const chains = ours ? chainsFromCorsDoctor(entries) : chainsByMatching(entries);
  const reportEntries: ReportEntry[] = [];
  let skipped = 0;
  for (const chain of chains) {
    const built = exchangeOf(chain);
    if (!built) continue;
    const { exchange, start, end } = built;
    if (!isCrossOrigin(exchange)) {
      skipped += chain.hops.length + (chain.preflight ? 1 : 0);
      continue;
    }
    const verdict = judgeExchange(exchange);
    if (verdict.kind === 'not-cors') {
      skipped += chain.hops.length + (chain.preflight ? 1 : 0);
      continue;
    }
    if (missingPreflight(exchange) && verdict.confidence === 'certain') {
      verdict.confidence = 'inferred';
      verdict.evidence = [
        ...verdict.evidence,
        'The HAR has no preflight for this request although it needed one: it came from the preflight cache, or the tool that wrote the HAR did not record preflights.',
      ];
    }
    reportEntries.push({
      id: `har-${reportEntries.length + 1}`,
      time: start,
      endTime: Math.max(start, end),
      pageId: 1,
      frameId: 0,
      frameUrl: null,
      initiator: exchange.initiator,
      request: { url: exchange.request.url, method: exchange.request.method, type: exchange.request.type, headers: exchange.request.headers },
      preflight: exchange.preflight,
      redirects: [...exchange.redirects],
      response: exchange.response,
      error: exchange.outcome.kind === 'error' ? exchange.outcome.error : null,
      fromCache: exchange.fromCache ?? false,
      ...(exchange.partial ? { partial: true } : {}),
      verdict,
    });
  }
  const byRule: Record<string, number> = {};
  let failures = 0;
  for (const entry of reportEntries) {
    if (!entry.verdict.blocked) continue;
    failures++;
    const rule = entry.verdict.rule ?? 'Unknown';
    byRule[rule] = (byRule[rule] ?? 0) + 1;
  }
  const generatedAt = new Date(reportEntries.length > 0 ? Math.max(...reportEntries.map((e) => e.endTime)) : 0).toISOString();
  const report: Report = {
    schemaVersion: 1,
    tool: options.tool ?? { name: 'CORS Doctor', version: '0' },
    generatedAt,
    browser: parsed.browser,
    tab: { id: -1, url: parsed.pageUrl, title: options.source ?? 'HAR file' },
    currentPageId: 1,
    dropped: 0,
    summary: { total: reportEntries.length, failures, byRule },
    entries: reportEntries,
    notices: [
      `Read from a HAR written by ${parsed.creator}${skipped > 0 ? `; ${skipped} same-origin, no-cors or navigation request${skipped === 1 ? ' was' : 's were'} left out` : ''}.`,
      ...HAR_LIMITS,
    ],
  };
  return { report, skipped, creator: parsed.creator };
}
