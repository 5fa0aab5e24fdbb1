/**
 * Judging one observed exchange: replays Chromium's CORS pipeline (preflight, each redirect hop,
 * the final response) over what webRequest showed, under the credentials modes the evidence
 * allows, and turns the first failing check into a Verdict that names the rule as Chromium does.
 */
import {
  checkAccess,
  checkAccessValues,
  checkPreflightAccess,
  checkRedirectLocation,
  createPreflightResult,
  DEFAULT_ENGINE_OPTIONS,
  ensureAllowedCrossOriginHeaders,
  ensureAllowedCrossOriginMethod,
  hasAuthorizationCoveredByWildcard,
  isPreflightResult,
  parseAccessControlMaxAge,
  type CorsErrorStatus,
  type EngineOptions,
} from './chromium';
import {
  CHROMIUM_PREFLIGHT_MAX_AGE_CAP_SECONDS,
  FIREFOX_PREFLIGHT_MAX_AGE_CAP_SECONDS,
  SAFELISTED_CONTENT_TYPES,
  SAFELISTED_VALUES_BUDGET,
  CHROMIUM_SAFELISTABLE,
  SEC_PREFIX,
  corsUnsafeNotForbiddenRequestHeaderNames,
  indexOfCorsUnsafeRequestHeaderByte,
  isCorsSafelistedNamedRequestHeader,
  isForbiddenNamedRequestHeader,
  requestHeaderName,
  REQUEST_HEADER_ROLE_CACHE_LAYER,
  REQUEST_HEADER_ROLE_COOKIE,
  REQUEST_HEADER_ROLE_ORIGIN,
  REQUEST_HEADER_ROLE_SEC_FETCH_MODE,
  REQUEST_HEADER_ROLE_STORAGE_ACCESS,
  indexOfNonLanguageByte,
  isCorsSafelistableRequestHeaderName,
  isCorsSafelistedMethod,
  isCorsSafelistedRequestHeader,
  isForbiddenRequestHeader,
  isRedirectStatus,
  type CredentialsMode,
} from './fetch-spec';
import { displayHeaderName, fixCauseFor, renderFixSnippets } from './fixes';
import { CAUSES, hazard, sortWarnings, type CauseCode } from './hazards';
import {
  asciiLowercase,
  byteLength,
  countHeaderLines,
  getHeader,
  headerNameIs,
  isHttpOrHttpsUrl,
  isPotentiallyTrustworthyOrigin,
  originOfUrl,
  trimHttpTabOrSpace,
} from './http';
import { RULES, chromeConsoleMessage, firefoxConsoleMessage, type RuleFacts } from './rules';
import type {
  Cause,
  CorsErrorName,
  ExchangeContext,
  HeaderLine,
  HeaderList,
  ObservedExchange,
  PreflightReason,
  ResourceType,
  Stage,
  Verdict,
  Warning,
} from './types';

// ---------------------------------------------------------------- input hygiene

interface CleanResponse {
  status: number;
  headers: HeaderList;
}
interface CleanRedirect extends CleanResponse {
  url: string;
  location: string;
}
interface CleanPreflight {
  url: string;
  requestHeaders: HeaderList;
  response: CleanResponse | null;
  redirectedTo: string | null;
  error: string | null;
}
interface CleanExchange {
  initiator: string | null;
  url: string;
  method: string;
  type: ResourceType;
  headers: HeaderList | null;
  preflight: CleanPreflight | null;
  redirects: CleanRedirect[];
  response: CleanResponse | null;
  error: string | null;
  fromCache: boolean;
  context: CleanContext | null;
  /** ObservedExchange.credentials, when the observer knew it; null means infer it. */
  knownCredentials: CredentialsMode | null;
}
interface CleanContext {
  requestTime: number;
  earlierPreflight: { time: number; preflight: CleanPreflight } | null;
  echoedOrigins: string[];
}

