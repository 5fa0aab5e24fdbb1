/**
 * The toolbar badge in real Chromium: the exact number of CORS failures on the tab's current page,
 * red, with a plain title; back after a navigation (Chromium clears per-tab badges); right after a burst.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import type { Report } from '../src/shared/report';
import { fetchFrom, launchWithExtension, readBadge, waitFor, waitForBadge, type ExtensionBrowser, type Page } from './harness';

describe('the toolbar badge', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let page: Page;
  let tabId: number;
  let serial = 0;

  const failing = () => lab.route('api', `/badge-fail-${serial++}`, { response: { body: 'json' } });
  const passing = () => lab.route('api', `/badge-pass-${serial++}`, { response: { headers: [['Access-Control-Allow-Origin', '*']], body: 'json' } });
  const noCors = () => lab.route('api2', `/badge-no-cors-${serial++}`, { response: { body: 'json' } });

  async function entriesSettled(count: number): Promise<Report> {
    return waitFor(
      () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
      (report) => report.entries.length === count,
      { what: `${count} entries` },
    );
  }

  const badgeBecomes = (text: string) => waitForBadge(browser, tabId, text);

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchWithExtension();
    page = await browser.context.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    tabId = await browser.tabIdOf(page);
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  it('is empty with no failures, and counts only CORS failures', async () => {
    await fetchFrom(page, passing());
    await fetchFrom(page, noCors(), { mode: 'no-cors' });
    await fetchFrom(page, `${lab.origins.page}/blank`);
    // The no-cors fetch is logged for its opaque-response warning, and is not a failure.
    await entriesSettled(2);
    expect(await readBadge(browser, tabId)).toEqual({ text: '', title: 'CORS Doctor' });

    await fetchFrom(page, failing());
    expect(await badgeBecomes('1')).toEqual({ text: '1', title: '1 CORS failure on this page' });
    const color = await (await browser.extensionPage()).evaluate((id) => chrome.action.getBadgeBackgroundColor({ tabId: id }), tabId);
    expect(color).toEqual([217, 48, 37, 255]);
  });

  it('lands on the exact count after a burst', async () => {
    const urls = [...Array.from({ length: 40 }, failing), ...Array.from({ length: 20 }, passing)];
    await Promise.all(urls.map((url) => fetchFrom(page, url)));
    await entriesSettled(63);
    expect(await badgeBecomes('41')).toEqual({ text: '41', title: '41 CORS failures on this page' });
    // Throttled repaints must not leave a stale count behind.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await readBadge(browser, tabId)).text).toBe('41');
  });

  it('starts again on a new page and is painted again after the navigation', async () => {
    await page.goto(lab.page('/badge-second', '<!doctype html><title>second</title>'));
    const report = await waitFor(
      () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
      (r) => r.currentPageId > r.entries[0]!.pageId,
      { what: 'a new page id' },
    );
    expect((await readBadge(browser, tabId)).text).toBe('');
    await fetchFrom(page, failing());
    await fetchFrom(page, failing());
    expect(await badgeBecomes('2')).toEqual({ text: '2', title: '2 CORS failures on this page' });
    // Older entries stay in the log with their own page id; the panel decides what to show.
    const after = await entriesSettled(65);
    expect(after.entries.filter((e) => e.pageId === report.currentPageId)).toHaveLength(2);
    expect(after.summary.failures).toBe(43);
  });

  it('keeps the count through a same-document navigation and repaints after a reload', async () => {
    await page.evaluate(() => (location.hash = '#section'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await readBadge(browser, tabId)).text).toBe('2');
    await page.reload();
    expect(await badgeBecomes('')).toEqual({ text: '', title: 'CORS Doctor' });
    await fetchFrom(page, failing());
    await badgeBecomes('1');
  });

  it('keeps tabs apart', async () => {
    const other = await browser.context.newPage();
    await other.goto(`${lab.origins.page}/blank`);
    const otherTab = await browser.tabIdOf(other);
    await fetchFrom(other, failing());
    await fetchFrom(other, failing());
    await fetchFrom(other, failing());
    await waitForBadge(browser, otherTab, '3');
    expect((await readBadge(browser, tabId)).text).toBe('1');
    await other.close();
  });
});
