/**
 * Who made a request, in real Chromium, with Chromium's own verdict (CDP) compared for each:
 * - same-origin and cross-origin iframes: their requests belong to the tab and name the frame's
 *   URL (report, panel row and detail, Markdown, HAR);
 * - a dedicated worker: Chromium gives its requests its document's tab and frame, so they are the
 *   page's own;
 * - a shared worker and a service worker: Chromium gives their requests no tab (tabId -1); they
 *   are in the report of the tab of their origin, marked fromWorker, in the panel's "Workers" view,
 *   not on the badge, and not in another origin's tab;
 * - a prerender navigation (speculation rules) does not start a new page in the tab that asked for
 *   it, and a discarded tab does not touch another tab's log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import type { ExportResult } from '../src/shared/messages';
import type { Report, ReportEntry } from '../src/shared/report';
import { launchWithExtension, readBadge, recordChromiumVerdicts, waitFor, waitForBadge, type ExtensionBrowser } from './harness';
import { recordTargetVerdicts, type TargetVerdicts } from './target-verdicts';

describe('frames and workers', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let targets: TargetVerdicts;

  /** An HTML page on another lab origin than the workers' (their entries show in every tab of their origin). */
  const pageOn = (origin: 'api2', path: string, html: string) => lab.route(origin, path, { response: { body: html, contentType: 'text/html; charset=utf-8' } });
  const report = (tabId: number) => browser.sendMessage<Report>({ type: 'getReport', tabId });
  const entryFor = (r: Report, url: string) => r.entries.filter((entry) => entry.request.url === url);
  async function waitForEntries(tabId: number, urls: string[]): Promise<Report> {
    return waitFor(
      () => report(tabId),
      (r) => urls.every((url) => entryFor(r, url).length > 0),
      { what: `entries for ${urls.join(', ')}` },
    );
  }
  /** The extension's verdict against Chromium's, read in the same run. */
  function expectChromiumAgrees(entry: ReportEntry, chromium: Array<{ corsError: string | null; finished: boolean }>) {
    expect(chromium, `Chromium's verdict for ${entry.request.url}`).toHaveLength(1);
    expect(chromium[0]!.finished).toBe(true);
    expect(entry.verdict.rule).toBe(chromium[0]!.corsError);
  }

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchWithExtension();
    const labHost = new URL(lab.origins.page).host;
    const apiHost = new URL(lab.origins.api).host;
    // Cross-origin iframes and the lab's workers; never the extension's own worker.
    targets = await recordTargetVerdicts(browser, (target) => {
      if (!['iframe', 'worker', 'shared_worker', 'service_worker'].includes(target.type)) return false;
      if (target.type === 'worker') return true; // a dedicated worker's target has no URL until it runs
      const host = URL.canParse(target.url) ? new URL(target.url).host : '';
      return host === labHost || host === apiHost;
    });
  });
  afterAll(async () => {
    await targets?.close();
    await browser?.close();
    await lab?.close();
  });

  it('requests from same-origin and cross-origin iframes belong to the tab and name the frame', async () => {
    const sameFrame = lab.page('/frames/same.html', '<!doctype html><title>same-origin frame</title>');
    const crossFrame = lab.route('api', '/frames/cross.html', { response: { body: 'html' } });
    const top = lab.page(
      '/frames/top.html',
      `<!doctype html><title>frames</title><iframe src="/frames/same.html"></iframe><iframe src="${crossFrame}"></iframe>`,
    );
    const fromSame = lab.route('api2', '/frames/from-same', { response: { body: 'json' } });
    const fromCross = lab.route('api2', '/frames/from-cross', {
      response: { headers: [['Access-Control-Allow-Origin', 'http://elsewhere.invalid']], body: 'json' },
    });
    const page = await browser.context.newPage();
    const pageVerdicts = await recordChromiumVerdicts(browser.context, page);
    await page.goto(top);
    const tabId = await browser.tabIdOf(page);
    const same = await waitFor(() => page.frames().find((frame) => frame.url() === sameFrame), Boolean, { what: 'the same-origin frame' });
    const cross = await waitFor(() => page.frames().find((frame) => frame.url() === crossFrame), Boolean, { what: 'the cross-origin frame' });
    // The cross-origin frame is its own process (site isolation): its requests need its own target.
    await targets.attached((target) => target.type === 'iframe' && target.url === crossFrame, 'cross-origin iframe');
    expect(
      await same!.evaluate(
        (url) =>
          fetch(url).then(
            () => 'ok',
            () => 'failed',
          ),
        fromSame,
      ),
    ).toBe('failed');
    expect(
      await cross!.evaluate(
        (url) =>
          fetch(url).then(
            () => 'ok',
            () => 'failed',
          ),
        fromCross,
      ),
    ).toBe('failed');

    const r = await waitForEntries(tabId, [fromSame, fromCross]);
    const [sameEntry] = entryFor(r, fromSame);
    const [crossEntry] = entryFor(r, fromCross);
    expect(sameEntry!.frameId).toBeGreaterThan(0);
    expect(sameEntry!.frameUrl).toBe(sameFrame);
    expect(sameEntry!.initiator).toBe(lab.origins.page);
    expect(crossEntry!.frameId).toBeGreaterThan(0);
    expect(crossEntry!.frameId).not.toBe(sameEntry!.frameId);
    expect(crossEntry!.frameUrl).toBe(crossFrame);
    expect(crossEntry!.initiator).toBe(lab.origins.api);
    expectChromiumAgrees(sameEntry!, pageVerdicts.forUrl(fromSame));
    expectChromiumAgrees(crossEntry!, targets.forUrl(fromCross));
    expect(sameEntry!.verdict.rule).toBe('MissingAllowOriginHeader');
    expect(crossEntry!.verdict.rule).toBe('AllowOriginMismatch');
    expect(r.summary.failures).toBe(2);
    expect((await waitForBadge(browser, tabId, '2')).text).toBe('2');

    // Exports name the frame.
    const markdown = await browser.sendMessage<ExportResult>({ type: 'exportReport', tabId, format: 'markdown' });
    expect(markdown.text).toContain(`**From frame:** \`${sameFrame}\``);
    expect(markdown.text).toContain(`**From frame:** \`${crossFrame}\``);
    const har = JSON.parse((await browser.sendMessage<ExportResult>({ type: 'exportReport', tabId, format: 'har' })).text);
    const harFrames = har.log.entries.map((entry: { request: { url: string }; _cors: { frameUrl?: string } }) => [entry.request.url, entry._cors.frameUrl]);
    expect(harFrames).toContainEqual([fromSame, sameFrame]);
    expect(harFrames).toContainEqual([fromCross, crossFrame]);

    // The panel: a "frame" chip on the row (the frame's URL on hover), the URL in the detail pane.
    const panel = await browser.context.newPage();
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/panel.html?tabId=${tabId}`);
    const row = panel.locator('.list-window .list-row').filter({ hasText: 'from-cross' });
    await row.waitFor();
    expect(await row.locator('.made-by').innerText()).toBe('frame');
    expect(await row.locator('.made-by').getAttribute('title')).toBe(`Made by the iframe ${crossFrame}`);
    await row.click();
    expect(await panel.locator('.detail-frame').innerText()).toBe(crossFrame);
    await panel.close();
    await pageVerdicts.cdp.detach();
    await page.close();
  });

  it("a dedicated worker's requests belong to its page; shared and service workers' (tabId -1) are in the Workers view of their origin's tab", async () => {
    const fetchOnMessage = 'fetch(url).then(() => "ok", () => "failed")';
    lab.route('page', '/workers/dedicated.js', {
      response: { body: `onmessage = (e) => { const url = e.data; ${fetchOnMessage}.then((r) => postMessage(r)); };`, contentType: 'text/javascript' },
    });
    lab.route('page', '/workers/shared.js', {
      response: {
        body: `onconnect = (c) => { const port = c.ports[0]; port.onmessage = (e) => { const url = e.data; ${fetchOnMessage}.then((r) => port.postMessage(r)); }; };`,
        contentType: 'text/javascript',
      },
    });
    lab.route('page', '/workers/service.js', {
      response: {
        body: `addEventListener('install', () => skipWaiting()); addEventListener('activate', (e) => e.waitUntil(clients.claim()));
addEventListener('message', (e) => { const url = e.data; e.waitUntil(${fetchOnMessage}.then((r) => e.source.postMessage(r))); });`,
        contentType: 'text/javascript',
      },
    });
    const top = lab.page('/workers/top.html', '<!doctype html><title>workers</title>');
    const fromDedicated = lab.route('api', '/workers/from-dedicated', { response: { body: 'json' } });
    const fromShared = lab.route('api', '/workers/from-shared', { response: { body: 'json' } });
    const fromService = lab.route('api', '/workers/from-service', {
      response: { headers: [['Access-Control-Allow-Origin', 'http://elsewhere.invalid']], body: 'json' },
    });
    const page = await browser.context.newPage();
    await page.goto(top);
    const tabId = await browser.tabIdOf(page);
    // Another origin's tab: it must not get this origin's workers.
    const other = await browser.context.newPage();
    await other.goto(lab.route('api2', '/workers/other.html', { response: { body: 'html' } }));
    const otherTab = await browser.tabIdOf(other);

    await page.evaluate(async () => {
      const w = window as unknown as Record<string, unknown>;
      w.dedicated = new Worker('/workers/dedicated.js');
      const shared = new SharedWorker('/workers/shared.js');
      shared.port.start();
      w.shared = shared;
      await navigator.serviceWorker.register('/workers/service.js');
      await navigator.serviceWorker.ready;
    });
    // A panel open before the workers' requests: their entries reach it live, as the report shows them.
    const panel = await browser.context.newPage();
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/panel.html?tabId=${tabId}`);
    await waitFor(
      () => panel.locator('.connection').textContent(),
      (text) => text?.includes('live') ?? false,
      { what: 'the panel to connect' },
    );
    // Dedicated workers' targets start with no URL: wait for one of this page's to run.
    await targets.attached((target) => target.type === 'worker', 'dedicated worker');
    await targets.attached((target) => target.type === 'shared_worker' && target.url.endsWith('/workers/shared.js'), 'shared worker');
    await targets.attached((target) => target.type === 'service_worker' && target.url.endsWith('/workers/service.js'), 'service worker');
    const results = await page.evaluate(
      async ([dedicatedUrl, sharedUrl, serviceUrl]) => {
        const w = window as unknown as { dedicated: Worker; shared: SharedWorker };
        const ask = (post: (url: string) => void, target: { onmessage: ((e: MessageEvent) => void) | null }, url: string) =>
          new Promise<string>((resolve) => {
            target.onmessage = (e) => resolve(e.data as string);
            post(url);
          });
        const registration = await navigator.serviceWorker.ready;
        return [
          await ask((url) => w.dedicated.postMessage(url), w.dedicated, dedicatedUrl!),
          await ask((url) => w.shared.port.postMessage(url), w.shared.port, sharedUrl!),
          await ask((url) => registration.active!.postMessage(url), navigator.serviceWorker, serviceUrl!),
        ];
      },
      [fromDedicated, fromShared, fromService],
    );
    expect(results).toEqual(['failed', 'failed', 'failed']);

    const r = await waitForEntries(tabId, [fromDedicated, fromShared, fromService]);
    const [dedicated] = entryFor(r, fromDedicated);
    const [shared] = entryFor(r, fromShared);
    const [service] = entryFor(r, fromService);
    // A dedicated worker's request: Chromium gives it the page's tab and frame.
    expect(dedicated!.fromWorker).toBeUndefined();
    expect(dedicated!.frameId).toBe(0);
    expect(dedicated!.frameUrl).toBe(top);
    for (const entry of [shared!, service!]) {
      expect(entry.fromWorker).toBe(true);
      expect(entry.frameId).toBe(-1);
      expect(entry.initiator).toBe(lab.origins.page);
      expect(entry.pageId).toBe(r.currentPageId);
    }
    for (const entry of [dedicated!, shared!, service!]) expectChromiumAgrees(entry, targets.forUrl(entry.request.url));
    expect(service!.verdict.rule).toBe('AllowOriginMismatch');
    // The badge counts the page's own failures (the dedicated worker's is the page's); the summary is the list.
    expect((await waitForBadge(browser, tabId, '1')).text).toBe('1');
    expect(r.summary.failures).toBe(3);
    // Not in another origin's tab; all in the worker log.
    expect((await report(otherTab)).entries).toEqual([]);
    const workerLog = await report(-1);
    expect(workerLog.entries.map((entry) => entry.request.url).sort()).toEqual([fromService, fromShared].sort());

    // Exports say it; the panel lists them under "Workers".
    const markdown = await browser.sendMessage<ExportResult>({ type: 'exportReport', tabId, format: 'markdown' });
    expect(markdown.text).toContain('**Made by:** a service worker or shared worker of that origin');
    const workers = panel.getByRole('radio', { name: 'Workers (2)' });
    await workers.click();
    await waitFor(
      () => panel.locator('.list-window .list-row').count(),
      (count) => count === 2,
      { what: 'the two worker rows' },
    );
    expect(await panel.locator('.list-window .list-row .made-by').allInnerTexts()).toEqual(['worker', 'worker']);
    await panel.close();
    await other.close();
    await page.close();
  });

  it('a prerender navigation does not start a new page in the tab that asked for it', async () => {
    const prerendered = pageOn('api2', '/prerender/next.html', '<!doctype html><title>next</title>');
    const top = pageOn('api2', '/prerender/top.html', '<!doctype html><title>prerender</title>');
    const failing = lab.route('api', '/prerender/before', { response: { body: 'json' } });
    const failingAfter = lab.route('api', '/prerender/after', { response: { body: 'json' } });
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    const statuses: string[] = [];
    cdp.on('Preload.prerenderStatusUpdated', (event: { status: string; prerenderStatus?: string }) =>
      statuses.push(`${event.status}${event.prerenderStatus ? ` ${event.prerenderStatus}` : ''}`),
    );
    await cdp.send('Preload.enable');
    await page.goto(top);
    const tabId = await browser.tabIdOf(page);
    expect(
      await page.evaluate(
        (url) =>
          fetch(url).then(
            () => 'ok',
            () => 'failed',
          ),
        failing,
      ),
    ).toBe('failed');
    const before = await waitForEntries(tabId, [failing]);
    // The page asks for a prerender once its log has an entry.
    await page.evaluate(() => {
      const rules = document.createElement('script');
      rules.type = 'speculationrules';
      rules.textContent = JSON.stringify({ prerender: [{ source: 'list', urls: ['/prerender/next.html'] }] });
      document.head.append(rules);
    });
    // Chromium sends the prerender's navigation request (Sec-Purpose: prefetch;prerender) in this tab.
    // With a DevTools session attached (Playwright's) it then refuses to prerender
    // (PrerenderingDisabledByDevTools), which is also what a developer with DevTools open gets.
    await waitFor(
      () => lab.requests({ origin: 'api2', path: '/prerender/next.html' }),
      (requests) => requests.length > 0,
      { what: 'the prerender request' },
    );
    const [request] = lab.requests({ origin: 'api2', path: '/prerender/next.html' });
    expect(request!.headers.find(([name]) => name.toLowerCase() === 'sec-purpose')?.[1]).toContain('prerender');
    await waitFor(
      () => statuses,
      (list) => list.some((status) => /Failure|Ready|Success/.test(status)),
      { what: 'the prerender to settle' },
    );
    expect(
      await page.evaluate(
        (url) =>
          fetch(url).then(
            () => 'ok',
            () => 'failed',
          ),
        failingAfter,
      ),
    ).toBe('failed');
    const after = await waitForEntries(tabId, [failingAfter]);
    // Still the same page: same page id, both entries on it, the later one made by the page that is shown.
    expect(after.currentPageId).toBe(before.currentPageId);
    expect(after.tab.url).toBe(top);
    expect(entryFor(after, failing)[0]!.pageId).toBe(after.currentPageId);
    expect(entryFor(after, failingAfter)[0]!.pageId).toBe(after.currentPageId);
    expect(entryFor(after, failingAfter)[0]!.frameUrl).toBe(top);
    expect((await waitForBadge(browser, tabId, '2')).text).toBe('2');
    // Going there for real is a new page.
    await page.goto(prerendered);
    const navigated = await waitFor(
      () => report(tabId),
      (r) => r.currentPageId === before.currentPageId + 1,
      { what: 'the real navigation' },
    );
    expect(navigated.summary.failures).toBe(2);
    expect((await readBadge(browser, tabId)).text).toBe('');
    await cdp.detach();
    await page.close();
  });

  it("a discarded tab does not touch another tab's log", async () => {
    const failing = (name: string) => lab.route('api', `/discard/${name}`, { response: { body: 'json' } });
    const keep = await browser.context.newPage();
    await keep.goto(pageOn('api2', '/discard/keep.html', '<!doctype html><title>keep</title>'));
    const keepTab = await browser.tabIdOf(keep);
    const gone = await browser.context.newPage();
    await gone.goto(pageOn('api2', '/discard/gone.html', '<!doctype html><title>gone</title>'));
    const goneTab = await browser.tabIdOf(gone);
    for (const name of ['keep-1', 'keep-2'])
      expect(
        await keep.evaluate(
          (url) =>
            fetch(url).then(
              () => 'ok',
              () => 'failed',
            ),
          failing(name),
        ),
      ).toBe('failed');
    expect(
      await gone.evaluate(
        (url) =>
          fetch(url).then(
            () => 'ok',
            () => 'failed',
          ),
        failing('gone-1'),
      ),
    ).toBe('failed');
    await waitForEntries(keepTab, [failing('keep-1'), failing('keep-2')]);
    await waitForEntries(goneTab, [failing('gone-1')]);
    const keepBefore = await report(keepTab);

    await keep.bringToFront();
    const helper = await browser.extensionPage();
    // Chromium replaces a discarded tab with a new id (tabs.onReplaced).
    const replacement = await helper.evaluate(async (id) => (await chrome.tabs.discard(id))?.id ?? null, goneTab);
    expect(replacement).not.toBeNull();
    expect(replacement).not.toBe(goneTab);
    // The discarded tab's log goes with its page; the replacement starts empty.
    await waitFor(
      () => report(goneTab),
      (r) => r.entries.length === 0,
      { what: "the discarded tab's log to be freed" },
    );
    expect((await report(replacement!)).entries).toEqual([]);

    const keepAfter = await report(keepTab);
    expect(keepAfter.entries.map((entry) => entry.id)).toEqual(keepBefore.entries.map((entry) => entry.id));
    expect(keepAfter.currentPageId).toBe(keepBefore.currentPageId);
    expect((await waitForBadge(browser, keepTab, '2')).text).toBe('2');
    expect(
      await keep.evaluate(
        (url) =>
          fetch(url).then(
            () => 'ok',
            () => 'failed',
          ),
        failing('keep-3'),
      ),
    ).toBe('failed');
    const keepLast = await waitForEntries(keepTab, [failing('keep-3')]);
    expect(keepLast.summary.failures).toBe(3);
    expect((await waitForBadge(browser, keepTab, '3')).text).toBe('3');
    await keep.close();
  });
});
