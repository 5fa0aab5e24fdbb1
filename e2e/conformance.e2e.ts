/**
 * Differential conformance suite (issue 5): a generated corpus of real requests runs in Chromium with
 * CORS Doctor loaded; for every request Chromium's verdict (DevTools protocol) is compared with the
 * verdict in the extension's report. Writes docs/conformance.md, with the Firefox columns from the
 * recorded Firefox run (conformance/firefox-results.json).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineRouteUrl, startLab, type Lab } from '../lab/server';
import type { ReportEntry } from '../src/shared/report';
import { recordChromiumOracle, type ChromiumOracle } from './conformance/chromium-oracle';
import {
  chromiumBucket,
  chromiumVerdictOf,
  describeChromium,
  describeExtension,
  extensionDisagreements,
  excludesScenario,
  extensionVerdictOf,
  findExclusion,
  isCorsModeRequest,
  NOT_RECORDED_BY_DESIGN,
  generatorMismatch,
  type Exclusion,
  type StepComparison,
} from './conformance/compare';
import { capturedExchange, clearReport, entriesByUrl, readReport } from './conformance/extension-side';
import { generateScenarios, type GeneratedCorpus } from './conformance/generator';
import { runScenarioGroups } from './conformance/page-runner';
import { readFirefoxResults } from './conformance/firefox-results-doc';
import { agrees, renderResultsDoc } from './conformance/results-doc';
import { describeExpectation, type Scenario } from './conformance/scenario';
import { launchWithExtension, waitFor, type ExtensionBrowser, type Page } from './harness';

/** Every Network.CorsError name an observable request can get in this Chromium. */
const REQUIRED_RULES = [
  'WildcardOriginNotAllowed',
  'MissingAllowOriginHeader',
  'MultipleAllowOriginValues',
  'InvalidAllowOriginValue',
  'AllowOriginMismatch',
  'InvalidAllowCredentials',
  'PreflightInvalidStatus',
  'PreflightDisallowedRedirect',
  'PreflightWildcardOriginNotAllowed',
  'PreflightMissingAllowOriginHeader',
  'PreflightMultipleAllowOriginValues',
  'PreflightInvalidAllowOriginValue',
  'PreflightAllowOriginMismatch',
  'PreflightInvalidAllowCredentials',
  'InvalidAllowMethodsPreflightResponse',
  'InvalidAllowHeadersPreflightResponse',
  'MethodDisallowedByPreflightResponse',
  'HeaderDisallowedByPreflightResponse',
  'RedirectContainsCredentials',
] as const;

/**
 * CORS_DOCTOR_WATCH=tab runs the suite as the product runs by default: only the test's tab is
 * watched, through webRequest listeners filtered to it, instead of every tab (docs/performance.md).
 * docs/conformance.md is then left as it is.
 */
const WATCH_ONE_TAB = process.env.CORS_DOCTOR_WATCH === 'tab';

const MIN_SCENARIOS = 300;
/** Scenarios handed to the page at once; the report is read and cleared after each batch. */
const BATCH_SIZE = 80;
/** Scenarios in flight at once inside the page. */
const CONCURRENCY = 6;
const REQUEST_TIMEOUT_MS = 10_000;

const ROOT = join(import.meta.dirname, '..');
const DOC_PATH = join(ROOT, 'docs', 'conformance.md');
const EXCLUSIONS: Exclusion[] = JSON.parse(readFileSync(join(import.meta.dirname, 'conformance-exclusions.json'), 'utf8'));

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

