/**
 * How often a forced service-worker stop in the middle of busy traffic costs an exchange, with the
 * worker persisting everything it has seen (e2e/restart.e2e.ts proves that part loses nothing).
 * What is left is Chromium's: an event it was dispatching to the worker at the instant of the stop is
 * discarded, so the exchange it belonged to is missing (its only remaining event was lost) or
 * partial (rebuilt from a later event).
 *
 * Each trial opens a tab, fires a burst of cross-origin fetches whose answers are spread over ~1.5 s
 * (simple passes and failures, preflighted requests), stops the worker 500 ms in, and compares the
 * tab's report with Chromium's own verdicts read over CDP. Not part of `npm run bench` (it measures
 * loss, not time): `tsx bench/restart-race.ts [trials]`.
 */
import { startLab } from '../lab/server';
import type { Report } from '../src/shared/report';
import { recordChromiumVerdicts, waitFor } from '../e2e/harness';
import { launchWithExtension } from '../tools/chromium';

const BURST = 90;

export interface RaceTrial {
  requests: number;
  missing: number;
  partial: number;
  wrongVerdict: number;
}

export async function measureRestartRace(trials: number): Promise<RaceTrial[]> {
  const lab = await startLab();
  const browser = await launchWithExtension();
  const results: RaceTrial[] = [];
  try {
    for (let trial = 0; trial < trials; trial++) {
      const page = await browser.context.newPage();
      await page.goto(`${lab.origins.page}/blank`);
      const tabId = await browser.tabIdOf(page);
      const chromium = await recordChromiumVerdicts(browser.context, page);
      const urls: string[] = [];
      for (let i = 0; i < BURST; i++) {
        const delayMs = (i * 17) % 400;
        const kind = i % 3;
        const path = `/race-${trial}-${kind === 0 ? 'fail' : kind === 1 ? 'pass' : 'preflight'}-${i}`;
        if (kind === 0) urls.push(lab.route('api', path, { response: { body: 'json', delayMs } }));
        else if (kind === 1) urls.push(lab.route('api', path, { response: { headers: [['Access-Control-Allow-Origin', '{origin}']], body: 'json', delayMs } }));
        else {
          urls.push(
            lab.route('api2', path, {
              preflight: { status: 204, headers: [['Access-Control-Allow-Origin', '{origin}']], delayMs },
              response: { headers: [['Access-Control-Allow-Origin', '{origin}']] },
            }),
          );
        }
      }
      await page.evaluate((list) => {
        (window as unknown as { burst: Promise<unknown> }).burst = Promise.all(
          list.map(async (url, i) => {
            await new Promise((resolve) => setTimeout(resolve, i * 12));
            return fetch(url, url.includes('preflight') ? { method: 'DELETE' } : {}).then(
              (r) => r.text(),
              () => null,
            );
          }),
        );
      }, urls);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await browser.stopServiceWorker();
      await page.evaluate(() => (window as unknown as { burst: Promise<unknown> }).burst);
      let previous = -1;
      const report = await waitFor(
        () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
        (r) => {
          const settled = r.entries.length === previous;
          previous = r.entries.length;
          return settled && r.entries.length > 0;
        },
        { what: 'the log to settle', timeoutMs: 30_000, intervalMs: 1_000 },
      );
      let missing = 0;
      let partial = 0;
      let wrongVerdict = 0;
      for (const url of urls) {
        const entries = report.entries.filter((e) => e.request.url === url);
        if (entries.length === 0) {
          missing += 1;
          continue;
        }
        if (entries.some((e) => e.partial)) partial += 1;
        const oracle = [...chromium.verdicts.values()].find((v) => v.url === url && v.method !== 'OPTIONS');
        if (entries[0]!.verdict.rule !== (oracle?.corsError ?? null)) wrongVerdict += 1;
      }
      results.push({ requests: urls.length, missing, partial, wrongVerdict });
      await chromium.cdp.detach();
      await page.close();
    }
  } finally {
    await browser.close();
    await lab.close();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const trials = Number(process.argv[2] ?? 10);
  const results = await measureRestartRace(trials);
  console.table(results);
  const total = results.reduce((sum, r) => sum + r.requests, 0);
  const sum = (key: keyof RaceTrial) => results.reduce((s, r) => s + r[key], 0);
  const hit = results.filter((r) => r.missing + r.partial + r.wrongVerdict > 0).length;
  console.log(
    `${trials} stops, ${total} requests: ${sum('missing')} missing, ${sum('partial')} partial, ${sum('wrongVerdict')} with a verdict unlike Chromium's; ` +
      `${hit} of ${trials} stops cost something`,
  );
}
