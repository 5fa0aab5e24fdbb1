/**
 * The HAR export opens in Chrome DevTools' Network panel. Headed Chromium under Xvfb (as the
 * DevTools-panel test), a lab page whose requests Chromium blocks, the HAR exported by the real
 * worker, then handed to the Network panel's own HAR import: the code path of its "Import HAR file"
 * button and of dropping a file on the panel (NetworkLogView.onLoadFromFile). The test checks what
 * the Network panel then lists: one row per request on the wire, with its method, URL, status and
 * type (preflights as "preflight"), and that DevTools reported no import failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import type { Har } from '../src/report/har';
import type { Report } from '../src/shared/report';
import {
  attachToTarget,
  launchHeadedWithDevTools,
  startXvfb,
  type HeadedChromium,
  type TargetSession,
  type VirtualDisplay,
} from '../test-support/headed-chromium';
import { waitFor } from './harness';

interface ImportedRow {
  name: string;
  url: string;
  method: string;
  status: number;
  type: string;
}

describe('the HAR export in DevTools’ Network panel', () => {
  let lab: Lab;
  let display: VirtualDisplay;
  let chromium: HeadedChromium;
  let devtoolsPage: TargetSession;
  let frontend: TargetSession;
  let har: Har;
  let harText: string;

  beforeAll(async () => {
    lab = await startLab();
    const missing = lab.route('api', '/har/orders', { response: { body: 'json' } });
    const refused = lab.route('api', '/har/orders/17', {
      preflight: {
        status: 204,
        headers: [
          ['Access-Control-Allow-Origin', '{origin}'],
          ['Access-Control-Allow-Methods', 'GET, PUT'],
          ['Access-Control-Allow-Headers', 'content-type'],
        ],
      },
      response: { headers: [['Access-Control-Allow-Origin', '{origin}']], body: 'json' },
    });
    const labUrl = lab.page('/har-lab', '<!doctype html><title>har lab</title><p>har lab</p>');
    display = await startXvfb();
    chromium = await launchHeadedWithDevTools(display.display, labUrl);
    devtoolsPage = await attachToTarget(chromium.browser, (url) => url.startsWith('chrome-extension://') && url.includes('/src/devtools/devtools.html'));
    frontend = await attachToTarget(chromium.browser, (url) => url.startsWith('devtools://devtools/bundled/devtools_app.html'));
    const labPage = await attachToTarget(chromium.browser, (url, type) => type === 'page' && url.includes('/har-lab'));
    // Made once the extension is listening (the devtools page runs after the worker started).
    await labPage.evaluate(`Promise.all([
      fetch(${JSON.stringify(`${missing}?page=2&token=har-secret-0c9d`)}).catch(() => {}),
      fetch(${JSON.stringify(refused)}, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body: '{}' }).catch(() => {}),
    ])`);
    const tabId = await devtoolsPage.evaluate<number>('chrome.devtools.inspectedWindow.tabId');
    await waitFor(
      () => devtoolsPage.evaluate<Report>(`chrome.runtime.sendMessage({ type: 'getReport', tabId: ${tabId} })`),
      (report) => report.entries.filter((entry) => entry.verdict.blocked).length >= 2,
      { what: 'two judged failures', timeoutMs: 30_000 },
    );
    harText = (await devtoolsPage.evaluate<{ text: string }>(`chrome.runtime.sendMessage({ type: 'exportReport', tabId: ${tabId}, format: 'har' })`)).text;
    har = JSON.parse(harText) as Har;
    // Xvfb, a headed browser, DevTools and the CDP attach: slower than the default hook timeout allows on a busy machine.
  }, 240_000);

  afterAll(async () => {
    await chromium?.close();
    await display?.stop();
    await lab?.close();
  });

  it('imports without an error and lists every request on the wire with its method, URL, status and type', async () => {
    const failure = await frontend.evaluate<string | null>(`(async () => {
      const UI = await import('./ui/legacy/legacy.js');
      await UI.InspectorView.InspectorView.instance().showPanel('network');
      const Network = await import('./panels/network/network.js');
      const view = Network.NetworkPanel.NetworkPanel.instance().networkLogView;
      let failure = null;
      const reportFailure = view.harLoadFailed.bind(view);
      view.harLoadFailed = (message) => { failure = String(message); return reportFailure(message); };
      await view.onLoadFromFile(new File([${JSON.stringify(harText)}], 'cors-doctor.har', { type: 'application/json' }));
      return failure;
    })()`);
    expect(failure).toBeNull();
    // The rows of the Network panel's grid that came from the file (DevTools ids them "har-N").
    const rows = await waitFor(
      () =>
        frontend.evaluate<ImportedRow[]>(`(async () => {
          const Network = await import('./panels/network/network.js');
          const grid = Network.NetworkPanel.NetworkPanel.instance().networkLogView.dataGrid;
          return grid.rootNode().flatChildren()
            .map((node) => node.request())
            .filter((request) => request && request.requestId().startsWith('har-'))
            .map((request) => ({ name: request.name(), url: request.url(), method: request.requestMethod, status: request.statusCode, type: request.resourceType().name() }));
        })()`),
      (found) => found.length >= har.log.entries.length,
      { what: 'the imported rows in the Network panel', timeoutMs: 20_000, intervalMs: 200 },
    );
    const expected = har.log.entries.map((entry) => ({
      url: entry.request.url,
      method: entry.request.method,
      status: entry.response.status,
      type: entry._resourceType,
    }));
    const sortKey = (row: { url: string; method: string }) => `${row.url} ${row.method}`;
    expect(rows.map(({ url, method, status, type }) => ({ url, method, status, type })).sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual(
      expected.sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
    );
    // The same names as our panel's Name column, and the redacted query as exported.
    expect(rows.map((row) => row.name)).toContain('orders?page=2&token=[redacted]');
    expect(rows.filter((row) => row.type === 'preflight').map((row) => row.method)).toEqual(['OPTIONS']);
    expect(harText).not.toContain('har-secret-0c9d');
  });
});
