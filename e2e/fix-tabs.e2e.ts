/**
 * The fix tabs in the panel: the stacks in the engine's order, each snippet saying which versions
 * it is for and whether (and on what) the fix-verification suite proved it, and the stack the user
 * picked last remembered for the next request, the next panel and the next browser session
 * (chrome.storage.local, key corsDoctor.preferredStack).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import { STACK_FIXES } from '../src/engine/fixes';
import type { Report } from '../src/shared/report';
import { fetchFrom, launchWithExtension, waitFor, type ExtensionBrowser, type Page } from './harness';

/** The storage key the contract fixes (src/shared/preferred-stack.ts). */
const PREFERRED_STACK_KEY = 'corsDoctor.preferredStack';

describe('the fix tabs in the panel', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let labPage: Page;
  let tabId: number;
  let urls: { first: string; second: string };

  async function openPanel(): Promise<Page> {
    const panel = await browser.context.newPage();
    await panel.setViewportSize({ width: 1300, height: 900 });
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/panel.html?tabId=${tabId}`);
    await waitFor(
      () => panel.locator('.connection').textContent(),
      (text) => text?.includes('live') ?? false,
      { what: 'the panel to connect' },
    );
    return panel;
  }

  async function openFix(panel: Page, path: string) {
    const row = panel.locator('.list-window .list-row').filter({ has: panel.locator(`.cell-url[title$="${path}"]`) });
    await waitFor(
      () => row.count(),
      (n) => n > 0,
      { what: `the row for ${path}` },
    );
    await row.first().click();
    const detail = panel.getByRole('region', { name: 'Request details' });
    return { detail, tabs: detail.getByRole('tablist', { name: 'Server stack' }).getByRole('tab') };
  }

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchWithExtension();
    urls = {
      first: lab.route('api', '/fix-tabs/first', { response: { body: 'json' } }),
      second: lab.route('api', '/fix-tabs/second', { response: { body: 'json' } }),
    };
    labPage = await browser.context.newPage();
    await labPage.goto(lab.page('/fix-tabs', '<!doctype html><title>fix tabs</title>'));
    tabId = await browser.tabIdOf(labPage);
    await fetchFrom(labPage, urls.first);
    await waitFor(
      () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
      (report) => report.entries.some((e) => e.request.url === urls.first && e.verdict.blocked),
      { what: 'the first blocked request' },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  it('lists the stacks in the engine order and says for each snippet what it was verified on', async () => {
    const panel = await openPanel();
    const { detail, tabs } = await openFix(panel, '/fix-tabs/first');
    expect(await tabs.allInnerTexts()).toEqual(STACK_FIXES.map((s) => (s.verified ? s.label : `${s.label} (unverified)`)));
    expect(await detail.getByRole('tab', { selected: true }).innerText()).toBe('Express (cors)');
    for (const stack of STACK_FIXES) {
      await tabs.nth(STACK_FIXES.indexOf(stack)).click();
      const provenance = await detail.locator('.snippet-provenance').innerText();
      const code = await detail.getByRole('tabpanel').locator('code').innerText();
      if (stack.verified) {
        expect(provenance).toBe(`For ${stack.versions}. Verified by CORS Doctor's test suite on ${stack.verified.version}.`);
        expect(code.split('\n')[0]).toContain(`Verified by CORS Doctor's test suite on ${stack.verified.version}.`);
      } else {
        expect(provenance).toBe(`For ${stack.versions}. Not verified by CORS Doctor's test suite: check it on your server.`);
        expect(code.split('\n')[0]).toContain("NOT verified by CORS Doctor's test suite");
      }
    }
    await panel.close();
  });

  it('remembers the stack picked last: for the next request, in a new panel, in chrome.storage.local', async () => {
    const panel = await openPanel();
    const { detail, tabs } = await openFix(panel, '/fix-tabs/first');
    await tabs.filter({ hasText: /^nginx$/ }).click();
    expect(await detail.getByRole('tab', { selected: true }).innerText()).toBe('nginx');
    const helper = await browser.extensionPage();
    await waitFor(
      () => helper.evaluate((key) => chrome.storage.local.get(key), PREFERRED_STACK_KEY),
      (stored) => stored[PREFERRED_STACK_KEY] === 'nginx',
      { what: 'the picked stack in chrome.storage.local' },
    );

    // A new request in the same panel opens on it.
    await fetchFrom(labPage, urls.second);
    const next = await openFix(panel, '/fix-tabs/second');
    expect(await next.detail.getByRole('tab', { selected: true }).innerText()).toBe('nginx');
    expect(await next.detail.getByRole('tabpanel').locator('code').innerText()).toContain('add_header Access-Control-Allow-Origin');
    await panel.close();

    // So does a panel opened afterwards, which reads it from storage.
    const another = await openPanel();
    const reopened = await openFix(another, '/fix-tabs/first');
    await waitFor(
      () => reopened.detail.getByRole('tab', { selected: true }).innerText(),
      (text) => text === 'nginx',
      { what: 'the remembered tab' },
    );
    await another.close();
  });
});
