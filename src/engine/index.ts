/**
 * CORS Doctor's rule engine: given one observed cross-origin exchange, the verdict Chromium
 * would give (the `Network.CorsError` name and failedParameter), explained, with the server fix.
 * Pure TypeScript, no browser APIs.
 */
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './chromium';
import { couldNotJudgeVerdict } from './could-not-judge';
import { firefoxVerdict } from './firefox/verdict';
import { judgeExchangeUnsafe, responsePassesCorsChecks as responsePassesUnsafe } from './judge';
import { FIREFOX_PREFLIGHT_CACHE } from './firefox/preflight-cache';
import type { Verdict } from './types';
import type { ObservedExchange } from './types';

export type * from './types';
export { CORS_ERROR_NAMES } from './types';
export type { EngineOptions, CorsErrorStatus, PreflightResult, PreflightCacheEntry } from './chromium';
export {
  DEFAULT_ENGINE_OPTIONS,
  checkAccess,
  checkPreflightAccess,
  checkRedirectLocation,
  createPreflightResult,
  ensureAllowedCrossOriginHeaders,
  ensureAllowedCrossOriginMethod,
  hasAuthorizationCoveredByWildcard,
  needsPreflight,
  parseAccessControlMaxAge,
  preflightCacheEntryExpiresAt,
  preflightCacheEntryMatch,
  preflightResultAllowsRequest,
} from './chromium';
export {
  CHROMIUM_PREFLIGHT_MAX_AGE_CAP_SECONDS,
  FIREFOX_PREFLIGHT_MAX_AGE_CAP_SECONDS,
  PREFLIGHT_DEFAULT_MAX_AGE_SECONDS,
  corsCheck,
  corsUnsafeNotForbiddenRequestHeaderNames,
  corsUnsafeRequestHeaderNames,
  extractHeaderListValues,
  isCorsSafelistedMethod,
  isCorsSafelistedRequestHeader,
  isForbiddenMethod,
  isForbiddenRequestHeader,
  isRedirectTainted,
  parseSingleRangeHeaderValue,
  serializingARequestOrigin,
} from './fetch-spec';
// Header lookups, the request mode and statuses, for the layers above the engine (docs/engine.md).
export { EMPTY_HEADERS, combinedHeaderValue, countHeaderLines, firstHeaderValue, headerLinesNamed, headerNameIs } from './headers';
export { byteLength, originOfUrl } from './http';
export { isOkStatus, isRedirectStatus } from './fetch-spec';
export { fetchModeOf, requestMode } from './request-evidence';

export { couldNotJudgeVerdict } from './could-not-judge';
export { RULES, type RuleEntry, type Observability } from './rules';
export { CAUSES, HAZARDS, type CauseEntry, type HazardEntry, type Severity } from './hazards';
export { FIREFOX_REASON_KEYS, firefoxBlockMessage, parseFirefoxBlockMessage, type FirefoxReasonKey } from './firefox/reasons';
export { requestModeFromHeaders, preflightReasonsFor, type RequestModeEvidence } from './judge';

export interface JudgeOptions {
  /** Whose rules decide blocked or not: Chromium's (the default) or Firefox's (src/engine/firefox/). */
  browser?: 'chromium' | 'firefox';
}

/**
 * Judges one exchange. Never throws: whatever the input (malformed, missing fields, wrong
 * types), it returns a well-formed Verdict; an internal failure becomes an honest
 * "could not judge" verdict with a warning (couldNotJudgeVerdict).
 */
export function judgeExchange(exchange: ObservedExchange, options?: Partial<EngineOptions> & JudgeOptions): Verdict {
  const resolved = resolveEngineOptions(options);
  try {
    // Firefox's verdict is built over Chromium's judgement of the same exchange, with Firefox's preflight cache in its notes.
    if (options?.browser === 'firefox') return firefoxVerdict(exchange, (input) => judgeExchangeUnsafe(input, resolved, FIREFOX_PREFLIGHT_CACHE));
    return judgeExchangeUnsafe(exchange, resolved);
  } catch (error) {
    return couldNotJudgeVerdict(exchange, error);
  }
}

/**
 * Whether the exchange's final response passes the CORS checks in the credentials mode its request
 * headers show, before the browser has said how the request ended (judge.ts). Never throws: when
 * the engine cannot tell, the answer is false, the cautious one for a caller deciding what to keep.
 */
export function responsePassesCorsChecks(exchange: ObservedExchange, options?: Partial<EngineOptions>): boolean {
  const resolved = resolveEngineOptions(options);
  try {
    return responsePassesUnsafe(exchange, resolved);
  } catch {
    return false;
  }
}

function resolveEngineOptions(options: Partial<EngineOptions> | undefined): EngineOptions {
  if (options === undefined) return DEFAULT_ENGINE_OPTIONS;
  return { authorizationCoveredByWildcard: options.authorizationCoveredByWildcard ?? DEFAULT_ENGINE_OPTIONS.authorizationCoveredByWildcard };
}