describe('conformance with Chromium: every verdict equals the browser’s own', () => {
  let browser: ExtensionBrowser;
  let lab: Lab;
  let page: Page;
  let oracle: ChromiumOracle;
  let corpus: GeneratedCorpus;
  let chromiumVersion = '';
  const comparisons: StepComparison[] = [];

  async function runBatch(tabId: number, scenarios: Scenario[]): Promise<void> {
    for (const serial of [false, true]) {
      await page.evaluate(runScenarioGroups, {
        groups: scenarios.filter((s) => Boolean(s.serial) === serial).map((scenario) => scenario.steps.map((step) => step.request)),
        concurrency: serial ? 1 : CONCURRENCY,
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
    }
    const chromiumSettled = () =>
      scenarios.every((scenario) => {
        const requests = oracle.requestsFor(scenario.url);
        if (requests.length === 0) return oracle.issuesFor(scenario.url).length > 0;
        return requests.length >= scenario.steps.length && requests.every((request) => request.settled);
      });
    await waitFor(chromiumSettled, Boolean, { timeoutMs: 10_000, intervalMs: 50, what: 'Chromium verdicts' }).catch(() => undefined);

    const recorded = scenarios.filter(
      (scenario) => !excludesScenario(findExclusion(EXCLUSIONS, scenario.id)) && scenario.steps.every((step) => isCorsModeRequest(step.request)),
    );
    const reportComplete = (byUrl: Map<string, ReportEntry[]>) =>
      recorded.every((scenario) => (byUrl.get(new URL(scenario.url).href)?.length ?? 0) >= scenario.steps.length);
    const byUrl = await waitFor(async () => entriesByUrl(await readReport(browser, tabId)), reportComplete, {
      timeoutMs: 20_000,
      intervalMs: 250,
      what: 'report entries',
    }).catch(async () => entriesByUrl(await readReport(browser, tabId)));

    for (const scenario of scenarios) {
      const requests = oracle.requestsFor(scenario.url);
      const issues = oracle.issuesFor(scenario.url);
      const entries = byUrl.get(new URL(scenario.url).href) ?? [];
      scenario.steps.forEach((step, index) => {
        const chromium = chromiumVerdictOf(requests[index], requests.length === 0 ? issues.slice(index, index + 1) : []);
        const entry = entries[index];
        const extension = entry ? extensionVerdictOf(entry.verdict) : isCorsModeRequest(step.request) ? null : NOT_RECORDED_BY_DESIGN;
        const exclusion = findExclusion(EXCLUSIONS, scenario.id);
        comparisons.push({
          scenario,
          step: index,
          expected: step.expected,
          chromium,
          extension,
          captured: entry ? capturedExchange(entry) : null,
          exclusion,
          generatorMismatch: generatorMismatch(step.expected, chromium),
          disagreements: chromium && extension ? extensionDisagreements(chromium, extension, exclusion) : [],
        });
      });
    }
    await clearReport(browser, tabId);
  }

  beforeAll(async () => {
    browser = await launchWithExtension(WATCH_ONE_TAB ? { watch: 'watched-tabs' } : {});
    lab = await startLab();
    const refusedOrigin = `http://localhost:${await closedPort()}`;
    corpus = generateScenarios({
      origins: lab.origins,
      routeUrl: (origin, spec, tag) => inlineRouteUrl(origin, spec, tag),
      routeAt: (origin, path, spec) => lab.route(origin, path, spec),
      refusedOrigin,
    });
    page = await browser.context.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    oracle = await recordChromiumOracle(browser.context, page);
    chromiumVersion = ((await oracle.cdp.send('Browser.getVersion')) as { product: string }).product.replace(/^(Headless)?Chrome\//, 'Chromium ');
    const tabId = await browser.tabIdOf(page);
    if (WATCH_ONE_TAB) await browser.sendMessage({ type: 'setWatch', tabId, watched: true });
    await clearReport(browser, tabId);
    for (const batch of chunk(corpus.scenarios, BATCH_SIZE)) await runBatch(tabId, batch);
    if (!WATCH_ONE_TAB)
      writeFileSync(
        DOC_PATH,
        renderResultsDoc({
          chromiumVersion,
          origins: lab.origins,
          seed: corpus.seed,
          scenarioCount: corpus.scenarios.length,
          requiredRules: REQUIRED_RULES,
          comparisons,
          firefox: readFirefoxResults(),
        }),
      );
  }, 600_000);

  afterAll(async () => {
    await oracle?.stop();
    await browser?.close();
    await lab?.close();
  });

  it(`generates at least ${MIN_SCENARIOS} scenarios, each with its own URL`, () => {
    expect(corpus.scenarios.length).toBeGreaterThanOrEqual(MIN_SCENARIOS);
    expect(new Set(corpus.scenarios.map((s) => s.url)).size).toBe(corpus.scenarios.length);
  });

  it('gets from Chromium the verdict each scenario was designed for (validates the generator)', () => {
    const wrong = comparisons
      .filter((c) => c.generatorMismatch)
      .map((c) => `${c.scenario.id} step ${c.step + 1} [${c.scenario.title}]: ${c.generatorMismatch}`);
    expect(wrong).toEqual([]);
  });

  it('covers every CORS error an observable request can get', () => {
    const designed = new Set(comparisons.map((c) => (c.expected.outcome === 'cors' ? c.expected.rule : c.expected.outcome)));
    const seen = new Set(comparisons.filter((c) => !excludesScenario(c.exclusion)).map((c) => chromiumBucket(c.chromium)));
    expect(REQUIRED_RULES.filter((rule) => !designed.has(rule) || !seen.has(rule))).toEqual([]);
    expect(seen.has('pass') && seen.has('network error')).toBe(true);
  });

  it('has every request seen by Chromium and by CORS Doctor', () => {
    const unseenByChromium = comparisons.filter((c) => !c.chromium).map((c) => `${c.scenario.id} step ${c.step + 1}`);
    const unseenByExtension = comparisons
      .filter((c) => !excludesScenario(c.exclusion) && !c.extension)
      .map((c) => `${c.scenario.id} step ${c.step + 1}: Chromium says ${describeChromium(c.chromium)}`);
    expect(unseenByChromium).toEqual([]);
    expect(unseenByExtension).toEqual([]);
  });

  it('keeps the exclusion list to scenarios the extension really cannot observe', () => {
    const ids = new Set(corpus.scenarios.map((s) => s.id));
    expect(EXCLUSIONS.flatMap((e) => e.scenarios).filter((id) => !ids.has(id))).toEqual([]);
    expect(EXCLUSIONS.filter((e) => !e.reason?.trim()).map((e) => e.scenarios[0])).toEqual([]);
    const observed = comparisons
      .filter((c) => excludesScenario(c.exclusion) && c.captured !== null)
      .map((c) => `${c.scenario.id}: ${describeExtension(c.extension)}`);
    expect(observed).toEqual([]);
    // A field exclusion is stale once CORS Doctor gets that field right anyway.
    const stale = comparisons
      .filter((c) => c.exclusion?.fields?.includes('failedParameter') && c.extension && c.chromium)
      .filter((c) => c.extension!.failedParameter === c.chromium!.failedParameter)
      .map((c) => c.scenario.id);
    expect(stale).toEqual([]);
    const staleKind = comparisons
      .filter((c) => c.exclusion?.fields?.includes('kind') && c.extension && c.chromium)
      .filter((c) => !extensionDisagreements(c.chromium!, c.extension!).includes('kind'))
      .map((c) => c.scenario.id);
    expect(staleKind).toEqual([]);
  });

  it('agrees with Chromium on blocked, rule and failedParameter for every request', () => {
    const disagreements = comparisons
      .filter((c) => !excludesScenario(c.exclusion) && c.chromium && c.extension && !agrees(c))
      .map((c) => ({
        scenario: c.scenario.id,
        step: c.step + 1,
        title: c.scenario.title,
        designedFor: describeExpectation(c.expected),
        chromium: describeChromium(c.chromium),
        corsDoctor: describeExtension(c.extension),
        differsIn: c.disagreements,
        captured: c.captured,
      }));
    expect(disagreements).toEqual([]);
  });
});
