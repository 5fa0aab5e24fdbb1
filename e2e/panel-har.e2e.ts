/**
 * The pop-out panel page opens a HAR: chosen with "Open HAR" or dropped on the page, judged in the
 * page by the same importer as `cors-doctor har`, shown in the same list and detail pane, with the
 * page offline (DevTools-protocol network emulation) and no request made.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import { importHar } from '../src/har/import';
import type { Report } from '../src/shared/report';
import { recordHar } from './devtools-har';
import { fetchFrom, launchWithExtension, waitFor, type ExtensionBrowser, type Page } from './harness';

const GOLDEN_HAR = resolve(import.meta.dirname, '..', 'src/report/__golden__/report.har');

describe('the panel page opens a HAR file', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let devtoolsHar: string;
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchWithExtension();
    urls.missing = lab.route('api', '/har/missing', { response: { status: 200, body: 'json' } });
    urls.method = lab.route('api', '/har/method', {
      preflight: {
        status: 204,
        headers: [
          ['Access-Control-Allow-Origin', '{origin}'],
          ['Access-Control-Allow-Methods', 'GET, POST'],
        ],
      },
      response: { status: 200, body: 'json', headers: [['Access-Control-Allow-Origin', '{origin}']] },
    });
    urls.ok = lab.route('api', '/har/ok', { response: { status: 200, body: 'json', headers: [['Access-Control-Allow-Origin', '*']] } });
    // Real Chromium traffic, recorded through the DevTools protocol as DevTools' HAR export sees it.
    const page = await browser.context.newPage();
    await page.goto(lab.page('/har-page', '<!doctype html><title>HAR source</title>'));
    const cdp = await browser.context.newCDPSession(page);
    const recorder = await recordHar(cdp);
    expect(await fetchFrom(page, urls.missing!)).toMatch(/TypeError/);
    expect(await fetchFrom(page, urls.method!, { method: 'PUT', body: 'x' })).toMatch(/TypeError/);
    expect(await fetchFrom(page, urls.ok!)).toBe(200);
    await waitFor(
      () => recorder.pending(),
      (n) => n === 0,
      { what: 'CDP to finish every request' },
    );
    devtoolsHar = JSON.stringify(recorder.har());
    await cdp.detach();
    await page.close();
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  /** The panel page, offline, with every network request it attempts recorded. */
  async function offlinePanel(query: string): Promise<{ panel: Page; requests: string[]; errors: string[] }> {
    const panel = await browser.context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    panel.on('request', (request) => {
      if (!request.url().startsWith('chrome-extension://')) requests.push(request.url());
    });
    panel.on('pageerror', (error) => errors.push(error.message));
    await panel.setViewportSize({ width: 1300, height: 760 });
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/panel.html${query}`);
    const cdp = await browser.context.newCDPSession(panel);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    return { panel, requests, errors };
  }

  const rows = (panel: Page) => panel.locator('.list-window .list-row');

  it('a chosen file: the same list and detail pane, offline, no request made', async () => {
    const { panel, requests, errors } = await offlinePanel('');
    await panel.locator('input[type=file]').setInputFiles({ name: 'notes.har', mimeType: 'application/json', buffer: Buffer.from('not json') });
    await expect.poll(() => panel.locator('.status-bar').textContent()).toMatch(/Could not open notes\.har: Not a HAR file: it is not JSON/);
    await panel.locator('input[type=file]').setInputFiles({ name: 'from-devtools.har', mimeType: 'application/json', buffer: Buffer.from(devtoolsHar) });
    await waitFor(
      () => panel.locator('.connection').textContent(),
      (t) => t?.includes('from-devtools.har') ?? false,
      { what: 'the HAR to load' },
    );
    await panel.getByRole('radio', { name: /^All/ }).click();
    const expected = importHar(devtoolsHar).report.entries.map((e) => e.verdict.rule ?? e.verdict.title);
    expect(expected).toEqual(expect.arrayContaining(['MissingAllowOriginHeader', 'MethodDisallowedByPreflightResponse', 'Passed CORS']));
    await waitFor(
      () => rows(panel).count(),
      (n) => n === expected.length,
      { what: 'one row per exchange' },
    );
    const verdicts = await panel.locator('.list-window .list-row .cell-verdict').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('title') ?? ''));
    expect(verdicts.map((title) => title.split(':')[0]).sort()).toEqual(['MethodDisallowedByPreflightResponse', 'MissingAllowOriginHeader', 'Passed CORS']);

    await rows(panel)
      .filter({ has: panel.locator(`.cell-url[title="${urls.method}"]`) })
      .click();
    await expect.poll(() => panel.locator('.detail .rule-name').textContent()).toBe('MethodDisallowedByPreflightResponse');
    expect(await panel.locator('.detail').innerText()).toMatch(/Access-Control-Allow-Methods/);
    expect(await panel.locator('.har-notices').innerText()).toMatch(/credentials mode/);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await panel.close();
  });

  it('a dropped file on the pop-out of a live tab replaces the live log and stays offline', async () => {
    const source = await browser.context.newPage();
    await source.goto(lab.page('/live-page', '<!doctype html><title>live</title>'));
    const tabId = await browser.tabIdOf(source);
    const { panel, requests, errors } = await offlinePanel(`?tabId=${tabId}`);
    await waitFor(
      () => panel.locator('.connection').textContent(),
      (t) => t?.includes('live') ?? false,
      { what: 'the live connection' },
    );
    const golden = readFileSync(GOLDEN_HAR, 'utf8');
    await panel.evaluate((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'ticket-1234.har', { type: 'application/json' }));
      for (const type of ['dragover', 'drop'] as const) {
        window.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    }, golden);
    await waitFor(
      () => panel.locator('.connection').textContent(),
      (t) => t?.includes('ticket-1234.har · offline') ?? false,
      { what: 'the dropped HAR to load' },
    );
    await panel.getByRole('radio', { name: /^All/ }).click();
    const imported = importHar(golden).report;
    await waitFor(
      () => rows(panel).count(),
      (n) => n === imported.entries.length,
      { what: 'one row per exchange of the dropped HAR' },
    );
    // A request the live tab makes now does not join the HAR's list.
    expect(await fetchFrom(source, urls.ok!)).toBe(200);
    await waitFor(
      () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
      (report) => report.entries.some((e) => e.request.url === urls.ok),
      { what: 'the worker to log the live request' },
    );
    expect(await rows(panel).count()).toBe(imported.entries.length);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await panel.close();
    await source.close();
  });
});
