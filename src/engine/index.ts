/**
 * CORS Doctor's rule engine: given one observed cross-origin exchange, the verdict Chromium
 * would give (the `Network.CorsError` name and failedParameter), explained, with the server fix.
 * Pure TypeScript, no browser APIs.
 */
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './chromium';
import { hazard } from './hazards';
import { judgeExchangeUnsafe } from './judge';
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
export { RULES, type RuleEntry, type Observability } from './rules';
export { CAUSES, HAZARDS, type CauseEntry, type HazardEntry, type Severity } from './hazards';
export { requestModeFromHeaders, preflightReasonsFor, type RequestModeEvidence } from './judge';

/**
 * Judges one exchange. Never throws: whatever the input (malformed, missing fields, wrong
 * types), it returns a well-formed Verdict; an internal failure becomes an honest
 * "could not judge" verdict with a warning.
 */
export function judgeExchange(exchange: ObservedExchange, options?: Partial<EngineOptions>): Verdict {
  const resolved =
    options === undefined
      ? DEFAULT_ENGINE_OPTIONS
      : { authorizationCoveredByWildcard: options.authorizationCoveredByWildcard ?? DEFAULT_ENGINE_OPTIONS.authorizationCoveredByWildcard };
  try {
    return judgeExchangeUnsafe(exchange, resolved);
  } catch (error) {
    return unjudgeableVerdict(error);
  }
}

function unjudgeableVerdict(error: unknown): Verdict {
  let detail = 'unknown error';
  try {
    detail = error instanceof Error ? error.message : String(error);
  } catch {
    // An exotic thrown value; the generic detail stands.
  }
  return {
    kind: 'network-error',
    blocked: false,
    rule: null,
    failedParameter: '',
    stage: null,
    hopIndex: null,
    networkError: null,
    title: 'Could not judge this request',
    explanation: 'The engine could not read this exchange (its recorded data is malformed), so it makes no claim about CORS.',
    observed: [],
    preflightReasons: [],
    fix: null,
    specUrl: null,
    chromeMessage: null,
    firefox: null,
    confidence: 'inferred',
    evidence: [],
    warnings: [hazard('engine-error', `Internal error while judging: ${detail.slice(0, 200)}`)],
    credentials: 'unknown',
  };
}