const EMPTY: HeaderList = Object.freeze([]) as HeaderList;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? fallback : safeString(value);
}
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '';
  }
}
function strOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
function statusOf(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

/** Returns the list itself when every line is well-formed (the usual case), else a cleaned copy. */
function cleanHeaders(value: unknown): HeaderList {
  if (!Array.isArray(value)) return EMPTY;
  for (let i = 0; i < value.length; i++) {
    const line = value[i] as HeaderLine | undefined;
    if (!isObject(line) || typeof line.name !== 'string' || typeof line.value !== 'string') return repairHeaders(value);
  }
  return value as HeaderList;
}
function repairHeaders(value: unknown[]): HeaderList {
  const lines: HeaderLine[] = [];
  for (const line of value) {
    if (!isObject(line)) continue;
    const name = str(line.name);
    if (name === '') continue;
    lines.push({ name, value: str(line.value) });
  }
  return lines;
}
function cleanPreflight(preflightRaw: Record<string, unknown>, fallbackUrl: string): CleanPreflight {
  const preflightRequest = isObject(preflightRaw.request) ? preflightRaw.request : {};
  return {
    url: str(preflightRaw.url, fallbackUrl),
    requestHeaders: cleanHeaders((preflightRequest as Record<string, unknown>).headers),
    response: cleanResponse(preflightRaw.response),
    redirectedTo: strOrNull(preflightRaw.redirectedTo),
    error: strOrNull(preflightRaw.error),
  };
}
function cleanContext(value: unknown, url: string): CleanContext | null {
  if (!isObject(value)) return null;
  const raw = value as Partial<Record<keyof ExchangeContext, unknown>>;
  const earlier = isObject(raw.earlierPreflight) && isObject(raw.earlierPreflight.preflight) ? raw.earlierPreflight : null;
  return {
    requestTime: statusOf(raw.requestTime),
    earlierPreflight: earlier ? { time: statusOf(earlier.time), preflight: cleanPreflight(earlier.preflight as Record<string, unknown>, url) } : null,
    echoedOrigins: Array.isArray(raw.echoedOrigins) ? raw.echoedOrigins.filter((o): o is string => typeof o === 'string') : [],
  };
}
function cleanResponse(value: unknown): CleanResponse | null {
  if (!isObject(value)) return null;
  return { status: statusOf(value.status), headers: cleanHeaders(value.headers) };
}

// Most exchanges have no redirect; they share one frozen empty list (nothing appends to it).
const NO_REDIRECTS: CleanRedirect[] = Object.freeze([]) as unknown as CleanRedirect[];

function cleanExchange(input: ObservedExchange): CleanExchange {
  const raw = (isObject(input) ? input : {}) as Record<string, unknown>;
  const request = (isObject(raw.request) ? raw.request : {}) as Record<string, unknown>;
  const preflightRaw = raw.preflight;
  let preflight: CleanPreflight | null = null;
  if (isObject(preflightRaw)) preflight = cleanPreflight(preflightRaw, str(request.url));
  let redirects: CleanRedirect[] = NO_REDIRECTS;
  if (Array.isArray(raw.redirects) && raw.redirects.length > 0) {
    redirects = [];
    for (const hop of raw.redirects) {
      if (!isObject(hop)) continue;
      redirects.push({ url: str(hop.url), status: statusOf(hop.status), location: str(hop.location), headers: cleanHeaders(hop.headers) });
    }
  }
  const outcome = isObject(raw.outcome) ? raw.outcome : { kind: 'completed' };
  const error = outcome.kind === 'error' ? str(outcome.error, 'net::ERR_FAILED') || 'net::ERR_FAILED' : null;
  return {
    initiator: strOrNull(raw.initiator),
    url: str(request.url),
    method: str(request.method, 'GET') || 'GET',
    type: str(request.type, 'other'),
    headers: Array.isArray(request.headers) ? cleanHeaders(request.headers) : null,
    preflight,
    redirects,
    response: cleanResponse(raw.response),
    error,
    fromCache: raw.fromCache === true,
    context: raw.context === undefined || raw.context === null ? null : cleanContext(raw.context, str(request.url)),
    knownCredentials: raw.credentials === 'omit' || raw.credentials === 'same-origin' || raw.credentials === 'include' ? raw.credentials : null,
  };
}

// ---------------------------------------------------------------- request mode evidence

export type RequestModeEvidence = 'cors' | 'no-cors' | 'navigate' | 'same-origin' | 'websocket' | 'unknown';

/**
 * What the request headers reveal about the request's mode: `Sec-Fetch-Mode` when present
 * (sent to potentially trustworthy URLs), otherwise `Origin` (always on a CORS request) or its
 * absence on a GET/HEAD (a no-cors or navigation request).
 */
export function requestModeFromHeaders(headers: HeaderList | null | undefined, method = 'GET'): RequestModeEvidence {
  if (!Array.isArray(headers)) return 'unknown';
  let hasOrigin = false;
  for (let i = 0; i < headers.length; i++) {
    const line = headers[i] as HeaderLine;
    if (!isObject(line) || typeof line.name !== 'string') continue;
    if (headerNameIs(line.name, 'sec-fetch-mode')) {
      const mode = asciiLowercase(str(line.value).trim());
      if (mode === 'cors' || mode === 'no-cors' || mode === 'navigate' || mode === 'same-origin' || mode === 'websocket') return mode;
    } else if (headerNameIs(line.name, 'origin')) hasOrigin = true;
  }
  if (hasOrigin) return 'cors';
  const upper = method.toUpperCase();
  return upper === 'GET' || upper === 'HEAD' ? 'no-cors' : 'unknown';
}

/**
 * What the judge reads from the request headers, in one pass: each name is classified once
 * (`requestHeaderName`) for the mode evidence, the credentials evidence, the cache-layer check and
 * the preflight decision, instead of once per question.
 */
interface RequestHeaderScan {
  /**
   * corsUnsafeNotForbiddenRequestHeaderNames of these headers, when asked for and no
   * cache-layer header is present (else null).
   */
  unsafeNames: string[] | null;
  /** The first header (lower-cased) safelisted only by Chromium's extra names, not `sec-` prefixed. */
  chromiumOnlySafelisted: string | null;
  /** requestModeFromHeaders' answer for these headers. */
  mode: RequestModeEvidence;
  /** credentialsEvidence's answer for these headers. */
  credentials: string | null;
  /** A header the HTTP cache may have added (see withoutCacheLayerHeaders). */
  cacheLayer: boolean;
}

const COOKIE_EVIDENCE = 'The request sent a `Cookie` header, so its credentials mode was include.';
const KNOWN_INCLUDE_EVIDENCE = 'The request was made with credentials mode include (stated by the client that sent it).';
const STORAGE_ACCESS_EVIDENCE = 'The request sent `Sec-Fetch-Storage-Access`, which Chromium adds to credentialed cross-site requests.';

function scanRequestHeaders(headers: HeaderList, method: string, collectUnsafe: boolean): RequestHeaderScan {
  let fetchMode: RequestModeEvidence | null = null;
  let hasOrigin = false;
  let credentials: string | null = null;
  let cacheLayer = false;
  let chromiumOnlySafelisted: string | null = null;
  // corsUnsafeNotForbiddenRequestHeaderNames, in the same pass (see collectUnsafeNames).
  let unsafe: string[] | null = null;
  // UTF-16 units of the safelisted values: a unit is at most 3 UTF-8 bytes, so the exact byte
  // count is needed only when 3 × units could exceed the budget.
  let safelistedUnits = 0;
  for (let i = 0; i < headers.length; i++) {
    const line = headers[i] as HeaderLine;
    const name = requestHeaderName(line.name);
    const flags = name.flags;
    let isSafelisted: boolean | null = null;
    if (collectUnsafe && !isForbiddenNamedRequestHeader(name, line.value, 'chromium')) {
      isSafelisted = isCorsSafelistedNamedRequestHeader(name, line.value);
      if (isSafelisted) safelistedUnits += line.value.length;
      else (unsafe ??= []).push(name.lower);
    }
    if (chromiumOnlySafelisted === null && (flags & (CHROMIUM_SAFELISTABLE | SEC_PREFIX)) === CHROMIUM_SAFELISTABLE) {
      if (isSafelisted ?? isCorsSafelistedNamedRequestHeader(name, line.value)) chromiumOnlySafelisted = name.lower;
    }
    switch (name.role) {
      case 0:
        break;
      case REQUEST_HEADER_ROLE_SEC_FETCH_MODE:
        if (fetchMode === null) {
          const mode = asciiLowercase(line.value.trim());
          if (mode === 'cors' || mode === 'no-cors' || mode === 'navigate' || mode === 'same-origin' || mode === 'websocket') fetchMode = mode;
        }
        break;
      case REQUEST_HEADER_ROLE_ORIGIN:
        hasOrigin = true;
        break;
      case REQUEST_HEADER_ROLE_COOKIE:
        credentials ??= COOKIE_EVIDENCE;
        break;
      case REQUEST_HEADER_ROLE_STORAGE_ACCESS:
        credentials ??= STORAGE_ACCESS_EVIDENCE;
        break;
      case REQUEST_HEADER_ROLE_CACHE_LAYER:
        cacheLayer = true;
        break;
    }
  }
  let mode: RequestModeEvidence;
  if (fetchMode !== null) mode = fetchMode;
  else if (hasOrigin) mode = 'cors';
  else {
    const upper = method.toUpperCase();
    mode = upper === 'GET' || upper === 'HEAD' ? 'no-cors' : 'unknown';
  }
  let unsafeNames: string[] | null = null;
  if (collectUnsafe && !cacheLayer) {
    unsafeNames = unsafe ?? [];
    if (safelistedUnits * 3 > SAFELISTED_VALUES_BUDGET) {
      // The rare long case: count the bytes exactly, and append every safelisted name when over.
      let safelisted: string[] | null = null;
      let safelistedBytes = 0;
      for (let i = 0; i < headers.length; i++) {
        const line = headers[i] as HeaderLine;
        const name = requestHeaderName(line.name);
        if (isForbiddenNamedRequestHeader(name, line.value, 'chromium') || !isCorsSafelistedNamedRequestHeader(name, line.value)) continue;
        (safelisted ??= []).push(name.lower);
        safelistedBytes += byteLength(line.value);
      }
      if (safelisted !== null && safelistedBytes > SAFELISTED_VALUES_BUDGET) unsafeNames.push(...safelisted);
    }
  }
  return { unsafeNames, chromiumOnlySafelisted, mode, credentials, cacheLayer };
}

// ---------------------------------------------------------------- the Chromium replay

/** The final response's CORS headers, read in one pass (each as getHeader would combine it). */
interface ResponseCors {
  allowOrigin: string | null;
  allowCredentials: string | null;
  vary: string | null;
}

function readResponseCors(headers: HeaderList): ResponseCors {
  let allowOrigin: string | null = null;
  let allowCredentials: string | null = null;
  let vary: string | null = null;
  for (let i = 0; i < headers.length; i++) {
    const line = headers[i] as HeaderLine;
    const name = line.name;
    const length = name.length;
    if (length === 27) {
      if (!headerNameIs(name, 'access-control-allow-origin')) continue;
      const value = trimHttpTabOrSpace(line.value);
      allowOrigin = allowOrigin === null ? value : `${allowOrigin}, ${value}`;
    } else if (length === 32) {
      if (!headerNameIs(name, 'access-control-allow-credentials')) continue;
      const value = trimHttpTabOrSpace(line.value);
      allowCredentials = allowCredentials === null ? value : `${allowCredentials}, ${value}`;
    } else if (length === 4) {
      if (!headerNameIs(name, 'vary')) continue;
      const value = trimHttpTabOrSpace(line.value);
      vary = vary === null ? value : `${vary}, ${value}`;
    }
  }
  return { allowOrigin, allowCredentials, vary };
}

function finalResponseCors(ctx: Context, response: CleanResponse): ResponseCors {
  return (ctx.responseCors ??= readResponseCors(response.headers));
}

interface Failure {
  kind: 'cors';
  status: CorsErrorStatus;
  stage: Stage;
  hopIndex: number | null;
  url: string;
  responseStatus: number | null;
  headers: HeaderList;
  location: string | null;
  tainted: boolean;
  comparedOrigin: string;
}
interface PreflightNetworkFailure {
  kind: 'network';
  error: string;
}
interface Pass {
  kind: 'pass';
  /** Whether any response was actually checked. */
  checkedSomething: boolean;
  authorizationViaWildcard: boolean;
}
type Replay = Failure | PreflightNetworkFailure | Pass;

interface Context {
  ex: CleanExchange;
  pageOrigin: string;
  urls: string[];
  /** originOfUrl of each of `urls`, computed once: every replay walks them. */
  origins: string[];
  mode: RequestModeEvidence;
  method: string;
  unsafeNames: string[];
  preflightIndex: number;
  options: EngineOptions;
  /** The final response's CORS headers, read on first use. */
  responseCors: ResponseCors | null;
}

function preflightRequestedMethod(ctx: Context): string {
  const preflight = ctx.ex.preflight;
  const requested = preflight ? getHeader(preflight.requestHeaders, 'access-control-request-method') : null;
  return requested ?? ctx.ex.method;
}

function replay(ctx: Context, credentials: CredentialsMode): Replay {
  const { ex, urls, pageOrigin } = ctx;
  let tainted = false;
  let corsFlag = false;
  let checkedSomething = false;
  let authorizationViaWildcard = false;
  for (let k = 0; k < urls.length; k++) {
    const currentUrl = urls[k] as string;
    const currentOrigin = ctx.origins[k] as string;
    const wasCors = corsFlag;
    corsFlag = corsFlag || currentOrigin !== pageOrigin;
    if (ctx.mode === 'same-origin' && corsFlag && !wasCors) {
      return replayFailure({ corsError: 'DisallowedByMode', failedParameter: '' }, k === 0 ? 'request' : 'redirect', k === 0 ? null : k - 1, currentUrl, null, EMPTY, k === 0 ? null : currentUrl, tainted, pageOrigin);
    }
    const serializedOrigin = tainted ? 'null' : pageOrigin;
    if (ex.preflight && ctx.preflightIndex === k) {
      const preflightOutcome = replayPreflight(ctx, ex.preflight, credentials, serializedOrigin, tainted);
      if (preflightOutcome !== null && preflightOutcome !== 'wildcard-authorization') return preflightOutcome;
      if (preflightOutcome === 'wildcard-authorization') authorizationViaWildcard = true;
      checkedSomething = true;
    }
    if (k < ex.redirects.length) {
      const hop = ex.redirects[k] as CleanRedirect;
      if (corsFlag) {
        checkedSomething = true;
        const access = checkAccess(currentUrl, hop.headers, credentials, serializedOrigin);
        if (access) return replayFailure(access, 'redirect', k, currentUrl, hop.status, hop.headers, hop.location, tainted, pageOrigin);
      }
      const location = hop.location;
      const locationCheck = checkRedirectLocation(location, ctx.mode === 'unknown' ? 'cors' : ctx.mode, pageOrigin, corsFlag, tainted);
      if (locationCheck) return replayFailure(locationCheck, 'redirect', k, currentUrl, hop.status, hop.headers, location, tainted, pageOrigin);
      if (!isHttpOrHttpsUrl(location) && location !== '') {
        return replayFailure({ corsError: 'CorsDisabledScheme', failedParameter: '' }, 'redirect', k, currentUrl, hop.status, hop.headers, location, tainted, pageOrigin);
      }
      // urls[k + 1] is this hop's location.
      const nextOrigin = ctx.origins[k + 1] as string;
      if (nextOrigin !== currentOrigin && pageOrigin !== currentOrigin) tainted = true;
      continue;
    }
    const response = ex.response;
    if (response === null) break;
    // The spec and Chromium skip the CORS check for a 304 answering the browser's own revalidation.
    if (corsFlag && !(response.status === 304 && ex.fromCache)) {
      checkedSomething = true;
      const cors = finalResponseCors(ctx, response);
      const access = checkAccessValues(currentUrl, cors.allowOrigin, response.headers, cors, credentials, serializedOrigin);
      if (access) return replayFailure(access, 'response', null, currentUrl, response.status, response.headers, null, tainted, pageOrigin);
    }
  }
  return checkedSomething ? (authorizationViaWildcard ? PASS_CHECKED_WILDCARD : PASS_CHECKED) : authorizationViaWildcard ? PASS_UNCHECKED_WILDCARD : PASS_UNCHECKED;
}

// A pass carries two booleans and is only read: one frozen object per combination.
const PASS_CHECKED: Pass = Object.freeze({ kind: 'pass', checkedSomething: true, authorizationViaWildcard: false });
const PASS_CHECKED_WILDCARD: Pass = Object.freeze({ kind: 'pass', checkedSomething: true, authorizationViaWildcard: true });
const PASS_UNCHECKED: Pass = Object.freeze({ kind: 'pass', checkedSomething: false, authorizationViaWildcard: false });
const PASS_UNCHECKED_WILDCARD: Pass = Object.freeze({ kind: 'pass', checkedSomething: false, authorizationViaWildcard: true });

function replayFailure(
  status: CorsErrorStatus,
  stage: Stage,
  hopIndex: number | null,
  url: string,
  responseStatus: number | null,
  headers: HeaderList,
  location: string | null,
  tainted: boolean,
  pageOrigin: string,
): Failure {
  return { kind: 'cors', status, stage, hopIndex, url, responseStatus, headers, location, tainted, comparedOrigin: tainted ? 'null' : pageOrigin };
}

function replayPreflight(
  ctx: Context,
  preflight: CleanPreflight,
  credentials: CredentialsMode,
  serializedOrigin: string,
  tainted: boolean,
): Failure | PreflightNetworkFailure | 'wildcard-authorization' | null {
  const response = preflight.response;
  const fail = (status: CorsErrorStatus, location: string | null = null): Failure => ({
    kind: 'cors',
    status,
    stage: 'preflight',
    hopIndex: null,
    url: preflight.url,
    responseStatus: response ? response.status : null,
    headers: response ? response.headers : EMPTY,
    location,
    tainted,
    comparedOrigin: originForPreflight(preflight, serializedOrigin),
  });
  const responseLocation = response && isRedirectStatus(response.status) ? getHeader(response.headers, 'location') : null;
  if (preflight.redirectedTo || responseLocation !== null) {
    return fail({ corsError: 'PreflightDisallowedRedirect', failedParameter: '' }, preflight.redirectedTo ?? responseLocation);
  }
  if (response === null) {
    if (preflight.error && preflight.error !== 'net::ERR_FAILED') return { kind: 'network', error: preflight.error };
    return null;
  }
  const origin = originForPreflight(preflight, serializedOrigin);
  const access = checkPreflightAccess(preflight.url, response.status, response.headers, credentials, origin);
  if (access) return fail(access);
  if (asciiLowercase(getHeader(preflight.requestHeaders, 'access-control-request-private-network') ?? '') === 'true') {
    const allow = getHeader(response.headers, 'access-control-allow-private-network');
    if (allow === null) return fail({ corsError: 'PreflightMissingAllowPrivateNetwork', failedParameter: '' });
    if (allow !== 'true') return fail({ corsError: 'PreflightInvalidAllowPrivateNetwork', failedParameter: allow });
  }
  const result = createPreflightResult(response.headers, credentials);
  if (!isPreflightResult(result)) return fail(result);
  const method = preflightRequestedMethod(ctx);
  const methodCheck = ensureAllowedCrossOriginMethod(result, method);
  if (methodCheck) return fail(methodCheck);
  const headerCheck = ensureAllowedCrossOriginHeaders(result, ctx.unsafeNames, ctx.options);
  if (headerCheck) return fail(headerCheck);
  return hasAuthorizationCoveredByWildcard(result, ctx.unsafeNames) ? 'wildcard-authorization' : null;
}

/** The preflight's own `Origin` header is what the server compared with; fall back to the replayed origin. */
function originForPreflight(preflight: CleanPreflight, serializedOrigin: string): string {
  return getHeader(preflight.requestHeaders, 'origin') ?? serializedOrigin;
}

/**
 * The CORS-unsafe, non-forbidden header names in the order Chromium checks them. A preflight's
 * `Access-Control-Request-Headers` is exactly that list (sorted), and it is all there is when
 * the actual request never sent its headers.
 */
function unsafeHeaderNamesFor(ex: CleanExchange, scan: RequestHeaderScan | null): string[] {
  if (ex.preflight) {
    const acrh = getHeader(ex.preflight.requestHeaders, 'access-control-request-headers');
    if (acrh !== null) {
      const names: string[] = [];
      for (const part of acrh.split(',')) {
        const name = asciiLowercase(part.trim());
        if (name !== '' && !names.includes(name)) names.push(name);
      }
      return names;
    }
    return [];
  }
  if (!ex.headers) return [];
  if (scan && scan.unsafeNames !== null) return scan.unsafeNames;
  return corsUnsafeNotForbiddenRequestHeaderNames(withoutCacheLayerHeaders(ex.headers));
}

/**
 * The HTTP cache and DevTools "Disable cache" add validators and `no-cache` below the CORS
 * layer; on an actual request without an observed preflight they say nothing about the
 * preflight decision.
 */
function withoutCacheLayerHeaders(headers: HeaderList): HeaderList {
  let drop = false;
  for (let i = 0; i < headers.length; i++) {
    const name = (headers[i] as HeaderLine).name;
    if (headerNameIs(name, 'pragma') || headerNameIs(name, 'cache-control') || headerNameIs(name, 'if-none-match') || headerNameIs(name, 'if-modified-since')) {
      drop = true;
      break;
    }
  }
  if (!drop) return headers;
  return headers.filter((line) => {
    const lower = asciiLowercase(line.name);
    if (lower === 'if-none-match' || lower === 'if-modified-since') return false;
    if ((lower === 'pragma' || lower === 'cache-control') && asciiLowercase(line.value.trim()) === 'no-cache') return false;
    return true;
  });
}

// ---------------------------------------------------------------- preflight reasons

const SAFELISTED_TYPES_TEXT = SAFELISTED_CONTENT_TYPES.map((t) => `\`${t}\``).join(', ');

function describeUnsafeHeader(name: string, value: string): PreflightReason {
  const lower = asciiLowercase(name);
  const shown = displayHeaderName(lower);
  const bytes = byteLength(value);
  if (!isCorsSafelistableRequestHeaderName(lower)) {
    const extra = lower === 'authorization' ? ' `Authorization` always needs a preflight, and `Access-Control-Allow-Headers: *` does not cover it in the standard.' : '';
    return { kind: 'header', name: lower, value, message: `\`${shown}\` is not a CORS-safelisted request header (only \`Accept\`, \`Accept-Language\`, \`Content-Language\`, \`Content-Type\` with a safelisted value, and a single-range \`Range\` are).${extra}` };
  }
  if (bytes > 128) return { kind: 'header-length', name: lower, value, message: `\`${shown}\` is longer than 128 bytes (${bytes} bytes).` };
  let message = `\`${shown}: ${value}\` is not a safelisted value.`;
  const unsafeIndex = indexOfCorsUnsafeRequestHeaderByte(value);
  switch (lower) {
    case 'content-type':
      message =
        unsafeIndex >= 0
          ? `\`Content-Type: ${value}\` contains the byte ${describeByte(value, unsafeIndex)}, which is CORS-unsafe.`
          : `\`Content-Type: ${value}\` is not one of the three safelisted values (${SAFELISTED_TYPES_TEXT}).`;
      break;
    case 'accept':
      if (unsafeIndex >= 0) message = `\`Accept: ${value}\` contains the byte ${describeByte(value, unsafeIndex)}, which is CORS-unsafe.`;
      break;
    case 'accept-language':
    case 'content-language': {
      const index = indexOfNonLanguageByte(value);
      if (index >= 0) message = `\`${shown}: ${value}\` contains ${describeByte(value, index)}; only letters, digits, space, \`*\`, \`,\`, \`-\`, \`.\`, \`;\` and \`=\` are safelisted.`;
      break;
    }
    case 'range':
      message = `\`Range: ${value}\` is not a single \`bytes=start-end\` or \`bytes=start-\` range.`;
      break;
  }
  return { kind: 'header-value', name: lower, value, message };
}

function describeByte(value: string, index: number): string {
  const code = value.charCodeAt(index);
  return code >= 0x20 && code < 0x7f ? `\`${value[index]}\`` : `0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
}

function describeUnsafeName(lower: string): PreflightReason {
  const shown = displayHeaderName(lower);
  if (lower === 'content-type') {
    return { kind: 'header-value', name: lower, message: `\`Content-Type\` was sent with a value other than the three safelisted ones (${SAFELISTED_TYPES_TEXT}), e.g. \`application/json\` (the value itself is not visible: the request never sent its headers).` };
  }
  if (isCorsSafelistableRequestHeaderName(lower)) {
    return { kind: 'header-value', name: lower, message: `\`${shown}\` was sent with a value that is not safelisted (too long, or an unsafe byte); the value is not visible because the request never sent its headers.` };
  }
  return { kind: 'header', name: lower, message: `\`${shown}\` is not a CORS-safelisted request header.` };
}

