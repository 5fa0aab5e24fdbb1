/**
 * The log filling chrome.storage.session toward its quota (10 MB in Chromium), in a real Chromium:
 *
 * - Big entries (each response carries about 56 KB of headers, what the store keeps of them) fill
 *   the log past its storage budget: the store drops the oldest entries, says so on the tab (the
 *   report, an open panel, the popup), stays inside the quota and keeps logging; what it kept is
 *   in storage (a new worker reads the same log back).
 * - Something else takes the area to its quota: Chromium refuses the store's write (its new entries
 *   are bigger than the ones they replace); the store trims
 *   and writes again, says so, and the entries it wrote are in storage after a restart (a refused
 *   write is retried or reported, never dropped silently).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import type { Report } from '../src/shared/report';
import { launchWithExtension, waitFor, type ExtensionBrowser, type Page } from './harness';

/** chrome.storage.session.QUOTA_BYTES in Chromium. */
const QUOTA_BYTES = 10 * 1024 * 1024;
/** Header values up to 4,096 characters are kept whole (entry.ts DEFAULT_ENTRY_LIMITS). */
const BIG_HEADERS: Array<[string, string]> = Array.from({ length: 14 }, (_, i) => [`X-Filler-${i}`, 'v'.repeat(4000)]);
const ECHO: [string, string] = ['Access-Control-Allow-Origin', '{origin}'];
const TRIMMED = /^\d+ older entr(y was|ies were) dropped to keep the log within the browser's session storage/;
const REFUSED = /^Session storage was full: dropped the \d+ oldest entries to make room/;

