/**
 * Watching in real Chromium, in the product's default mode (`watched-tabs`): full capture only on
 * watched tabs, through webRequest listeners filtered to each tab, and the cheap detector on the
 * others. A watched tab is diagnosed exactly (Chromium's own verdicts, read over CDP, are the
 * oracle); an unwatched tab's CORS failure is counted as suspected on the badge, and the popup's
 * one click watches the tab and reloads it, which diagnoses the failure; all of it survives a
 * forced worker stop, whose next worker registers its listeners synchronously again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab, type RouteSpec } from '../lab/server';
import type { Report } from '../src/shared/report';
import type { TabWatch } from '../src/shared/watch';
import { fetchFrom, launchWithExtension, readBadge, recordChromiumVerdicts, waitFor, type ExtensionBrowser, type Page } from './harness';

type CaptureProbe = { allTabs: boolean; tabs: number[]; state: TabWatch };

describe('watching: full capture on watched tabs only', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let serial = 0;

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchWithExtension({ watch: 'watched-tabs' });
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  const allowOrigin: Array<[string, string]> = [['Access-Control-Allow-Origin', '{origin}']];
  /** One request per kind of outcome: passes, simple failures, preflight failures, credentials. */
  const CASES: Array<{ name: string; spec: RouteSpec; init: RequestInit }> = [
    { name: 'pass', spec: { response: { headers: allowOrigin, body: 'json' } }, init: {} },
    { name: 'missing-allow-origin', spec: { response: { body: 'json' } }, init: {} },
    { name: 'allow-origin-mismatch', spec: { response: { headers: [['Access-Control-Allow-Origin', 'http://elsewhere.test']], body: 'json' } }, init: {} },
    {
      name: 'wildcard-with-credentials',
      spec: { response: { headers: [['Access-Control-Allow-Origin', '*']], body: 'json' } },
      init: { credentials: 'include' },
    },
    {
      name: 'preflight-missing-allow-origin',
      spec: { preflight: { status: 204 }, response: { headers: allowOrigin } },
      init: { method: 'PUT' },
    },
    {
      name: 'header-disallowed',
      spec: { preflight: { status: 204, headers: [...allowOrigin, ['Access-Control-Allow-Headers', 'x-other']] }, response: { headers: allowOrigin } },
      init: { headers: { 'X-Wanted': '1' } },
    },
    {
      name: 'preflight-invalid-status',
      spec: { preflight: { status: 500, headers: allowOrigin }, response: { headers: allowOrigin } },
      init: { method: 'DELETE' },
    },
    {
      name: 'preflight-pass',
      spec: {
        preflight: { status: 204, headers: [...allowOrigin, ['Access-Control-Allow-Methods', 'PATCH']] },
        response: { headers: allowOrigin, body: 'json' },
      },
      init: { method: 'PATCH' },
    },
  ];

  async function openTab(): Promise<{ page: Page; tabId: number }> {
    const page = await browser.context.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    return { page, tabId: await browser.tabIdOf(page) };
  }

  const report = (tabId: number) => browser.sendMessage<Report>({ type: 'getReport', tabId });
  const watchState = (tabId: number) => browser.sendMessage<TabWatch>({ type: 'getWatchState', tabId });
  const captureProbe = async () =>
    (await browser.worker()).evaluate(() => (globalThis as unknown as { corsDoctorProbe: { capture(): Promise<CaptureProbe> } }).corsDoctorProbe.capture());

  /** Runs every case from the page; each URL's extension verdict beside Chromium's. */
  async function runCases(page: Page, tabId: number) {
    const chromium = await recordChromiumVerdicts(browser.context, page);
    const urls = CASES.map((c) =>
      lab.route(c.name.startsWith('preflight') || c.name === 'header-disallowed' ? 'api2' : 'api', `/watch-${c.name}-${serial++}`, c.spec),
    );
    for (const [i, url] of urls.entries()) await fetchFrom(page, url, CASES[i]!.init);
    const settled = await waitFor(
      () => report(tabId),
      (r) => urls.every((url) => r.entries.some((e) => e.request.url === url)),
      { what: 'every case in the report' },
    );
    // Each request once: a second listener set on the tab would log some twice.
    expect(settled.entries.filter((e) => urls.includes(e.request.url)).map((e) => e.request.url)).toEqual(urls);
    const compared = urls.map((url, i) => {
      const entry = settled.entries.find((e) => e.request.url === url)!;
      const oracle = chromium.forUrl(url).find((v) => v.method !== 'OPTIONS' && v.finished);
      return { name: CASES[i]!.name, extension: entry.verdict.rule, chromium: oracle?.corsError ?? null, partial: entry.partial ?? false };
    });
    await chromium.cdp.detach();
    return compared;
  }

  it('diagnoses a watched tab exactly, through listeners filtered to that tab, and leaves an unwatched tab to the detector', async () => {
    const watched = await openTab();
    const other = await openTab();
    expect((await watchState(watched.tabId)).watched).toBe(false);
    const after = await browser.sendMessage<TabWatch>({ type: 'setWatch', tabId: watched.tabId, watched: true });
    expect(after).toMatchObject({ watched: true, reasons: ['tab'], mode: 'watched-tabs' });
    // The all-tab set the worker started with is handed over to the tab's own set.
    await waitFor(captureProbe, (probe) => !probe.allTabs && probe.tabs.includes(watched.tabId) && !probe.tabs.includes(other.tabId), {
      what: 'tab-filtered listeners',
    });

    const compared = await runCases(watched.page, watched.tabId);
    expect(compared.filter((c) => c.extension !== c.chromium || c.partial)).toEqual([]);
    expect(compared.filter((c) => c.chromium !== null).length).toBeGreaterThanOrEqual(6);
    const failures = compared.filter((c) => c.chromium !== null).length;
    await waitFor(
      () => readBadge(browser, watched.tabId),
      (b) => b.text === String(failures),
      { what: `badge ${failures}` },
    );

    // The unwatched tab: nothing captured, the failure counted as suspected.
    await fetchFrom(other.page, lab.route('api', `/watch-unwatched-${serial++}`, { response: { body: 'json' } }));
    const suspected = await waitFor(
      () => watchState(other.tabId),
      (w) => w.suspected === 1,
      { what: 'a suspected failure' },
    );
    expect(suspected).toMatchObject({ watched: false, reasons: [] });
    expect((await report(other.tabId)).entries).toEqual([]);
    await watched.page.close();
    await other.page.close();
  });

  it('counts a failure on an unwatched tab as suspected, and the popup watches the tab and reloads it for the diagnosis', async () => {
    const failing = lab.route('api', `/watch-on-load-${serial++}`, { response: { body: 'json' } });
    const pageUrl = lab.page(
      `/watch-page-${serial++}`,
      `<!doctype html><title>fails on load</title><script>fetch(${JSON.stringify(failing)}).catch(() => {});</script>`,
    );
    const page = await browser.context.newPage();
    const chromium = await recordChromiumVerdicts(browser.context, page);
    await page.goto(pageUrl);
    const tabId = await browser.tabIdOf(page);
    await waitFor(
      () => watchState(tabId),
      (w) => w.suspected === 1,
      { what: 'the suspected failure' },
    );
    const badge = await waitFor(
      () => readBadge(browser, tabId),
      (b) => b.text === '1?',
      { what: 'badge "1?"' },
    );
    expect(badge.title).toMatch(/not watched.*watch it and reload/);
    expect((await report(tabId)).entries).toEqual([]);

    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/src/popup/popup.html?tabId=${tabId}`);
    await expect.poll(() => popup.getByTestId('suspected-count').getAttribute('data-count')).toBe('1');
    await expect.poll(() => popup.getByTestId('watch-state').textContent()).toMatch(/Not watching this tab/);
    await popup.getByRole('button', { name: 'Watch this tab and reload' }).click();

    const diagnosed = await waitFor(
      () => report(tabId),
      (r) => r.entries.some((e) => e.request.url === failing),
      { what: 'the reload diagnosed' },
    );
    const entry = diagnosed.entries.find((e) => e.request.url === failing)!;
    const oracle = chromium
      .forUrl(failing)
      .filter((v) => v.finished)
      .at(-1);
    expect(oracle?.corsError).toBe('MissingAllowOriginHeader');
    expect(entry.verdict.rule).toBe(oracle?.corsError);
    expect(entry.partial ?? false).toBe(false);
    await waitFor(
      () => readBadge(browser, tabId),
      (b) => b.text === '1',
      { what: 'the exact badge' },
    );
    await expect.poll(() => popup.getByTestId('watch-state').getAttribute('data-watched')).toBe('true');
    expect(await popup.getByTestId('watch-state').textContent()).toMatch(/Watching this tab/);
    // The panel says so too.
    const panel = await browser.context.newPage();
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/panel.html?tabId=${tabId}`);
    await expect.poll(() => panel.getByTestId('panel-watch').textContent()).toMatch(/Watching this tab/);
    await chromium.cdp.detach();
    await Promise.all([panel.close(), popup.close(), page.close()]);
  });

  it("reads a tabId -1 filter as no tab filter (so the pages' workers, tabId -1, are captured only when every tab is watched)", async () => {
    const { page, tabId } = await openTab();
    const url = lab.route('api', `/watch-minus-one-${serial++}`, { response: { headers: allowOrigin, body: 'json' } });
    const worker = await browser.worker();
    await worker.evaluate(() => {
      const seen: Array<{ url: string; tabId: number }> = [];
      const listener = (details: { url: string; tabId: number }) => void seen.push({ url: details.url, tabId: details.tabId });
      chrome.webRequest.onSendHeaders.addListener(listener, { urls: ['<all_urls>'], tabId: -1 }, ['requestHeaders']);
      (globalThis as unknown as { minusOne: unknown }).minusOne = { seen, listener };
      return chrome.runtime.getPlatformInfo();
    });
    await fetchFrom(page, url);
    const seen = await waitFor(
      () => worker.evaluate(() => (globalThis as unknown as { minusOne: { seen: Array<{ url: string; tabId: number }> } }).minusOne.seen),
      (list) => list.some((d) => d.url === url),
      { what: 'the tab request at a tabId -1 listener' },
    );
    expect(seen.find((d) => d.url === url)?.tabId).toBe(tabId);
    await worker.evaluate(() => {
      const probe = (globalThis as unknown as { minusOne: { listener: Parameters<typeof chrome.webRequest.onSendHeaders.removeListener>[0] } }).minusOne;
      chrome.webRequest.onSendHeaders.removeListener(probe.listener);
    });
    await browser.sendMessage({ type: 'setWatch', tabId, watched: true });
    expect((await captureProbe()).tabs).not.toContain(-1);
    await page.close();
  });

  it('survives a forced worker stop: the next worker registers synchronously, the request that wakes it is diagnosed whole, and the tab stays watched', async () => {
    const watched = await openTab();
    const other = await openTab();
    await browser.sendMessage({ type: 'setWatch', tabId: watched.tabId, watched: true });
    await waitFor(captureProbe, (probe) => !probe.allTabs && probe.tabs.includes(watched.tabId), { what: 'tab-filtered listeners' });
    // A global of this worker instance: gone in the next one.
    await (await browser.worker()).evaluate(() => ((globalThis as { watchTestMark?: boolean }).watchTestMark = true));
    const chromium = await recordChromiumVerdicts(browser.context, watched.page);

    await browser.stopServiceWorker();
    await waitFor(
      () => browser.workerRunning(),
      (running) => !running,
      { what: 'the worker to stop' },
    );
    // Nothing else runs: this request, on the watched tab, is what wakes the next worker.
    const waking = lab.route('api', `/watch-wakes-${serial++}`, { response: { body: 'json' } });
    await fetchFrom(watched.page, waking);
    const diagnosed = await waitFor(
      () => report(watched.tabId),
      (r) => r.entries.some((e) => e.request.url === waking),
      { what: 'the waking request' },
    );
    const entry = diagnosed.entries.find((e) => e.request.url === waking)!;
    expect(entry.verdict.rule).toBe(chromium.forUrl(waking).at(-1)?.corsError);
    expect(entry.verdict.rule).toBe('MissingAllowOriginHeader');
    expect(entry.partial ?? false).toBe(false);

    const marked = await (await browser.worker()).evaluate(() => (globalThis as { watchTestMark?: boolean }).watchTestMark ?? false);
    expect(marked).toBe(false);
    expect((await watchState(watched.tabId)).watched).toBe(true);
    await waitFor(captureProbe, (probe) => !probe.allTabs && probe.tabs.includes(watched.tabId) && !probe.tabs.includes(other.tabId), {
      what: 'the tab-filtered listeners again',
    });
    // The detector still counts the unwatched tab.
    await fetchFrom(other.page, lab.route('api', `/watch-other-${serial++}`, { response: { body: 'json' } }));
    await waitFor(
      () => watchState(other.tabId),
      (w) => w.suspected === 1,
      { what: 'the unwatched failure after the restart' },
    );
    expect((await report(other.tabId)).entries).toEqual([]);
    await chromium.cdp.detach();
  });
});