export function preflightReasonsFor(method: string, headers: HeaderList | null, acrhNames: string[] | null, forcedPreflightObserved: boolean): PreflightReason[] {
  const reasons: PreflightReason[] = [];
  if (!isCorsSafelistedMethod(method)) {
    reasons.push({ kind: 'method', name: method, message: `\`${method}\` is not one of the CORS-safelisted methods (\`GET\`, \`HEAD\`, \`POST\`).` });
  }
  if (headers !== null && (acrhNames === null || acrhNames.length > 0)) {
    let safelistedBytes = 0;
    const safelisted: string[] = [];
    for (let i = 0; i < headers.length; i++) {
      const line = headers[i] as HeaderLine;
      if (isForbiddenRequestHeader(line.name, line.value)) continue;
      if (acrhNames !== null && !acrhNames.includes(asciiLowercase(line.name))) continue;
      if (isCorsSafelistedRequestHeader(line.name, line.value)) {
        safelistedBytes += byteLength(line.value);
        safelisted.push(asciiLowercase(line.name));
      } else reasons.push(describeUnsafeHeader(line.name, line.value));
    }
    if (safelistedBytes > SAFELISTED_VALUES_BUDGET) {
      reasons.push({ kind: 'total-length', name: safelisted.join(','), message: `The safelisted headers (${safelisted.map((n) => `\`${displayHeaderName(n)}\``).join(', ')}) total ${safelistedBytes} bytes, over the ${SAFELISTED_VALUES_BUDGET}-byte budget, so all of them need the preflight.` });
    }
  } else if (acrhNames !== null) {
    for (const name of acrhNames) reasons.push(describeUnsafeName(name));
  }
  if (reasons.length === 0 && forcedPreflightObserved) {
    reasons.push({ kind: 'forced', name: '', message: 'The method and headers are all safelisted, yet a preflight was sent: it was forced (an upload listener on XMLHttpRequest, a streaming body, or a Private/Local Network Access preflight).' });
  }
  return reasons;
}

// ---------------------------------------------------------------- network errors

const NETWORK_ERRORS: Record<string, string> = {
  'net::ERR_CONNECTION_REFUSED': 'Nothing is listening at that host and port: the connection was refused.',
  'net::ERR_EMPTY_RESPONSE': 'The server closed the connection without answering.',
  'net::ERR_CONNECTION_RESET': 'The connection was reset by the server or something between (a proxy, a firewall).',
  'net::ERR_CONNECTION_CLOSED': 'The server closed the connection unexpectedly.',
  'net::ERR_CONNECTION_TIMED_OUT': 'The server did not accept the connection in time.',
  'net::ERR_TIMED_OUT': 'The request timed out.',
  'net::ERR_NAME_NOT_RESOLVED': 'The host name could not be resolved (DNS).',
  'net::ERR_ADDRESS_UNREACHABLE': 'The server address is unreachable.',
  'net::ERR_INTERNET_DISCONNECTED': 'The device is offline.',
  'net::ERR_NETWORK_CHANGED': 'The network changed while the request was in flight.',
  'net::ERR_ABORTED': 'The request was cancelled (the page called abort(), navigated away, or the element was removed).',
  'net::ERR_BLOCKED_BY_CLIENT': 'An extension (an ad or privacy blocker, for example) blocked the request.',
  'net::ERR_BLOCKED_BY_ADMINISTRATOR': 'A browser policy set by an administrator blocked the request.',
  'net::ERR_BLOCKED_BY_RESPONSE': 'The response was blocked by a response policy (Cross-Origin-Resource-Policy, COEP or similar), not by CORS.',
  'net::ERR_BLOCKED_BY_CSP': "The page's Content Security Policy blocked the request.",
  'net::ERR_TOO_MANY_REDIRECTS': 'The request was redirected more than 20 times.',
  'net::ERR_UNSAFE_REDIRECT': 'The request was redirected to a URL the browser refuses to follow.',
  'net::ERR_INVALID_REDIRECT': 'The redirect Location was not a valid URL.',
  'net::ERR_UNKNOWN_URL_SCHEME': 'The URL scheme is not supported.',
  'net::ERR_INVALID_ARGUMENT': 'The request was invalid (for example a streaming body that cannot be replayed across a redirect).',
  'net::ERR_INSECURE_RESPONSE': 'The TLS certificate of the server was rejected.',
  'net::ERR_INVALID_HTTP_RESPONSE': 'The server answered something that is not valid HTTP.',
  'net::ERR_INCOMPLETE_CHUNKED_ENCODING': 'The response body was cut off.',
  'net::ERR_CONTENT_LENGTH_MISMATCH': 'The response body was shorter than its Content-Length.',
  'net::ERR_HTTP2_PROTOCOL_ERROR': 'The HTTP/2 connection failed with a protocol error.',
  'net::ERR_CACHE_MISS': 'The resource was required from the cache and was not there.',
};

function explainNetworkError(error: string): string {
  const known = NETWORK_ERRORS[error];
  if (known) return known;
  if (error.startsWith('net::ERR_CERT_')) return `The server's TLS certificate was rejected (\`${error}\`).`;
  if (error.startsWith('net::ERR_SSL_')) return `The TLS handshake failed (\`${error}\`).`;
  return `The request failed at the network level (\`${error}\`).`;
}

const LOCAL_NETWORK_ERRORS = new Set(['net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS', 'net::ERR_BLOCKED_BY_PRIVATE_NETWORK_ACCESS_CHECKS']);

// ---------------------------------------------------------------- verdict assembly

function baseVerdict(kind: Verdict['kind']): Verdict {
  return {
    kind,
    blocked: false,
    rule: null,
    failedParameter: '',
    stage: null,
    hopIndex: null,
    networkError: null,
    title: '',
    explanation: '',
    observed: [],
    preflightReasons: [],
    fix: null,
    specUrl: null,
    chromeMessage: null,
    firefox: null,
    confidence: 'certain',
    evidence: [],
    warnings: [],
    credentials: 'unknown',
  };
}

function corsVerdict(ctx: Context, failure: Failure, credentials: CredentialsMode, credentialsInferred: boolean, evidence: string[], confidence: Verdict['confidence']): Verdict {
  const { ex } = ctx;
  const name: CorsErrorName = failure.status.corsError;
  const rule = RULES[name];
  const headers = failure.headers;
  const allowOrigin = getHeader(headers, 'access-control-allow-origin');
  const facts: RuleFacts = {
    pageOrigin: ctx.pageOrigin,
    comparedOrigin: failure.comparedOrigin,
    url: failure.url,
    firstUrl: ex.url,
    type: ex.type,
    status: failure.responseStatus,
    allowOrigin,
    allowOriginLines: countHeaderLines(headers, 'access-control-allow-origin'),
    allowCredentials: getHeader(headers, 'access-control-allow-credentials'),
    allowMethods: getHeader(headers, 'access-control-allow-methods'),
    allowHeaders: getHeader(headers, 'access-control-allow-headers'),
    method: preflightRequestedMethod(ctx),
    failedParameter: failure.status.failedParameter,
    location: failure.location,
    tainted: failure.tainted,
    credentialsInferred,
    unsafeHeaderNames: ctx.unsafeNames,
    addressSpace: null,
  };
  const verdict = baseVerdict('cors-blocked');
  verdict.blocked = true;
  verdict.rule = name;
  verdict.failedParameter = failure.status.failedParameter;
  verdict.stage = failure.stage;
  verdict.hopIndex = failure.hopIndex;
  verdict.title = rule.titleFor(facts);
  verdict.explanation = rule.explain(facts);
  if (failure.tainted && failure.stage !== 'preflight') {
    verdict.explanation += ' Note: an earlier redirect went through another origin, so the browser sent `Origin: null` from then on.';
  }
  verdict.observed = rule.observed(facts);
  verdict.specUrl = rule.specUrl;
  // Chromium's console names the URL whose response failed the check, with "(redirected from
  // <first URL>)" when that is not the first URL: a 3xx that fails its own CORS check or carries a
  // Location with credentials is named itself. Only a redirect to a scheme CORS cannot fetch names
  // the target. (Chromium 156 through a CDP session, Log.entryAdded.)
  const consoleUrl = name === 'CorsDisabledScheme' && failure.stage === 'redirect' && failure.location !== null ? failure.location : failure.url;
  verdict.chromeMessage = chromeConsoleMessage(rule, consoleUrl === facts.url ? facts : { ...facts, url: consoleUrl });
  const firefox = rule.firefox ? rule.firefox(facts) : null;
  verdict.firefox = firefox ? { key: firefox.key, message: firefoxConsoleMessage(failure.url, firefox.reason) } : null;
  verdict.confidence = confidence;
  verdict.evidence = evidence;
  const disallowedHeaders = name === 'HeaderDisallowedByPreflightResponse' ? headersNotAllowed(ctx.unsafeNames, facts.allowHeaders) : [];
  if (disallowedHeaders.length > 1) {
    // Chromium names the first refused header in Blink's internal header-map order, which is neither
    // sorted nor the order the page set them; extensions only see the sorted preflight list.
    verdict.confidence = 'inferred';
    verdict.evidence = [
      ...evidence,
      `The preflight refused ${disallowedHeaders.length} headers (${disallowedHeaders.map((h) => `\`${h}\``).join(', ')}). Chromium names one of them in an internal order extensions cannot see; \`${failure.status.failedParameter}\` is the first in sorted order. All of them need to be allowed.`,
    ];
  }
  verdict.credentials = credentials === 'include' ? 'include' : credentialsInferred ? 'unknown' : 'omit-or-same-origin';
  const fixText = rule.fix(facts);
  verdict.fix = {
    summary: fixText.summary,
    details: fixText.details,
    traps: fixText.traps,
    // After a cross-origin redirect the browser compares against `null`, not the page origin: a
    // snippet allowing the page origin would not fix it (docs/fixes.md, not applicable).
    snippets: rule.serverSnippets && !failure.tainted
      ? renderFixSnippets({
          origin: ctx.pageOrigin,
          credentials: credentials === 'include',
          methods: uniqueMethods(facts.method),
          headers: ctx.unsafeNames.map(displayHeaderName),
          cause: fixCauseFor(name, failure.responseStatus),
        })
      : [],
  };
  return verdict;
}