describe('the log at the session storage quota', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let page: Page;
  let tabId: number;
  let bigUrl: string;
  /** Entries 3 KB bigger than the big ones (still under the 64 KB entry limit): each replaces an older one and still needs room. */
  let biggerUrl: string;

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchWithExtension();
    page = await browser.context.newPage();
    await page.goto(lab.page('/quota', '<!doctype html><title>quota</title><p>quota</p>'));
    tabId = await browser.tabIdOf(page);
    bigUrl = lab.route('api', '/quota/big', { response: { headers: [ECHO, ...BIG_HEADERS], body: 'json' } });
    biggerUrl = lab.route('api', '/quota/bigger', { response: { headers: [ECHO, ...BIG_HEADERS, ['X-Filler-14', 'w'.repeat(3000)]], body: 'json' } });
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  /** `count` fetches of big responses, a few at a time; the query makes each URL unique. */
  async function sendBig(from: number, count: number, url = bigUrl): Promise<void> {
    const urls = Array.from({ length: count }, (_, i) => `${url}?n=${from + i}`);
    await page.evaluate(async (list) => {
      for (let i = 0; i < list.length; i += 6) await Promise.all(list.slice(i, i + 6).map((url) => fetch(url).then((r) => r.text())));
    }, urls);
  }

  const report = () => browser.sendMessage<Report>({ type: 'getReport', tabId });
  const bytesInUse = async () => (await browser.extensionPage()).evaluate(() => chrome.storage.session.getBytesInUse(null));
  const lastSeq = (r: Report) => Number(r.entries.at(-1)!.id.split('-')[1]);

  it('drops the oldest entries past its budget with a notice on the tab, stays inside the quota and keeps logging', async () => {
    const panel = await browser.context.newPage();
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/panel.html?tabId=${tabId}`);
    await waitFor(
      () => panel.locator('.connection').textContent(),
      (text) => text?.includes('live') ?? false,
      { what: 'the panel to connect' },
    );

    // About 125 entries of 56 KB fill the log's 7 MB budget.
    const sent = 140;
    await sendBig(0, sent);
    const full = await waitFor(report, (r) => r.entries.length + r.dropped === sent, {
      what: `${sent} requests logged`,
      timeoutMs: 240_000,
      intervalMs: 1_000,
    });
    expect(full.dropped).toBeGreaterThan(0);
    // The newest kept (six run at once, so they finish in any order within a group of six), once
    // each; the count of dropped ones is the tab's, in a notice.
    const keptUrls = full.entries.map((e) => e.request.url);
    expect(new Set(keptUrls).size).toBe(keptUrls.length);
    expect(keptUrls).toEqual(expect.arrayContaining(Array.from({ length: 6 }, (_, i) => `${bigUrl}?n=${sent - 1 - i}`)));
    expect(keptUrls).not.toContain(`${bigUrl}?n=0`);
    const notice = (full.notices ?? []).find((n) => TRIMMED.test(n));
    expect(notice, JSON.stringify(full.notices)).toBe(
      `${full.dropped} older entries were dropped to keep the log within the browser's session storage (all tabs share it): clear the log or close unused tabs to keep more.`,
    );
    const inUse = await bytesInUse();
    expect(inUse).toBeLessThanOrEqual(QUOTA_BYTES);
    console.log(`quota: ${sent} requests, kept ${full.entries.length}, dropped ${full.dropped}, ${inUse} bytes in use`);

    // The open panel got the notice live, and a popup opened now shows it.
    await waitFor(
      () =>
        panel
          .locator('[data-testid="log-notices"]')
          .textContent()
          .catch(() => ''),
      (text) => TRIMMED.test(text ?? ''),
      {
        what: 'the panel to show the storage notice',
      },
    );
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/src/popup/popup.html?tabId=${tabId}`);
    await waitFor(
      () =>
        popup
          .locator('[data-testid="log-notices"]')
          .textContent()
          .catch(() => ''),
      (text) => TRIMMED.test(text ?? ''),
      {
        what: 'the popup to show the storage notice',
      },
    );
    await popup.close();
    await panel.close();

    // It keeps logging, and what it kept is in storage: a new worker reads back the same log.
    await sendBig(sent, 6);
    const more = await waitFor(report, (r) => r.entries.length + r.dropped === sent + 6, {
      what: '6 more requests logged',
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    expect(more.entries.map((e) => e.request.url)).toEqual(expect.arrayContaining(Array.from({ length: 6 }, (_, i) => `${bigUrl}?n=${sent + i}`)));
    await browser.stopServiceWorker();
    const restored = await report();
    expect(restored.entries.map((e) => e.id)).toEqual(more.entries.map((e) => e.id));
    expect(restored.dropped).toBe(more.dropped);
  }, 400_000);

  it('writes again after trimming when the browser refuses a write for the quota, and says so', async () => {
    const before = await report();
    // Something else (here: the test, from an extension page) takes the area to within 2 KB of its
    // quota. The log is at its budget: each new entry replaces an older one, but these are bigger.
    const helper = await browser.extensionPage();
    const free = QUOTA_BYTES - (await bytesInUse()) - 2 * 1024;
    await helper.evaluate((size) => chrome.storage.session.set({ 'test:filler': 'f'.repeat(size) }), free);

    await sendBig(1000, 8, biggerUrl);
    const after = await waitFor(report, (r) => r.entries.length + r.dropped === before.entries.length + before.dropped + 8, {
      what: '8 more requests logged',
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    expect(
      (after.notices ?? []).some((n) => REFUSED.test(n)),
      JSON.stringify(after.notices),
    ).toBe(true);
    console.log(
      `quota: refused write, then kept ${after.entries.length}, dropped ${after.dropped - before.dropped} more; ${(after.notices ?? []).join(' | ')}`,
    );
    expect(after.entries.map((e) => e.request.url)).toEqual(expect.arrayContaining(Array.from({ length: 8 }, (_, i) => `${biggerUrl}?n=${1000 + i}`)));
    // The refused write was written again: a new worker reads back every entry the report showed.
    await browser.stopServiceWorker();
    const restored = await report();
    expect(restored.entries.map((e) => e.id)).toEqual(after.entries.map((e) => e.id));
    expect(lastSeq(restored)).toBe(lastSeq(after));
    expect(await bytesInUse()).toBeLessThanOrEqual(QUOTA_BYTES);
    await helper.evaluate(() => chrome.storage.session.remove('test:filler'));
  }, 300_000);
});
