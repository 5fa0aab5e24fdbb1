/**
 * A burst of 10,000 cross-origin requests across 5 tabs: every CORS failure is counted on its own
 * tab exactly as Chromium counted it (CDP Network.loadingFailed.corsErrorStatus, recorded per tab
 * in the same run), nothing is lost or duplicated (each tab's kept entries plus its dropped ones
 * are its requests), the worker's console stays free of errors and warnings (read over CDP from the
 * worker itself), its JS heap after the second half of the burst is no bigger than after the first
 * (the per-tab limit is reached by then, so memory is bounded by the limits, not by the number of
 * requests), and an open panel receives every entry live, during the burst and after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import type { Report } from '../src/shared/report';
import { launchWithExtension, readBadge, recordChromiumVerdicts, waitFor, type ExtensionBrowser, type Page } from './harness';
import { attachToWorker, type WorkerDevtools } from './worker-devtools';

/** Requests per tab, 10,000 in all; unequal, so that a failure counted on the wrong tab shows. */
const PER_TAB = [1600, 1800, 2000, 2200, 2400];
/** Requests each tab keeps in flight (Chromium itself opens at most six connections per origin). */
const IN_FLIGHT_PER_TAB = 24;
const ECHO: [string, string] = ['Access-Control-Allow-Origin', '{origin}'];
/** The log's per-tab limit (store.ts DEFAULT_MAX_ENTRIES_PER_TAB). */
const MAX_ENTRIES_PER_TAB = 1000;
/** Heap the worker may gain over the second half of the burst: a few per-request bytes left behind per request would exceed it. */
const HEAP_SLACK_BYTES = 4 * 1024 * 1024;

function failuresSeenByChromium(tab: Tab): number {
  let failures = 0;
  for (const v of tab.chromium.verdicts.values()) if (v.method !== 'OPTIONS' && v.corsError !== null) failures++;
  return failures;
}

interface Tab {
  page: Page;
  tabId: number;
  chromium: Awaited<ReturnType<typeof recordChromiumVerdicts>>;
  urls: string[];
}