function uniqueMethods(method: string): string[] {
  const methods = ['GET', 'POST'];
  const normalised = method.toUpperCase() === method ? method : method.toUpperCase();
  if (!methods.includes(normalised) && normalised !== 'HEAD') methods.push(normalised);
  return methods;
}

function networkVerdict(error: string, stage: Stage | null, explanation: string, evidence: string[], confidence: Verdict['confidence']): Verdict {
  const verdict = baseVerdict('network-error');
  verdict.networkError = error;
  verdict.stage = stage;
  verdict.title = error === 'net::ERR_FAILED' ? 'Failed, but not by a CORS rule visible here' : `Network error: ${error.replace(/^net::/, '')}`;
  verdict.explanation = explanation;
  verdict.evidence = evidence;
  verdict.confidence = confidence;
  verdict.specUrl = 'https://fetch.spec.whatwg.org/#concept-network-error';
  return verdict;
}

function localNetworkVerdict(ctx: Context, error: string): Verdict {
  const secure = isPotentiallyTrustworthyOrigin(ctx.pageOrigin);
  const name: CorsErrorName = secure ? 'LocalNetworkAccessPermissionDenied' : 'InsecureLocalNetwork';
  const rule = RULES[name];
  const facts = minimalFacts(ctx, ctx.ex.url);
  const verdict = baseVerdict('cors-blocked');
  verdict.blocked = true;
  verdict.rule = name;
  verdict.stage = 'request';
  verdict.networkError = error;
  verdict.title = rule.titleFor(facts);
  verdict.explanation = rule.explain(facts);
  verdict.specUrl = rule.specUrl;
  verdict.chromeMessage = chromeConsoleMessage(rule, facts);
  verdict.confidence = 'inferred';
  verdict.evidence = [
    `The request ended with \`${error}\`, Chromium's error for a blocked Local Network Access request.`,
    secure ? `The page \`${ctx.pageOrigin}\` is a secure context, so the missing piece is the user's permission.` : `The page \`${ctx.pageOrigin}\` is not a secure context.`,
  ];
  const fixText = rule.fix(facts);
  verdict.fix = { summary: fixText.summary, details: fixText.details, traps: fixText.traps, snippets: [] };
  return verdict;
}

