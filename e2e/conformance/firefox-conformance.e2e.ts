/**
 * The Firefox conformance suite: the generated corpus of the Chromium suite, run in real Firefox
 * with CORS Doctor installed (tools/firefox.ts). For every request Firefox's own console verdict
 * (blocked or not, the reason key) is compared with the verdict in the add-on's report
 * (`getReport`, judged with Firefox's rules). With CORS_DOCTOR_FIREFOX_CORPUS=full it records the
 * results in firefox-results.json, from which the Chromium suite writes docs/conformance.md's Firefox columns.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineRouteUrl, startLab, type Lab } from '../../lab/server';
import type { Report, ReportEntry } from '../../src/shared/report';
import { launchFirefoxWithExtension, type FirefoxExtensionBrowser } from '../../tools/firefox';
import { isCorsModeRequest } from './compare';
import { entriesByUrl } from './extension-side';
import { recordFirefoxOracle } from './firefox-oracle';
import { runCorpusInFirefox, type FirefoxStepResult } from './firefox-run';
import { generateScenarios, type GeneratedCorpus } from './generator';
import { firefoxExclusionOf } from './firefox-exclusions';
import {
  agreesWithFirefox,
  firefoxResultIndex,
  firefoxResultsOf,
  readFirefoxResults,
  writeFirefoxResults,
  type AddonFirefoxVerdict,
  type FirefoxComparison,
} from './firefox-results-doc';

const FULL = process.env.CORS_DOCTOR_FIREFOX_CORPUS === 'full';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The add-on's verdict in Firefox's terms: the class of the outcome and Firefox's reason key. */
function extensionClass(entry: ReportEntry | undefined): AddonFirefoxVerdict {
  if (!entry) return { outcome: null, key: null };
  const verdict = entry.verdict;
  if (verdict.blocked) return { outcome: 'cors', key: verdict.firefox?.key ?? null };
  if (verdict.kind === 'network-error') return { outcome: 'network-error', key: verdict.firefox?.key ?? null };
  return { outcome: verdict.kind === 'not-cors' ? 'not-cors' : 'pass', key: null };
}

describe('conformance with Firefox: every verdict equals Firefox’s own console', () => {
  let firefox: FirefoxExtensionBrowser;
  let lab: Lab;
  let corpus: GeneratedCorpus;
  let version = '';
  let scenarios: GeneratedCorpus['scenarios'] = [];
  const comparisons: FirefoxComparison[] = [];

  beforeAll(async () => {
    firefox = await launchFirefoxWithExtension();
    lab = await startLab();
    const refusedOrigin = `http://localhost:${await closedPort()}`;
    corpus = generateScenarios({
      origins: lab.origins,
      routeUrl: (origin, spec, tag) => inlineRouteUrl(origin, spec, tag),
      routeAt: (origin, path, spec) => lab.route(origin, path, spec),
      refusedOrigin,
    });
    version = (await firefox.browser.version()).replace(/^firefox\//i, 'Firefox ');
    const page = await firefox.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    const oracle = recordFirefoxOracle(page);
    const tabId = await firefox.tabIdOf(page);
    await firefox.sendMessage({ type: 'clearTab', tabId });
    const compareBatch = async (results: FirefoxStepResult[]) => {
      const expected = results.filter(
        (r) => isCorsModeRequest(r.step === 0 ? r.scenario.steps[0]!.request : r.scenario.steps[r.step]!.request) && !firefoxExclusionOf(r.scenario.id),
      );
      const complete = (byUrl: Map<string, ReportEntry[]>) => expected.every((r) => (byUrl.get(new URL(r.scenario.url).href)?.length ?? 0) > r.step);
      let byUrl = entriesByUrl(await firefox.sendMessage<Report>({ type: 'getReport', tabId }));
      const deadline = Date.now() + 20_000;
      while (!complete(byUrl) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        byUrl = entriesByUrl(await firefox.sendMessage<Report>({ type: 'getReport', tabId }));
      }
      for (const result of results) {
        const request = result.scenario.steps[result.step]!.request;
        const entry = byUrl.get(new URL(result.scenario.url).href)?.[result.step];
        const addon = isCorsModeRequest(request) ? extensionClass(entry) : { outcome: 'not-cors' as const, key: null };
        comparisons.push({
          scenario: result.scenario,
          step: result.step,
          firefox: result.firefox,
          addon,
          exclusion: firefoxExclusionOf(result.scenario.id),
          captured: entry ? { request: entry.request, preflight: entry.preflight, response: entry.response, error: entry.error } : null,
        });
      }
    };
    // The whole corpus takes minutes in Firefox on a busy 2-core machine; `npm test` runs every
    // third scenario (all families, deterministic), CORS_DOCTOR_FIREFOX_CORPUS=full all of them and
    // records them in firefox-results.json, from which the Chromium suite writes the Firefox columns
    // of docs/conformance.md.
    scenarios = FULL ? corpus.scenarios : corpus.scenarios.filter((_scenario, index) => index % 3 === 0);
    await runCorpusInFirefox(page, oracle, scenarios, compareBatch);
    if (FULL) writeFirefoxResults(firefoxResultsOf(version, corpus.seed, comparisons));
  }, 600_000);

  afterAll(async () => {
    await firefox?.close();
    await lab?.close();
  });

  it('runs the whole corpus', () => {
    expect(comparisons.length).toBeGreaterThanOrEqual(scenarios.length);
    expect(new Set(comparisons.map((c) => c.scenario.family)).size).toBe(new Set(corpus.scenarios.map((s) => s.family)).size);
  });

  it('agrees with Firefox’s console on blocked or not and the reason key for every request it can judge', async () => {
    const disagreements = comparisons
      .filter((c) => !c.exclusion && !agreesWithFirefox(c))
      .map((c) => ({
        scenario: c.scenario.id,
        step: c.step + 1,
        firefox: c.firefox.outcome === 'pass' ? 'pass' : `${c.firefox.outcome} ${c.firefox.key}`,
        corsDoctor: c.addon,
        captured: c.captured,
      }));
    expect(disagreements).toEqual([]);
  });

  it('gives the verdicts recorded in firefox-results.json, which docs/conformance.md shows', () => {
    const recorded = readFirefoxResults();
    expect(recorded?.seed, 'firefox-results.json is from another corpus: run with CORS_DOCTOR_FIREFOX_CORPUS=full').toBe(corpus.seed);
    const index = firefoxResultIndex(recorded);
    const stale = comparisons
      .filter((c) => !c.exclusion)
      .map((c) => ({ id: `${c.scenario.id}#${c.step}`, now: { firefox: { outcome: c.firefox.outcome, key: c.firefox.key }, addon: c.addon } }))
      .filter(({ id, now }) => {
        const then = index.get(id);
        return !then || JSON.stringify({ firefox: then.firefox, addon: then.addon }) !== JSON.stringify(now);
      })
      .map(({ id, now }) => ({ request: id, recorded: index.get(id) ?? null, now }));
    expect(stale, 'docs/conformance.md shows stale Firefox results: run with CORS_DOCTOR_FIREFOX_CORPUS=full, then the Chromium suite').toEqual([]);
  });
});
