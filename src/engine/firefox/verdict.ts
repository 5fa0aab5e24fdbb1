/**
 * The engine's Firefox profile: `judgeExchange(exchange, { browser: 'firefox' })`. Chromium's
 * verdict is computed first (its preflight reasons, warnings and fix texts serve both browsers);
 * Firefox's own checks (checks.ts) then decide blocked or not, and the reason is named by Firefox's
 * key with its en-US console line. Where the two browsers judge the exchange differently, the
 * verdict says so in a warning (`other-browser-differs`), so a Firefox user also learns what a
 * Chromium user would meet, and the other way round.
 */
import { applyRealCauseToExchange } from '../beyond-the-block';
import { displayHeaderName, fixCauseFor, renderFixSnippets } from '../fixes';
import { countHeaderLines, getHeader, isValidAbsoluteUrl, originOfUrl } from '../http';
import { RULES, type RuleFacts } from '../rules';
import type { CorsErrorName, ObservedExchange, Verdict, Warning } from '../types';
import { firefoxChecks, type FirefoxFailure } from './checks';
import { firefoxBlockMessage, type FirefoxReasonKey } from './reasons';

/** The Chromium rule that names the same failed check (for the shared titles, explanations and fixes). */
export function chromiumEquivalent(failure: Pick<FirefoxFailure, 'key' | 'stage' | 'params'>): CorsErrorName | null {
  const preflight = failure.stage === 'preflight';
  const access = (
    name:
      | 'WildcardOriginNotAllowed'
      | 'MissingAllowOriginHeader'
      | 'MultipleAllowOriginValues'
      | 'InvalidAllowOriginValue'
      | 'AllowOriginMismatch'
      | 'InvalidAllowCredentials',
  ): CorsErrorName => (preflight ? `Preflight${name}` : name) as CorsErrorName;
  switch (failure.key) {
    case 'CORSMissingAllowOrigin':
      return access('MissingAllowOriginHeader');
    case 'CORSMultipleAllowOriginNotAllowed':
      return access('MultipleAllowOriginValues');
    case 'CORSAllowOriginNotMatchingOrigin': {
      const value = failure.params.value ?? '';
      if (/[ ,]/.test(value)) return access('MultipleAllowOriginValues');
      return value === 'null' || isValidAbsoluteUrl(value) ? access('AllowOriginMismatch') : access('InvalidAllowOriginValue');
    }
    case 'CORSNotSupportingCredentials':
      return access('WildcardOriginNotAllowed');
    case 'CORSMissingAllowCredentials':
      return access('InvalidAllowCredentials');
    case 'CORSPreflightDidNotSucceed':
      return 'PreflightInvalidStatus';
    case 'CORSExternalRedirectNotAllowed':
      return 'PreflightDisallowedRedirect';
    case 'CORSInvalidAllowMethod':
      return 'InvalidAllowMethodsPreflightResponse';
    case 'CORSInvalidAllowHeader':
      return 'InvalidAllowHeadersPreflightResponse';
    case 'CORSMethodNotFound':
      return 'MethodDisallowedByPreflightResponse';
    case 'CORSMissingAllowHeaderFromPreflight':
      return 'HeaderDisallowedByPreflightResponse';
    default:
      return null;
  }
}

/** The failedParameter Chromium would give for the equivalent rule. */
function chromiumParameter(rule: CorsErrorName, failure: FirefoxFailure, method: string): string {
  switch (rule) {
    case 'MethodDisallowedByPreflightResponse':
      return method;
    case 'HeaderDisallowedByPreflightResponse':
      return failure.params.value ?? '';
    case 'InvalidAllowCredentials':
    case 'PreflightInvalidAllowCredentials':
      return getHeader(failure.response.headers, 'access-control-allow-credentials') ?? '';
    case 'MultipleAllowOriginValues':
    case 'PreflightMultipleAllowOriginValues':
    case 'InvalidAllowOriginValue':
    case 'PreflightInvalidAllowOriginValue':
    case 'AllowOriginMismatch':
    case 'PreflightAllowOriginMismatch':
      return getHeader(failure.response.headers, 'access-control-allow-origin') ?? '';
    default:
      return '';
  }
}

