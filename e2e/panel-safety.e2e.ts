/**
 * Network values are data, never markup: header values and URLs carrying HTML and script reach the
 * panel both from a real server (through the worker) and verbatim (through the panel's port path),
 * and the panel shows them as text without creating an element or running a script.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../lab/server';
import { headerDisallowedEntry, missingAllowOriginEntry, reportOf } from '../test-support/panel-fixtures';
import { waitFor, type ExtensionBrowser, type Page } from './harness';
import { openPanelFor, startPanelTestbed, type PanelTestbed } from './panel-testbed';

const IMG_PAYLOAD = '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">';
const SCRIPT_PAYLOAD = '<script>window.__pwned=(window.__pwned||0)+1</script>';
const SVG_PAYLOAD = '"><svg onload="window.__pwned=1"><b id="injected">bold</b>';

describe('the panel renders network values as text', () => {
  let testbed: PanelTestbed;
  let lab: Lab;
  let browser: ExtensionBrowser;
  let labPage: Page;
  let tabId: number;

  async function openPanel(): Promise<Page> {
    const panel = await openPanelFor(browser, tabId);
    return panel;
  }

  async function expectNothingInterpreted(panel: Page) {
    const injected = await panel.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
      images: document.querySelectorAll('img').length,
      scripts: [...document.querySelectorAll('script')].map((s) => s.getAttribute('src')),
      svgs: document.querySelectorAll('svg').length,
      bold: document.querySelectorAll('b, #injected').length,
    }));
    // The only script is the panel's own bundle.
    expect(injected.scripts).toHaveLength(1);
    expect(injected.scripts[0]).toMatch(/^\/assets\/.+\.js$/);
    expect(injected).toMatchObject({ pwned: null, images: 0, svgs: 0, bold: 0 });
  }

  beforeAll(async () => {
    testbed = await startPanelTestbed('/safety', 'safety');
    ({ lab, browser, labPage, tabId } = testbed);
  });
  afterAll(async () => {
    await testbed?.close();
  });

  it('from a real server: hostile header values and URL appear literally', async () => {
    const url = lab.route('api', '/safety/hostile', {
      response: {
        headers: [
          ['Access-Control-Allow-Origin', IMG_PAYLOAD],
          ['X-Note', SCRIPT_PAYLOAD],
        ],
        body: 'json',
      },
    });
    const outcome = await labPage.evaluate(
      (target) =>
        fetch(`${target}?q=${'<script>alert(1)</script>'}`).then(
          () => 'ok',
          () => 'failed',
        ),
      url,
    );
    expect(outcome).toBe('failed');
    const panel = await openPanel();
    await waitFor(
      () => panel.locator('.list-window .list-row').count(),
      (count) => count === 1,
      { what: 'the hostile row' },
    );
    await panel.locator('.list-window .list-row').first().click();
    const detail = panel.getByRole('region', { name: 'Request details' });
    const text = await detail.innerText();
    expect(text).toContain(IMG_PAYLOAD);
    expect(text).toContain(SCRIPT_PAYLOAD);
    await expectNothingInterpreted(panel);
    await panel.close();
  });

  it('verbatim through the port path: markup in URLs, header names and values, verdict text and snippets', async () => {
    const panel = await openPanel();
    const hostileUrl = `http://localhost:1/${SVG_PAYLOAD}?${SCRIPT_PAYLOAD}`;
    const first = missingAllowOriginEntry({
      id: 'hostile-1',
      pageId: 0,
      request: { url: hostileUrl, method: 'GET', type: 'xmlhttprequest', headers: [{ name: 'Origin', value: SVG_PAYLOAD }] },
    });
    first.response = { status: 200, headers: [{ name: `X-${IMG_PAYLOAD}`, value: SCRIPT_PAYLOAD }] };
    first.verdict.title = `Title ${IMG_PAYLOAD}`;
    first.verdict.explanation = `Explanation ${SCRIPT_PAYLOAD}`;
    first.verdict.observed = [{ field: 'Access-Control-Allow-Origin', expected: SVG_PAYLOAD, actual: IMG_PAYLOAD }];
    first.verdict.fix!.snippets[0]!.code = SCRIPT_PAYLOAD;
    first.verdict.specUrl = 'javascript:window.__pwned=1';
    const second = headerDisallowedEntry({ id: 'hostile-2', pageId: 0 });
    second.preflight!.response!.headers = [{ name: 'Access-Control-Allow-Headers', value: IMG_PAYLOAD }];
    second.redirects = [{ url: hostileUrl, status: 307, location: `javascript:${SCRIPT_PAYLOAD}`, headers: [] }];
    await panel.evaluate((report) => window.corsDoctorPanel!.deliver({ type: 'snapshot', report }), reportOf([first, second], tabId, 0));
    await waitFor(
      () => panel.locator('.list-window .list-row').count(),
      (count) => count === 2,
      { what: 'the injected rows' },
    );
    expect(await panel.locator('.list-window .list-row').first().locator('.cell-verdict').innerText()).toBe(`Title ${IMG_PAYLOAD}`);
    for (const [index, expected] of [
      [0, [IMG_PAYLOAD, SCRIPT_PAYLOAD, SVG_PAYLOAD]],
      [1, [IMG_PAYLOAD, `javascript:${SCRIPT_PAYLOAD}`]],
    ] as const) {
      await panel.locator('.list-window .list-row').nth(index).click();
      const text = await panel.getByRole('region', { name: 'Request details' }).innerText();
      for (const fragment of expected) expect(text).toContain(fragment);
      await expectNothingInterpreted(panel);
    }
    // A javascript: spec link is not turned into a link at all.
    await panel.locator('.list-window .list-row').first().click();
    expect(await panel.locator('a[href^="javascript:"]').count()).toBe(0);
    await panel.close();
  });
});
