/**
 * Runs the generated corpus in a Firefox page and reads Firefox's console verdict for every step.
 * Shared by the oracle recorder (plain Firefox) and the Firefox conformance suite (with the add-on).
 */
import type { Page } from 'puppeteer-core';
import { firefoxVerdictOf, type FirefoxConsoleLine, type FirefoxOracle, type FirefoxVerdict } from './firefox-oracle';
import { runScenarioGroups, type PageOutcome } from './page-runner';
import type { Scenario } from './scenario';

export interface FirefoxStepResult {
  scenario: Scenario;
  step: number;
  firefox: FirefoxVerdict;
  /** What the page itself saw (informative). */
  page: PageOutcome | null;
}

export const FIREFOX_CONCURRENCY = 6;
export const FIREFOX_REQUEST_TIMEOUT_MS = 10_000;
const BATCH_SIZE = 80;

/** The tag that makes a scenario's URLs unique (generator.ts CorpusBuilder.tag). */
export function scenarioTag(scenario: Scenario): string {
  return scenario.id.replaceAll('/', '.');
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

/**
 * Single-step scenarios run in batches (serial ones alone); a scenario of several steps runs one
 * step at a time with the console settled in between, so each line is attributed to its step.
 * `afterBatch` runs once a batch's console lines are in (the suite reads the add-on's report there).
 */
export async function runCorpusInFirefox(
  page: Page,
  oracle: FirefoxOracle,
  scenarios: readonly Scenario[],
  afterBatch: (results: FirefoxStepResult[]) => Promise<void> = async () => undefined,
): Promise<FirefoxStepResult[]> {
  // tsx (esbuild keepNames) wraps functions in `__name(...)`; the page needs it to run runScenarioGroups.
  await page.evaluate('globalThis.__name ??= (target) => target');
  const results: FirefoxStepResult[] = [];
  const single = scenarios.filter((scenario) => scenario.steps.length === 1);
  const multi = scenarios.filter((scenario) => scenario.steps.length > 1);
  for (const batch of chunk(single, BATCH_SIZE)) {
    const batchResults: FirefoxStepResult[] = [];
    for (const serial of [false, true]) {
      const group = batch.filter((scenario) => Boolean(scenario.serial) === serial);
      if (!group.length) continue;
      const outcomes = await page.evaluate(runScenarioGroups, {
        groups: group.map((scenario) => scenario.steps.map((step) => step.request)),
        concurrency: serial ? 1 : FIREFOX_CONCURRENCY,
        timeoutMs: FIREFOX_REQUEST_TIMEOUT_MS,
      });
      await oracle.settle();
      group.forEach((scenario, index) => {
        const outcome = outcomes[index]?.[0] ?? null;
        batchResults.push({ scenario, step: 0, firefox: firefoxVerdictOf(oracle.linesFor(scenarioTag(scenario)), outcome?.ok ?? true), page: outcome });
      });
    }
    await afterBatch(batchResults);
    results.push(...batchResults);
  }
  for (const scenario of multi) {
    const tag = scenarioTag(scenario);
    const batchResults: FirefoxStepResult[] = [];
    let seen: FirefoxConsoleLine[] = [];
    for (const [index, step] of scenario.steps.entries()) {
      const outcomes = await page.evaluate(runScenarioGroups, { groups: [[step.request]], concurrency: 1, timeoutMs: FIREFOX_REQUEST_TIMEOUT_MS });
      await oracle.settle();
      const lines = oracle.linesFor(tag);
      const fresh = lines.filter((line) => !seen.includes(line));
      seen = lines;
      const outcome = outcomes[0]?.[0] ?? null;
      batchResults.push({ scenario, step: index, firefox: firefoxVerdictOf(fresh, outcome?.ok ?? true), page: outcome });
    }
    await afterBatch(batchResults);
    results.push(...batchResults);
  }
  return results;
}