function minimalFacts(ctx: Context, url: string): RuleFacts {
  return {
    pageOrigin: ctx.pageOrigin,
    comparedOrigin: ctx.pageOrigin,
    url,
    firstUrl: ctx.ex.url,
    type: ctx.ex.type,
    status: null,
    allowOrigin: null,
    allowOriginLines: 0,
    allowCredentials: null,
    allowMethods: null,
    allowHeaders: null,
    method: ctx.ex.method,
    failedParameter: '',
    location: null,
    tainted: false,
    credentialsInferred: false,
    unsafeHeaderNames: ctx.unsafeNames,
    addressSpace: null,
  };
}

function notCorsVerdict(title: string, explanation: string, evidence: string[], confidence: Verdict['confidence'], error: string | null): Verdict {
  const verdict = baseVerdict('not-cors');
  verdict.title = title;
  verdict.explanation = error ? `${explanation} It failed with \`${error}\`: ${explainNetworkError(error)}` : explanation;
  verdict.evidence = evidence;
  verdict.confidence = confidence;
  verdict.networkError = error;
  return verdict;
}

// ---------------------------------------------------------------- hazards on what passed

/** Appends the hazards of a request that passed to `warnings`. */
function hazards(warnings: Warning[], ctx: Context, scan: RequestHeaderScan | null, authorizationViaWildcard: boolean): void {
  const { ex } = ctx;
  if (authorizationViaWildcard) {
    warnings.push(
      hazard(
        'authorization-wildcard',
        'The request sends `Authorization`, and the preflight allowed it only through `Access-Control-Allow-Headers: *`. Chromium and Firefox let this pass today; the Fetch standard does not (`*` never covers `Authorization`), so a browser that follows it rejects it. List `Authorization` explicitly.',
      ),
    );
  }
  const preflightResponse = ex.preflight?.response ?? null;
  if (preflightResponse) {
    const maxAge = getHeader(preflightResponse.headers, 'access-control-max-age');
    if (maxAge !== null) {
      const seconds = Number(maxAge);
      if (!/^\d+$/.test(maxAge)) {
        warnings.push(hazard('max-age-unparsable', `\`Access-Control-Max-Age: ${maxAge}\` is not a number of seconds: Chromium uses its 5 s default, Firefox does not cache the preflight at all.`));
      } else if (seconds > CHROMIUM_PREFLIGHT_MAX_AGE_CAP_SECONDS) {
        const firefoxCap =
          seconds > FIREFOX_PREFLIGHT_MAX_AGE_CAP_SECONDS
            ? `exceeds both browsers' caps: Chromium keeps a preflight at most ${CHROMIUM_PREFLIGHT_MAX_AGE_CAP_SECONDS} s (2 h), Firefox ${FIREFOX_PREFLIGHT_MAX_AGE_CAP_SECONDS} s (24 h).`
            : `exceeds Chromium's cap: Chromium keeps a preflight at most ${CHROMIUM_PREFLIGHT_MAX_AGE_CAP_SECONDS} s (2 h); Firefox keeps it for the full time (its cap is ${FIREFOX_PREFLIGHT_MAX_AGE_CAP_SECONDS} s, 24 h).`;
        warnings.push(hazard('max-age-above-cap', `\`Access-Control-Max-Age: ${maxAge}\` ${firefoxCap}`));
      }
    }
    if (getHeader(preflightResponse.headers, 'access-control-allow-private-network') === 'true') {
      warnings.push(hazard('private-network-header', '`Access-Control-Allow-Private-Network: true` belongs to Private Network Access, which Chromium replaced with Local Network Access (a user permission); the header has no effect in current Chromium.'));
    }
    const requested = ex.preflight ? getHeader(ex.preflight.requestHeaders, 'access-control-request-headers') : null;
    const allowed = getHeader(preflightResponse.headers, 'access-control-allow-headers');
    // Chromium and Firefox write Access-Control-Request-Headers lower-case, sorted, comma-separated
    // without spaces; a hand-written allow-list almost never looks like that, an echo always does.
    if (requested !== null && requested !== '' && allowed === requested && /^[a-z0-9!#$%&'*+.^_`|~-]+(,[a-z0-9!#$%&'*+.^_`|~-]+)*$/.test(requested)) {
      const method = getHeader(ex.preflight!.requestHeaders, 'access-control-request-method');
      const methodsEcho = method !== null && getHeader(preflightResponse.headers, 'access-control-allow-methods') === method;
      warnings.push(
        hazard(
          'preflight-echoes-request',
          `The preflight answered \`Access-Control-Allow-Headers: ${allowed}\`, byte for byte the browser's \`Access-Control-Request-Headers\`${methodsEcho ? `, and \`Access-Control-Allow-Methods: ${method}\`, its \`Access-Control-Request-Method\`` : ''}: the server allows whatever a page asks for. List the headers${methodsEcho ? ' and methods' : ''} your API really accepts.`,
        ),
      );
    }
  }
  const final = ex.response;
  if (final) {
    const cors = finalResponseCors(ctx, final);
    const allowOrigin = cors.allowOrigin;
    const credentialed = cors.allowCredentials === 'true';
    if (allowOrigin === '*' && credentialed) {
      warnings.push(hazard('wildcard-with-credentials', '`Access-Control-Allow-Origin: *` together with `Access-Control-Allow-Credentials: true` never works: browsers reject `*` for credentialed requests. Echo the origin instead if credentials are needed.'));
    }
    // Only a specific Allow-Origin can be an echo; the Origin header is read only then.
    const specific = allowOrigin !== null && allowOrigin !== '*';
    let reflected: boolean | null = null;
    const isReflected = (): boolean => (reflected ??= specific && allowOrigin === getHeader(ex.headers ?? EMPTY, 'origin'));
    const others = specific && ex.context && ex.context.echoedOrigins.length > 0 ? ex.context.echoedOrigins.filter((origin) => origin !== allowOrigin) : NO_NAMES;
    if (specific && (allowOrigin === ctx.pageOrigin || isReflected())) {
      const vary = cors.vary;
      if (vary === null || !varyCoversOrigin(vary)) {
        warnings.push(hazard('missing-vary-origin', `The response echoes \`Access-Control-Allow-Origin: ${allowOrigin}\` without \`Vary: Origin\`: if the value depends on the request's Origin, a shared cache can serve it to another origin and break (or leak) CORS there.`, others.length > 0 ? 'medium' : 'low'));
      }
    }
    if (allowOrigin === 'null') {
      warnings.push(hazard('null-origin-allowed', `\`Access-Control-Allow-Origin: null\` also grants access to sandboxed iframes, \`file:\` pages and redirect-tainted requests of any site${credentialed ? ', and with `Access-Control-Allow-Credentials: true` they read the user\'s data with their cookies' : ''}. Allow real origins only.`, credentialed ? 'high' : 'medium'));
    }
    if ((allowOrigin === 'null' || others.length > 0) && isReflected()) {
      const seen = allowOrigin === 'null' ? 'the meaningless origin `null` (sent after a cross-origin redirect)' : `${others.length + 1} different origins in this tab (${[...others, allowOrigin].map((o) => `\`${o}\``).join(', ')})`;
      warnings.push(
        hazard(
          'origin-reflected',
          `The server echoed ${seen}: it appears to reflect whatever \`Origin\` it gets${credentialed ? ', with `Access-Control-Allow-Credentials: true`, so any website can read this API with the user\'s cookies. This is what flask-cors `supports_credentials=True` with `origins=\'*\'`, django-cors-headers `CORS_ALLOW_ALL_ORIGINS` with credentials, and Express `cors({ origin: true, credentials: true })` do' : ''}. Compare \`Origin\` with an allow-list and echo only the origins on it.`,
          credentialed ? 'high' : 'low',
        ),
      );
    }
    if (allowOrigin !== null && allowOrigin.startsWith('http://') && (ctx.urls[ctx.urls.length - 1] ?? '').startsWith('https://')) {
      warnings.push(hazard('http-origin-trusted', `An https resource trusts the plain-http origin \`${allowOrigin}\`, which a network attacker can impersonate${credentialed ? ' and then read the user\'s data with their cookies' : ''}.`, credentialed ? 'high' : 'low'));
    }
    if (final.status === 401 && ex.redirects.some((hop) => originOfUrl(hop.location) !== originOfUrl(hop.url))) {
      warnings.push(hazard('authorization-dropped-on-redirect', 'The request was redirected to another origin and then answered 401: browsers drop `Authorization` on cross-origin redirects. Call the final URL directly.'));
    }
    if (ex.type === 'xmlhttprequest' && allowOrigin !== null) {
      const hidden = unexposedResponseHeaders(final.headers, credentialed);
      if (hidden.length > 0) {
        warnings.push(
          hazard(
            'header-not-exposed',
            `The response carries ${hidden.map((name) => `\`${name}\``).join(', ')}, which \`Access-Control-Expose-Headers\` does not list. If your code reads ${hidden.length === 1 ? 'it' : 'these'}, \`response.headers.get()\` returns null: add \`Access-Control-Expose-Headers: ${hidden.join(', ')}\`.`,
          ),
        );
      }
    }
  }
  if (ex.headers && scan && scan.chromiumOnlySafelisted !== null) {
    warnings.push(hazard('chromium-only-safelisted-header', `\`${displayHeaderName(scan.chromiumOnlySafelisted)}\` is safelisted only in Chromium: in Firefox and per the Fetch standard it triggers a preflight, which the server must then allow.`));
  }
}

