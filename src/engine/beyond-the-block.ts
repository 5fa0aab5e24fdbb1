/**
 * Beyond the block: what a verdict does not say by itself. The real cause when it is not a CORS
 * configuration mistake (an authentication layer, two CORS layers, an error path without CORS, a
 * dev server's host check, Local Network Access), the client-side ways to avoid a preflight, and
 * what the preflight cache means for a request that sent none.
 */
import { parseAccessControlMaxAge } from './chromium';
import { cleanExchange, type CleanExchange } from './clean-exchange';
import { displayHeaderName } from './fixes';
import { CAUSES, hazard, sortWarnings, type CauseCode } from './hazards';
import { asciiLowercase, combinedHeaderValue, EMPTY_HEADERS, headerLinesNamed } from './headers';
import { originOfUrl } from './http';
import { LOCAL_NETWORK_RULES, isLocalAddressUrl } from './local-network';
import { explainNetworkError } from './network-errors';
import type { Cause, HeaderList, ObservedExchange, Verdict } from './types';

/** Statuses whose error path commonly skips the CORS middleware (a pattern reported across CORS middleware issue trackers: the error handler answers before the CORS middleware runs). */
function isErrorStatus(status: number): boolean {
  return status === 401 || status === 403 || status === 404 || status === 413 || status >= 500;
}

function makeCause(code: CauseCode, summary: string, evidence: string[]): Cause {
  return { code, title: CAUSES[code].title, summary: `${summary} ${CAUSES[code].fix}`, evidence };
}

function corsHeaderNames(headers: HeaderList): string[] {
  const names: string[] = [];
  for (const line of headers) if (asciiLowercase(line.name).startsWith('access-control-') && !names.includes(line.name)) names.push(line.name);
  return names;
}

/**
 * What the verdict does not say by itself: the real cause when it is not a CORS configuration
 * mistake, the preflight cache, the client-side ways to avoid a preflight, and the catalogue
 * titles and severities of every warning.
 */
export function beyondTheBlock(verdict: Verdict, ex: CleanExchange, cache: PreflightCacheModel = CHROMIUM_PREFLIGHT_CACHE): void {
  applyRealCause(verdict, ex);
  if (verdict.blocked && verdict.stage === 'response' && ex.response && isErrorStatus(ex.response.status) && ex.preflight?.response) {
    const preflightHadCors = combinedHeaderValue(ex.preflight.response.headers, 'access-control-allow-origin') !== null;
    if (preflightHadCors && combinedHeaderValue(ex.response.headers, 'access-control-allow-origin') === null) {
      verdict.warnings.push(
        hazard(
          'cors-missing-on-errors',
          `The preflight (OPTIONS ${ex.preflight.response.status}) carried \`Access-Control-Allow-Origin\`, but the ${ex.response.status} response to the request itself carried no CORS header: the endpoint sends CORS headers only when it succeeds, so the page sees a CORS error instead of the ${ex.response.status}.`,
        ),
      );
    }
  }
  for (const reason of verdict.preflightReasons) {
    const alternative = clientAlternativeFor(reason.kind, reason.name, reason.value);
    if (alternative) reason.clientAlternative = alternative;
  }
  if (
    verdict.kind !== 'not-cors' &&
    verdict.kind !== 'network-error' &&
    ex.preflight === null &&
    ex.headers !== null &&
    verdict.preflightReasons.length > 0 &&
    verdict.stage !== 'request'
  ) {
    preflightCacheNotes(verdict, ex, cache);
  }
  for (const warning of verdict.warnings) {
    if (warning.severity === undefined) warning.severity = 'low';
  }
  sortWarnings(verdict.warnings);
}

