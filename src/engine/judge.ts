/**
 * Judging one observed exchange: replays Chromium's CORS pipeline (preflight, each redirect hop,
 * the final response) over what webRequest showed, under the credentials modes the evidence
 * allows, and turns the first failing check into a Verdict that names the rule as Chromium does.
 *
 * The modules, in the order a verdict is made (docs/engine.md):
 *   clean-exchange.ts     input hygiene: every field of the observed exchange gets its type
 *   request-evidence.ts   what the request headers say: mode, credentials, CORS-unsafe names
 *   replay/               the Fetch algorithms over the observation: main fetch, HTTP fetch,
 *                         HTTP-redirect fetch, CORS-preflight fetch (the CORS check is chromium.ts)
 *   preflight-reasons.ts  why a preflight was needed, in words
 *   verdicts.ts           one builder per kind of verdict
 *   passed-hazards.ts     warnings on a request that passed
 *   beyond-the-block.ts   the real cause, client alternatives, preflight-cache notes
 */
import type { EngineOptions } from './chromium';
import { type CleanExchange, cleanExchange } from './clean-exchange';
import { type CredentialsMode, isCorsSafelistedMethod } from './fetch-spec';
import { hazard } from './hazards';
import { combinedHeaderValue, EMPTY_HEADERS } from './headers';
import { originOfUrl } from './http';
import { type JudgeContext, preflightRequestedMethod } from './judge-context';
import { LOCAL_NETWORK_ERRORS, isLocalAddressUrl } from './local-network';
import { explainNetworkError } from './network-errors';
import { passedRequestHazards } from './passed-hazards';
import { preflightReasonsFor } from './preflight-reasons';
import { replayFetch } from './replay/main-fetch';
import {
  credentialsBeforeRedirectEvidence,
  KNOWN_INCLUDE_EVIDENCE,
  type RequestHeaderScan,
  type RequestModeEvidence,
  scanRequestHeaders,
  unsafeHeaderNamesFor,
} from './request-evidence';
import { beyondTheBlock, type PreflightCacheModel } from './beyond-the-block';
import type { ObservedExchange, PreflightReason, Verdict } from './types';
import {
  baseVerdict,
  corsVerdict,
  invalidLocalNetworkVerdict,
  localNetworkVerdict,
  networkVerdict,
  notCorsVerdict,
  unexplainedFailure,
  withReasons,
} from './verdicts';

// The engine index re-exports these from here.
export { requestModeFromHeaders, type RequestModeEvidence } from './request-evidence';
export { preflightReasonsFor } from './preflight-reasons';

/** Judges one exchange as Chromium does. May throw on an internal error: judgeExchange catches. */
export function judgeExchangeUnsafe(input: ObservedExchange, options: EngineOptions, preflightCache?: PreflightCacheModel): Verdict {
  const ex = cleanExchange(input);
  const verdict = judgeAsChromium(ex, options);
  beyondTheBlock(verdict, ex, preflightCache);
  return verdict;
}

/** What the judge has learned of one CORS exchange before it reads the outcome. */
interface Judging {
  ctx: JudgeContext;
  scan: RequestHeaderScan | null;
  /** Evidence gathered so far; the verdict's list. */
  evidence: string[];
  preflightReasons: PreflightReason[];
  /** A preflight was needed and none was observed. */
  preflightFromCache: boolean;
  /** The evidence that the request was credentialed, or null. */
  seenCredentials: string | null;
}

/**
 * Whether the final response passes the CORS checks, replayed in the credentials mode the request's
 * headers show ("omit" without evidence), before the browser has said how the request ended. The
 * worker asks at a response whether its end event will repeat it (a passing one is followed by
 * onCompleted); a verdict needs the outcome, which reads a failed check the other way.
 */
export function responsePassesCorsChecks(input: ObservedExchange, options: EngineOptions): boolean {
  const judging = judgingOf(cleanExchange(input), options);
  // Not a CORS request: no check to fail.
  if (!('ctx' in judging)) return true;
  return replayFetch(judging.ctx, judging.seenCredentials ? 'include' : 'omit').kind === 'pass';
}