/** Response headers an application reads and infrastructure does not add (see HAZARDS['header-not-exposed']). */
const APPLICATION_RESPONSE_HEADERS = new Set(['etag', 'link', 'content-disposition', 'retry-after', 'location']);
const INFRASTRUCTURE_X_HEADERS = new Set([
  'x-powered-by',
  'x-content-type-options',
  'x-frame-options',
  'x-xss-protection',
  'x-cache',
  'x-cache-hits',
  'x-served-by',
  'x-timer',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-envoy-upstream-service-time',
  'x-ua-compatible',
]);

const NO_NAMES: string[] = Object.freeze([]) as unknown as string[];

/** Whether an application (not infrastructure) plausibly set this response header; `lower` is lower-cased. */
function isApplicationResponseHeader(lower: string): boolean {
  if (APPLICATION_RESPONSE_HEADERS.has(lower) || lower.startsWith('ratelimit') || lower.startsWith('x-ratelimit')) return true;
  return lower.startsWith('x-') && !INFRASTRUCTURE_X_HEADERS.has(lower) && !lower.startsWith('x-amz-') && !lower.startsWith('x-cloud');
}

function unexposedResponseHeaders(headers: HeaderList, credentialed: boolean): string[] {
  // Most responses carry no candidate at all: find those first, with a cheap first-letter test.
  let candidates: string[] | null = null;
  for (let i = 0; i < headers.length; i++) {
    const name = (headers[i] as HeaderLine).name;
    const first = name.charCodeAt(0) | 0x20;
    const length = name.length;
    // x-…, etag, link, location, content-disposition, retry-after, ratelimit…
    const maybe =
      first === 0x78 ? name.charCodeAt(1) === 0x2d : first === 0x63 ? length === 19 : first === 0x65 ? length === 4 : first === 0x6c ? length === 4 || length === 8 : first === 0x72 && length >= 9;
    if (!maybe) continue;
    const lower = asciiLowercase(name);
    if (isApplicationResponseHeader(lower) && !(candidates ??= []).includes(name)) candidates.push(name);
  }
  if (candidates === null) return NO_NAMES;
  const exposed = new Set<string>();
  for (const line of headers) {
    if (!headerNameIs(line.name, 'access-control-expose-headers')) continue;
    for (const part of line.value.split(',')) {
      const name = asciiLowercase(part.trim());
      // `*` exposes everything only to a request without credentials.
      if (name === '*' && !credentialed) return NO_NAMES;
      if (name !== '') exposed.add(name);
    }
  }
  return candidates.filter((name) => !exposed.has(asciiLowercase(name)));
}

/** `Vary` lists `Origin` (or is `*`). The whole-value forms are nearly all real traffic and need no regex. */
function varyCoversOrigin(vary: string): boolean {
  if (vary === '*' || headerNameIs(vary, 'origin')) return true;
  return /(^|[\s,])(origin|\*)($|[\s,])/i.test(vary);
}

// ---------------------------------------------------------------- entry point

export function judgeExchangeUnsafe(input: ObservedExchange, options: EngineOptions): Verdict {
  const ex = cleanExchange(input);
  const verdict = judgeClean(ex, options);
  beyondTheBlock(verdict, ex);
  return verdict;
}

