/**
 * The engine's Firefox profile: `judgeExchange(exchange, { browser: 'firefox' })`. Chromium's
 * verdict is computed first (its preflight reasons, warnings and fix texts serve both browsers);
 * Firefox's own checks (checks.ts) then decide blocked or not, and the reason is named by Firefox's
 * key with its en-US console line. Where the two browsers judge the exchange differently, the
 * verdict says so in a warning (`other-browser-differs`), so a Firefox user also learns what a
 * Chromium user would meet, and the other way round.
 */
import { applyRealCauseToExchange, duplicateCorsLayerCause } from '../beyond-the-block';
import { displayHeaderName, fixCauseFor, renderFixSnippets } from '../fixes';
import { countHeaderLines, getHeader, isValidAbsoluteUrl, originOfUrl } from '../http';
import { RULES, type RuleFacts } from '../rules';
import type { CorsErrorName, HeaderList, ObservedExchange, Verdict, Warning } from '../types';
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

function differs(message: string): Warning {
  return { code: 'other-browser-differs', title: 'Chromium and Firefox judge this request differently', severity: 'medium', message };
}

function describeChromium(chromium: Verdict): string {
  if (chromium.blocked)
    return `Chromium blocks it (\`${chromium.rule}\`${chromium.failedParameter ? `, \`${chromium.failedParameter}\`` : ''}: ${chromium.title})`;
  if (chromium.kind === 'network-error') return `Chromium reports a network error${chromium.networkError ? ` (\`${chromium.networkError}\`)` : ''}`;
  return 'Chromium lets it through';
}

/**
 * Chromium's verdict on what Firefox's webRequest showed, with the outcome Chromium would have
 * reported. FIREFOX DEVIATION (in the events): Firefox ends a request it blocked for its response's
 * headers in onCompleted, and one it blocked at its preflight in NS_ERROR_DOM_BAD_URI, where
 * Chromium ends both in net::ERR_FAILED. Judged with Firefox's own ending, Chromium's verdict would
 * call a block a pass (with a model-disagreement warning) or a network error, and its cause, its
 * warnings and "what Chromium says" would be wrong; so the exchange is judged as Chromium would
 * have ended it: net::ERR_FAILED when Firefox reported its CORS error, or when it completed a
 * request Chromium's replay blocks.
 */
export function chromiumCounterpart(exchange: ObservedExchange, judgeAsChromium: (exchange: ObservedExchange) => Verdict): Verdict {
  const outcome = exchange.outcome;
  if (outcome?.kind === 'error' && outcome.error === FIREFOX_CORS_ERROR) return judgeAsChromium({ ...exchange, outcome: CHROMIUM_CORS_OUTCOME });
  const verdict = judgeAsChromium(exchange);
  if (outcome?.kind !== 'completed' || !verdict.warnings.some((warning) => warning.code === 'model-disagreement')) return verdict;
  return judgeAsChromium({ ...exchange, outcome: CHROMIUM_CORS_OUTCOME });
}

/** The error Firefox's webRequest gives a request it blocked for CORS before or instead of its response. */
const FIREFOX_CORS_ERROR = 'NS_ERROR_DOM_BAD_URI';
const CHROMIUM_CORS_OUTCOME = { kind: 'error', error: 'net::ERR_FAILED' } as const;

/** Firefox's verdict for an exchange, over Chromium's (`judgeAsChromium`), with the real cause Firefox's outcome supports. */
export function firefoxVerdict(exchange: ObservedExchange, judgeAsChromium: (exchange: ObservedExchange) => Verdict): Verdict {
  const chromium = chromiumCounterpart(exchange, judgeAsChromium);
  return withFirefoxCause(firefoxVerdictOf(exchange, chromium, judgeAsChromium), chromium, exchange);
}

/**
 * The cause (beyond-the-block.ts) as Firefox's verdict supports it; the one place a Firefox
 * verdict's cause is decided. Chromium's verdict computed one for its own reading: a pass in
 * Firefox has none, Firefox's network error for a redirect to a URL with credentials is a refused
 * redirect, not a network fault, and a block Firefox names differently from Chromium (its cause
 * cleared) gets the cause of the check that failed in Firefox. FIREFOX DEVIATION (in the events):
 * Firefox's webRequest hands two `Access-Control-Allow-Origin` lines over as one `a, b` line (see
 * checkResponseAccess), so the two layers are told from that line.
 */
function withFirefoxCause(verdict: Verdict, chromium: Verdict, exchange: ObservedExchange): Verdict {
  const { cause, ...rest } = verdict;
  const refusedRedirect = verdict.kind === 'network-error' && verdict.stage === 'redirect' && verdict.firefox?.key === 'CORSDidNotSucceed';
  if ((!verdict.blocked && verdict.kind !== 'network-error') || refusedRedirect) return cause ? rest : verdict;
  if (!verdict.blocked || cause) return verdict;
  // Chromium's own block was classified by its judge already; only a block Firefox names otherwise is classified here.
  const renamed = verdict.rule !== chromium.rule || verdict.stage !== chromium.stage;
  const classified: Verdict = { ...verdict };
  if (renamed) applyRealCauseToExchange(classified, exchange);
  if (classified.cause || verdict.firefox?.key !== 'CORSMultipleAllowOriginNotAllowed') return classified;
  const headers = failingHeaders(verdict, exchange);
  const value = getHeader(headers, 'access-control-allow-origin');
  if (value === null || countHeaderLines(headers, 'access-control-allow-origin') !== 1 || !value.includes(', ')) return classified;
  const values = value.split(', ');
  return {
    ...classified,
    cause: duplicateCorsLayerCause(
      `${values.length} \`Access-Control-Allow-Origin\` values, ${values.map((v) => `\`${v}\``).join(' and ')}, which Firefox hands to add-ons joined on one line: the response had ${values.length} lines.`,
      headers,
    ),
  };
}

/** The response headers the verdict's failure was read from. */
function failingHeaders(verdict: Verdict, exchange: ObservedExchange): HeaderList {
  if (verdict.stage === 'preflight') return exchange.preflight?.response?.headers ?? [];
  if (verdict.stage === 'redirect' && verdict.hopIndex !== null) return exchange.redirects[verdict.hopIndex]?.headers ?? [];
  return exchange.response?.headers ?? [];
}

function firefoxVerdictOf(exchange: ObservedExchange, chromium: Verdict, judgeAsChromium: (exchange: ObservedExchange) => Verdict): Verdict {
  if (chromium.kind === 'not-cors') return { ...chromium, firefox: null };
  const pageOrigin = pageOriginOf(exchange);
  const withCredentials = exchange.credentials === 'include' || chromium.credentials === 'include';
  const result = firefoxChecks(exchange, pageOrigin, withCredentials);
  const warnings = chromium.warnings.filter((warning) => warning.code !== 'other-browser-differs');

  if (result.kind === 'pass') {
    if (!chromium.blocked && chromium.kind !== 'network-error')
      return withCredentialsUnknown(exchange, { ...chromium, firefox: null }, pageOrigin, withCredentials);
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
      // A network failure: Chromium's verdict on the error Firefox reported (which names the net error and its cause) stands.
      return { ...(chromium.kind === 'network-error' ? chromium : judgeAsChromium(exchange)), firefox };
    }
    // FIREFOX DEVIATION: a redirect to a URL with credentials is a plain network error in Firefox
    // (webRequest reported NS_ERROR_UNEXPECTED or NS_ERROR_NET_ON_RECEIVING_FROM in ESR 153, from run to run).
    const networkError = exchange.outcome?.kind === 'error' ? exchange.outcome.error : FIREFOX_CORS_ERROR;
    return {
      ...chromium,
      kind: 'network-error',
      blocked: false,
      rule: null,
      failedParameter: '',
      stage: 'redirect',
      networkError,
      title: 'Redirect to a URL with credentials',
      explanation: `The redirect from \`${result.url}\` points at a URL with a user name or password (\`user:pass@\`), which a cross-origin request may not follow: Firefox fails the request as a network error (${networkError}) and its console says only "CORS request did not succeed". ${describeChromium(chromium)}.`,
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
  const verdict: Verdict = {
    ...chromium,
    // Chromium's cause was found for Chromium's reading; this block's is found by withFirefoxCause.
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
    warnings: [differs(`Firefox blocks this request (\`${failure.key}\`); ${describeChromium(chromium)}.`), ...warnings],
  };
  return verdict;
}