/** Sets the verdict's real cause when it is not a CORS configuration mistake (and the fix that goes with it). */
function applyRealCause(verdict: Verdict, ex: CleanExchange): void {
  const cause = causeOf(verdict, ex);
  if (cause) verdict.cause = cause;
  if (cause?.code === 'dev-server-refused-origin' && verdict.fix) {
    // The app's CORS configuration never sees a request the dev server refused: its snippets would mislead.
    verdict.fix = { ...verdict.fix, summary: CAUSES['dev-server-refused-origin'].fix, snippets: [] };
  }
}

/**
 * The real cause for a verdict made after the judge (Firefox's, src/engine/firefox/verdict.ts, which
 * names a block Chromium's rules did not see in Firefox's capture): the same classification.
 */
export function applyRealCauseToExchange(verdict: Verdict, exchange: ObservedExchange): void {
  applyRealCause(verdict, cleanExchange(exchange));
}

function causeOf(verdict: Verdict, ex: CleanExchange): Cause | null {
  if (verdict.blocked && verdict.rule !== null && LOCAL_NETWORK_RULES.has(verdict.rule)) {
    return makeCause(
      'local-network-access',
      `Chromium's Local Network Access check (\`${verdict.rule}\`) stopped the request to \`${ex.url}\` before it reached the server.`,
      [
        `webRequest ended it with \`${verdict.networkError ?? ex.preflight?.error ?? ex.error ?? 'net::ERR_FAILED'}\` and no response: nothing reached the server, so no header it sends can matter.`,
      ],
    );
  }
  if (
    verdict.kind === 'network-error' &&
    verdict.networkError !== null &&
    verdict.networkError !== 'net::ERR_FAILED' &&
    verdict.networkError !== 'net::ERR_ABORTED'
  ) {
    return makeCause('network-error', `The request failed with \`${verdict.networkError}\`: ${explainNetworkError(verdict.networkError)}`, [
      `webRequest reported \`${verdict.networkError}\`; Chromium reports CORS blocks as \`net::ERR_FAILED\`.`,
    ]);
  }
  if (!verdict.blocked) return null;
  const rule = verdict.rule ?? '';
  if (verdict.stage === 'preflight' && ex.preflight?.response && (ex.preflight.response.status === 401 || ex.preflight.response.status === 403)) {
    const status = ex.preflight.response.status;
    const challenge = combinedHeaderValue(ex.preflight.response.headers, 'www-authenticate');
    const evidence = [
      `The preflight (\`OPTIONS ${ex.preflight.url}\`) was answered ${status}.`,
      'Browsers send preflights without cookies or `Authorization`, so an authenticated route always refuses them.',
    ];
    if (challenge !== null) evidence.push(`\`WWW-Authenticate: ${challenge}\`: an authentication layer answered.`);
    return makeCause(
      'preflight-auth-layer',
      `The preflight got ${status} from an authentication or security layer in front of the CORS handler, so \`${rule}\` is a symptom.`,
      evidence,
    );
  }
  if ((rule === 'MultipleAllowOriginValues' || rule === 'PreflightMultipleAllowOriginValues') && verdict.stage !== null) {
    const headers =
      verdict.stage === 'preflight'
        ? ex.preflight?.response?.headers
        : verdict.stage === 'redirect' && verdict.hopIndex !== null
          ? ex.redirects[verdict.hopIndex]?.headers
          : ex.response?.headers;
    const lines = headerLinesNamed(headers ?? EMPTY_HEADERS, 'access-control-allow-origin');
    if (lines.length >= 2) {
      return duplicateCorsLayerCause(
        `${lines.length} \`Access-Control-Allow-Origin\` lines: ${lines.map((line) => `\`${line.value}\``).join(' and ')}.`,
        headers ?? EMPTY_HEADERS,
      );
    }
  }
  if (verdict.stage === 'response' && rule === 'MissingAllowOriginHeader' && ex.response && isErrorStatus(ex.response.status)) {
    const status = ex.response.status;
    const corsNames = corsHeaderNames(ex.response.headers);
    if (status === 403 && corsNames.length === 0 && isLocalAddressUrl(ex.url)) {
      return makeCause(
        'dev-server-refused-origin',
        `A server on a local address answered 403 without any CORS header: most likely a development server's host or origin check refused \`${combinedHeaderValue(ex.headers ?? EMPTY_HEADERS, 'origin') ?? 'this origin'}\`.`,
        [`HTTP 403 from \`${originOfUrl(ex.url)}\`, a local address, with no \`Access-Control-*\` header.`],
      );
    }
    const evidence = [
      `HTTP ${status}, with ${corsNames.length === 0 ? 'no `Access-Control-*` header at all' : `only ${corsNames.map((n) => `\`${n}\``).join(', ')}`}.`,
    ];
    if (ex.preflight?.response && combinedHeaderValue(ex.preflight.response.headers, 'access-control-allow-origin') !== null) {
      evidence.push('Its preflight did carry `Access-Control-Allow-Origin`: the success path has CORS, the error path does not.');
    }
    const what =
      status === 401
        ? 'not authenticated'
        : status === 403
          ? 'forbidden'
          : status === 404
            ? 'not found'
            : status === 413
              ? 'the body was too large'
              : 'a server error';
    return makeCause(
      'error-status-without-cors',
      `The server answered HTTP ${status} (${what}); the CORS headers are missing because the error path skips the CORS middleware.`,
      evidence,
    );
  }
  return null;
}

