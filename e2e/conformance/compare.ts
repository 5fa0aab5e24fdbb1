/**
 * Per-request comparison of three verdicts: what the scenario was designed to get, what Chromium
 * said (the oracle), and what CORS Doctor reported.
 */
import type { Verdict } from '../../src/engine/types';
import type { ChromiumIssue, ChromiumRequest } from './chromium-oracle';
import type { Expectation, PageRequest, Scenario } from './scenario';

export type Outcome = 'pass' | 'cors' | 'network-error';

export interface ChromiumVerdict {
  outcome: Outcome;
  rule: string | null;
  failedParameter: string;
  errorText: string | null;
  /** Where it came from: a network request, or only an Audits issue (rejected before the network). */
  source: 'network' | 'issue';
}

export interface ExtensionVerdict {
  kind: Verdict['kind'];
  blocked: boolean;
  rule: string | null;
  failedParameter: string;
  networkError: string | null;
}

/**
 * A scenario (or some of its fields) CORS Doctor cannot observe. Without `fields` the whole
 * scenario is left out of the comparison; with them, only those fields are.
 */
export interface Exclusion {
  scenarios: string[];
  fields?: Array<'failedParameter' | 'kind'>;
  reason: string;
}

export interface StepComparison {
  scenario: Scenario;
  step: number;
  expected: Expectation;
  /** Null when Chromium reported nothing for this request. */
  chromium: ChromiumVerdict | null;
  /** Null when CORS Doctor's report has no entry for it. */
  extension: ExtensionVerdict | null;
  /** The exchange as CORS Doctor captured it, for disagreement reports. */
  captured: unknown;
  exclusion: Exclusion | null;
  /** Chromium's verdict differs from the scenario's design: the generator is wrong. */
  generatorMismatch: string | null;
  /** Fields where CORS Doctor differs from Chromium (empty when they agree). */
  disagreements: string[];
}

const RENDERER_CANCELLED = 'net::ERR_ABORTED';

export function chromiumVerdictOf(request: ChromiumRequest | undefined, issues: readonly ChromiumIssue[]): ChromiumVerdict | null {
  if (!request || !request.settled) {
    const issue = issues[0];
    if (!request && issue) return { outcome: 'cors', rule: issue.corsError, failedParameter: issue.failedParameter, errorText: null, source: 'issue' };
    return null;
  }
  if (request.corsError) {
    return { outcome: 'cors', rule: request.corsError, failedParameter: request.failedParameter ?? '', errorText: request.errorText, source: 'network' };
  }
  // The renderer cancels an opaque (no-cors) or opaque-redirect response it has no use for:
  // Chromium reports net::ERR_ABORTED after the exchange completed. Not a failure of the request.
  if (request.errorText === RENDERER_CANCELLED) return { outcome: 'pass', rule: null, failedParameter: '', errorText: request.errorText, source: 'network' };
  if (request.errorText) return { outcome: 'network-error', rule: null, failedParameter: '', errorText: request.errorText, source: 'network' };
  return { outcome: 'pass', rule: null, failedParameter: '', errorText: null, source: 'network' };
}

export function extensionVerdictOf(verdict: Verdict): ExtensionVerdict {
  return {
    kind: verdict.kind,
    blocked: verdict.blocked,
    rule: verdict.rule,
    failedParameter: verdict.failedParameter ?? '',
    networkError: verdict.networkError,
  };
}

export function describeChromium(verdict: ChromiumVerdict | null): string {
  if (!verdict) return 'nothing';
  if (verdict.outcome === 'cors') return verdict.failedParameter ? `${verdict.rule} (${verdict.failedParameter})` : `${verdict.rule}`;
  if (verdict.outcome === 'network-error') return `network error ${verdict.errorText}`;
  return 'pass';
}

export function describeExtension(verdict: ExtensionVerdict | null): string {
  if (!verdict) return 'no entry';
  const rule = verdict.rule ? (verdict.failedParameter ? `${verdict.rule} (${verdict.failedParameter})` : verdict.rule) : 'no rule';
  return `${verdict.kind}, blocked=${verdict.blocked}, ${rule}${verdict.networkError ? `, ${verdict.networkError}` : ''}`;
}

/** Chromium against the scenario's design. */
export function generatorMismatch(expected: Expectation, chromium: ChromiumVerdict | null): string | null {
  if (!chromium) return 'Chromium reported nothing';
  if (expected.outcome !== chromium.outcome) return `designed for ${expected.outcome}, Chromium: ${describeChromium(chromium)}`;
  if (expected.outcome === 'cors' && (expected.rule !== chromium.rule || expected.failedParameter !== chromium.failedParameter)) {
    return `designed for ${expected.rule} (${JSON.stringify(expected.failedParameter)}), Chromium: ${chromium.rule} (${JSON.stringify(chromium.failedParameter)})`;
  }
  return null;
}

/**
 * CORS Doctor against Chromium: blocked or not, the rule and failedParameter must be equal, and a
 * request Chromium did not block by CORS must not be called a CORS block (a network error must be
 * a network error, a pass a pass or not-CORS).
 */
export function extensionDisagreements(chromium: ChromiumVerdict, extension: ExtensionVerdict, exclusion: Exclusion | null = null): string[] {
  const fields: string[] = [];
  const blocked = chromium.outcome === 'cors';
  if (extension.blocked !== blocked) fields.push('blocked');
  if ((extension.rule ?? null) !== (chromium.rule ?? null)) fields.push('rule');
  const parameterExcluded = exclusion?.fields?.includes('failedParameter') ?? false;
  if (!parameterExcluded && extension.failedParameter !== chromium.failedParameter) fields.push('failedParameter');
  const kindAgrees =
    chromium.outcome === 'cors'
      ? extension.kind === 'cors-blocked'
      : chromium.outcome === 'network-error'
        ? extension.kind === 'network-error'
        : extension.kind === 'passed' || extension.kind === 'not-cors';
  if (!kindAgrees && !(exclusion?.fields?.includes('kind') ?? false)) fields.push('kind');
  return fields;
}

export function findExclusion(exclusions: readonly Exclusion[], scenarioId: string): Exclusion | null {
  return exclusions.find((exclusion) => exclusion.scenarios.includes(scenarioId)) ?? null;
}

/** Whether the exclusion takes the whole scenario out of the comparison. */
export function excludesScenario(exclusion: Exclusion | null): boolean {
  return exclusion !== null && !exclusion.fields?.length;
}

/**
 * CORS Doctor records only CORS-mode requests (no-cors, classic scripts, images and stylesheets
 * without `crossorigin` are never CORS-checked): for those, no entry is its verdict "not CORS".
 */
export function isCorsModeRequest(request: PageRequest): boolean {
  switch (request.kind) {
    case 'fetch':
      return request.mode !== 'no-cors';
    case 'xhr':
    case 'font':
      return true;
    case 'script':
      return request.module || request.crossOrigin !== null;
    case 'image':
    case 'stylesheet':
      return request.crossOrigin !== null;
  }
}

export const NOT_RECORDED_BY_DESIGN: ExtensionVerdict = { kind: 'not-cors', blocked: false, rule: null, failedParameter: '', networkError: null };

/** The row a request counts under: Chromium's rule, or "pass" / "network error". */
export function chromiumBucket(verdict: ChromiumVerdict | null): string {
  if (!verdict) return 'unseen by Chromium';
  if (verdict.outcome === 'cors') return verdict.rule ?? 'cors';
  return verdict.outcome === 'pass' ? 'pass' : 'network error';
}
