/**
 * The panel page as a pop-out tab (`panel.html?tabId=N`) for a lab tab whose page made requests that
 * fail in several different ways, judged by the real service worker and engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import { plainText } from '../src/panel/format';
import { exportTicket } from '../src/report/export';
import type { Report } from '../src/shared/report';
import { runCurl } from './export-scenario';
import { launchWithExtension, waitFor, type ExtensionBrowser, type Page } from './harness';

describe('the CORS panel as a tab', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let labPage: Page;
  let panel: Page;
  let tabId: number;
  const pageErrors: string[] = [];
  const urls: Record<string, string> = {};

  async function fetchFromLab(url: string, init: RequestInit = {}): Promise<string> {
    return labPage.evaluate(
      ([target, options]) =>
        fetch(target, options).then(
          (response) => `ok ${response.status}`,
          (error: Error) => `failed ${error.message}`,
        ),
      [url, init] as const,
    );
  }

  async function openPanel(query: string): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    await page.setViewportSize({ width: 1300, height: 760 });
    await page.goto(`chrome-extension://${browser.extensionId}/src/panel/panel.html${query}`);
    await waitFor(
      () => page.locator('.connection').textContent(),
      (text) => text?.includes('live') ?? false,
      { what: 'the panel to connect' },
    );
    return page;
  }

  const rows = () => panel.locator('.list-window .list-row');
  const rowTexts = () => rows().allInnerTexts();
  const rowFor = (path: string) => rows().filter({ has: panel.locator(`.cell-url[title$="${path}"]`) });

  async function reportEntries(): Promise<Report['entries']> {
    return (await browser.sendMessage<Report>({ type: 'getReport', tabId })).entries;
  }

  async function readClipboard(): Promise<string> {
    // Chromium grants no clipboard permission to extension origins from outside; the clipboard is
    // one for the whole browser, so it is read back from the lab page.
    await labPage.bringToFront();
    const text = await labPage.evaluate(() => navigator.clipboard.readText());
    await panel.bringToFront();
    return text;
  }

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchWithExtension();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: lab.origins.page });
    urls.missing = lab.route('api', '/panel/no-allow-origin', { response: { body: 'json' } });
    urls.preflight = lab.route('api', '/panel/orders', {
      preflight: {
        status: 204,
        headers: [
          ['Access-Control-Allow-Origin', '{origin}'],
          ['Access-Control-Allow-Methods', 'GET, POST'],
          ['Access-Control-Allow-Headers', 'content-type'],
        ],
      },
      response: { headers: [['Access-Control-Allow-Origin', '{origin}']], body: 'json' },
    });
    urls.wildcard = lab.route('api', '/panel/session', {
      response: { headers: [['Access-Control-Allow-Origin', '*']], body: 'json' },
    });
    urls.mismatch = lab.route('api', '/panel/mismatch', {
      response: { headers: [['Access-Control-Allow-Origin', 'https://app.example.com']], body: 'json' },
    });
    urls.passing = lab.route('api', '/panel/ok', { response: { headers: [['Access-Control-Allow-Origin', '{origin}']], body: 'json' } });
    urls.redirect = lab.route('api', '/panel/login', { response: { redirect: { to: '{api2}/panel/profile', status: 302 } } });
    lab.route('api2', '/panel/profile', { response: { headers: [['Access-Control-Allow-Origin', '{origin}']], body: 'json' } });
    urls.later = lab.route('api', '/panel/later', { response: { body: 'json' } });

    labPage = await browser.context.newPage();
    await labPage.goto(lab.page('/panel-lab', '<!doctype html><title>panel lab</title><p>panel lab</p>'));
    tabId = await browser.tabIdOf(labPage);
    expect(await fetchFromLab(urls.missing!)).toMatch(/^failed/);
    expect(await fetchFromLab(urls.preflight!, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k1' }, body: '{}' })).toMatch(
      /^failed/,
    );
    expect(await fetchFromLab(urls.wildcard!, { credentials: 'include' })).toMatch(/^failed/);
    expect(await fetchFromLab(urls.mismatch!)).toMatch(/^failed/);
    expect(await fetchFromLab(urls.redirect!)).toMatch(/^failed/);
    expect(await fetchFromLab(urls.passing!)).toBe('ok 200');
    await waitFor(reportEntries, (entries) => entries.length >= 6, { what: 'six judged exchanges' });
    panel = await openPanel(`?tabId=${tabId}`);
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  it('lists every failure with method, short URL (full on hover), status, red rule title, type and time', async () => {
    await waitFor(
      () => rows().count(),
      (count) => count === 5,
      { what: 'five failure rows' },
    );
    const entries = await reportEntries();
    for (const key of ['missing', 'preflight', 'wildcard', 'mismatch', 'redirect'] as const) {
      const entry = entries.find((e) => e.request.url === urls[key])!;
      expect(entry.verdict.blocked).toBe(true);
      const row = rowFor(new URL(urls[key]!).pathname);
      expect(await row.locator('.cell-url').getAttribute('title')).toBe(urls[key]);
      expect(await row.locator('.cell-verdict').innerText()).toBe(plainText(entry.verdict.title));
      expect(await row.locator('.cell-method').innerText()).toBe(entry.request.method);
      expect(await row.locator('.cell-type').innerText()).toBe('fetch');
      expect(await row.locator('.cell-time').innerText()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
    }
    expect(await rowFor('/panel/no-allow-origin').locator('.cell-status').innerText()).toBe('200');
    expect(await rowFor('/panel/orders').locator('.cell-status').innerText()).toBe('OPTIONS 204');
    const red = await rowFor('/panel/mismatch')
      .locator('.cell-verdict')
      .evaluate((cell) => getComputedStyle(cell).color);
    expect(red).toBe('rgb(220, 54, 46)');
    expect(pageErrors).toEqual([]);
  });

  it('names each request as DevTools does (last path segment and query, host beside it) and shows the whole verdict at the default width', async () => {
    await waitFor(
      () => rows().count(),
      (count) => count === 5,
      { what: 'five failure rows' },
    );
    expect(await panel.locator('.list-header .cell-url').innerText()).toBe('Name');
    for (const key of ['missing', 'preflight', 'wildcard', 'mismatch', 'redirect'] as const) {
      const url = new URL(urls[key]!);
      const row = rowFor(url.pathname);
      expect(await row.locator('.url-name').innerText()).toBe(url.pathname.split('/').at(-1));
      expect(await row.locator('.url-host').innerText()).toBe(url.host);
      // The verdict is not cut at the default split: its text fits its cell.
      const verdict = row.locator('.cell-verdict');
      const fits = await verdict.evaluate((cell) => cell.scrollWidth <= cell.clientWidth);
      expect(fits, `verdict of ${key}: ${await verdict.innerText()}`).toBe(true);
    }
    await rowFor('/panel/orders').click();
    expect(await panel.getByRole('region', { name: 'Request details' }).locator('.detail-url').innerText()).toBe(`POST ${urls.preflight}`);
  });

  it('Copy as ticket puts that one failure on the clipboard as Markdown under 6,000 characters, redacted', async () => {
    await rowFor('/panel/orders').click();
    const detail = panel.getByRole('region', { name: 'Request details' });
    await detail.getByRole('button', { name: 'Copy as ticket' }).click();
    await waitFor(
      () => detail.locator('.detail-action').first().innerText(),
      (text) => text === 'Copied',
      { what: 'the Copied confirmation' },
    );
    const ticket = await readClipboard();
    const report = await browser.sendMessage<Report>({ type: 'getReport', tabId });
    const entry = report.entries.find((e) => e.request.url === urls.preflight)!;
    const stack = await panel.evaluate(
      async () => (await chrome.storage.local.get('corsDoctor.preferredStack'))['corsDoctor.preferredStack'] as string | undefined,
    );
    expect(ticket).toBe(exportTicket(report, entry, stack === undefined ? {} : { stack }).text);
    expect(ticket.length).toBeLessThan(6000);
    expect(ticket).toContain(`# CORS: \`${entry.verdict.rule}\` on \`POST ${new URL(urls.preflight!).host}/panel/orders\``);
    expect(ticket.match(/^## /gm)).toHaveLength(1);
    for (const other of report.entries.filter((e) => e.verdict.blocked && e.verdict.rule !== entry.verdict.rule))
      expect(ticket).not.toContain(other.request.url);
  });

  it('Copy curl puts the preflight then the request on the clipboard, and running it shows the lab refusing the header', async () => {
    await rowFor('/panel/orders').click();
    const detail = panel.getByRole('region', { name: 'Request details' });
    await detail.getByRole('button', { name: 'Copy curl' }).click();
    await waitFor(
      () => detail.locator('.detail-action').nth(1).innerText(),
      (text) => text === 'Copied',
      { what: 'the Copied confirmation' },
    );
    const script = await readClipboard();
    expect(script.indexOf('-X OPTIONS')).toBeGreaterThan(0);
    expect(script.indexOf('-X OPTIONS')).toBeLessThan(script.indexOf('-X POST'));
    expect(script).toContain('# expected  Access-Control-Allow-Headers: includes x-api-key');
    expect(script).not.toMatch(/User-Agent|sec-ch-ua|Accept-Language/i);
    const before = lab.requests().length;
    const output = await runCurl(script);
    expect(output).toMatch(/^access-control-allow-headers: content-type\r?$/im);
    const sent = lab.requests().slice(before);
    expect(sent.map((r) => r.method)).toEqual(['OPTIONS', 'POST']);
    const header = (name: string) => sent[0]!.headers.find(([n]) => n.toLowerCase() === name)?.[1];
    expect(header('access-control-request-method')).toBe('POST');
    expect(header('access-control-request-headers')).toBe('content-type,x-api-key');
    expect(header('origin')).toBe(lab.origins.page);
  });

  it('counts failures per rule, and a rule count filters the list', async () => {
    const chips = panel.getByRole('group', { name: 'Failures per rule' }).getByRole('button');
    const chipTexts = (await chips.allInnerTexts()).map((text) => text.replace(/\s+/g, ' '));
    const entries = await reportEntries();
    const rules = entries.filter((e) => e.verdict.blocked).map((e) => e.verdict.rule!);
    expect(chipTexts.sort()).toEqual([...new Set(rules)].map((rule) => `${rule} ${rules.filter((r) => r === rule).length}`).sort());
    const preflightRule = entries.find((e) => e.request.url === urls.preflight)!.verdict.rule!;
    await panel.getByRole('button', { name: new RegExp(`^${preflightRule}`) }).click();
    expect(await rows().count()).toBe(1);
    expect(await rows().first().locator('.cell-url').getAttribute('title')).toBe(urls.preflight);
    await panel.getByRole('button', { name: new RegExp(`^${preflightRule}`) }).click();
    expect(await rows().count()).toBe(5);
  });

  it('switches between Failures and All, failures first', async () => {
    await panel.getByRole('radio', { name: /^All/ }).click();
    await waitFor(
      () => rows().count(),
      (count) => count === 6,
      { what: 'six rows' },
    );
    const titles = await rows()
      .locator('.cell-url')
      .evaluateAll((cells) => cells.map((c) => c.getAttribute('title')));
    expect(titles.at(-1)).toBe(urls.passing);
    expect(
      await rows()
        .last()
        .locator('.cell-verdict')
        .evaluate((cell) => getComputedStyle(cell).color),
    ).not.toBe('rgb(220, 54, 46)');
    await panel.getByRole('radio', { name: /^Failures/ }).click();
    expect(await rows().count()).toBe(5);
    expect(await panel.getByRole('radio', { name: /^Failures/ }).getAttribute('aria-checked')).toBe('true');
  });

  it('filters by URL, rule name and header name', async () => {
    const filter = panel.getByRole('searchbox', { name: /Filter/ });
    await filter.fill('mismatch');
    expect(await rows().count()).toBe(1);
    await filter.fill('HeaderDisallowed');
    expect(await rowTexts()).toHaveLength(1);
    expect(await rows().first().locator('.cell-url').getAttribute('title')).toBe(urls.preflight);
    await filter.fill('access-control-request-headers');
    expect(await rows().first().locator('.cell-url').getAttribute('title')).toBe(urls.preflight);
    await filter.fill('no-such-thing');
    expect(await rows().count()).toBe(0);
    expect(await panel.locator('.list-empty').innerText()).toContain('No request matches');
    await filter.fill('');
    expect(await rows().count()).toBe(5);
  });

  it('shows the detail: title, explanation, expected beside actual with the header highlighted, and the browsers’ messages', async () => {
    const entry = (await reportEntries()).find((e) => e.request.url === urls.missing)!;
    await rowFor('/panel/no-allow-origin').click();
    const detail = panel.getByRole('region', { name: 'Request details' });
    expect(await detail.getByRole('heading', { level: 2 }).innerText()).toBe(plainText(entry.verdict.title));
    expect(await detail.locator('.explanation').innerText()).toBe(plainText(entry.verdict.explanation));
    const observed = detail.getByRole('table', { name: 'Expected and actual values' });
    for (const observation of entry.verdict.observed) {
      const row = observed.getByRole('row').filter({ hasText: observation.field });
      expect(await row.locator('.expected').innerText()).toBe(observation.expected);
      expect(await row.locator('mark').innerText()).toBe(observation.actual ?? '(absent)');
    }
    const responseHeaders = detail.getByRole('table', { name: /Response headers · 200/ });
    expect(await responseHeaders.locator('tr.is-missing').innerText()).toMatch(/Access-Control-Allow-Origin\s+\(missing\)/i);
    expect(await detail.locator('.console-text').first().innerText()).toBe(entry.verdict.chromeMessage);
    if (entry.verdict.firefox) expect(await detail.innerText()).toContain(entry.verdict.firefox.message);
    if (entry.verdict.specUrl) expect(await detail.getByRole('link').first().getAttribute('href')).toBe(entry.verdict.specUrl);
  });

  it('explains the preflight: why it was needed, preflight and actual headers side by side', async () => {
    const entry = (await reportEntries()).find((e) => e.request.url === urls.preflight)!;
    await rowFor('/panel/orders').click();
    const detail = panel.getByRole('region', { name: 'Request details' });
    const why = detail.getByRole('region', { name: 'Why a preflight was needed' });
    for (const reason of entry.verdict.preflightReasons) expect(await why.innerText()).toContain(plainText(reason.message));
    expect(entry.verdict.preflightReasons.map((r) => r.name)).toContain('x-api-key');
    const preflightColumn = detail.locator('.header-column[aria-label="Preflight"]');
    expect(await preflightColumn.innerText()).toContain('Access-Control-Request-Headers');
    expect(await preflightColumn.locator('tr.is-offending').first().innerText()).toMatch(/Access-Control-(Allow|Request)-Headers/i);
    expect(await detail.locator('.header-column[aria-label="Actual request"]').innerText()).toContain('Not sent');
    if (entry.verdict.confidence === 'inferred') {
      const evidence = detail.getByRole('region', { name: 'Why we think so (inferred)' });
      for (const item of entry.verdict.evidence) expect(await evidence.innerText()).toContain(plainText(item));
      expect(await detail.locator('.pill-warn').innerText()).toBe('inferred');
    }
  });

  it('shows the redirect chain of a request that failed on a redirect', async () => {
    const entry = (await reportEntries()).find((e) => e.request.url === urls.redirect)!;
    expect(entry.redirects).toHaveLength(1);
    await rowFor('/panel/login').click();
    const chain = panel.getByRole('region', { name: 'Redirect chain' });
    const hop = entry.redirects[0]!;
    expect(await chain.innerText()).toContain(`${hop.status} ${hop.url} → ${hop.location}`);
  });

  it('resizes the split between list and detail, by keyboard and by dragging', async () => {
    const handle = panel.getByRole('separator', { name: /Resize/ });
    const listWidth = () => panel.locator('.split-list').evaluate((el) => el.getBoundingClientRect().width);
    const before = await listWidth();
    await handle.focus();
    await panel.keyboard.press('ArrowRight');
    expect(await listWidth()).toBeGreaterThan(before);
    expect(Number(await handle.getAttribute('aria-valuenow'))).toBe(55);
    const box = (await handle.boundingBox())!;
    await panel.mouse.move(box.x + 2, box.y + 100);
    await panel.mouse.down();
    await panel.mouse.move(400, box.y + 100, { steps: 5 });
    await panel.mouse.up();
    expect(Math.abs((await listWidth()) - 400)).toBeLessThan(10);
  });

  it('shows the fix with a tab per server stack and copy buttons that copy the snippet', async () => {
    const entry = (await reportEntries()).find((e) => e.request.url === urls.preflight)!;
    const fix = entry.verdict.fix!;
    expect(fix.snippets.length).toBeGreaterThan(1);
    await rowFor('/panel/orders').click();
    const detail = panel.getByRole('region', { name: 'Request details' });
    expect(await detail.locator('.fix-summary').innerText()).toBe(plainText(fix.summary));
    const tabs = detail.getByRole('tablist', { name: 'Server stack' }).getByRole('tab');
    // A stack the fix-verification suite cannot run says so on its tab.
    expect(await tabs.allInnerTexts()).toEqual(fix.snippets.map((s) => (s.verified ? s.label : `${s.label} (unverified)`)));
    for (const snippet of fix.snippets.slice(0, 3)) {
      await tabs.filter({ hasText: snippet.label }).first().click();
      expect(await detail.getByRole('tabpanel').locator('code').innerText()).toBe(snippet.code);
      await detail.getByRole('button', { name: `Copy ${snippet.label} snippet` }).click();
      await waitFor(
        () => detail.getByRole('button', { name: `Copy ${snippet.label} snippet` }).innerText(),
        (t) => t === 'Copied',
        { what: 'the Copied confirmation' },
      );
      expect(await readClipboard()).toBe(snippet.code);
    }
    await tabs.first().click();
    await panel.keyboard.press('ArrowRight');
    expect(await detail.getByRole('tab', { selected: true }).innerText()).toBe(fix.snippets[1]!.label);
    expect(await detail.getByRole('tabpanel').locator('code').innerText()).toBe(fix.snippets[1]!.code);
  });

  it('moves with the arrow keys and opens with Enter', async () => {
    const grid = panel.getByRole('grid', { name: 'Cross-origin requests' });
    await grid.focus();
    await panel.keyboard.press('Home');
    await panel.keyboard.press('ArrowDown');
    await panel.keyboard.press('ArrowDown');
    const focusedRowId = await grid.getAttribute('aria-activedescendant');
    const third = rows().nth(2);
    expect(focusedRowId).toBe(await third.getAttribute('id'));
    await panel.keyboard.press('Enter');
    expect(await third.getAttribute('aria-selected')).toBe('true');
    const url = await third.locator('.cell-url').getAttribute('title');
    expect(await panel.getByRole('region', { name: 'Request details' }).locator('.detail-url').innerText()).toContain(url!);
    await panel.keyboard.press('ArrowUp');
    await panel.keyboard.press('Enter');
    expect(await rows().nth(1).getAttribute('aria-selected')).toBe('true');
  });

  it('shows new requests live', async () => {
    expect(await fetchFromLab(urls.later!)).toMatch(/^failed/);
    await waitFor(
      () => rows().count(),
      (count) => count === 6,
      { what: 'the new failure row' },
    );
    expect(await rowFor('/panel/later').count()).toBe(1);
  });

  it('copies the Markdown report and downloads JSON and HAR, secrets excluded by default', async () => {
    const secrets = panel.getByRole('checkbox', { name: 'Include secrets' });
    expect(await secrets.isChecked()).toBe(false);
    await panel.getByRole('button', { name: 'Copy Markdown' }).click();
    await waitFor(
      () => panel.getByRole('status').innerText(),
      (text) => text.includes('Markdown copied'),
      { what: 'the copy confirmation' },
    );
    const markdown = await readClipboard();
    expect(markdown).toContain('MissingAllowOriginHeader');
    expect(markdown).toContain('/panel/orders');
    for (const [button, extension] of [
      ['Download JSON', '.json'],
      ['Download HAR', '.har'],
    ] as const) {
      const [download] = await Promise.all([panel.waitForEvent('download'), panel.getByRole('button', { name: button }).click()]);
      expect(download.suggestedFilename().endsWith(extension)).toBe(true);
    }
  });

  it('follows the theme in its URL', async () => {
    expect(await panel.evaluate(() => document.documentElement.dataset.theme)).toMatch(/^(light|dark)$/);
    const dark = await openPanel(`?tabId=${tabId}&theme=dark`);
    expect(await dark.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await dark.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(32, 33, 36)');
    const light = await openPanel(`?tabId=${tabId}&theme=light`);
    expect(await light.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
    expect(await light.evaluate(() => getComputedStyle(document.body).fontSize)).toBe('12px');
    await dark.close();
    await light.close();
  });

  it('reconnects after the service worker restarts and keeps showing the tab', async () => {
    await panel.evaluate(() => {
      const status = document.querySelector('.connection')!;
      const seen: string[] = [];
      (window as unknown as { connectionTexts: string[] }).connectionTexts = seen;
      new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, { childList: true, characterData: true, subtree: true });
    });
    await browser.stopServiceWorker();
    await waitFor(
      () => panel.evaluate(() => (window as unknown as { connectionTexts: string[] }).connectionTexts),
      (seen) => seen.some((t) => t.includes('reconnecting')),
      { what: 'the panel to notice the worker stopped' },
    );
    expect(await fetchFromLab(urls.missing!)).toMatch(/^failed/);
    await waitFor(
      () => rowFor('/panel/no-allow-origin').count(),
      (count) => count === 2,
      { what: 'the request made after the restart', timeoutMs: 30_000 },
    );
    expect(await panel.locator('.connection').innerText()).toContain('live');
  });

  it('hides earlier pages after a navigation unless Preserve log is on', async () => {
    await labPage.goto(lab.page('/panel-lab-2', '<!doctype html><title>panel lab 2</title><p>second page</p>'));
    await waitFor(
      () => rows().count(),
      (count) => count === 0,
      { what: 'the old page’s rows to go' },
    );
    await panel.getByRole('checkbox', { name: 'Preserve log' }).check();
    await waitFor(
      () => rows().count(),
      (count) => count > 0,
      { what: 'the preserved rows' },
    );
    await panel.getByRole('checkbox', { name: 'Preserve log' }).uncheck();
  });

  it('Clear empties the log of the tab', async () => {
    await panel.getByRole('checkbox', { name: 'Preserve log' }).check();
    await panel.getByRole('button', { name: 'Clear' }).click();
    await waitFor(
      () => rows().count(),
      (count) => count === 0,
      { what: 'an empty list' },
    );
    expect(await reportEntries()).toEqual([]);
    expect(await panel.locator('.list-empty').innerText()).toContain('No cross-origin requests yet');
    expect(pageErrors).toEqual([]);
  });
});
