/**
 * The credentials mode in real Firefox ESR, which webRequest never states: the add-on reads it from
 * `Sec-Fetch-Storage-Access` (or `Cookie`), which Firefox sends on a credentialed cross-site request
 * and stops sending once a redirect has made the request's origin `null` (docs/firefox.md,
 * "Credentials after a redirect", has the recorded events). Each case is compared with Firefox's own
 * console verdict for the same request:
 * - the conformance corpus's redirect/049 chain (page → api → api2 → api, the last answering
 *   `Access-Control-Allow-Origin: *`): a credentialed request is blocked, with the evidence of the
 *   first URL kept across the two redirects; an uncredentialed one passes;
 * - a same-site page (localhost to localhost), where Firefox sends no such header at all: the add-on
 *   cannot know the mode, and says so instead of claiming a confident pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../lab/server';
import type { ExportResult } from '../../src/shared/messages';
import type { Report, ReportEntry } from '../../src/shared/report';
import { launchFirefoxWithExtension, type FirefoxExtensionBrowser, type Page } from '../../tools/firefox';
import { waitFor } from '../harness';

const WILDCARD: Array<[string, string]> = [
  ['Access-Control-Allow-Origin', '*'],
  ['Access-Control-Allow-Credentials', 'true'],
];
const ECHO: Array<[string, string]> = [
  ['Access-Control-Allow-Origin', '{origin}'],
  ['Access-Control-Allow-Credentials', 'true'],
];

/** XMLHttpRequest from the page, as the corpus's xhr-credentials caller; resolves to the status (0 on a block). */
function xhr(page: Page, url: string, withCredentials: boolean): Promise<number> {
  return page.evaluate(
    (target, credentialed) =>
      new Promise<number>((resolve) => {
        const request = new XMLHttpRequest();
        request.open('GET', target);
        request.withCredentials = credentialed;
        request.onloadend = () => resolve(request.status);
        request.send();
      }),
    url,
    withCredentials,
  );
}

