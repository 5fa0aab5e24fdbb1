/**
 * Verdict assembly: each kind of verdict the judge gives (blocked by a CORS rule, blocked by Local
 * Network Access, a network error, not CORS), built from one record so every field is set once.
 */
import type { CredentialsMode } from './fetch-spec';
import { displayHeaderName, fixCauseFor, renderFixSnippets } from './fixes';
import { asciiLowercase, combinedHeaderValue, countHeaderLines } from './headers';
import { isPotentiallyTrustworthyOrigin, originOfUrl } from './http';
import { type JudgeContext, preflightRequestedMethod } from './judge-context';
import { explainNetworkError } from './network-errors';
import type { Failure, Pass } from './replay/outcome';
import { RULES, chromeConsoleMessage, firefoxConsoleMessage, type RuleFacts } from './rules';
import type { CorsErrorName, PreflightReason, Stage, Verdict } from './types';

export function baseVerdict(kind: Verdict['kind']): Verdict {
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

export interface CorsVerdictParams {
  ctx: JudgeContext;
  /** The replay's failing check. */
  failure: Failure;
  /** The credentials mode the failing replay ran under. */
  credentials: CredentialsMode;
  /** The mode was inferred from the failure itself (no header showed it). */
  credentialsInferred: boolean;
  evidence: string[];
  confidence: Verdict['confidence'];
}

/** A request a CORS rule blocked: the rule's title, explanation, console message and fix. */
export function corsVerdict({ ctx, failure, credentials, credentialsInferred, evidence, confidence }: CorsVerdictParams): Verdict {
  const { ex } = ctx;
  const name: CorsErrorName = failure.status.corsError;
  const rule = RULES[name];
  const headers = failure.headers;
  const allowOrigin = combinedHeaderValue(headers, 'access-control-allow-origin');
  const facts: RuleFacts = {
    pageOrigin: ctx.pageOrigin,
    comparedOrigin: failure.comparedOrigin,
    url: failure.url,
    firstUrl: ex.url,
    type: ex.type,
    status: failure.responseStatus,
    allowOrigin,
    allowOriginLines: countHeaderLines(headers, 'access-control-allow-origin'),
    allowCredentials: combinedHeaderValue(headers, 'access-control-allow-credentials'),
    allowMethods: combinedHeaderValue(headers, 'access-control-allow-methods'),
    allowHeaders: combinedHeaderValue(headers, 'access-control-allow-headers'),
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
  // the target. (Chromium 156 through a CDP session, Log.entryAdded; docs/chromium-behaviour.md.)
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
    snippets:
      rule.serverSnippets && !failure.tainted
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

export interface NetworkVerdictParams {
  /** The net error the browser reported. */
  error: string;
  stage: Stage | null;
  explanation: string;
  evidence: string[];
  confidence: Verdict['confidence'];
}

/** A request that failed, but not by a CORS rule the engine can name. */
export function networkVerdict({ error, stage, explanation, evidence, confidence }: NetworkVerdictParams): Verdict {
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

/** A request Chromium's Local Network Access check refused (its net error says so). */
export function localNetworkVerdict(ctx: JudgeContext, error: string): Verdict {
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
    secure
      ? `The page \`${ctx.pageOrigin}\` is a secure context, so the missing piece is the user's permission.`
      : `The page \`${ctx.pageOrigin}\` is not a secure context.`,
  ];
  const fixText = rule.fix(facts);
  verdict.fix = { summary: fixText.summary, details: fixText.details, traps: fixText.traps, snippets: [] };
  return verdict;
}

function minimalFacts(ctx: JudgeContext, url: string): RuleFacts {
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

export interface NotCorsVerdictParams {
  title: string;
  explanation: string;
  evidence: string[];
  confidence: Verdict['confidence'];
  /** The net error the request ended with, if any: it is explained after the explanation. */
  error: string | null;
}

/** A request CORS does not apply to (same-origin, no-cors, a navigation, a WebSocket). */
export function notCorsVerdict({ title, explanation, evidence, confidence, error }: NotCorsVerdictParams): Verdict {
  const verdict = baseVerdict('not-cors');
  verdict.title = title;
  verdict.explanation = error ? `${explanation} It failed with \`${error}\`: ${explainNetworkError(error)}` : explanation;
  verdict.evidence = evidence;
  verdict.confidence = confidence;
  verdict.networkError = error;
  return verdict;
}

/** The CORS-unsafe names an `Access-Control-Allow-Headers` value does not list (case-insensitively). */
function headersNotAllowed(unsafeNames: readonly string[], allowHeaders: string | null): string[] {
  const allowed = new Set((allowHeaders ?? '').split(',').map((name) => asciiLowercase(name.trim())));
  return unsafeNames.filter((name) => !allowed.has(name));
}

export function withReasons(verdict: Verdict, reasons: PreflightReason[]): Verdict {
  verdict.preflightReasons = reasons;
  return verdict;
}

/** net::ERR_FAILED although every replayed check passes: the engine does not invent a rule. */
export function unexplainedFailure(result: Pass, evidence: string[], credentials: Verdict['credentials'], partial = false): Verdict {
  const observedNothing = !result.checkedSomething;
  const explanation = partial
    ? `The browser failed the request (\`net::ERR_FAILED\`, its error for a CORS block), but CORS Doctor did not see every event of it: the browser stopped the extension's service worker while the request ran, and discarded the events it sent meanwhile. What the extension saw passes every CORS check, so the check that failed was in what was lost and cannot be named. Reload the page to diagnose the request.`
    : observedNothing
      ? 'The browser failed the request (`net::ERR_FAILED`) before any response the extension could check arrived. The cause is not visible to extensions: possibly a block by another extension or an ad blocker, Content Security Policy, mixed content, or a CORS rule on a response webRequest did not report.'
      : 'The browser failed the request (`net::ERR_FAILED`), but every CORS check the engine can replay passes under every credentials mode. No CORS rule can be named from what extensions see; likely causes: another extension or an ad blocker, Content Security Policy, mixed content, a Private/Local Network Access block, or a cached preflight the server has since changed.';
  const verdict = networkVerdict({
    error: 'net::ERR_FAILED',
    stage: null,
    explanation,
    evidence: [
      ...evidence,
      ...(partial ? ["Some of the request's events never reached the extension (the entry is partial)."] : []),
      'Every replayed CORS check passed; the engine does not invent a rule.',
    ],
    confidence: 'inferred',
  });
  verdict.credentials = credentials;
  return verdict;
}

/** A request to a local address that went out and got no answer, failed as a CORS-class block. */
export function invalidLocalNetworkVerdict(ctx: JudgeContext): Verdict {
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
