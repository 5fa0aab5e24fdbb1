/**
 * A CORS-mode fetch() from a page at `origin`, made the way Chromium makes it, with every step
 * judged by the engine: whether a preflight is needed (and why), the preflight itself (OPTIONS with
 * Origin, Access-Control-Request-Method and the sorted, lower-cased Access-Control-Request-Headers),
 * then the actual request with Origin, and each redirect under the browser's CORS redirect rules.
 *
 * The exchange is recorded in the engine's own input shape (what webRequest would have shown), so a
 * step "passes" exactly when the engine finds no CORS failure in the exchange so far, and the final
 * verdict is the one the extension would show for the same traffic.
 */
import { judgeExchange, preflightReasonsFor } from '../engine';
import { corsUnsafeNotForbiddenRequestHeaderNames, isCorsSafelistedMethod, normalizeMethod } from '../engine/fetch-spec';
import { getHeader, isPotentiallyTrustworthyOrigin, originOfUrl } from '../engine/http';
import type { HeaderLine, ObservedExchange, ObservedPreflight, ObservedRedirect, ObservedResponse, PreflightReason, Verdict } from '../engine/types';
import { NetworkError, type Transport, type WireRequest, type WireResponse } from './transport';

export interface BrowserRequest {
  url: string;
  /** The page's origin, e.g. https://app.example.com. */
  origin: string;
  method: string;
  /** Author headers, as a page script would set them (Content-Type included). */
  headers: HeaderLine[];
  /** credentials: 'include' (fetch) / withCredentials = true (XHR); otherwise 'same-origin'. */
  credentials: boolean;
  body?: string;
}

/** What the CLI sends on its own behalf besides the page's headers. */
export interface BrowserIdentity {
  userAgent: string;
}

export type StepKind = 'preflight' | 'request';

export interface StepCheck {
  /** False when the engine found the CORS failure at this step (the browser stops here). */
  passed: boolean;
  rule: string | null;
  failedParameter: string;
}

export interface Step {
  kind: StepKind;
  method: string;
  url: string;
  requestHeaders: HeaderLine[];
  status: number;
  statusText: string;
  responseHeaders: HeaderLine[];
  /** For a redirect: where it points (absolute). */
  redirectTo: string | null;
  check: StepCheck;
}

export interface BrowserFetchResult {
  /** True when the browser would let the page read the response. */
  allowed: boolean;
  preflightNeeded: boolean;
  preflightReasons: PreflightReason[];
  steps: Step[];
  /** The exchange as the engine judged it (the extension's input shape). */
  exchange: ObservedExchange;
  verdict: Verdict;
}

/** Chromium's redirect limit (net::ERR_TOO_MANY_REDIRECTS after 20 hops). */
export const MAX_REDIRECTS = 20;

const REQUEST_BODY_HEADERS = new Set(['content-encoding', 'content-language', 'content-location', 'content-type']);