/** Two layers each added `Access-Control-Allow-Origin` (`lines` says how the response shows it). */
export function duplicateCorsLayerCause(lines: string, headers: HeaderList): Cause {
  const evidence = [lines];
  const layer = headers.find((line) => /^(via|x-cache|cf-ray|x-served-by|x-amz-cf-id|server)$/i.test(line.name));
  if (layer) evidence.push(`\`${layer.name}: ${layer.value}\` shows a layer in front of the application.`);
  return makeCause('duplicate-cors-layer', 'Two layers (a proxy, CDN or gateway and the application) each add `Access-Control-Allow-Origin`.', evidence);
}

/** The client-side change that avoids one cause of a preflight, when one exists. */
function clientAlternativeFor(kind: string, name: string, value: string | undefined): string | null {
  switch (kind) {
    case 'method':
      return name.toUpperCase() === name
        ? `Client change: use \`POST\` instead of \`${name}\` (with the intended method in the body or a query parameter) if the API accepts that; GET, HEAD and POST need no preflight.`
        : null;
    case 'header-value':
      if (name === 'content-type') {
        return 'Client change: send the body as `text/plain` (e.g. `body: JSON.stringify(data)` with no Content-Type, or `Content-Type: text/plain`) if the server parses the body regardless of its Content-Type; `application/x-www-form-urlencoded` and `multipart/form-data` need no preflight either.';
      }
      return `Client change: remove the unusual characters from \`${displayHeaderName(name)}\`${value !== undefined ? '' : ''}, or drop the header.`;
    case 'header':
      if (name === 'authorization') return null;
      return `Client change: drop \`${displayHeaderName(name)}\` (or send its value as a query parameter or in the body); without it the request needs no preflight, as long as nothing else calls for one.`;
    case 'header-length':
      return `Client change: keep \`${displayHeaderName(name)}\` at 128 bytes or less.`;
    case 'total-length':
      return 'Client change: shorten the safelisted header values so that together they stay within 1024 bytes.';
    case 'forced':
      return 'Client change: remove the `XMLHttpRequest.upload` progress listener or the streaming (`ReadableStream`) body, whichever the page uses.';
    default:
      return null;
  }
}

/**
 * Whose preflight cache answered a request that sent no preflight: how that browser reads
 * `Access-Control-Max-Age`, its cap, and how a developer gets past a cached entry. Chromium's by
 * default; Firefox's verdict (src/engine/firefox/preflight-cache.ts) passes its own.
 */