function judgeAsChromium(ex: CleanExchange, options: EngineOptions): Verdict {
  const judging = judgingOf(ex, options);
  if (!('ctx' in judging)) return judging;
  const requestHeaders = ex.headers;
  const error = ex.error;

  if (error === 'net::ERR_ABORTED' && ex.redirects.length > 0 && ex.response === null) {
    const stopped = stoppedAtRedirectVerdict(judging);
    if (stopped !== null) return stopped;
  }
  const preflightError = ex.preflight && ex.preflight.response === null ? ex.preflight.error : null;
  if (
    error === 'net::ERR_FAILED' &&
    preflightError !== null &&
    (LOCAL_NETWORK_ERRORS.has(preflightError) ||
      // A partial exchange may lack its request headers only because their event was lost.
      (preflightError === 'net::ERR_FAILED' && requestHeaders === null && !ex.partial && isLocalAddressUrl(ex.preflight!.url)))
  ) {
    return preflightLocalNetworkVerdict(judging, preflightError);
  }
  if (error !== null && error !== 'net::ERR_FAILED') return judgeNetworkError(judging, error);
  if (error === 'net::ERR_FAILED') return judgeBlocked(judging);
  return judgeCompleted(judging);
}

/**
 * What the judge learns of an exchange before it reads the outcome: the page's origin, the URL
 * list, the mode, the preflight's reasons and the credentials evidence; or the verdict of an
 * exchange no CORS check applies to (a navigation, a same-origin or no-cors request).
 */
function judgingOf(ex: CleanExchange, options: EngineOptions): Judging | Verdict {
  const evidence: string[] = [];

  if (ex.type === 'main_frame' || ex.type === 'sub_frame') {
    return notCorsVerdict({
      title: 'Navigation (not CORS)',
      explanation: 'Navigations load documents; CORS does not apply to them.',
      evidence: [`webRequest type \`${ex.type}\`.`],
      confidence: 'certain',
      error: ex.error,
    });
  }
  const requestHeaders = ex.headers;
  const pageOrigin =
    ex.initiator ??
    (ex.preflight ? combinedHeaderValue(ex.preflight.requestHeaders, 'origin') : null) ??
    (requestHeaders ? combinedHeaderValue(requestHeaders, 'origin') : null) ??
    'null';
  const scan = requestHeaders ? scanRequestHeaders(requestHeaders, ex.method, ex.preflight === null) : null;
  // Without the request's headers there is no mode evidence: judge it as a CORS request, the only
  // kind whose failure needs explaining (a preflight, when observed, says it was one).
  const mode: RequestModeEvidence = scan ? scan.mode : 'cors';

  const urls: string[] = [ex.url];
  const origins: string[] = [originOfUrl(ex.url)];
  for (const hop of ex.redirects) {
    urls.push(hop.location);
    origins.push(originOfUrl(hop.location));
  }
  let crossOrigin = false;
  for (const origin of origins) if (origin !== pageOrigin) crossOrigin = true;

  if (!crossOrigin) {
    return notCorsVerdict({
      title: 'Same-origin request (not CORS)',
      explanation: `The request stayed on the page's origin \`${pageOrigin}\`, so no CORS check applies.`,
      evidence: [`Initiator \`${pageOrigin}\`, URL \`${ex.url}\`.`],
      confidence: 'certain',
      error: ex.error,
    });
  }
  if (mode === 'no-cors' || mode === 'navigate' || mode === 'websocket') return notCorsModeVerdict(ex, mode);

  const unsafeNames = unsafeHeaderNamesFor(ex, scan);
  let preflightIndex = 0;
  if (ex.preflight) {
    const at = urls.lastIndexOf(ex.preflight.url);
    preflightIndex = at >= 0 ? at : 0;
  }
  const ctx: JudgeContext = { ex, pageOrigin, urls, origins, mode, method: ex.method, unsafeNames, preflightIndex, options, responseCors: null };

  const needsPreflight = !isCorsSafelistedMethod(ex.method) || unsafeNames.length > 0;
  const preflightFromCache = !ex.preflight && needsPreflight && requestHeaders !== null;
  const acrhNames = ex.preflight ? unsafeNames : null;
  const preflightReasons =
    ex.preflight || needsPreflight ? preflightReasonsFor(preflightRequestedMethod(ctx), requestHeaders, acrhNames, ex.preflight !== null) : [];
  if (preflightFromCache) evidence.push('No preflight was observed although one was needed: it was served from the preflight cache.');

  // A stated credentials mode wins over the Cookie evidence: no guessing is needed.
  const seenCredentials =
    ex.knownCredentials === 'include'
      ? KNOWN_INCLUDE_EVIDENCE
      : ex.knownCredentials !== null
        ? null
        : ((scan ? scan.credentials : null) ??
          (ex.credentialsBeforeRedirect
            ? credentialsBeforeRedirectEvidence(ex.credentialsBeforeRedirect, urls[ex.credentialsBeforeRedirect.urlIndex]!)
            : null));
  return { ctx, scan, evidence, preflightReasons, preflightFromCache, seenCredentials };
}