function judgeClean(ex: CleanExchange, options: EngineOptions): Verdict {
  const evidence: string[] = [];

  if (ex.type === 'main_frame' || ex.type === 'sub_frame') {
    return notCorsVerdict('Navigation (not CORS)', 'Navigations load documents; CORS does not apply to them.', [`webRequest type \`${ex.type}\`.`], 'certain', ex.error);
  }
  const requestHeaders = ex.headers;
  const pageOrigin =
    ex.initiator ?? (ex.preflight ? getHeader(ex.preflight.requestHeaders, 'origin') : null) ?? (requestHeaders ? getHeader(requestHeaders, 'origin') : null) ?? 'null';
  const scan = requestHeaders ? scanRequestHeaders(requestHeaders, ex.method, ex.preflight === null) : null;
  let mode: RequestModeEvidence = ex.preflight && requestHeaders === null ? 'cors' : scan ? scan.mode : 'unknown';
  if (mode === 'unknown' && requestHeaders === null) mode = 'cors';

  const urls: string[] = [ex.url];
  const origins: string[] = [originOfUrl(ex.url)];
  for (const hop of ex.redirects) {
    urls.push(hop.location);
    origins.push(originOfUrl(hop.location));
  }
  let crossOrigin = false;
  for (const origin of origins) if (origin !== pageOrigin) crossOrigin = true;

  if (!crossOrigin) {
    return notCorsVerdict('Same-origin request (not CORS)', `The request stayed on the page's origin \`${pageOrigin}\`, so no CORS check applies.`, [`Initiator \`${pageOrigin}\`, URL \`${ex.url}\`.`], 'certain', ex.error);
  }
  if (mode === 'no-cors' || mode === 'navigate' || mode === 'websocket') {
    const why =
      mode === 'no-cors'
        ? 'It was a `no-cors` request (a plain `<img>`, `<script>`, `<link>` or `fetch(…, {mode: \'no-cors\'})`): the browser does not apply CORS, and scripts get an opaque response (status 0, no body) instead of an error.'
        : mode === 'navigate'
          ? 'It was a navigation; CORS does not apply.'
          : 'WebSocket handshakes are not subject to CORS; servers must check `Origin` themselves.';
    const modeEvidence = requestHeaders && getHeader(requestHeaders, 'sec-fetch-mode') !== null
      ? `\`Sec-Fetch-Mode: ${getHeader(requestHeaders, 'sec-fetch-mode')}\`.`
      : 'No `Origin` header on a GET/HEAD request: CORS requests always carry one.';
    // The renderer cancels an opaque response it has no use for: net::ERR_ABORTED after a response is not a failure.
    const cancelledOpaque = mode === 'no-cors' && ex.error === 'net::ERR_ABORTED' && ex.response !== null;
    const verdict = notCorsVerdict('Not a CORS request', why, [modeEvidence], getHeader(requestHeaders ?? EMPTY, 'sec-fetch-mode') !== null ? 'certain' : 'inferred', cancelledOpaque ? null : ex.error);
    if (mode === 'no-cors' && ex.type === 'xmlhttprequest' && (ex.error === null || cancelledOpaque) && getHeader(requestHeaders ?? EMPTY, 'sec-fetch-mode') !== null) {
      // Only fetch() makes a no-cors request of type xmlhttprequest (XMLHttpRequest is always CORS mode).
      verdict.warnings.push(
        hazard(
          'no-cors-opaque',
          "This `fetch()` used `mode: 'no-cors'`: it did not fail, but the page gets an opaque response (status 0, no headers, an empty body), so code that reads it gets nothing. `no-cors` is not a way around CORS: keep the default `mode: 'cors'` and have the server send `Access-Control-Allow-Origin`, or call it through your own backend.",
        ),
      );
    }
    return verdict;
  }

  const unsafeNames = unsafeHeaderNamesFor(ex, scan);
  let preflightIndex = 0;
  if (ex.preflight) {
    const at = urls.lastIndexOf(ex.preflight.url);
    preflightIndex = at >= 0 ? at : 0;
  }
  const ctx: Context = { ex, pageOrigin, urls, origins, mode, method: ex.method, unsafeNames, preflightIndex, options, responseCors: null };

  const needsPreflight = !isCorsSafelistedMethod(ex.method) || unsafeNames.length > 0;
  const preflightFromCache = !ex.preflight && needsPreflight && requestHeaders !== null;
  const acrhNames = ex.preflight ? unsafeNames : null;
  const preflightReasons =
    ex.preflight || needsPreflight
      ? preflightReasonsFor(preflightRequestedMethod(ctx), requestHeaders, acrhNames, ex.preflight !== null)
      : [];
  if (preflightFromCache) evidence.push('No preflight was observed although one was needed: it was served from the preflight cache.');

  // A stated credentials mode wins over the Cookie evidence: no guessing is needed.
  const seenCredentials =
    ex.knownCredentials === 'include' ? KNOWN_INCLUDE_EVIDENCE : ex.knownCredentials !== null ? null : scan ? scan.credentials : null;
  const error = ex.error;

  if (error === 'net::ERR_ABORTED' && ex.redirects.length > 0 && ex.response === null) {
    // fetch(url, { redirect: 'manual' }) stops at the first redirect: the page receives an
    // opaque-redirect response and Chromium cancels the load, so webRequest ends it with
    // net::ERR_ABORTED right after a 3xx whose CORS check passed. That is not a failure.
    const credentials: CredentialsMode = seenCredentials ? 'include' : 'omit';
    const result = replay(ctx, credentials);
    if (result.kind === 'pass') {
      const verdict = baseVerdict('passed');
      verdict.preflightReasons = preflightReasons;
      verdict.evidence = [...evidence, 'webRequest ended the request with `net::ERR_ABORTED` right after a redirect whose CORS check passed.'];
      verdict.confidence = 'inferred';
      verdict.credentials = seenCredentials ? 'include' : 'unknown';
      verdict.stage = 'redirect';
      verdict.hopIndex = ex.redirects.length - 1;
      verdict.title = 'Stopped at a redirect (not a CORS failure)';
      // webRequest reports net::ERR_ABORTED for both redirect modes that stop here, so which one
      // the page used is not visible; neither is a CORS failure.
      verdict.explanation =
        'The redirect passed the CORS checks, and the browser stopped there instead of following it: the page asked for `redirect: \'manual\'` (it receives an opaque-redirect response) or `redirect: \'error\'` (fetch rejects with a TypeError), or cancelled the request at that moment. None of these is a CORS failure; to follow the redirect, use the default `redirect: \'follow\'`.';
      verdict.specUrl = 'https://fetch.spec.whatwg.org/#concept-http-fetch';
      return verdict;
    }
  }

  const preflightError = ex.preflight && ex.preflight.response === null ? ex.preflight.error : null;
  if (
    error === 'net::ERR_FAILED' &&
    preflightError !== null &&
    (LOCAL_NETWORK_ERRORS.has(preflightError) || (preflightError === 'net::ERR_FAILED' && requestHeaders === null && isLocalAddressUrl(ex.preflight!.url)))
  ) {
    // The preflight itself hit the Local Network Access check at connection time: it went out and
    // no answer came (Chromium 156 reports the OPTIONS to webRequest with net::ERR_FAILED, or the
    // LNA error in other builds), so the request itself was never sent.
    const verdict = localNetworkVerdict(ctx, preflightError);
    verdict.stage = 'preflight';
    if (!LOCAL_NETWORK_ERRORS.has(preflightError)) {
      verdict.evidence.unshift(`The preflight to the local address \`${originOfUrl(ex.preflight!.url)}\` went out and got no answer, and both it and the request failed with \`net::ERR_FAILED\`: the Local Network Access check refused the connection. (Had the page set a \`targetAddressSpace\` that does not match, Chromium would say \`InvalidLocalNetworkAccess\`; extensions cannot see the option.)`);
      verdict.evidence.splice(1, 1);
    }
    return withReasons(verdict, preflightReasons);
  }
  if (error !== null && error !== 'net::ERR_FAILED') {
    if (LOCAL_NETWORK_ERRORS.has(error)) {
      const pnaReplay = ex.preflight ? replay(ctx, seenCredentials ? 'include' : 'omit') : null;
      if (pnaReplay && pnaReplay.kind === 'cors') return withReasons(corsVerdict(ctx, pnaReplay, seenCredentials ? 'include' : 'omit', false, [`The request ended with \`${error}\`.`], 'certain'), preflightReasons);
      return withReasons(localNetworkVerdict(ctx, error), preflightReasons);
    }
    const preflightFailed = ex.preflight !== null && ex.preflight.response === null && ex.preflight.error !== null;
    const verdict = networkVerdict(
      error,
      preflightFailed ? 'preflight' : ex.response ? 'response' : 'request',
      `${preflightFailed ? 'The preflight (OPTIONS) failed at the network level, so the request was never sent. ' : ''}${explainNetworkError(error)} This is a network failure, not a CORS rule: fix connectivity or the server first; CORS headers cannot help.`,
      [`webRequest reported \`${error}\`; Chromium reports CORS blocks as \`net::ERR_FAILED\`.`],
      'certain',
    );
    verdict.preflightReasons = preflightReasons;
    verdict.credentials = seenCredentials ? 'include' : 'unknown';
    return verdict;
  }

  if (error === 'net::ERR_FAILED') {
    if (ex.response === null && requestHeaders !== null && !ex.preflight && ex.redirects.length === 0 && isLocalAddressUrl(ex.url)) {
      // The request went out and no response came back, yet Chromium failed it as a CORS block:
      // nothing was there to check. To a local address that is the Local Network Access check at
      // connection time, whose other outcomes have their own net error: a targetAddressSpace mismatch.
      return withReasons(invalidLocalNetworkVerdict(ctx), preflightReasons);
    }
    if (seenCredentials) {
      evidence.push(seenCredentials);
      const result = replay(ctx, 'include');
      if (result.kind === 'cors') return withReasons(corsVerdict(ctx, result, 'include', false, evidence, 'certain'), preflightReasons);
      if (result.kind === 'network') return withReasons(networkVerdict(result.error, 'preflight', explainNetworkError(result.error), evidence, 'certain'), preflightReasons);
      return withReasons(unexplainedFailure(result, evidence, 'include'), preflightReasons);
    }
    const omitted = replay(ctx, 'omit');
    if (omitted.kind === 'network') return withReasons(networkVerdict(omitted.error, 'preflight', explainNetworkError(omitted.error), evidence, 'certain'), preflightReasons);
    if (ex.knownCredentials !== null) {
      // Stated omit or same-origin: the include alternative is not a possibility to weigh.
      if (omitted.kind === 'cors') return withReasons(corsVerdict(ctx, omitted, 'omit', false, evidence, 'certain'), preflightReasons);
      return withReasons(unexplainedFailure(omitted, evidence, 'omit-or-same-origin'), preflightReasons);
    }
    const included = replay(ctx, 'include');
    if (omitted.kind === 'cors') {
      const same = included.kind === 'cors' && included.status.corsError === omitted.status.corsError && included.status.failedParameter === omitted.status.failedParameter;
      if (!same) {
        evidence.push(
          'No `Cookie` or `Sec-Fetch-Storage-Access` header was seen, so the engine assumed the default credentials mode (not include).' +
            (included.kind === 'cors' ? ` Had the request been credentialed, Chromium would have reported \`${included.status.corsError}\` instead.` : ''),
        );
      }
      const verdict = corsVerdict(ctx, omitted, 'omit', false, evidence, same ? 'certain' : 'inferred');
      verdict.credentials = same ? 'unknown' : 'omit-or-same-origin';
      return withReasons(verdict, preflightReasons);
    }
    if (included.kind === 'cors') {
      evidence.push(
        'The browser failed the request although it passes every CORS check without credentials, so it must have been credentialed (`credentials: \'include\'` or `withCredentials = true`); no `Cookie` header was sent because the browser had none for that site.',
      );
      return withReasons(corsVerdict(ctx, included, 'include', true, evidence, 'inferred'), preflightReasons);
    }
    return withReasons(unexplainedFailure(omitted, evidence, 'unknown'), preflightReasons);
  }

  // Completed: the browser let it through.
  const credentials: CredentialsMode = seenCredentials ? 'include' : 'omit';
  const result = replay(ctx, credentials);
  const verdict = baseVerdict('passed');
  verdict.preflightReasons = preflightReasons;
  verdict.evidence = evidence;
  if (seenCredentials) evidence.push(seenCredentials);
  const finalStatus = ex.response ? ex.response.status : null;
  if (result.kind === 'cors') {
    if (getHeader(requestHeaders ?? EMPTY, 'sec-fetch-mode') === null) {
      return notCorsVerdict('Not a CORS request (inferred)', 'The browser completed this request although its CORS headers would fail a CORS-mode request, so it was most likely a no-cors request (a form post, a plain `<img>`/`<script>`, or `mode: \'no-cors\'`).', ['No `Sec-Fetch-Mode` header was visible (plain-http target).'], 'inferred', null);
    }
    verdict.confidence = 'inferred';
    verdict.warnings.push(hazard('model-disagreement', `Chromium completed this request, but the engine's replay of its checks predicts \`${result.status.corsError}\`. The exchange may be incomplete (a header not visible to the extension).`));
  }
  verdict.credentials = seenCredentials
    ? 'include'
    : ex.knownCredentials !== null || replay(ctx, 'include').kind === 'cors'
      ? 'omit-or-same-origin'
      : 'unknown';
  verdict.title = finalStatus !== null && finalStatus >= 400 ? `Passed CORS (HTTP ${finalStatus})` : 'Passed CORS';
  const via = ex.preflight ? ' after a successful preflight' : preflightFromCache ? ' (its preflight came from the preflight cache)' : '';
  verdict.explanation =
    finalStatus !== null && finalStatus >= 400
      ? `The response passed the CORS checks${via}, so the page can read it; the server answered HTTP ${finalStatus}, which is an application error, not a CORS one.`
      : via === ''
        ? 'The request passed every CORS check.'
        : `The request passed every CORS check${via}.`;
  hazards(verdict.warnings, ctx, scan, result.kind === 'pass' && result.authorizationViaWildcard);
  return verdict;
}

/** The CORS-unsafe names an `Access-Control-Allow-Headers` value does not list (case-insensitively). */
function headersNotAllowed(unsafeNames: readonly string[], allowHeaders: string | null): string[] {
  const allowed = new Set((allowHeaders ?? '').split(',').map((name) => asciiLowercase(name.trim())));
  return unsafeNames.filter((name) => !allowed.has(name));
}

function withReasons(verdict: Verdict, reasons: PreflightReason[]): Verdict {
  verdict.preflightReasons = reasons;
  return verdict;
}

function unexplainedFailure(result: Pass, evidence: string[], credentials: Verdict['credentials']): Verdict {
  const observedNothing = !result.checkedSomething;
  const explanation = observedNothing
    ? 'The browser failed the request (`net::ERR_FAILED`) before any response the extension could check arrived. The cause is not visible to extensions: possibly a block by another extension or an ad blocker, Content Security Policy, mixed content, or a CORS rule on a response webRequest did not report.'
    : 'The browser failed the request (`net::ERR_FAILED`), but every CORS check the engine can replay passes under every credentials mode. No CORS rule can be named from what extensions see; likely causes: another extension or an ad blocker, Content Security Policy, mixed content, a Private/Local Network Access block, or a cached preflight the server has since changed.';
  const verdict = networkVerdict('net::ERR_FAILED', null, explanation, [...evidence, 'Every replayed CORS check passed; the engine does not invent a rule.'], 'inferred');
  verdict.credentials = credentials;
  return verdict;
}

// ---------------------------------------------------------------- beyond the block

/** Statuses whose error path commonly skips the CORS middleware (issue tracker folklore, landscape §7). */
function isErrorStatus(status: number): boolean {
  return status === 401 || status === 403 || status === 404 || status === 413 || status >= 500;
}

const LOCAL_NETWORK_RULES = new Set<string>(['LocalNetworkAccessPermissionDenied', 'InsecureLocalNetwork', 'InvalidLocalNetworkAccess']);

/**
 * A host in a non-public address space (WICG Local Network Access, "Non-public IP address
 * blocks"), or a name that resolves there by convention: `localhost`, `*.localhost`, `*.local`.
 */
