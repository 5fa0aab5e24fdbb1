/**
 * Long network values in the detail pane: a 64 KB header value, and one made of HTML and script,
 * show their start and a visible marker ("… 63,488 more characters"); "Show full value" reveals
 * the whole value on demand; the value stays text in every state (no element is made from it).
 * Both paths are covered: a real server's 64 KB header through the worker (stored cut to the
 * entry limits, which the marker says), and values delivered verbatim through the panel's port path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../lab/server';
import { DEFAULT_ENTRY_LIMITS } from '../src/background/entry';
import { PREVIEW_CHARS } from '../src/panel/LongValue';
import { missingAllowOriginEntry, reportOf } from '../test-support/panel-fixtures';
import { waitFor, type ExtensionBrowser, type Page } from './harness';
import { openPanelFor, startPanelTestbed, type PanelTestbed } from './panel-testbed';

const SIXTY_FOUR_KB = 64 * 1024;
const HOSTILE = '<img src=x onerror="window.__pwned=(window.__pwned||0)+1"><script>window.__pwned=1</script><b id="injected">b</b>';
/** 64 KB of markup, ending in a tail the preview must not show. */
const HOSTILE_64KB = `${HOSTILE.repeat(Math.ceil(SIXTY_FOUR_KB / HOSTILE.length)).slice(0, SIXTY_FOUR_KB - 4)}TAIL`;
const PLAIN_64KB = `${'a'.repeat(SIXTY_FOUR_KB - 4)}TAIL`;
const more = (n: number) => `… ${n.toLocaleString('en-US')} more characters`;