/** A no-cors request, a navigation or a WebSocket handshake: the browser applies no CORS check. */
function notCorsModeVerdict(ex: CleanExchange, mode: 'no-cors' | 'navigate' | 'websocket'): Verdict {
  const requestHeaders = ex.headers;
  const why =
    mode === 'no-cors'
      ? "It was a `no-cors` request (a plain `<img>`, `<script>`, `<link>` or `fetch(…, {mode: 'no-cors'})`): the browser does not apply CORS, and scripts get an opaque response (status 0, no body) instead of an error."
      : mode === 'navigate'
        ? 'It was a navigation; CORS does not apply.'
        : 'WebSocket handshakes are not subject to CORS; servers must check `Origin` themselves.';
  const modeEvidence =
    requestHeaders && combinedHeaderValue(requestHeaders, 'sec-fetch-mode') !== null
      ? `\`Sec-Fetch-Mode: ${combinedHeaderValue(requestHeaders, 'sec-fetch-mode')}\`.`
      : 'No `Origin` header on a GET/HEAD request: CORS requests always carry one.';
  // The renderer cancels an opaque response it has no use for: net::ERR_ABORTED after a response is not a failure.
  const cancelledOpaque = mode === 'no-cors' && ex.error === 'net::ERR_ABORTED' && ex.response !== null;
  const verdict = notCorsVerdict({
    title: 'Not a CORS request',
    explanation: why,
    evidence: [modeEvidence],
    confidence: combinedHeaderValue(requestHeaders ?? EMPTY_HEADERS, 'sec-fetch-mode') !== null ? 'certain' : 'inferred',
    error: cancelledOpaque ? null : ex.error,
  });
  if (
    mode === 'no-cors' &&
    ex.type === 'xmlhttprequest' &&
    (ex.error === null || cancelledOpaque) &&
    combinedHeaderValue(requestHeaders ?? EMPTY_HEADERS, 'sec-fetch-mode') !== null
  ) {
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

/**
 * fetch(url, { redirect: 'manual' }) stops at the first redirect: the page receives an
 * opaque-redirect response and Chromium cancels the load, so webRequest ends it with
 * net::ERR_ABORTED right after a 3xx whose CORS check passed. That is not a failure.
 * Returns null when the replay fails before that point (then the abort is judged as an error).
 */
function stoppedAtRedirectVerdict({ ctx, evidence, preflightReasons, seenCredentials }: Judging): Verdict | null {
  const { ex } = ctx;
  const credentials: CredentialsMode = seenCredentials ? 'include' : 'omit';
  const result = replayFetch(ctx, credentials);
  if (result.kind !== 'pass') return null;
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
    "The redirect passed the CORS checks, and the browser stopped there instead of following it: the page asked for `redirect: 'manual'` (it receives an opaque-redirect response) or `redirect: 'error'` (fetch rejects with a TypeError), or cancelled the request at that moment. None of these is a CORS failure; to follow the redirect, use the default `redirect: 'follow'`.";
  verdict.specUrl = 'https://fetch.spec.whatwg.org/#concept-http-fetch';
  return verdict;
}

/**
 * The preflight itself hit the Local Network Access check at connection time: it went out and
 * no answer came (Chromium 156 reports the OPTIONS to webRequest with net::ERR_FAILED, or the
 * LNA error in other builds), so the request itself was never sent.
 */
function preflightLocalNetworkVerdict({ ctx, preflightReasons }: Judging, preflightError: string): Verdict {
  const preflight = ctx.ex.preflight!;
  const verdict = localNetworkVerdict(ctx, preflightError);
  verdict.stage = 'preflight';
  if (!LOCAL_NETWORK_ERRORS.has(preflightError)) {
    verdict.evidence.unshift(
      `The preflight to the local address \`${originOfUrl(preflight.url)}\` went out and got no answer, and both it and the request failed with \`net::ERR_FAILED\`: the Local Network Access check refused the connection. (Had the page set a \`targetAddressSpace\` that does not match, Chromium would say \`InvalidLocalNetworkAccess\`; extensions cannot see the option.)`,
    );
    verdict.evidence.splice(1, 1);
  }
  return withReasons(verdict, preflightReasons);
}

/** A net error other than net::ERR_FAILED: the network's, or Local Network Access's. */
function judgeNetworkError({ ctx, preflightReasons, seenCredentials }: Judging, error: string): Verdict {
  const { ex } = ctx;
  if (LOCAL_NETWORK_ERRORS.has(error)) {
    const credentials: CredentialsMode = seenCredentials ? 'include' : 'omit';
    const pnaReplay = ex.preflight ? replayFetch(ctx, credentials) : null;
    if (pnaReplay && pnaReplay.kind === 'cors') {
      const verdict = corsVerdict({
        ctx,
        failure: pnaReplay,
        credentials,
        credentialsInferred: false,
        evidence: [`The request ended with \`${error}\`.`],
        confidence: 'certain',
      });
      return withReasons(verdict, preflightReasons);
    }
    return withReasons(localNetworkVerdict(ctx, error), preflightReasons);
  }
  const preflightFailed = ex.preflight !== null && ex.preflight.response === null && ex.preflight.error !== null;
  const verdict = networkVerdict({
    error,
    stage: preflightFailed ? 'preflight' : ex.response ? 'response' : 'request',
    explanation: `${preflightFailed ? 'The preflight (OPTIONS) failed at the network level, so the request was never sent. ' : ''}${explainNetworkError(error)} This is a network failure, not a CORS rule: fix connectivity or the server first; CORS headers cannot help.`,
    evidence: [`webRequest reported \`${error}\`; Chromium reports CORS blocks as \`net::ERR_FAILED\`.`],
    confidence: 'certain',
  });
  verdict.preflightReasons = preflightReasons;
  verdict.credentials = seenCredentials ? 'include' : 'unknown';
  return verdict;
}

/**
 * net::ERR_FAILED, Chromium's error for a CORS block: find the check that failed. When no header
 * shows the credentials mode, replay under both and say which one the verdict assumed.
 */
function judgeBlocked({ ctx, evidence, preflightReasons, seenCredentials }: Judging): Verdict {
  const { ex } = ctx;
  if (ex.response === null && ex.headers !== null && !ex.preflight && ex.redirects.length === 0 && !ex.partial && isLocalAddressUrl(ex.url)) {
    // The request went out and no response came back, yet Chromium failed it as a CORS block:
    // nothing was there to check. To a local address that is the Local Network Access check at
    // connection time, whose other outcomes have their own net error: a targetAddressSpace mismatch.
    // Not so for a partial exchange: its response may have come and its event been lost.
    return withReasons(invalidLocalNetworkVerdict(ctx), preflightReasons);
  }
  const preflightNetworkError = (networkError: string): Verdict =>
    withReasons(
      networkVerdict({ error: networkError, stage: 'preflight', explanation: explainNetworkError(networkError), evidence, confidence: 'certain' }),
      preflightReasons,
    );
  if (seenCredentials) {
    evidence.push(seenCredentials);
    const result = replayFetch(ctx, 'include');
    if (result.kind === 'cors') {
      return withReasons(
        corsVerdict({ ctx, failure: result, credentials: 'include', credentialsInferred: false, evidence, confidence: 'certain' }),
        preflightReasons,
      );
    }
    if (result.kind === 'network') return preflightNetworkError(result.error);
    return withReasons(unexplainedFailure(result, evidence, 'include', ex.partial), preflightReasons);
  }
  const omitted = replayFetch(ctx, 'omit');
  if (omitted.kind === 'network') return preflightNetworkError(omitted.error);
  if (ex.knownCredentials !== null) {
    // Stated omit or same-origin: the include alternative is not a possibility to weigh.
    if (omitted.kind === 'cors') {
      return withReasons(
        corsVerdict({ ctx, failure: omitted, credentials: 'omit', credentialsInferred: false, evidence, confidence: 'certain' }),
        preflightReasons,
      );
    }
    return withReasons(unexplainedFailure(omitted, evidence, 'omit-or-same-origin', ex.partial), preflightReasons);
  }
  const included = replayFetch(ctx, 'include');
  if (omitted.kind === 'cors') {
    const same =
      included.kind === 'cors' && included.status.corsError === omitted.status.corsError && included.status.failedParameter === omitted.status.failedParameter;
    if (!same) {
      evidence.push(
        'No `Cookie` or `Sec-Fetch-Storage-Access` header was seen, so the engine assumed the default credentials mode (not include).' +
          (included.kind === 'cors' ? ` Had the request been credentialed, Chromium would have reported \`${included.status.corsError}\` instead.` : ''),
      );
    }
    const verdict = corsVerdict({
      ctx,
      failure: omitted,
      credentials: 'omit',
      credentialsInferred: false,
      evidence,
      confidence: same ? 'certain' : 'inferred',
    });
    verdict.credentials = same ? 'unknown' : 'omit-or-same-origin';
    return withReasons(verdict, preflightReasons);
  }
  // A partial exchange without its response passes "without credentials" only because the response
  // that failed was never seen: that is no evidence of credentials.
  if (included.kind === 'cors' && !(ex.partial && ex.response === null)) {
    evidence.push(
      "The browser failed the request although it passes every CORS check without credentials, so it must have been credentialed (`credentials: 'include'` or `withCredentials = true`); no `Cookie` header was sent because the browser had none for that site.",
    );
    return withReasons(
      corsVerdict({ ctx, failure: included, credentials: 'include', credentialsInferred: true, evidence, confidence: 'inferred' }),
      preflightReasons,
    );
  }
  return withReasons(unexplainedFailure(omitted, evidence, 'unknown', ex.partial), preflightReasons);
}

/** Completed: the browser let it through. Say so, and warn about what may still break. */
function judgeCompleted({ ctx, scan, evidence, preflightReasons, preflightFromCache, seenCredentials }: Judging): Verdict {
  const { ex } = ctx;
  const credentials: CredentialsMode = seenCredentials ? 'include' : 'omit';
  const result = replayFetch(ctx, credentials);
  const verdict = baseVerdict('passed');
  verdict.preflightReasons = preflightReasons;
  verdict.evidence = evidence;
  if (seenCredentials) evidence.push(seenCredentials);
  const finalStatus = ex.response ? ex.response.status : null;
  if (result.kind === 'cors') {
    if (combinedHeaderValue(ex.headers ?? EMPTY_HEADERS, 'sec-fetch-mode') === null) {
      return notCorsVerdict({
        title: 'Not a CORS request (inferred)',
        explanation:
          "The browser completed this request although its CORS headers would fail a CORS-mode request, so it was most likely a no-cors request (a form post, a plain `<img>`/`<script>`, or `mode: 'no-cors'`).",
        evidence: ['No `Sec-Fetch-Mode` header was visible (plain-http target).'],
        confidence: 'inferred',
        error: null,
      });
    }
    verdict.confidence = 'inferred';
    verdict.warnings.push(
      hazard(
        'model-disagreement',
        `Chromium completed this request, but the engine's replay of its checks predicts \`${result.status.corsError}\`. The exchange may be incomplete (a header not visible to the extension).`,
      ),
    );
  }
  verdict.credentials = seenCredentials
    ? 'include'
    : ex.knownCredentials !== null || replayFetch(ctx, 'include').kind === 'cors'
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
  passedRequestHazards(verdict.warnings, ctx, scan, result.kind === 'pass' && result.authorizationViaWildcard);
  return verdict;
}