function pageOriginOf(exchange: ObservedExchange): string {
  if (exchange.initiator) return exchange.initiator;
  const origin = exchange.request.headers ? getHeader(exchange.request.headers, 'origin') : null;
  return origin ?? originOfUrl(exchange.request.url);
}

/** How Firefox's webRequest ends a request its CORS checks failed (onErrorOccurred), preflight or not. */
export const FIREFOX_CORS_FAILURE_ENDING = 'NS_ERROR_DOM_BAD_URI';

function differs(message: string): Warning {
  return { code: 'other-browser-differs', title: 'Chromium and Firefox judge this request differently', severity: 'medium', message };
}

function describeChromium(chromium: Verdict): string {
  if (chromium.blocked)
    return `Chromium blocks it (\`${chromium.rule}\`${chromium.failedParameter ? `, \`${chromium.failedParameter}\`` : ''}: ${chromium.title})`;
  if (chromium.kind === 'network-error') return `Chromium reports a network error${chromium.networkError ? ` (\`${chromium.networkError}\`)` : ''}`;
  return 'Chromium lets it through';
}

/** Firefox's verdict for an exchange Chromium judged as `chromium`. */
export function firefoxVerdict(exchange: ObservedExchange, chromium: Verdict): Verdict {
  if (chromium.kind === 'not-cors') return { ...chromium, firefox: null };
  const pageOrigin = pageOriginOf(exchange);
  const withCredentials = exchange.credentials === 'include' || chromium.credentials === 'include';
  const result = firefoxChecks(exchange, pageOrigin, withCredentials);
  const warnings = chromium.warnings.filter((warning) => warning.code !== 'other-browser-differs');

  if (result.kind === 'pass') {
    if (!chromium.blocked && chromium.kind !== 'network-error') return { ...chromium, firefox: null };
    const verdict: Verdict = {
      ...chromium,
      kind: 'passed',
      blocked: false,
      rule: null,
      failedParameter: '',
      stage: null,
      hopIndex: null,
      networkError: null,
      title: 'Passes the CORS checks in Firefox',
      explanation: `Firefox's CORS checks let this request through. ${describeChromium(chromium)}.${chromium.explanation ? ` ${chromium.explanation}` : ''}`,
      firefox: null,
      warnings: [differs(`Firefox lets this request through; ${describeChromium(chromium)}. Fix it for Chromium users too.`), ...warnings],
    };
    return verdict;
  }

  if (result.kind === 'did-not-succeed') {
    const message = firefoxBlockMessage('CORSDidNotSucceed', result.url, { status: result.status });
    const firefox = { key: 'CORSDidNotSucceed', message };
    if (!result.redirectWithCredentials) {
      // A network failure: Chromium's verdict (which names the net error and its cause) stands.
      return { ...chromium, firefox };
    }
    // FIREFOX DEVIATION: a redirect to a URL with credentials is a plain network error in Firefox.
    return {
      ...chromium,
      kind: 'network-error',
      blocked: false,
      rule: null,
      failedParameter: '',
      stage: 'redirect',
      networkError: 'NS_ERROR_DOM_BAD_URI',
      title: 'Redirect to a URL with credentials',
      explanation: `The redirect from \`${result.url}\` points at a URL with a user name or password (\`user:pass@\`), which a cross-origin request may not follow: Firefox fails the request as a network error (NS_ERROR_DOM_BAD_URI) and its console says only "CORS request did not succeed". ${describeChromium(chromium)}.`,
      firefox,
      warnings: chromium.blocked
        ? [differs(`Firefox reports a network error ("CORS request did not succeed"); ${describeChromium(chromium)}.`), ...warnings]
        : warnings,
    };
  }

  const failure = result.failure;
  const message = firefoxBlockMessage(failure.key, failure.url, failure.params);
  const firefox = { key: failure.key as FirefoxReasonKey as string, message };
  const rule = chromiumEquivalent(failure);
  const method = (exchange.preflight && getHeader(exchange.preflight.request.headers, 'access-control-request-method')) || exchange.request.method;
  const parameter = rule ? chromiumParameter(rule, failure, method) : '';
  if (chromium.blocked && chromium.rule === rule && chromium.stage === failure.stage) {
    // The same check fails in both browsers: Chromium's texts apply word for word.
    return { ...chromium, firefox };
  }
  if (rule === null) return { ...chromium, firefox };
  const entry = RULES[rule];
  const facts: RuleFacts = {
    pageOrigin,
    comparedOrigin: failure.comparedOrigin,
    url: failure.url,
    firstUrl: exchange.request.url,
    type: exchange.request.type,
    status: failure.response.status,
    allowOrigin: getHeader(failure.response.headers, 'access-control-allow-origin'),
    allowOriginLines: countHeaderLines(failure.response.headers, 'access-control-allow-origin'),
    allowCredentials: getHeader(failure.response.headers, 'access-control-allow-credentials'),
    allowMethods: getHeader(failure.response.headers, 'access-control-allow-methods'),
    allowHeaders: getHeader(failure.response.headers, 'access-control-allow-headers'),
    method,
    failedParameter: parameter,
    location: failure.stage === 'redirect' ? (exchange.redirects[failure.hopIndex ?? 0]?.location ?? null) : null,
    tainted: failure.comparedOrigin === 'null',
    credentialsInferred: false,
    unsafeHeaderNames: unsafeNamesAsked(exchange),
    addressSpace: null,
  };
  const text = entry.fix(facts);
  // FIREFOX DEVIATION: Firefox ends a request that failed its preflight with NS_ERROR_DOM_BAD_URI
  // (FIREFOX_CORS_FAILURE_ENDING). Chromium's rules, reading that capture, see a network error: an
  // artefact of Firefox's events, not what Chromium would say. Chromium would name `rule`, so there
  // is no difference to warn of, and "a network error, not CORS" is no cause of this block.
  const chromiumReadFirefoxEnding = chromium.kind === 'network-error' && chromium.networkError === FIREFOX_CORS_FAILURE_ENDING;
  const verdict: Verdict = {
    ...chromium,
    // Chromium's cause was found for Chromium's reading; this block's is found below.
    cause: null,
    kind: 'cors-blocked',
    blocked: true,
    rule,
    failedParameter: parameter,
    stage: failure.stage,
    hopIndex: failure.hopIndex,
    networkError: null,
    title: entry.titleFor(facts),
    explanation: entry.explain(facts),
    observed: entry.observed(facts),
    specUrl: entry.specUrl,
    // What Chromium's console would print is said in the warning below; this line is Firefox's.
    chromeMessage: null,
    firefox,
    fix: {
      summary: text.summary,
      details: text.details,
      traps: text.traps,
      snippets:
        entry.serverSnippets && !facts.tainted
          ? renderFixSnippets({
              origin: pageOrigin,
              credentials: withCredentials,
              methods: [...new Set(['GET', 'POST', ...(['GET', 'HEAD', 'POST'].includes(method) ? [] : [method])])],
              headers: facts.unsafeHeaderNames.map(displayHeaderName),
              cause: fixCauseFor(rule, failure.response.status),
            })
          : [],
    },
    confidence: 'certain',
    warnings: chromiumReadFirefoxEnding ? warnings : [differs(`Firefox blocks this request (\`${failure.key}\`); ${describeChromium(chromium)}.`), ...warnings],
  };
  applyRealCauseToExchange(verdict, exchange);
  return verdict;
}

/** The header names the preflight asked for (Firefox's own unsafe list), else none. */
function unsafeNamesAsked(exchange: ObservedExchange): string[] {
  const asked = exchange.preflight ? getHeader(exchange.preflight.request.headers, 'access-control-request-headers') : null;
  if (!asked) return [];
  return asked
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
}
