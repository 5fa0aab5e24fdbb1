/**
 * The single-page pattern: an app that never navigates makes a few cross-origin fetches, the
 * service worker is stopped (as Chromium does when it idles, updates or needs memory), the app
 * makes a few more, and so on; the developer reads the report and the badge only at the end.
 * Reading the report between rounds would hide a loss (getReport flushes), so it is read once.
 *
 * Each stop comes once the worker has received every event of the round (the worker's probe
 * counts them): at once, the moment the last one arrived, or after a quiet pause. A stop while
 * Chromium is still dispatching a round's events is a different case (Chromium discards those
 * events): e2e/restart-random.e2e.ts measures it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import type { Report } from '../src/shared/report';
import { eventsReceivedByWorker, launchWithExtension, readBadge, waitFor, type ExtensionBrowser, type Page } from './harness';

const ROUNDS = 8;
/** Per round: 3 blocked (send, headers, error) and 1 passing (send, headers, completed) fetch. */
const EVENTS_PER_ROUND = 12;
const ECHO: [string, string] = ['Access-Control-Allow-Origin', '{origin}'];

describe('service-worker stops between rounds of a single-page app', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchWithExtension();
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  async function runRounds(page: Page, name: string, pauseMs: number): Promise<{ blocked: string[]; passed: string[] }> {
    const blocked: string[] = [];
    const passed: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const urls = [0, 1, 2].map((i) => lab.route('api', `/${name}/r${round}-blocked-${i}`, { response: { body: 'json' } }));
      const pass = lab.route('api', `/${name}/r${round}-pass`, { response: { headers: [ECHO], body: 'json' } });
      blocked.push(...urls);
      passed.push(pass);
      // The worker that receives this round: the one running now, or the one the round wakes.
      const before = await eventsReceivedByWorker(browser);
      await page.evaluate(
        (list) =>
          Promise.all(
            list.map((url) =>
              fetch(url).then(
                (r) => r.text(),
                () => null,
              ),
            ),
          ),
        [...urls, pass],
      );
      await waitFor(
        () => eventsReceivedByWorker(browser),
        (now) => (now.worker !== null && now.worker === before.worker ? now.count - before.count : now.count) >= EVENTS_PER_ROUND,
        { what: `the worker to receive round ${round}`, intervalMs: 2 },
      );
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      await browser.stopServiceWorker();
    }
    return { blocked, passed };
  }

  async function expectEveryRequestOnce(page: Page, sent: { blocked: string[]; passed: string[] }): Promise<void> {
    const tabId = await browser.tabIdOf(page);
    const report = await browser.sendMessage<Report>({ type: 'getReport', tabId });
    const urls = report.entries.map((e) => e.request.url);
    const missing = [...sent.blocked, ...sent.passed].filter((url) => !urls.includes(url));
    const duplicated = urls.filter((url, i) => urls.indexOf(url) !== i);
    expect({ missing, duplicated }).toEqual({ missing: [], duplicated: [] });
    expect(report.entries).toHaveLength(sent.blocked.length + sent.passed.length);
    for (const url of sent.blocked) expect(report.entries.find((e) => e.request.url === url)!.verdict.blocked, url).toBe(true);
    for (const url of sent.passed) expect(report.entries.find((e) => e.request.url === url)!.verdict.blocked, url).toBe(false);
    expect(report.entries.every((e) => !e.partial)).toBe(true);
    expect(report.summary.failures).toBe(sent.blocked.length);
    const ids = report.entries.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const text = String(sent.blocked.length);
    const badge = await waitFor(
      () => readBadge(browser, tabId),
      (b) => b.text === text,
      { what: `badge ${text}` },
    ).catch(() => readBadge(browser, tabId));
    expect(badge.text).toBe(text);
  }

  it('keeps every request of every round, each once, when the worker is stopped the moment it received a round', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    const sent = await runRounds(page, 'at-once', 0);
    await expectEveryRequestOnce(page, sent);
    await page.close();
  });

  /**
   * Chromium stops an idle worker after 30 s without events, but never one Playwright is attached
   * to (an attached DevTools client keeps it alive). So the test waits out the same 30 s without
   * events and then stops the worker itself: the state Chromium's idle stop leaves, nothing in
   * flight. A forced stop that soon after activity would get a "may be missing" notice; this one must not.
   */
  it('keeps the requests made before and after an idle stop (30 s without events) on the same tab, with no notice', { timeout: 120_000 }, async () => {
    const page = await browser.context.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    const before = [0, 1].map((i) => lab.route('api', `/idle/before-${i}`, { response: { body: 'json' } }));
    const after = [0, 1].map((i) => lab.route('api', `/idle/after-${i}`, { response: { body: 'json' } }));
    await page.evaluate((list) => Promise.all(list.map((url) => fetch(url).catch(() => null))), before);
    const tabId = await browser.tabIdOf(page);
    await waitFor(
      () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
      (r) => r.entries.length === 2,
      { what: '2 entries' },
    );
    await new Promise((resolve) => setTimeout(resolve, 31_000));
    await browser.stopServiceWorker();
    await page.evaluate((list) => Promise.all(list.map((url) => fetch(url).catch(() => null))), after);
    const report = await waitFor(
      () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
      (r) => r.entries.length >= 4,
      {
        what: '4 entries',
      },
    );
    // Each pair ran at once, so within a pair the log keeps the order the requests finished in.
    const urls = report.entries.map((e) => e.request.url);
    expect(urls).toHaveLength(4);
    expect(urls.slice(0, 2).sort()).toEqual([...before].sort());
    expect(urls.slice(2).sort()).toEqual([...after].sort());
    expect(report.entries.every((e) => e.verdict.blocked && !e.partial)).toBe(true);
    expect(report.notices ?? []).toEqual([]);
    await waitFor(
      () => readBadge(browser, tabId),
      (b) => b.text === '4',
      { what: 'badge 4' },
    );
    await page.close();
  });

  it('keeps every request of every round, each once, when the worker is stopped after a quiet pause', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    const sent = await runRounds(page, 'after-pause', 1_500);
    await expectEveryRequestOnce(page, sent);
    await page.close();
  });
});
