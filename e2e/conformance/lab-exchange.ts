/**
 * The exchange a scenario step produced, rebuilt from the server's side: the lab's request log
 * (every preflight and request as the browser sent it, headers as on the wire) and the answer the
 * lab gave each one (read back from the route spec carried in the URL). This is what any observer
 * of the traffic saw, independent of the browser's and the extension's own accounts, so the Firefox
 * oracle can record `ObservedExchange` fixtures without the add-on.
 */
import { decodeInlineRouteSpec, INLINE_ROUTE_PREFIX, type Lab, type LoggedRequest, type ResponseSpec } from '../../lab/server';
import type { HeaderLine, ObservedExchange, ObservedPreflight, ObservedRedirect, ObservedResponse, ResourceType } from '../../src/engine/types';
import { urlHasTag } from './firefox-oracle';
import type { PageRequest, Scenario } from './scenario';
import { labAcceptsMethod, normalizeMethod } from './server-shapes';

/** Firefox's webRequest type for each way the page asks (fetch() and XHR are both xmlhttprequest). */
export function resourceTypeOf(request: PageRequest): ResourceType {
  return request.kind === 'fetch' || request.kind === 'xhr' ? 'xmlhttprequest' : request.kind;
}

/** The credentials mode the page asked for (the recorder knows it; webRequest does not show it). */
export function credentialsOf(request: PageRequest): 'omit' | 'same-origin' | 'include' {
  switch (request.kind) {
    case 'fetch':
      return request.credentials;
    case 'xhr':
      return request.withCredentials ? 'include' : 'same-origin';
    case 'font':
      return 'same-origin';
    default:
      return request.crossOrigin === 'use-credentials' ? 'include' : 'same-origin';
  }
}

function header(headers: ReadonlyArray<[string, string]>, name: string): string {
  return headers.find(([existing]) => existing.toLowerCase() === name)?.[1] ?? '';
}

const STATUSES_WITHOUT_BODY = new Set([204, 205, 304]);
const BODY_TYPES: Record<string, string> = {
  json: 'application/json',
  text: 'text/plain; charset=utf-8',
  font: 'font/woff2',
  image: 'image/png',
  module: 'text/javascript',
  css: 'text/css',
  html: 'text/html; charset=utf-8',
};

/**
 * The header lines the lab wrote for `spec` (lab/server.ts sendSpec): the spec's lines with their
 * templates filled from the request, then Location, Content-Type and Cache-Control. Content-Length
 * is left out: no CORS check reads it.
 */
function answerLines(spec: ResponseSpec, request: LoggedRequest, origins: Lab['origins']): HeaderLine[] {
  const fill = (value: string) =>
    value.replace(/\{(origin|acrh|acrm|page|api|api2)\}/g, (_match, name: string) => {
      if (name === 'origin') return header(request.headers, 'origin');
      if (name === 'acrh') return header(request.headers, 'access-control-request-headers');
      if (name === 'acrm') return header(request.headers, 'access-control-request-method');
      return origins[name as keyof Lab['origins']];
    });
  const lines: HeaderLine[] = (spec.headers ?? []).map(([name, value]) => ({ name, value: fill(value) }));
  const has = (name: string) => lines.some((line) => line.name.toLowerCase() === name);
  const status = statusOf(spec);
  if (spec.redirect) {
    const target = fill(spec.redirect.to);
    lines.push({ name: 'Location', value: target.startsWith('/') && !target.startsWith('//') ? origins[request.origin] + target : target });
  }
  const body = typeof spec.body === 'string' ? spec.body : undefined;
  const contentType = spec.contentType ?? (body === undefined ? null : (BODY_TYPES[body] ?? 'text/plain; charset=utf-8'));
  if (!STATUSES_WITHOUT_BODY.has(status) && contentType && !has('content-type')) lines.push({ name: 'Content-Type', value: contentType });
  if (!has('cache-control')) lines.push({ name: 'Cache-Control', value: 'no-store' });
  return lines;
}

function statusOf(spec: ResponseSpec): number {
  return spec.status ?? (spec.redirect ? (spec.redirect.status ?? 302) : 200);
}

/** The lab's answer to a logged request, or null when it dropped the connection (or the route is not inline). */
function answerTo(request: LoggedRequest, origins: Lab['origins']): { response: ObservedResponse; location: string | null } | null {
  if (!request.path.startsWith(INLINE_ROUTE_PREFIX)) return null;
  const route = decodeInlineRouteSpec(request.path);
  const spec = request.method === 'OPTIONS' ? route.preflight : route.response;
  if (!spec)
    return {
      response: {
        status: 404,
        headers: [
          { name: 'Content-Type', value: 'text/plain; charset=utf-8' },
          { name: 'Cache-Control', value: 'no-store' },
        ],
      },
      location: null,
    };
  if (spec.drop) return null;
  const headers = answerLines(spec, request, origins);
  return { response: { status: statusOf(spec), headers }, location: headers.find((line) => line.name === 'Location')?.value ?? null };
}

const lines = (headers: ReadonlyArray<[string, string]>): HeaderLine[] => headers.map(([name, value]) => ({ name, value }));

