/**
 * The real DevTools panel: Chromium headed under its own Xvfb (the devtools_page never loads
 * headless or over Playwright's pipe), DevTools opened for the lab tab by
 * --auto-open-devtools-for-tabs, the CORS panel shown as a click on its tab would, and the panel
 * frame inside DevTools checked for the inspected tab's failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import {
  attachToTarget,
  launchHeadedWithDevTools,
  showExtensionPanel,
  startXvfb,
  type HeadedChromium,
  type TargetSession,
  type VirtualDisplay,
} from '../test-support/headed-chromium';
import { waitFor } from './harness';

describe('the CORS panel inside real DevTools', () => {
  let lab: Lab;
  let display: VirtualDisplay;
  let chromium: HeadedChromium;
  let panel: TargetSession;
  let devtoolsPage: TargetSession;
  let failingUrl: string;

  beforeAll(async () => {
    lab = await startLab();
    failingUrl = lab.route('api', '/devtools/missing-allow-origin', { response: { body: 'json' } });
    const labUrl = lab.page(
      '/devtools-lab',
      `<!doctype html><title>devtools lab</title><script>fetch(${JSON.stringify(failingUrl)}).catch(() => {});</script>`,
    );
    display = await startXvfb();
    chromium = await launchHeadedWithDevTools(display.display, labUrl);
    const extensionFrame = (path: string) => (url: string) => url.startsWith('chrome-extension://') && url.includes(path);
    devtoolsPage = await attachToTarget(chromium.browser, extensionFrame('/src/devtools/devtools.html'));
    const frontend = await attachToTarget(chromium.browser, (url) => url.startsWith('devtools://devtools/bundled/devtools_app.html'));
    // DevTools adds extension panels once their devtools_page ran panels.create.
    await waitFor(
      () =>
        showExtensionPanel(frontend, 'CORS').then(
          () => true,
          () => false,
        ),
      (shown) => shown,
      { what: 'the CORS panel in DevTools', timeoutMs: 30_000, intervalMs: 250 },
    );
    panel = await attachToTarget(chromium.browser, extensionFrame('/src/panel/panel.html'));
    // Xvfb, a headed browser, DevTools and the CDP attach: slower than the default hook timeout allows on a busy machine.
  }, 240_000);

  afterAll(async () => {
    await chromium?.close();
    await display?.stop();
    await lab?.close();
  });

  it('is created by the devtools page for the inspected tab, with the DevTools theme', async () => {
    const inspectedTabId = await devtoolsPage.evaluate<number>('chrome.devtools.inspectedWindow.tabId');
    const params = new URL(panel.url).searchParams;
    expect(params.get('tabId')).toBe(String(inspectedTabId));
    expect(params.get('devtools')).toBe('1');
    const themeName = await devtoolsPage.evaluate<string>('chrome.devtools.panels.themeName');
    expect(params.get('theme')).toBe(themeName === 'dark' ? 'dark' : 'light');
    expect(await panel.evaluate<string>('document.documentElement.dataset.theme')).toBe(params.get('theme'));
  });

  it('shows the inspected page’s failure, live, and its detail on Enter', async () => {
    // The request the page made while the browser was starting may predate the worker's listeners;
    // this one is made with the panel open.
    const labPage = await attachToTarget(chromium.browser, (url, type) => type === 'page' && url.includes('/devtools-lab'));
    expect(await labPage.evaluate<string>(`fetch(${JSON.stringify(failingUrl)}).then(() => 'ok', () => 'failed')`)).toBe('failed');
    const tabId = new URL(panel.url).searchParams.get('tabId');
    // The status bar and the worker's own report make a timeout say where the request got lost.
    const panelState = () =>
      panel.evaluate<{ urls: string[]; status: string; report: unknown }>(`(async () => ({
        urls: [...document.querySelectorAll('.list-window .cell-url')].map((c) => c.title),
        status: document.querySelector('.status-bar').textContent,
        report: await chrome.runtime.sendMessage({ type: 'getReport', tabId: ${tabId} }).then(
          (r) => ({ currentPageId: r.currentPageId, entries: r.entries.map((e) => [e.pageId, e.request.url, e.verdict.rule]) }),
          (error) => String(error),
        ),
      }))()`);
    await waitFor(panelState, (state) => state.urls.includes(failingUrl), { what: 'the failing request in the DevTools panel', timeoutMs: 30_000 });
    expect(await panel.evaluate<string>(`document.querySelector('.connection').textContent`)).toContain('live');
    const detailTitle = await panel.evaluate<string>(`(async () => {
      const grid = document.querySelector('[role=grid]');
      grid.focus();
      // The newest row: this test's request (the one the page made at start-up may be logged too, partly).
      grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
      await new Promise((r) => setTimeout(r, 50));
      grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      await new Promise((r) => setTimeout(r, 50));
      return document.querySelector('.detail-title').textContent;
    })()`);
    expect(detailTitle).toMatch(/Access-Control-Allow-Origin/i);
    expect(await panel.evaluate<string>(`document.querySelector('.detail .rule-name').textContent`)).toBe('MissingAllowOriginHeader');
  });

  it('offers "Open in tab", which opens the same panel page for the same tab', async () => {
    const tabId = new URL(panel.url).searchParams.get('tabId');
    await panel.evaluate(`[...document.querySelectorAll('button')].find((b) => b.textContent === 'Open in tab').click()`);
    const popOut = await attachToTarget(chromium.browser, (url, type) => type === 'page' && url.endsWith(`/src/panel/panel.html?tabId=${tabId}`));
    await waitFor(
      () => popOut.evaluate<string[]>(`[...document.querySelectorAll('.list-window .cell-url')].map((c) => c.title)`),
      (urls) => urls.includes(failingUrl),
      { what: 'the pop-out tab to list the failure' },
    );
    expect(await popOut.evaluate<number>(`[...document.querySelectorAll('button')].filter((b) => b.textContent === 'Open in tab').length`)).toBe(0);
  });
});
