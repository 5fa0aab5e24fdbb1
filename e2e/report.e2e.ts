/**
 * The message API in real Chromium: getReport returns a report that validates against
 * docs/report.schema.json, hostile and huge server values are kept as capped data, the panel port
 * streams a snapshot then entries, clearTab empties the log, and closing a tab frees its storage.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import { PANEL_PORT_NAME, type PortMessage } from '../src/shared/messages';
import type { Report } from '../src/shared/report';
import { fetchFrom, launchWithExtension, readBadge, readSessionStorage, waitFor, type ExtensionBrowser, type Page } from './harness';

const SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'docs', 'report.schema.json'), 'utf8'));

describe('the report API', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let page: Page;
  let tabId: number;

  const report = () => browser.sendMessage<Report>({ type: 'getReport', tabId });

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchWithExtension();
    page = await browser.context.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    tabId = await browser.tabIdOf(page);
    const hostile = '<img src=x onerror="alert(1)"> "quoted" \\ back {{constructor}} __proto__';
    await fetchFrom(page, lab.route('api', '/ok', { response: { headers: [['Access-Control-Allow-Origin', '{origin}']], body: 'json' } }));
    await fetchFrom(page, lab.route('api', '/missing', { response: { body: 'json', headers: [['X-Hostile', hostile]] } }));
    await fetchFrom(
      page,
      lab.route('api', '/huge', {
        response: {
          headers: [
            ['Access-Control-Allow-Origin', 'https://x.example'],
            ['X-Huge', 'h'.repeat(200_000)],
          ],
        },
      }),
    );
    await fetchFrom(page, lab.route('api2', '/preflight', { preflight: { status: 204, headers: [['Access-Control-Allow-Origin', '{origin}']] } }), {
      method: 'PUT',
      body: '{}',
      headers: { 'Content-Type': 'application/json' },
    });
    await waitFor(report, (r) => r.entries.length === 4, { what: '4 entries' });
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  it('returns a report that validates against docs/report.schema.json', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    const validate = ajv.compile(SCHEMA);
    const current = await report();
    const valid = validate(current);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(current).toMatchObject({
      schemaVersion: 1,
      tool: { name: 'CORS Doctor', version: '0.1.0' },
      tab: { id: tabId, url: `${lab.origins.page}/blank` },
      summary: { total: 4, failures: 3 },
    });
    expect(current.browser?.name).toBe('Chromium');
    // The schema rejects what the contract forbids.
    expect(validate({ ...current, schemaVersion: 2 })).toBe(false);
    expect(validate({ ...current, entries: [{ ...current.entries[0], verdict: { ...current.entries[0]!.verdict, kind: 'maybe' } }] })).toBe(false);
  });

  it('keeps hostile values as data and caps huge ones, saying what was cut', async () => {
    const { entries } = await report();
    const hostile = entries.find((e) => e.request.url.endsWith('/missing'))!;
    expect(hostile.response?.headers.find((h) => h.name === 'X-Hostile')?.value).toBe(
      '<img src=x onerror="alert(1)"> "quoted" \\ back {{constructor}} __proto__',
    );
    const huge = entries.find((e) => e.request.url.endsWith('/huge'))!;
    const index = huge.response!.headers.findIndex((h) => h.name === 'X-Huge');
    expect(huge.response!.headers[index]!.value.length).toBeLessThanOrEqual(4096);
    expect(huge.truncated).toContainEqual({ path: `response.headers[${index}].value`, originalLength: 200_000 });
    expect(huge.verdict.rule).toBe('AllowOriginMismatch');
  });

  it('streams a snapshot and then each new entry to a panel port', async () => {
    const helper = await browser.extensionPage();
    await helper.evaluate(
      ([name, id]) => {
        const received: unknown[] = [];
        (window as unknown as { received: unknown[] }).received = received;
        const port = chrome.runtime.connect({ name: name as string });
        port.onMessage.addListener((message) => received.push(message));
        port.postMessage({ type: 'subscribe', tabId: id });
      },
      [PANEL_PORT_NAME, tabId] as const,
    );
    const read = () => helper.evaluate(() => (window as unknown as { received: PortMessage[] }).received);
    await waitFor(read, (messages) => messages.length === 1, { what: 'snapshot' });
    await fetchFrom(page, lab.route('api', '/live', { response: { body: 'json' } }));
    const messages = await waitFor(read, (m) => m.length === 2, { what: 'live entry' });
    expect(messages[0]).toMatchObject({ type: 'snapshot', report: { summary: { total: 4 } } });
    expect(messages[1]).toMatchObject({ type: 'entry', entry: { request: { url: expect.stringContaining('/live') } } });
  });

  it('answers unknown requests with an error and clears a tab on clearTab', async () => {
    await expect(browser.sendMessage({ type: 'getReport', tabId: 'nope' })).rejects.toThrow(/integer tabId/);
    expect(await browser.sendMessage({ type: 'clearTab', tabId })).toEqual({ ok: true });
    const cleared = await report();
    expect(cleared.entries).toEqual([]);
    expect(cleared.summary).toEqual({ total: 0, failures: 0, byRule: {} });
    await waitFor(
      () => readBadge(browser, tabId),
      (b) => b.text === '',
      { what: 'empty badge' },
    );
  });

  it('exports through the same API when asked', async () => {
    await fetchFrom(page, lab.route('api', '/for-export', { response: { body: 'json' } }));
    await waitFor(report, (r) => r.entries.length === 1, { what: '1 entry' });
    const exported = await browser.sendMessage<{ filename: string; mimeType: string; text: string }>({
      type: 'exportReport',
      tabId,
      format: 'json',
    });
    expect(exported.mimeType).toContain('application/json');
    expect(JSON.parse(exported.text).entries).toHaveLength(1);
  });

  it("frees a closed tab's storage", async () => {
    const other = await browser.context.newPage();
    await other.goto(`${lab.origins.page}/blank?other`);
    const otherTab = await browser.tabIdOf(other);
    await fetchFrom(other, lab.route('api', '/closing', { response: { body: 'json' } }));
    const helper = await browser.extensionPage();
    const keysOf = async (id: number) =>
      helper.evaluate(
        async (tab) => Object.keys(await chrome.storage.session.get(null)).filter((k) => k === `tab:${tab}` || k.startsWith(`entry:${tab}:`)),
        id,
      );
    await waitFor(
      () => keysOf(otherTab),
      (keys) => keys.length === 2,
      { what: "the other tab's meta and entry keys" },
    );
    await other.close();
    await waitFor(
      () => keysOf(otherTab),
      (keys) => keys.length === 0,
      { what: "the closed tab's keys to go" },
    );
    const index = (await readSessionStorage(browser, ['index'])).index as { tabIds: number[] };
    expect(index.tabIds).not.toContain(otherTab);
    expect(index.tabIds).toContain(tabId);
  });
});
