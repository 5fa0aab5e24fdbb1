/**
 * The Firefox oracle recorder: runs the conformance corpus (the scenarios the Chromium suite runs)
 * in plain Firefox, reads Firefox's console verdict for every request, rebuilds each exchange from
 * the lab's side, and writes them as the engine's Firefox fixtures:
 *
 *   npx tsx e2e/conformance/firefox-record.ts
 *
 * writes src/engine/firefox/__fixtures__/firefox-verdicts.json (Firefox's version and the date in
 * it). The engine's unit tests judge each recorded exchange with `{ browser: 'firefox' }` and
 * compare with what Firefox said. Re-record after a Firefox upgrade or a corpus change.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { inlineRouteUrl, startLab } from '../../lab/server';
import { recordFirefoxOracle, type FirefoxVerdict } from './firefox-oracle';
import { launchPlainFirefox } from './firefox-launch';
import { runCorpusInFirefox, scenarioTag } from './firefox-run';
import { generateScenarios } from './generator';
import { exchangesFromLab } from './lab-exchange';
import { describeExpectation } from './scenario';
import { toFixtureExchange, type FixtureExchange } from '../../src/engine/firefox/fixture-format';

export const FIXTURE_PATH = join(import.meta.dirname, '..', '..', 'src', 'engine', 'firefox', '__fixtures__', 'firefox-verdicts.json');

/** Fixed stand-ins for the lab's ports, so the fixture does not change from run to run. */
export const FIXTURE_ORIGINS = {
  page: 'http://127.0.0.1:41000',
  api: 'http://localhost:41001',
  api2: 'http://localhost:41002',
  refused: 'http://localhost:41009',
} as const;

export interface FirefoxFixtureStep {
  /**
   * The exchange as the lab saw it (null when the lab cannot account for it: the redirect loop),
   * header lines as `[name, value]` pairs (fixture-format.ts reads them back).
   */
  exchange: FixtureExchange | null;
  firefox: FirefoxVerdict;
  /** The verdict the scenario was designed for, which the Chromium suite checks against Chromium. */
  chromium: string;
  /** What the page saw (informative). */
  page: string | null;
}

export interface FirefoxFixture {
  firefox: string;
  recorded: string;
  seed: number;
  scenarios: Array<{ id: string; title: string; steps: FirefoxFixtureStep[] }>;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function record(): Promise<FirefoxFixture> {
  const lab = await startLab();
  const refusedOrigin = `http://localhost:${await closedPort()}`;
  const browser = await launchPlainFirefox();
  try {
    const corpus = generateScenarios({
      origins: lab.origins,
      routeUrl: (origin, spec, tag) => inlineRouteUrl(origin, spec, tag),
      routeAt: (origin, path, spec) => lab.route(origin, path, spec),
      refusedOrigin,
    });
    const page = await browser.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    const oracle = recordFirefoxOracle(page);
    const results = await runCorpusInFirefox(page, oracle, corpus.scenarios);
    const version = (await browser.version()).replace(/^firefox\//i, 'Firefox ');
    const scenarios = corpus.scenarios.map((scenario) => {
      const exchanges = exchangesFromLab(lab, scenario, scenarioTag(scenario));
      return {
        id: scenario.id,
        title: scenario.title,
        steps: scenario.steps.map((step, index): FirefoxFixtureStep => {
          const result = results.find((r) => r.scenario === scenario && r.step === index)!;
          return {
            exchange: exchanges?.[index] ? toFixtureExchange(exchanges[index]!) : null,
            firefox: result.firefox,
            chromium: describeExpectation(step.expected),
            page: result.page ? result.page.detail : null,
          };
        }),
      };
    });
    const fixture: FirefoxFixture = { firefox: version, recorded: new Date().toISOString().slice(0, 10), seed: corpus.seed, scenarios };
    // Ports change per run: the file names fixed stand-ins instead. The route specs inside the URLs
    // (base64, with the real ports) are cut: the scenario tag keeps every URL distinct, and no check reads a path.
    let text = JSON.stringify(fixture).replace(/\/__cors\/[A-Za-z0-9_-]+\//g, '/__cors/');
    for (const [name, origin] of Object.entries({ ...lab.origins, refused: refusedOrigin })) {
      text = text.replaceAll(origin, FIXTURE_ORIGINS[name as keyof typeof FIXTURE_ORIGINS]);
    }
    return JSON.parse(text) as FirefoxFixture;
  } finally {
    await browser.close();
    await lab.close();
  }
}

if (process.argv[1] && import.meta.filename === (await import('node:fs')).realpathSync(process.argv[1])) {
  const fixture = await record();
  // One scenario per line: small, and a re-recording diffs scenario by scenario.
  const body = fixture.scenarios.map((scenario) => JSON.stringify(scenario)).join(',\n');
  writeFileSync(
    FIXTURE_PATH,
    `{"firefox":${JSON.stringify(fixture.firefox)},"recorded":${JSON.stringify(fixture.recorded)},"seed":${fixture.seed},"scenarios":[\n${body}\n]}\n`,
  );
  const differing = fixture.scenarios.flatMap((s) =>
    s.steps.map((step, index) => ({
      id: s.id,
      step: index + 1,
      chromium: step.chromium,
      firefox: step.firefox.outcome === 'pass' ? 'pass' : `${step.firefox.outcome} ${step.firefox.key}`,
    })),
  );
  console.log(`${fixture.firefox}: ${differing.length} requests recorded in ${FIXTURE_PATH}`);
}
