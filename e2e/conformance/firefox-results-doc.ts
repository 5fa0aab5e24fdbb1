/**
 * The Firefox results behind docs/conformance.md's Firefox columns. The Firefox conformance suite
 * (firefox-conformance.e2e.ts, whole corpus with CORS_DOCTOR_FIREFOX_CORPUS=full) records, per
 * request, Firefox's console verdict and the add-on's verdict in firefox-results.json; the Chromium
 * suite's results doc (results-doc.ts) reads that file and firefox-exclusions.ts, so the doc is
 * regenerated on every `npm test` and an exclusion's reason is written in one place only.
 * Deterministic: no dates, no ports, requests in corpus order.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FirefoxVerdict } from './firefox-oracle';
import type { Scenario } from './scenario';

export const FIREFOX_RESULTS_PATH = join(import.meta.dirname, 'firefox-results.json');

/** The add-on's verdict in Firefox's terms; outcome null when its report has no entry. */
export interface AddonFirefoxVerdict {
  outcome: FirefoxVerdict['outcome'] | 'not-cors' | null;
  key: string | null;
}

/** One request of the recorded Firefox run. */
export interface FirefoxRequestResult {
  scenario: string;
  step: number;
  firefox: Pick<FirefoxVerdict, 'outcome' | 'key'>;
  addon: AddonFirefoxVerdict;
}

export interface FirefoxResults {
  firefoxVersion: string;
  /** The corpus seed (generator.ts): the Chromium suite only uses results of the same corpus. */
  seed: number;
  requests: FirefoxRequestResult[];
}

/** A request of a Firefox run, as the suite compares it. */
export interface FirefoxComparison {
  scenario: Scenario;
  step: number;
  firefox: FirefoxVerdict;
  addon: AddonFirefoxVerdict;
  /** Why Firefox's console cannot judge it (or misreports it), when left out (firefox-exclusions.ts). */
  exclusion: string | null;
  captured: unknown;
}

/** Same class (blocked by CORS / network error / passed) and, where Firefox names one, the same key. */
export function agreesWithFirefox(result: Pick<FirefoxRequestResult, 'firefox' | 'addon'>): boolean {
  const addon = result.addon.outcome === 'not-cors' ? 'pass' : result.addon.outcome;
  if (addon !== result.firefox.outcome) return false;
  return result.firefox.outcome !== 'cors' || result.addon.key === result.firefox.key;
}

export function firefoxResultsOf(firefoxVersion: string, seed: number, comparisons: readonly FirefoxComparison[]): FirefoxResults {
  return {
    firefoxVersion,
    seed,
    requests: comparisons.map((c) => ({
      scenario: c.scenario.id,
      step: c.step,
      firefox: { outcome: c.firefox.outcome, key: c.firefox.key },
      addon: { outcome: c.addon.outcome, key: c.addon.key },
    })),
  };
}

/** One request a line, so a changed verdict is a one-line diff. */
export function writeFirefoxResults(results: FirefoxResults, path = FIREFOX_RESULTS_PATH): void {
  const requests = results.requests.map((request) => `    ${JSON.stringify(request)}`).join(',\n');
  writeFileSync(path, `{\n  "firefoxVersion": ${JSON.stringify(results.firefoxVersion)},\n  "seed": ${results.seed},\n  "requests": [\n${requests}\n  ]\n}\n`);
}

export function readFirefoxResults(path = FIREFOX_RESULTS_PATH): FirefoxResults | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as FirefoxResults) : null;
}

/** `scenario id#step` → the recorded result. */
export function firefoxResultIndex(results: FirefoxResults | null): Map<string, FirefoxRequestResult> {
  return new Map((results?.requests ?? []).map((request) => [`${request.scenario}#${request.step}`, request]));
}

/** Firefox's verdict as the doc names it: its reason key, or the class when it names none. */
export function describeFirefox(verdict: Pick<FirefoxVerdict, 'outcome' | 'key'>): string {
  if (verdict.outcome === 'cors') return verdict.key ?? 'blocked (no reason key)';
  if (verdict.outcome === 'network-error') return 'network error (CORSDidNotSucceed)';
  if (verdict.outcome === 'silent') return 'failed, no console line';
  return 'pass';
}

export function describeAddonInFirefox(addon: AddonFirefoxVerdict): string {
  if (addon.outcome === null) return 'no report entry';
  if (addon.outcome === 'cors') return addon.key ?? 'blocked (no reason key)';
  if (addon.outcome === 'network-error') return 'network error';
  return addon.outcome === 'not-cors' ? 'not CORS' : 'pass';
}