function secFetchSite(origin: string, url: string): string {
  const target = originOfUrl(url);
  if (target === origin) return 'same-origin';
  try {
    const a = new URL(origin);
    const b = new URL(url);
    // Same site: same scheme and registrable domain. Without a public-suffix list, the last two
    // labels stand in for it (exact for the usual example.com / localhost / IP cases).
    const site = (host: string) => (/^[\d.]+$|^\[/.test(host) ? host : host.split('.').slice(-2).join('.'));
    return a.protocol === b.protocol && site(a.hostname) === site(b.hostname) ? 'same-site' : 'cross-site';
  } catch {
    return 'cross-site';
  }
}

/** The lines Chromium adds to every CORS request, around the page's own headers. */
function browserHeaders(url: string, origin: string, identity: BrowserIdentity): { before: HeaderLine[]; after: HeaderLine[] } {
  const host = new URL(url).host;
  const after: HeaderLine[] = [];
  // Sec-Fetch-* go only to potentially trustworthy URLs (https, localhost, loopback).
  if (isPotentiallyTrustworthyOrigin(originOfUrl(url))) {
    after.push(
      { name: 'Sec-Fetch-Site', value: secFetchSite(origin, url) },
      { name: 'Sec-Fetch-Mode', value: 'cors' },
      { name: 'Sec-Fetch-Dest', value: 'empty' },
    );
  }
  after.push({ name: 'Accept-Encoding', value: 'gzip, deflate, br, zstd' }, { name: 'Accept-Language', value: 'en-US,en;q=0.9' });
  return {
    before: [
      { name: 'Host', value: host },
      { name: 'User-Agent', value: identity.userAgent },
    ],
    after,
  };
}

/** https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 steps 1–5: the preflight request's headers. */
export function preflightRequestHeaders(
  url: string,
  serializedOrigin: string,
  method: string,
  unsafeNames: readonly string[],
  identity: BrowserIdentity,
): HeaderLine[] {
  const { before, after } = browserHeaders(url, serializedOrigin, identity);
  const lines: HeaderLine[] = [...before, { name: 'Accept', value: '*/*' }, { name: 'Access-Control-Request-Method', value: method }];
  // Step 5: the CORS-unsafe request-header names, lower-cased, sorted, joined with "," (no space).
  if (unsafeNames.length > 0) lines.push({ name: 'Access-Control-Request-Headers', value: [...new Set(unsafeNames)].sort().join(',') });
  lines.push({ name: 'Origin', value: serializedOrigin }, ...after);
  return lines;
}

function actualRequestHeaders(url: string, serializedOrigin: string, authorHeaders: readonly HeaderLine[], identity: BrowserIdentity): HeaderLine[] {
  const { before, after } = browserHeaders(url, serializedOrigin, identity);
  const lines: HeaderLine[] = [...before, ...authorHeaders];
  if (getHeader(authorHeaders, 'accept') === null) lines.push({ name: 'Accept', value: '*/*' });
  lines.push({ name: 'Origin', value: serializedOrigin }, ...after);
  return lines;
}

function judged(exchange: ObservedExchange): Verdict {
  return judgeExchange(exchange);
}

function checkOf(verdict: Verdict): StepCheck {
  return { passed: !verdict.blocked, rule: verdict.rule, failedParameter: verdict.failedParameter };
}

function asResponse(wire: WireResponse): ObservedResponse {
  return { status: wire.status, headers: wire.headers };
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * Runs the request as Chromium would and returns every step with the engine's verdict.
 * Throws NetworkError when a request gets no HTTP answer at all (the caller reports it, never as CORS).
 */
export async function browserFetch(input: BrowserRequest, send: Transport, identity: BrowserIdentity): Promise<BrowserFetchResult> {
  const origin = input.origin;
  // fetch() normalises the six well-known methods to upper case and keeps every other as written.
  const method = normalizeMethod(input.method);
  const authorHeaders = [...input.headers];
  const unsafeNames = corsUnsafeNotForbiddenRequestHeaderNames(authorHeaders);
  const preflightNeeded = !isCorsSafelistedMethod(method) || unsafeNames.length > 0;
  const preflightReasons = preflightNeeded ? preflightReasonsFor(method, authorHeaders, null, false) : [];
  const credentials = input.credentials ? 'include' : 'same-origin';

  const steps: Step[] = [];
  const redirects: ObservedRedirect[] = [];
  let preflight: ObservedPreflight | null = null;
  let url = input.url;
  let currentMethod = method;
  let currentHeaders = authorHeaders;
  let body = input.body;
  let tainted = false;
  let corsFlag = false;
  let sentHeaders: HeaderLine[] | null = null;

  const exchangeSoFar = (response: ObservedResponse | null, failed: boolean): ObservedExchange => ({
    initiator: origin,
    request: { url: input.url, method, type: 'xmlhttprequest', headers: sentHeaders },
    preflight,
    redirects: [...redirects],
    response,
    outcome: failed ? { kind: 'error', error: 'net::ERR_FAILED' } : { kind: 'completed' },
    credentials,
  });
  const finish = (exchange: ObservedExchange, verdict: Verdict): BrowserFetchResult => ({
    allowed: !verdict.blocked && verdict.kind !== 'network-error',
    preflightNeeded,
    preflightReasons,
    steps,
    exchange,
    verdict,
  });

  for (let hop = 0; ; hop++) {
    const urlOrigin = originOfUrl(url);
    corsFlag = corsFlag || urlOrigin !== origin;
    const serializedOrigin = tainted ? 'null' : origin;
    const stillNeedsPreflight = !isCorsSafelistedMethod(currentMethod) || corsUnsafeNotForbiddenRequestHeaderNames(currentHeaders).length > 0;

    if (corsFlag && stillNeedsPreflight) {
      const headers = preflightRequestHeaders(url, serializedOrigin, currentMethod, corsUnsafeNotForbiddenRequestHeaderNames(currentHeaders), identity);
      const wire: WireRequest = { method: 'OPTIONS', url, headers };
      const answer = await send(wire);
      const location = answer.headers.find((line) => line.name.toLowerCase() === 'location')?.value ?? null;
      preflight = {
        url,
        request: { headers },
        response: asResponse(answer),
        redirectedTo: isRedirect(answer.status) && location !== null ? resolveLocation(location, url) : null,
        error: null,
      };
      // What webRequest shows when the preflight fails: the preflight, and a request that never sent headers.
      const atPreflight = judged({
        ...exchangeSoFar(null, true),
        request: { url: input.url, method, type: 'xmlhttprequest', headers: hop === 0 ? null : sentHeaders },
      });
      steps.push({
        kind: 'preflight',
        method: 'OPTIONS',
        url,
        requestHeaders: headers,
        status: answer.status,
        statusText: answer.statusText,
        responseHeaders: answer.headers,
        redirectTo: preflight.redirectedTo ?? null,
        check: checkOf(atPreflight),
      });
      if (atPreflight.blocked) return finish(exchangeSoFar(null, true), atPreflight);
    }

    const headers = actualRequestHeaders(url, serializedOrigin, currentHeaders, identity);
    const answer = await send({ method: currentMethod, url, headers, body });
    sentHeaders = headers;
    const location = answer.headers.find((line) => line.name.toLowerCase() === 'location')?.value ?? null;

    if (isRedirect(answer.status) && location !== null) {
      const target = resolveLocation(location, url);
      redirects.push({ url, status: answer.status, location: target, headers: answer.headers });
      const atRedirect = judged(exchangeSoFar(null, true));
      steps.push({
        kind: 'request',
        method: currentMethod,
        url,
        requestHeaders: headers,
        status: answer.status,
        statusText: answer.statusText,
        responseHeaders: answer.headers,
        redirectTo: target,
        check: checkOf(atRedirect),
      });
      if (atRedirect.blocked) return finish(exchangeSoFar(null, true), atRedirect);
      if (redirects.length > MAX_REDIRECTS)
        throw new NetworkError(`More than ${MAX_REDIRECTS} redirects, starting at ${input.url}.`, 'TOO_MANY_REDIRECTS', url, 'net::ERR_TOO_MANY_REDIRECTS');
      // https://fetch.spec.whatwg.org/#concept-request-tainted-origin step 4: the origin serializes
      // as "null" once a redirect goes from one origin to another that is not the page's.
      const targetOrigin = originOfUrl(target);
      if (targetOrigin !== urlOrigin && urlOrigin !== origin) tainted = true;
      // Step 12: 301/302 turn POST into GET, 303 turns everything but GET/HEAD into GET; the body and
      // its headers go.
      if (
        ((answer.status === 301 || answer.status === 302) && currentMethod === 'POST') ||
        (answer.status === 303 && currentMethod !== 'GET' && currentMethod !== 'HEAD')
      ) {
        currentMethod = 'GET';
        body = undefined;
        currentHeaders = currentHeaders.filter((line) => !REQUEST_BODY_HEADERS.has(line.name.toLowerCase()));
      }
      // Step 13: a redirect to another origin drops the CORS non-wildcard request-header name,
      // Authorization (Chromium does too: the CORS lab's authorization-dropped-on-redirect card).
      if (targetOrigin !== urlOrigin) currentHeaders = currentHeaders.filter((line) => line.name.toLowerCase() !== 'authorization');
      url = target;
      continue;
    }

    const response = asResponse(answer);
    const failedExchange = exchangeSoFar(response, true);
    const atResponse = judged(failedExchange);
    steps.push({
      kind: 'request',
      method: currentMethod,
      url,
      requestHeaders: headers,
      status: answer.status,
      statusText: answer.statusText,
      responseHeaders: answer.headers,
      redirectTo: null,
      check: checkOf(atResponse),
    });
    if (atResponse.blocked) return finish(failedExchange, atResponse);
    const completed = exchangeSoFar(response, false);
    return finish(completed, judged(completed));
  }
}

/** A Location value resolved against the URL that sent it; an unparsable one is kept as written. */
function resolveLocation(location: string, base: string): string {
  try {
    return new URL(location, base).href;
  } catch {
    return location;
  }
}
