/**
 * CORS Doctor in real Firefox ESR, with the built Firefox add-on (dist-firefox/): a request Firefox
 * blocks is captured, judged by Firefox's rules, counted on the toolbar badge, named by Firefox's
 * reason key with Firefox's own console text (compared with what Firefox's console printed for the
 * same request in the same run), exported as Markdown, JSON and HAR, and shown in the panel page
 * opened as a tab for the inspected tab.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../lab/server';
import type { ExportResult } from '../../src/shared/messages';
import type { Report } from '../../src/shared/report';
import { fetchFrom, type FirefoxExtensionBrowser, type Page } from '../../tools/firefox';
import { waitFor } from '../harness';
import { openFirefoxLabTab } from './lab-tab';

describe('CORS Doctor in Firefox', () => {
  let lab: Lab;
  let firefox: FirefoxExtensionBrowser;
  let page: Page;
  let tabId: number;
  let close: (() => Promise<void>) | undefined;
  const urls = { missing: '', method: '', passing: '' };

  const report = () => firefox.sendMessage<Report>({ type: 'getReport', tabId });

  beforeAll(async () => {
    ({ lab, firefox, page, tabId, close } = await openFirefoxLabTab());
    urls.missing = lab.route('api', '/ff-missing-acao', { response: { body: 'json' } });
    urls.method = lab.route('api', '/ff-method', {
      preflight: { status: 204, headers: [['Access-Control-Allow-Origin', '{origin}']] },
      response: { body: 'json', headers: [['Access-Control-Allow-Origin', '{origin}']] },
    });
    urls.passing = lab.route('api', '/ff-passing', { response: { body: 'json', headers: [['Access-Control-Allow-Origin', '*']] } });
    expect(await fetchFrom(page, urls.missing)).toMatch(/NetworkError/);
    expect(await fetchFrom(page, urls.method, { method: 'PUT' })).toMatch(/NetworkError/);
    expect(await fetchFrom(page, urls.passing)).toBe(200);
  });

  afterAll(() => close?.());

  it("records each exchange whole and names each block as Firefox's console does", async () => {
    const settled = await waitFor(report, (r) => r.entries.length === 3, { what: 'three entries', timeoutMs: 30_000 });
    expect(settled.browser?.name).toBe('Firefox');
    const byUrl = new Map(settled.entries.map((entry) => [entry.request.url, entry]));

    const missing = byUrl.get(urls.missing)!;
    // Firefox ends this blocked request in onCompleted 200: the verdict comes from the headers.
    expect(missing).toMatchObject({ error: null, response: { status: 200 } });
    expect(missing.partial ?? false).toBe(false);
    const method = byUrl.get(urls.method)!;
    expect(method.preflight?.response?.status).toBe(204);
    expect(method.error).toBe('NS_ERROR_DOM_BAD_URI');
    expect(byUrl.get(urls.passing)!.verdict.blocked).toBe(false);

    for (const entry of [missing, method]) {
      const [console] = await firefox.waitForCorsMessages(entry.request.url);
      expect(entry.verdict.blocked).toBe(true);
      expect(entry.verdict.firefox?.message).toBe(console!.text);
    }
    expect(missing.verdict.firefox?.key).toBe('CORSMissingAllowOrigin');
    expect(method.verdict.firefox?.key).toBe('CORSMethodNotFound');
    // What the other browser would say is kept beside it.
    expect(missing.verdict.rule).toBe('MissingAllowOriginHeader');
    expect(firefox.corsMessages.filter((m) => m.url === urls.passing)).toEqual([]);
  });

  it('counts the two blocks on the toolbar badge', async () => {
    const badge = await waitFor(
      () => firefox.readBadge(tabId),
      (b) => b.text === '2',
      { what: 'badge "2"' },
    );
    expect(badge).toEqual({ text: '2', title: '2 CORS failures on this page' });
  });

  it("exports Markdown with Firefox's names and console text, JSON and HAR with both browsers' names", async () => {
    const markdown = await firefox.sendMessage<ExportResult>({ type: 'exportReport', tabId, format: 'markdown' });
    expect(markdown.text).toContain('# CORS Doctor report: 2 CORS failures');
    expect(markdown.text).toContain('`CORSMissingAllowOrigin`');
    expect(markdown.text).toContain('Firefox console message (`CORSMethodNotFound`)');
    expect(markdown.text).toContain((await firefox.waitForCorsMessages(urls.method))[0]!.text);

    const json = await firefox.sendMessage<ExportResult>({ type: 'exportReport', tabId, format: 'json' });
    const exported = JSON.parse(json.text) as Report;
    expect(exported.browser?.name).toBe('Firefox');
    expect(
      exported.entries
        .filter((e) => e.verdict.blocked)
        .map((e) => [e.verdict.firefox?.key, e.verdict.rule])
        .sort(),
    ).toEqual([
      ['CORSMethodNotFound', 'MethodDisallowedByPreflightResponse'],
      ['CORSMissingAllowOrigin', 'MissingAllowOriginHeader'],
    ]);

    const har = await firefox.sendMessage<ExportResult>({ type: 'exportReport', tabId, format: 'har' });
    const log = (JSON.parse(har.text) as { log: { browser?: { name: string }; entries: Array<{ request: { method: string; url: string } }> } }).log;
    expect(log.browser?.name).toBe('Firefox');
    expect(log.entries.map((e) => `${e.request.method} ${e.request.url}`)).toEqual(
      expect.arrayContaining([`GET ${urls.missing}`, `OPTIONS ${urls.method}`, `PUT ${urls.method}`]),
    );
  });

  it('shows the report in the panel page opened as a tab for the inspected tab', async () => {
    const panel = await firefox.openExtensionPage(`src/panel/panel.html?tabId=${tabId}`);
    const rows = await waitFor(
      () => panel.evaluate(() => [...document.querySelectorAll('.list-row')].map((row) => row.textContent ?? '')),
      (texts) => texts.length === 3,
      { what: 'three rows in the panel' },
    );
    expect(rows.filter((text) => text.includes('ff-method'))).toHaveLength(1);
    await panel.evaluate(() => {
      const row = [...document.querySelectorAll<HTMLElement>('.list-row')].find((r) => r.textContent?.includes('ff-method'));
      row?.click();
    });
    const detail = await waitFor(
      () =>
        panel.evaluate(() => ({
          name: document.querySelector('.rule-name')?.textContent ?? null,
          consoles: [...document.querySelectorAll('.browser-message')].map((m) => m.textContent ?? ''),
        })),
      (d) => d.name !== null,
      { what: 'the detail pane' },
    );
    expect(detail.name).toBe('CORSMethodNotFound');
    // Firefox's console text comes first (what Chromium would do is said after it, where it differs).
    expect(detail.consoles[0]).toContain('Firefox CORSMethodNotFound');
    expect(detail.consoles[0]).toContain((await firefox.waitForCorsMessages(urls.method))[0]!.text);
  });
});