export function isLocalAddressUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
  if (host.startsWith('[')) {
    const v6 = host.slice(1, -1);
    return v6 === '::1' || v6 === '::' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || /^fe[c-f]/.test(v6) || v6.startsWith('::ffff:127.') || v6.startsWith('::ffff:7f');
  }
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return false;
  const [a, b] = parts.map(Number) as [number, number];
  return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127) || (a === 198 && (b === 18 || b === 19));
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
function beyondTheBlock(verdict: Verdict, ex: CleanExchange): void {
  const cause = causeOf(verdict, ex);
  if (cause) verdict.cause = cause;
  if (cause?.code === 'dev-server-refused-origin' && verdict.fix) {
    // The app's CORS configuration never sees a request the dev server refused: its snippets would mislead.
    verdict.fix = { ...verdict.fix, summary: CAUSES['dev-server-refused-origin'].fix, snippets: [] };
  }
  if (verdict.blocked && verdict.stage === 'response' && ex.response && isErrorStatus(ex.response.status) && ex.preflight?.response) {
    const preflightHadCors = getHeader(ex.preflight.response.headers, 'access-control-allow-origin') !== null;
    if (preflightHadCors && getHeader(ex.response.headers, 'access-control-allow-origin') === null) {
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
  if (verdict.kind !== 'not-cors' && verdict.kind !== 'network-error' && ex.preflight === null && ex.headers !== null && verdict.preflightReasons.length > 0 && verdict.stage !== 'request') {
    preflightCacheNotes(verdict, ex);
  }
  for (const warning of verdict.warnings) {
    if (warning.severity === undefined) warning.severity = 'low';
  }
  sortWarnings(verdict.warnings);
}

function causeOf(verdict: Verdict, ex: CleanExchange): Cause | null {
  if (verdict.blocked && verdict.rule !== null && LOCAL_NETWORK_RULES.has(verdict.rule)) {
    return makeCause(
      'local-network-access',
      `Chromium's Local Network Access check (\`${verdict.rule}\`) stopped the request to \`${ex.url}\` before it reached the server.`,
      [`webRequest ended it with \`${verdict.networkError ?? ex.preflight?.error ?? ex.error ?? 'net::ERR_FAILED'}\` and no response: nothing reached the server, so no header it sends can matter.`],
    );
  }
  if (verdict.kind === 'network-error' && verdict.networkError !== null && verdict.networkError !== 'net::ERR_FAILED' && verdict.networkError !== 'net::ERR_ABORTED') {
    return makeCause('network-error', `The request failed with \`${verdict.networkError}\`: ${explainNetworkError(verdict.networkError)}`, [`webRequest reported \`${verdict.networkError}\`; Chromium reports CORS blocks as \`net::ERR_FAILED\`.`]);
  }
  if (!verdict.blocked) return null;
  const rule = verdict.rule ?? '';
  if (verdict.stage === 'preflight' && ex.preflight?.response && (ex.preflight.response.status === 401 || ex.preflight.response.status === 403)) {
    const status = ex.preflight.response.status;
    const challenge = getHeader(ex.preflight.response.headers, 'www-authenticate');
    const evidence = [`The preflight (\`OPTIONS ${ex.preflight.url}\`) was answered ${status}.`, 'Browsers send preflights without cookies or `Authorization`, so an authenticated route always refuses them.'];
    if (challenge !== null) evidence.push(`\`WWW-Authenticate: ${challenge}\`: an authentication layer answered.`);
    return makeCause('preflight-auth-layer', `The preflight got ${status} from an authentication or security layer in front of the CORS handler, so \`${rule}\` is a symptom.`, evidence);
  }
  if ((rule === 'MultipleAllowOriginValues' || rule === 'PreflightMultipleAllowOriginValues') && verdict.stage !== null) {
    const headers = verdict.stage === 'preflight' ? ex.preflight?.response?.headers : verdict.stage === 'redirect' && verdict.hopIndex !== null ? ex.redirects[verdict.hopIndex]?.headers : ex.response?.headers;
    const lines = (headers ?? EMPTY).filter((line) => headerNameIs(line.name, 'access-control-allow-origin'));
    if (lines.length >= 2) {
      const evidence = [`${lines.length} \`Access-Control-Allow-Origin\` lines: ${lines.map((line) => `\`${line.value}\``).join(' and ')}.`];
      const layer = (headers ?? EMPTY).find((line) => /^(via|x-cache|cf-ray|x-served-by|x-amz-cf-id|server)$/i.test(line.name));
      if (layer) evidence.push(`\`${layer.name}: ${layer.value}\` shows a layer in front of the application.`);
      return makeCause('duplicate-cors-layer', 'Two layers (a proxy, CDN or gateway and the application) each add `Access-Control-Allow-Origin`.', evidence);
    }
  }
  if (verdict.stage === 'response' && rule === 'MissingAllowOriginHeader' && ex.response && isErrorStatus(ex.response.status)) {
    const status = ex.response.status;
    const corsNames = corsHeaderNames(ex.response.headers);
    if (status === 403 && corsNames.length === 0 && isLocalAddressUrl(ex.url)) {
      return makeCause(
        'dev-server-refused-origin',
        `A server on a local address answered 403 without any CORS header: most likely a development server's host or origin check refused \`${getHeader(ex.headers ?? EMPTY, 'origin') ?? 'this origin'}\`.`,
        [`HTTP 403 from \`${originOfUrl(ex.url)}\`, a local address, with no \`Access-Control-*\` header.`],
      );
    }
    const evidence = [`HTTP ${status}, with ${corsNames.length === 0 ? 'no `Access-Control-*` header at all' : `only ${corsNames.map((n) => `\`${n}\``).join(', ')}`}.`];
    if (ex.preflight?.response && getHeader(ex.preflight.response.headers, 'access-control-allow-origin') !== null) {
      evidence.push('Its preflight did carry `Access-Control-Allow-Origin`: the success path has CORS, the error path does not.');
    }
    const what = status === 401 ? 'not authenticated' : status === 403 ? 'forbidden' : status === 404 ? 'not found' : status === 413 ? 'the body was too large' : 'a server error';
    return makeCause('error-status-without-cors', `The server answered HTTP ${status} (${what}); the CORS headers are missing because the error path skips the CORS middleware.`, evidence);
  }
  return null;
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
        return "Client change: send the body as `text/plain` (e.g. `body: JSON.stringify(data)` with no Content-Type, or `Content-Type: text/plain`) if the server parses the body regardless of its Content-Type; `application/x-www-form-urlencoded` and `multipart/form-data` need no preflight either.";
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
 * The request needed a preflight and none went out: Chromium found a fresh entry in its preflight
 * cache (https://fetch.spec.whatwg.org/#concept-cache-match). What the tab saw before says since
 * when and until when, and whether the server answers differently now.
 */
function preflightCacheNotes(verdict: Verdict, ex: CleanExchange): void {
  const earlier = ex.context?.earlierPreflight ?? null;
  const disableCache = 'DevTools "Disable cache" also bypasses the preflight cache, so with it on every request sends its preflight again.';
  if (!earlier || !earlier.preflight.response) {
    verdict.warnings.push(
      hazard(
        'preflight-from-cache',
        `This request needed a preflight, but none was observed: Chromium answered it from its preflight cache (an earlier OPTIONS within its \`Access-Control-Max-Age\`, at most 2 h in Chromium). Server changes to the preflight take effect only after that entry expires. ${disableCache}`,
      ),
    );
    return;
  }
  const cachedHeaders = earlier.preflight.response.headers;
  const maxAgeValue = getHeader(cachedHeaders, 'access-control-max-age');
  const seconds = parseAccessControlMaxAge(maxAgeValue);
  const since = new Date(earlier.time).toISOString();
  const until = new Date(earlier.time + seconds * 1000).toISOString();
  const maxAgeText = maxAgeValue === null ? 'no `Access-Control-Max-Age` (Chromium keeps it 5 s)' : `\`Access-Control-Max-Age: ${maxAgeValue}\`${seconds !== Number(maxAgeValue) ? ` (Chromium keeps it ${seconds} s)` : ''}`;
  verdict.warnings.push(
    hazard(
      'preflight-from-cache',
      `No preflight went out for this request: Chromium answered it from its preflight cache, filled by the preflight at ${since} with ${maxAgeText}, valid until ${until}. Until then, server changes to the preflight answer do not reach this page. ${disableCache}`,
    ),
  );
  verdict.evidence.push(`The tab's earlier preflight for this URL and method was answered at ${since}; the cache entry lasts until ${until}.`);
  if (!ex.response) return;
  const changed: string[] = [];
  for (const name of ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods', 'access-control-allow-headers']) {
    const now = getHeader(ex.response.headers, name);
    const then = getHeader(cachedHeaders, name);
    // Allow-Methods and -Headers are compared only when the server also sends them on the actual response.
    if ((name === 'access-control-allow-methods' || name === 'access-control-allow-headers') && now === null) continue;
    if (now !== then) changed.push(`\`${displayHeaderName(name)}\`: cached ${then === null ? '(absent)' : `\`${then}\``}, now ${now === null ? '(absent)' : `\`${now}\``}`);
  }
  if (changed.length > 0) {
    verdict.warnings.push(
      hazard(
        'preflight-cache-stale',
        `The server's CORS answer has changed since the cached preflight (${changed.join('; ')}). Chromium keeps using the cached preflight until ${until}, so a fix to the preflight is not visible yet: retest with DevTools "Disable cache" on, or wait until the entry expires.`,
      ),
    );
  }
}

function invalidLocalNetworkVerdict(ctx: Context): Verdict {
  const rule = RULES.InvalidLocalNetworkAccess;
  const facts = minimalFacts(ctx, ctx.ex.url);
  const verdict = baseVerdict('cors-blocked');
  verdict.blocked = true;
  verdict.rule = 'InvalidLocalNetworkAccess';
  verdict.stage = 'request';
  verdict.title = rule.titleFor(facts);
  verdict.explanation = rule.explain(facts);
  verdict.specUrl = rule.specUrl;
  verdict.chromeMessage = chromeConsoleMessage(rule, facts);
  verdict.confidence = 'inferred';
  verdict.evidence = [
    'The request went out (its headers were sent) but no response came back, and Chromium failed it with `net::ERR_FAILED`, its error for a CORS-class block.',
    `\`${originOfUrl(ctx.ex.url)}\` is a local address; a Local Network Access block for a missing permission or an insecure page shows as \`net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS\`, so what remains is a \`targetAddressSpace\` that does not match where the host resolves.`,
  ];
  const fixText = rule.fix(facts);
  verdict.fix = { summary: fixText.summary, details: fixText.details, traps: fixText.traps, snippets: [] };
  return verdict;
}

export { DEFAULT_ENGINE_OPTIONS };