/**
 * A pass judged without credentials evidence. FIREFOX DEVIATION (in what an add-on can see): a
 * request Firefox blocked ends in onCompleted like one it let through, so unlike Chromium's, the
 * outcome cannot reveal a credentialed request: the pass holds only under the credentials mode
 * assumed. When the same response would fail a credentialed request, the verdict is inferred
 * and says what Firefox would have said, unless the headers show the request was uncredentialed.
 */
function withCredentialsUnknown(exchange: ObservedExchange, verdict: Verdict, pageOrigin: string, withCredentials: boolean): Verdict {
  if (withCredentials || exchange.credentials !== undefined || shownUncredentialed(exchange)) return verdict;
  const credentialed = firefoxChecks(exchange, pageOrigin, true);
  if (credentialed.kind !== 'blocked') return verdict;
  const { key, url, params } = credentialed.failure;
  return {
    ...verdict,
    confidence: 'inferred',
    credentials: 'unknown',
    explanation: `${verdict.explanation} That holds if it was sent without credentials; had it been credentialed, Firefox blocked it (\`${key}\`).`,
    evidence: [
      ...verdict.evidence,
      `No \`Cookie\` or \`Sec-Fetch-Storage-Access\` header shows the credentials mode, and Firefox ends a blocked request in onCompleted like one it let through, so the verdict assumes the request was sent without credentials. Had it been sent with credentials (\`credentials: 'include'\`, \`withCredentials = true\`), Firefox would have blocked it: ${firefoxBlockMessage(key, url, params)}`,
    ],
  };
}

/**
 * Whether the headers show a request was sent without credentials: Firefox sends
 * `Sec-Fetch-Storage-Access` on a credentialed cross-site request (Fetch Metadata; measured on
 * Firefox ESR 153, docs/firefox.md), so a cross-site request that did not redirect and sent neither
 * it nor `Cookie` was not credentialed. After a redirect the headers seen are the last URL's, whose
 * Origin may be `null`, and Firefox sends neither there.
 */
function shownUncredentialed(exchange: ObservedExchange): boolean {
  const headers = exchange.request.headers;
  if (!headers || exchange.redirects.length > 0) return false;
  const site = getHeader(headers, 'sec-fetch-site');
  return (
    site !== null &&
    site.trim().toLowerCase() === 'cross-site' &&
    getHeader(headers, 'sec-fetch-storage-access') === null &&
    getHeader(headers, 'cookie') === null
  );
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