/**
 * One exchange per step, in order, from the log entries of the scenario (its tag in the URL). A
 * step is its first request's hops: at most one preflight per hop, then the request itself; a hop
 * the browser never sent ends the step. `undefined` for a scenario the lab cannot account for
 * (a route outside the inline ones, such as the redirect loop).
 */
export function exchangesFromLab(lab: Lab, scenario: Scenario, tag: string): ObservedExchange[] | undefined {
  const log = lab.requests().filter((entry) => urlHasTag(entry.url, tag));
  if (log.some((entry) => !entry.path.startsWith(INLINE_ROUTE_PREFIX))) return undefined;
  let cursor = 0;
  return scenario.steps.map((step) => {
    const request = step.request;
    const method = 'method' in request ? normalizeMethod(request.method) : 'GET';
    const exchange: ObservedExchange = {
      initiator: lab.origins.page,
      request: { url: request.url, method, type: resourceTypeOf(request), headers: null },
      preflight: null,
      redirects: [],
      response: null,
      outcome: { kind: 'error', error: 'NS_ERROR_CONNECTION_REFUSED' },
      credentials: credentialsOf(request),
    };
    let url: string | null = request.url;
    let first = true;
    while (url !== null) {
      const hopUrl: string = url;
      url = null;
      const sameUrl = (entry: LoggedRequest | undefined) => entry !== undefined && new URL(entry.url).href === new URL(hopUrl).href;
      let preflight: LoggedRequest | undefined;
      if (log[cursor]?.method === 'OPTIONS' && sameUrl(log[cursor]) && header(log[cursor]!.headers, 'access-control-request-method')) {
        preflight = log[cursor++];
      }
      if (preflight) {
        const answer = answerTo(preflight, lab.origins);
        const observed: ObservedPreflight = {
          url: hopUrl,
          request: { headers: lines(preflight.headers) },
          response: answer?.response ?? null,
          redirectedTo: answer?.location ?? null,
          error: answer ? null : 'NS_ERROR_NET_RESET',
        };
        exchange.preflight = observed;
      }
      const sent = log[cursor];
      const isPreflight = (entry: LoggedRequest) => entry.method === 'OPTIONS' && header(entry.headers, 'access-control-request-method') !== '';
      if (!sent || isPreflight(sent) || !sameUrl(sent)) {
        const preflightStatus = exchange.preflight?.response?.status ?? 0;
        const preflightAnswered = !preflight || (preflightStatus >= 200 && preflightStatus < 300);
        if (!labAcceptsMethod(method) && preflightAnswered) {
          // Node's HTTP parser refuses a lower-case method before the lab sees it: a bare 400, no
          // log entry. (Had the preflight failed its CORS checks, the engine stops there first.)
          exchange.response = { status: 400, headers: [] };
          // It never reached the log: the request carried the page's headers and the browser's Origin.
          if (first) {
            const pageHeaders = 'headers' in request ? request.headers : [];
            exchange.request.headers = [...lines(pageHeaders), { name: 'Origin', value: lab.origins.page }, { name: 'Sec-Fetch-Mode', value: 'cors' }];
          }
          exchange.outcome = { kind: 'completed' };
          break;
        }
        // The browser stopped before sending this hop: a failed preflight ends it with NS_ERROR_DOM_BAD_URI in Firefox.
        // (After a redirect, the outcome set at the redirect stands.)
        if (preflight) exchange.outcome = { kind: 'error', error: exchange.preflight?.response ? 'NS_ERROR_DOM_BAD_URI' : 'NS_ERROR_NET_RESET' };
        break;
      }
      cursor++;
      if (first) exchange.request.headers = lines(sent.headers);
      first = false;
      const answer = answerTo(sent, lab.origins);
      if (!answer) {
        exchange.outcome = { kind: 'error', error: 'NS_ERROR_NET_RESET' };
        break;
      }
      if (answer.location !== null && answer.response.status >= 300 && answer.response.status < 400) {
        const redirect: ObservedRedirect = { url: hopUrl, status: answer.response.status, location: answer.location, headers: answer.response.headers };
        exchange.redirects = [...exchange.redirects, redirect];
        if (!/^https?:/.test(answer.location)) {
          exchange.outcome = { kind: 'error', error: 'NS_ERROR_DOM_BAD_URI' };
          break;
        }
        // A Location with userinfo is followed without it.
        const next = new URL(answer.location);
        next.username = '';
        next.password = '';
        url = next.href;
        // Until the next hop shows up in the log: the page stopped at the redirect (redirect mode
        // 'manual' or 'error'), nothing listens there, or the browser refused to follow.
        const labOrigin = Object.values(lab.origins).includes(next.origin);
        const stopsAtRedirect = request.kind === 'fetch' && request.redirect !== 'follow';
        exchange.outcome = {
          kind: 'error',
          error: stopsAtRedirect ? 'NS_BINDING_ABORTED' : labOrigin ? 'NS_ERROR_DOM_BAD_URI' : 'NS_ERROR_CONNECTION_REFUSED',
        };
        continue;
      }
      exchange.response = answer.response;
      exchange.outcome = { kind: 'completed' };
    }
    return exchange;
  });
}