describe('the detail pane truncates long values and shows them whole on demand', () => {
  let testbed: PanelTestbed;
  let lab: Lab;
  let browser: ExtensionBrowser;
  let labPage: Page;
  let tabId: number;

  async function openPanel(): Promise<Page> {
    const panel = await openPanelFor(browser, tabId);
    // Every element added to the document from here on, by tag: a value turned into markup would show here.
    await panel.evaluate(() => {
      const added: string[] = [];
      (window as unknown as { __added: string[] }).__added = added;
      new MutationObserver((records) => {
        for (const record of records)
          for (const node of record.addedNodes)
            if (node instanceof Element) added.push(node.tagName.toLowerCase(), ...[...node.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()));
      }).observe(document, { childList: true, subtree: true });
    });
    return panel;
  }

  /** Nothing from a value became an element: no injected tag was ever added, no handler ran. */
  async function expectNoElementFromValues(panel: Page) {
    const seen = await panel.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
      added: [...new Set((window as unknown as { __added: string[] }).__added)],
      injected: document.querySelectorAll('img, script:not([src]), svg, b, #injected, iframe').length,
    }));
    expect(seen.pwned).toBeNull();
    expect(seen.injected).toBe(0);
    for (const tag of ['img', 'script', 'svg', 'b', 'iframe']) expect(seen.added).not.toContain(tag);
  }

  /** The cell of the named header in the given column's table. */
  const headerCell = (panel: Page, name: string) =>
    panel
      .locator('table.headers tr')
      .filter({ has: panel.locator('th', { hasText: new RegExp(`^${name}$`) }) })
      .locator('td')
      .first();

  beforeAll(async () => {
    testbed = await startPanelTestbed('/long', 'long values');
    ({ lab, browser, labPage, tabId } = testbed);
  });
  afterAll(async () => {
    await testbed?.close();
  });

  it('verbatim through the port path: a 64 KB value and 64 KB of markup, in a header and the URL', async () => {
    const panel = await openPanel();
    const longUrl = `http://localhost:1/long?q=${HOSTILE_64KB}`;
    const entry = missingAllowOriginEntry({
      id: 'long-1',
      pageId: 0,
      request: { url: longUrl, method: 'GET', type: 'xmlhttprequest', headers: [{ name: 'Origin', value: 'http://localhost:2' }] },
    });
    entry.response = {
      status: 200,
      headers: [
        { name: 'X-Plain', value: PLAIN_64KB },
        { name: 'X-Markup', value: HOSTILE_64KB },
        { name: 'X-Short', value: HOSTILE },
      ],
    };
    await panel.evaluate((report) => window.corsDoctorPanel!.deliver({ type: 'snapshot', report }), reportOf([entry], tabId, 0));
    await waitFor(
      () => panel.locator('.list-window .list-row').count(),
      (count) => count === 1,
      { what: 'the long row' },
    );
    await panel.locator('.list-window .list-row').first().click();
    const detail = panel.getByRole('region', { name: 'Request details' });
    await detail.waitFor();

    for (const name of ['X-Plain', 'X-Markup']) {
      const cell = headerCell(panel, name);
      const text = await cell.innerText();
      expect(text).toContain(more(SIXTY_FOUR_KB - PREVIEW_CHARS));
      expect(text).not.toContain('TAIL');
      expect(text.length).toBeLessThan(PREVIEW_CHARS + 200);
    }
    // Short values stay as they are, no marker and no button; the markup in them is literal text.
    expect(await headerCell(panel, 'X-Short').innerText()).toBe(HOSTILE);
    expect(await headerCell(panel, 'X-Short').locator('button').count()).toBe(0);
    // The URL is cut the same way.
    const urlText = await panel.locator('.detail-url').innerText();
    expect(urlText).toContain(more(longUrl.length - PREVIEW_CHARS));
    expect(urlText).not.toContain('TAIL');
    // The markup value's cell holds the component's own elements only.
    expect(await headerCell(panel, 'X-Markup').evaluate((td) => [...td.querySelectorAll('*')].map((e) => `${e.tagName.toLowerCase()}.${e.className}`))).toEqual(
      ['span.long-value', 'span.long-value-marker', 'button.long-value-toggle'],
    );
    await expectNoElementFromValues(panel);

    // On demand, the whole value, as text.
    const markupCell = headerCell(panel, 'X-Markup');
    await markupCell.getByRole('button', { name: 'Show full value of X-Markup' }).click();
    await waitFor(
      () => markupCell.textContent(),
      (text) => text?.includes('TAIL') ?? false,
      { what: 'the full markup value' },
    );
    const full = await markupCell.evaluate((td) => td.querySelector('.long-value')!.firstChild!.textContent);
    expect(full).toBe(HOSTILE_64KB);
    expect(await markupCell.innerText()).not.toContain('more characters');
    expect(await markupCell.getByRole('button', { name: 'Show less of X-Markup' }).getAttribute('aria-expanded')).toBe('true');
    // The other long value is still cut: each value opens on its own.
    expect(await headerCell(panel, 'X-Plain').innerText()).not.toContain('TAIL');
    await panel.locator('.detail-url').getByRole('button', { name: 'Show full value of the URL' }).click();
    await waitFor(
      () => panel.locator('.detail-url').textContent(),
      (text) => text?.includes('TAIL') ?? false,
      { what: 'the full URL' },
    );
    expect(await panel.locator('.detail-url').evaluate((div) => div.querySelector('.long-value')!.firstChild!.textContent)).toBe(longUrl);
    await expectNoElementFromValues(panel);

    // And back.
    await markupCell.getByRole('button', { name: 'Show less of X-Markup' }).click();
    await waitFor(
      () => markupCell.innerText(),
      (text) => text.includes(more(SIXTY_FOUR_KB - PREVIEW_CHARS)),
      { what: 'the value cut again' },
    );
    await panel.close();
  });

  it('from a real server: a 64 KB header through the worker says it was stored cut, and shows what was kept', async () => {
    const url = lab.route('api', '/long/header', {
      response: {
        headers: [
          ['X-Huge', PLAIN_64KB],
          ['X-Huge-Markup', HOSTILE_64KB],
        ],
        body: 'json',
      },
    });
    expect(
      await labPage.evaluate(
        (target) =>
          fetch(target).then(
            () => 'ok',
            () => 'failed',
          ),
        url,
      ),
    ).toBe('failed');
    const panel = await openPanel();
    await waitFor(
      () => panel.locator('.list-window .list-row').count(),
      (count) => count === 1,
      { what: 'the captured row' },
    );
    await panel.locator('.list-window .list-row').first().click();
    await panel.getByRole('region', { name: 'Request details' }).waitFor();
    const kept = DEFAULT_ENTRY_LIMITS.maxHeaderValue;
    for (const name of ['X-Huge', 'X-Huge-Markup']) {
      const cell = headerCell(panel, name);
      const text = await cell.innerText();
      expect(text).toContain(more(kept - PREVIEW_CHARS));
      expect(text).toContain(`(stored cut to ${kept.toLocaleString('en-US')} of ${SIXTY_FOUR_KB.toLocaleString('en-US')} characters)`);
      await cell.getByRole('button', { name: `Show full value of ${name}` }).click();
      await waitFor(
        () => cell.innerText(),
        (value) => !value.includes('more characters'),
        { what: `${name} in full` },
      );
      const shown = await cell.evaluate((td) => td.querySelector('.long-value')!.firstChild!.textContent);
      expect(shown).toBe((name === 'X-Huge' ? PLAIN_64KB : HOSTILE_64KB).slice(0, kept));
      // The storage cut stays said after expanding: this is all the log kept.
      expect(await cell.innerText()).toContain('stored cut to');
    }
    await expectNoElementFromValues(panel);
    await panel.close();
  });
});