describe('a burst of 10,000 requests across 5 tabs', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let devtools: WorkerDevtools;
  const tabs: Tab[] = [];

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchWithExtension();
    // Each request's answer decides its verdict: passing, missing the header, a wildcard with credentials, a preflight refused.
    const routes = {
      pass: lab.route('api', '/burst/pass', { response: { headers: [ECHO], body: 'json' } }),
      missing: lab.route('api', '/burst/missing', { response: { body: 'json' } }),
      wildcard: lab.route('api2', '/burst/wildcard', { response: { headers: [['Access-Control-Allow-Origin', '*']], body: 'json' } }),
      preflight: lab.route('api2', '/burst/preflight', { preflight: { status: 204, headers: [ECHO] }, response: { headers: [ECHO], body: 'json' } }),
    };
    const kinds = ['pass', 'missing', 'pass', 'wildcard', 'missing', 'pass', 'preflight', 'missing', 'pass', 'pass'] as const;
    for (const [t, count] of PER_TAB.entries()) {
      const page = await browser.context.newPage();
      await page.goto(lab.page(`/burst-tab-${t}`, `<!doctype html><title>burst ${t}</title><p>tab ${t}</p>`));
      const urls = Array.from({ length: count }, (_, j) => `${routes[kinds[(j + t) % kinds.length]!]}?tab=${t}&n=${j}`);
      tabs.push({ page, tabId: await browser.tabIdOf(page), chromium: await recordChromiumVerdicts(browser.context, page), urls });
    }
    devtools = await attachToWorker(browser);
  });

  afterAll(async () => {
    await devtools?.detach();
    await browser?.close();
    await lab?.close();
  });

  /** Each tab sends its share of `urls` (a slice), all tabs at once; resolves when every fetch settled. */
  async function send(part: (urls: string[]) => string[]): Promise<void> {
    await Promise.all(
      tabs.map(({ page, urls }) =>
        page.evaluate(
          async ([list, width]) => {
            let next = 0;
            const credentialed = (url: string) => url.includes('/burst/wildcard');
            const lane = async () => {
              while (next < list.length) {
                const url = list[next++]!;
                const init: RequestInit = url.includes('/burst/preflight') ? { method: 'DELETE' } : credentialed(url) ? { credentials: 'include' } : {};
                await fetch(url, init).then(
                  (r) => r.text(),
                  () => null,
                );
              }
            };
            await Promise.all(Array.from({ length: width }, lane));
          },
          [part(urls), IN_FLIGHT_PER_TAB] as const,
        ),
      ),
    );
  }

  it('counts every failure on its own tab as Chromium does, loses and duplicates nothing, logs no error, keeps memory bounded and the panel live', async () => {
    const watched = tabs[2]!;
    const panel = await browser.context.newPage();
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/panel.html?tabId=${watched.tabId}`);
    await waitFor(
      () => panel.locator('.connection').textContent(),
      (text) => text?.includes('live') ?? false,
      { what: 'the panel to connect' },
    );
    const panelTotal = async () => Number(/(\d+) requests?/.exec((await panel.locator('.status-bar').textContent()) ?? '')?.[1] ?? NaN);
    // The panel's request count, read while the burst runs: it must move before the burst ends.
    const seenByPanel: number[] = [];
    let bursting = true;
    const watching = (async () => {
      while (bursting) {
        seenByPanel.push(await panelTotal());
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    })();

    const startedAt = Date.now();
    await send((urls) => urls.slice(0, urls.length / 2));
    console.log(`burst: first half sent in ${Date.now() - startedAt} ms`);
    // Every tab is at its log limit by now: what the worker holds no longer grows with the requests.
    await waitForFailuresCounted();
    const heapAtHalf = await devtools.usedHeapAfterGc();
    console.log(`burst: first half logged at ${Date.now() - startedAt} ms`);
    await send((urls) => urls.slice(urls.length / 2));
    const sentIn = Date.now() - startedAt;
    await waitForFailuresCounted();
    bursting = false;
    await watching;
    console.log(`burst: all logged at ${Date.now() - startedAt} ms`);
    const heapAtEnd = await devtools.usedHeapAfterGc();

    const kept: number[] = [];
    let notices: string[] = [];
    for (const [t, tab] of tabs.entries()) {
      const report = await browser.sendMessage<Report>({ type: 'getReport', tabId: tab.tabId });
      const verdicts = [...tab.chromium.verdicts.values()].filter((v) => v.method !== 'OPTIONS' && v.url.includes('/burst/'));
      expect(verdicts, `tab ${t}: Chromium saw its requests`).toHaveLength(tab.urls.length);
      const failures = verdicts.filter((v) => v.corsError !== null).length;
      // Exact per tab: the badge's title carries the full count (its text stops at 999+).
      const badge = await waitFor(
        () => readBadge(browser, tab.tabId),
        (b) => b.title === `${failures} CORS failures on this page`,
        {
          what: `tab ${t}'s badge title to count ${failures} failures`,
        },
      );
      expect(badge.text).toBe(failures > 999 ? '999+' : String(failures));
      // Nothing lost, nothing duplicated: the newest entries kept (at most the per-tab limit, fewer
      // when the log of all tabs reached its storage budget), the older ones counted as dropped.
      const urls = report.entries.map((e) => e.request.url);
      expect(new Set(urls).size, `tab ${t}: duplicated entries`).toBe(urls.length);
      expect(report.entries.length, `tab ${t}`).toBeLessThanOrEqual(MAX_ENTRIES_PER_TAB);
      expect(report.entries.length + report.dropped, `tab ${t}: kept + dropped`).toBe(tab.urls.length);
      const seqs = report.entries.map((e) => Number(e.id.slice(e.id.indexOf('-') + 1)));
      expect(seqs, `tab ${t}: the newest entries, in order`).toEqual(seqs.map((_, i) => tab.urls.length - seqs.length + i));
      expect(
        urls.every((url) => tab.urls.includes(url)),
        `tab ${t}: an entry from another tab`,
      ).toBe(true);
      kept.push(report.entries.length);
      notices = report.notices ?? [];
      // The kept ones are the latest to finish; each carries Chromium's verdict.
      const byUrl = new Map(verdicts.map((v) => [v.url, v]));
      for (const entry of report.entries) {
        const oracle = byUrl.get(entry.request.url)!;
        expect({ url: entry.request.url, blocked: entry.verdict.blocked, rule: entry.verdict.rule }).toEqual({
          url: oracle.url,
          blocked: oracle.corsError !== null,
          rule: oracle.corsError,
        });
      }
    }

    // The panel was live: it saw the count move during the burst and ends with every entry of its tab.
    expect(
      seenByPanel.some((n) => n > 0 && n < watched.urls.length),
      `panel counts during the burst: ${seenByPanel.join(', ')}`,
    ).toBe(true);
    await waitFor(panelTotal, (n) => n === watched.urls.length, { what: `the panel to show all ${watched.urls.length} requests` });

    // No error; a warning only for storage the browser refused, which the reports name too (never
    // silently), and once per episode, not once per batch in flight (each costs a quarter of the log).
    expect(devtools.console.filter((line) => ['error', 'assert', 'exception'].includes(line.level))).toEqual([]);
    const warnings = devtools.console.filter((line) => line.level === 'warning').map((line) => line.text.replace(/^CORS Doctor: /, ''));
    for (const warning of warnings) expect(warning).toMatch(/^Session storage was full: dropped the \d+ oldest entries to make room/);
    expect(warnings.length, warnings.join('\n')).toBeLessThanOrEqual(3);
    if (warnings.length > 0) expect(notices).toEqual(expect.arrayContaining([warnings.at(-1)]));
    const inUse = await (await browser.extensionPage()).evaluate(() => chrome.storage.session.getBytesInUse(null));
    expect(heapAtEnd, `heap ${heapAtHalf} bytes after 5,000 requests, ${heapAtEnd} after 10,000`).toBeLessThan(heapAtHalf + HEAP_SLACK_BYTES);
    console.log(
      `burst: ${PER_TAB.reduce((a, b) => a + b)} requests over ${tabs.length} tabs sent in ${sentIn} ms; worker heap ${(heapAtHalf / 1e6).toFixed(1)} MB at half, ${(heapAtEnd / 1e6).toFixed(1)} MB at the end; panel counts seen ${seenByPanel.length}; entries kept per tab ${kept.join(', ')}; storage refusals ${warnings.length}; bytes in use (Chromium's count) ${inUse}`,
    );
    await panel.close();
  }, 900_000);

  /**
   * Waits until each tab's badge title counts as many failures as Chromium saw among the requests
   * sent so far (cheap to read, unlike a report, which rebuilds every entry in the worker).
   */
  async function waitForFailuresCounted(): Promise<void> {
    for (const tab of tabs) {
      await waitFor(
        async () => ({ title: (await readBadge(browser, tab.tabId)).title, want: failuresSeenByChromium(tab) }),
        ({ title, want }) => title === `${want} CORS failures on this page`,
        { what: `tab ${tab.tabId}'s failures counted`, timeoutMs: 120_000, intervalMs: 500 },
      );
    }
  }
});