describe('the credentials mode in Firefox', () => {
  let lab: Lab;
  let firefox: FirefoxExtensionBrowser;

  /** The 049 chain under `name`: api (echo) → api2 (echo, sees Origin: null) → api (`*`). */
  function threeHops(name: string): string {
    const last = lab.route('api', `/creds/${name}/hop2`, { response: { headers: WILDCARD, body: 'json' } });
    const middle = lab.route('api2', `/creds/${name}/hop1`, { response: { headers: ECHO, redirect: { to: last, status: 303 } } });
    return lab.route('api', `/creds/${name}`, { response: { headers: ECHO, redirect: { to: middle, status: 307 } } });
  }

  async function entryFor(page: Page, url: string): Promise<ReportEntry> {
    const tabId = await firefox.tabIdOf(page);
    const report = await waitFor(
      () => firefox.sendMessage<Report>({ type: 'getReport', tabId }),
      (r) => r.entries.some((entry) => entry.request.url === url),
      { what: `an entry for ${url}`, timeoutMs: 30_000 },
    );
    return report.entries.find((entry) => entry.request.url === url)!;
  }

  beforeAll(async () => {
    lab = await startLab();
    firefox = await launchFirefoxWithExtension();
  });

  afterAll(async () => {
    await firefox?.close();
    await lab?.close();
  });

  it('blocks a credentialed request through two redirects to `*`, as Firefox does (redirect/049)', async () => {
    const page = await firefox.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    const credentialed = threeHops('credentialed');
    const plain = threeHops('plain');
    expect(await xhr(page, credentialed, true)).toBe(0);
    expect(await xhr(page, plain, false)).toBe(200);

    const [console] = await firefox.waitForCorsMessages(`‘${lab.origins.api}/creds/credentialed/hop2’`);
    expect(console!.reason).toBe('Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’');
    const blocked = await entryFor(page, credentialed);
    // What webRequest showed for the last URL: Origin null, and no sign of the credentials there.
    const lastSent = Object.fromEntries((blocked.request.headers ?? []).map((h) => [h.name.toLowerCase(), h.value]));
    expect([lastSent.origin, lastSent['sec-fetch-storage-access']]).toEqual(['null', undefined]);
    expect(blocked.redirects).toHaveLength(2);
    expect(blocked.credentialsBeforeRedirect).toEqual({ name: 'sec-fetch-storage-access', urlIndex: 0 });
    expect([blocked.verdict.blocked, blocked.verdict.firefox?.key, blocked.verdict.confidence]).toEqual([true, 'CORSNotSupportingCredentials', 'certain']);
    expect(blocked.verdict.firefox?.message).toBe(console!.text);

    const passed = await entryFor(page, plain);
    expect(firefox.corsMessages.filter((m) => m.url.includes('/creds/plain'))).toEqual([]);
    expect(passed.credentialsBeforeRedirect).toBeUndefined();
    // Passed, but after a redirect the headers cannot show the mode: the verdict says what a credentialed request would meet.
    expect([passed.verdict.blocked, passed.verdict.confidence, passed.verdict.credentials]).toEqual([false, 'inferred', 'unknown']);
    expect(passed.verdict.evidence.at(-1)).toContain('Firefox would have blocked it');
    await page.close();
  });

  it('does not claim a confident pass where Firefox shows no credentials evidence at all (a same-site page)', async () => {
    const page = await firefox.newPage();
    // The page on api2 (localhost), the API on api (localhost, another port): same site.
    await page.goto(lab.route('api2', '/creds/page', { response: { body: '<!doctype html><title>same site</title>', contentType: 'text/html' } }));
    const url = lab.route('api', '/creds/same-site', { response: { headers: WILDCARD, body: 'json' } });
    expect(await xhr(page, url, true)).toBe(0);
    const [console] = await firefox.waitForCorsMessages(`‘${url}’`);
    expect(console!.reason).toBe('Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’');

    const entry = await entryFor(page, url);
    const sent = (entry.request.headers ?? []).map((h) => h.name.toLowerCase());
    expect(sent).toContain('sec-fetch-site');
    expect(sent.filter((name) => name === 'cookie' || name === 'sec-fetch-storage-access')).toEqual([]);
    // Firefox blocked it; nothing the add-on sees says so. The verdict is a pass only under the assumption it names.
    expect([entry.verdict.blocked, entry.verdict.confidence, entry.verdict.credentials]).toEqual([false, 'inferred', 'unknown']);
    expect(entry.verdict.explanation).toContain('had it been credentialed, Firefox blocked it (`CORSNotSupportingCredentials`)');
    expect(entry.verdict.evidence.at(-1)).toContain(console!.text.replace(/^.*\(Reason: /, '(Reason: '));

    // The panel and the JSON export say so too.
    const tabId = await firefox.tabIdOf(page);
    const exported = JSON.parse((await firefox.sendMessage<ExportResult>({ type: 'exportReport', tabId, format: 'json' })).text) as Report;
    expect(exported.entries.find((e) => e.request.url === url)?.verdict.confidence).toBe('inferred');
    const panel = await firefox.openExtensionPage(`src/panel/panel.html?tabId=${tabId}`);
    // The panel opens on its failures; a pass is listed under "All".
    await waitFor(
      () => panel.evaluate(() => [...document.querySelectorAll('button')].some((b) => /^All \(1\)/.test(b.textContent ?? ''))),
      (ready) => ready,
      { what: 'the "All (1)" filter in the panel' },
    );
    await panel.evaluate(() => [...document.querySelectorAll<HTMLElement>('button')].find((b) => /^All \(1\)/.test(b.textContent ?? ''))?.click());
    await waitFor(
      () => panel.evaluate(() => [...document.querySelectorAll('.list-row')].filter((row) => row.textContent?.includes('same-site')).length),
      (rows) => rows === 1,
      { what: 'the row in the panel' },
    );
    await panel.evaluate(() => [...document.querySelectorAll<HTMLElement>('.list-row')].find((row) => row.textContent?.includes('same-site'))?.click());
    const detail = await waitFor(
      () => panel.evaluate(() => document.querySelector('.detail')?.textContent ?? document.body.textContent ?? ''),
      (text) => text.includes('Firefox would have blocked it'),
      { what: 'the evidence in the detail pane' },
    );
    expect(detail).toContain('inferred');
    await panel.close();
    await page.close();
  });
});