export interface PreflightCacheModel {
  browser: 'Chromium' | 'Firefox';
  /** How long the browser keeps an answer with this `Access-Control-Max-Age` (null: absent); 0: not at all. */
  maxAgeSeconds(value: string | null): number;
  /** The longest the browser keeps an entry, as a phrase: "at most 2 h in Chromium". */
  cap: string;
  /** How a developer gets past a cached entry, as a sentence. */
  bypass: string;
  /** What to do when the server's answer changed since: a clause after "not visible yet:". */
  retest: string;
}

/** preflight_result.cc and preflight_cache.cc (docs/chromium-behaviour.md). */
export const CHROMIUM_PREFLIGHT_CACHE: PreflightCacheModel = {
  browser: 'Chromium',
  maxAgeSeconds: parseAccessControlMaxAge,
  cap: 'at most 2 h in Chromium',
  bypass: 'DevTools "Disable cache" also bypasses the preflight cache, so with it on every request sends its preflight again.',
  retest: 'retest with DevTools "Disable cache" on, or wait until the entry expires.',
};

/**
 * The request needed a preflight and none went out: the browser found a fresh entry in its
 * preflight cache (https://fetch.spec.whatwg.org/#concept-cache-match). What the tab saw before
 * says since when and until when, and whether the server answers differently now.
 */
function preflightCacheNotes(verdict: Verdict, ex: CleanExchange, cache: PreflightCacheModel): void {
  const earlier = ex.context?.earlierPreflight ?? null;
  const browser = cache.browser;
  if (!earlier || !earlier.preflight.response) {
    verdict.warnings.push(
      hazard(
        'preflight-from-cache',
        `This request needed a preflight, but none was observed: ${browser} answered it from its preflight cache (an earlier OPTIONS within its \`Access-Control-Max-Age\`, ${cache.cap}). Server changes to the preflight take effect only after that entry expires. ${cache.bypass}`,
      ),
    );
    return;
  }
  const cachedHeaders = earlier.preflight.response.headers;
  const maxAgeValue = combinedHeaderValue(cachedHeaders, 'access-control-max-age');
  const seconds = cache.maxAgeSeconds(maxAgeValue);
  const since = new Date(earlier.time).toISOString();
  const until = new Date(earlier.time + seconds * 1000).toISOString();
  const maxAgeText =
    maxAgeValue === null
      ? `no \`Access-Control-Max-Age\` (${browser} keeps it ${seconds} s)`
      : `\`Access-Control-Max-Age: ${maxAgeValue}\`${seconds !== Number(maxAgeValue) ? ` (${browser} keeps it ${seconds} s)` : ''}`;
  verdict.warnings.push(
    hazard(
      'preflight-from-cache',
      `No preflight went out for this request: ${browser} answered it from its preflight cache, filled by the preflight at ${since} with ${maxAgeText}, valid until ${until}. Until then, server changes to the preflight answer do not reach this page. ${cache.bypass}`,
    ),
  );
  verdict.evidence.push(`The tab's earlier preflight for this URL and method was answered at ${since}; the cache entry lasts until ${until}.`);
  if (!ex.response) return;
  const changed: string[] = [];
  for (const name of ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods', 'access-control-allow-headers']) {
    const now = combinedHeaderValue(ex.response.headers, name);
    const then = combinedHeaderValue(cachedHeaders, name);
    // Allow-Methods and -Headers are compared only when the server also sends them on the actual response.
    if ((name === 'access-control-allow-methods' || name === 'access-control-allow-headers') && now === null) continue;
    if (now !== then)
      changed.push(`\`${displayHeaderName(name)}\`: cached ${then === null ? '(absent)' : `\`${then}\``}, now ${now === null ? '(absent)' : `\`${now}\``}`);
  }
  if (changed.length > 0) {
    verdict.warnings.push(
      hazard(
        'preflight-cache-stale',
        `The server's CORS answer has changed since the cached preflight (${changed.join('; ')}). ${browser} keeps using the cached preflight until ${until}, so a fix to the preflight is not visible yet: ${cache.retest}`,
      ),
    );
  }
}
