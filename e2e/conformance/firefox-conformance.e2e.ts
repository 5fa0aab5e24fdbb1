/**
 * The Firefox conformance suite: the generated corpus of the Chromium suite, run in real Firefox
 * with CORS Doctor installed (tools/firefox.ts). For every request Firefox's own console verdict
 * (blocked or not, the reason key) is compared with the verdict in the add-on's report
 * (`getReport`, judged with Firefox's rules). Writes the Firefox section of docs/conformance.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineRouteUrl, startLab, type Lab } from '../../lab/server';
import type { Report, ReportEntry } from '../../src/shared/report';
import { FIREFOX_CONSOLE_EXCLUSIONS } from '../../src/engine/firefox/__fixtures__/console-exclusions';
import { launchFirefoxWithExtension, type FirefoxExtensionBrowser } from '../../tools/firefox';
import { isCorsModeRequest } from './compare';
import { entriesByUrl } from './extension-side';
import { recordFirefoxOracle, type FirefoxVerdict } from './firefox-oracle';
import { runCorpusInFirefox, type FirefoxStepResult } from './firefox-run';
import { generateScenarios, type GeneratedCorpus } from './generator';
import { renderFirefoxSection, spliceFirefoxSection, type FirefoxComparison } from './firefox-results-doc';

const ROOT = join(import.meta.dirname, '..', '..');
const DOC_PATH = join(ROOT, 'docs', 'conformance.md');
const FULL = process.env.CORS_DOCTOR_FIREFOX_CORPUS === 'full';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function exclusionOf(id: string): string | null {
  for (const [prefix, reason] of Object.entries(FIREFOX_CONSOLE_EXCLUSIONS)) if (id.startsWith(prefix)) return reason;
  return null;
}

/** The add-on's verdict in Firefox's terms: the class of the outcome and Firefox's reason key. */
function extensionClass(entry: ReportEntry | undefined): { outcome: FirefoxVerdict['outcome'] | 'not-cors' | null; key: string | null } {
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
        (r) => isCorsModeRequest(r.step === 0 ? r.scenario.steps[0]!.request : r.scenario.steps[r.step]!.request) && !exclusionOf(r.scenario.id),
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
        const extension = isCorsModeRequest(request) ? extensionClass(entry) : { outcome: 'not-cors' as const, key: null };
        comparisons.push({
          scenario: result.scenario,
          step: result.step,
          firefox: result.firefox,
          extension,
          exclusion: exclusionOf(result.scenario.id),
          captured: entry ? { request: entry.request, preflight: entry.preflight, response: entry.response, error: entry.error } : null,
        });
      }
    };
    // The whole corpus takes minutes in Firefox on a busy 2-core machine; `npm test` runs every
    // third scenario (all families, deterministic), CORS_DOCTOR_FIREFOX_CORPUS=full all of them and
    // rewrites the Firefox section of docs/conformance.md.
    scenarios = FULL ? corpus.scenarios : corpus.scenarios.filter((_scenario, index) => index % 3 === 0);
    await runCorpusInFirefox(page, oracle, scenarios, compareBatch);
    if (FULL) {
      const existing = readFileSync(DOC_PATH, 'utf8');
      writeFileSync(DOC_PATH, spliceFirefoxSection(existing, renderFirefoxSection({ firefoxVersion: version, origins: lab.origins, comparisons })));
    }
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
    const { agreesWithFirefox } = await import('./firefox-results-doc');
    const disagreements = comparisons
      .filter((c) => !c.exclusion && !agreesWithFirefox(c))
      .map((c) => ({
        scenario: c.scenario.id,
        step: c.step + 1,
        firefox: c.firefox.outcome === 'pass' ? 'pass' : `${c.firefox.outcome} ${c.firefox.key}`,
        corsDoctor: c.extension,
        captured: c.captured,
      }));
    expect(disagreements).toEqual([]);
  });
});
