import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import { validateHar } from '../test-support/har-validate';
import type { Har } from '../src/report/har';
import type { Report } from '../src/shared/report';
import { launchWithExtension, type ExtensionBrowser, type Page } from './harness';
import {
  curlBlocks,
  E2E_SECRETS,
  explanationParts,
  parseCurlHead,
  readText,
  runCurl,
  runScenario,
  schemaErrors,
  secretForms,
  type Scenario,
} from './export-scenario';

describe('the toolbar popup', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let scenario: Scenario;
  let popup: Page;
  const pageErrors: string[] = [];

  async function openPopup(query: string): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    await page.goto(`chrome-extension://${browser.extensionId}/src/popup/popup.html${query}`);
    return page;
  }

  async function download(button: string): Promise<{ filename: string; text: string }> {
    const [file] = await Promise.all([popup.waitForEvent('download'), popup.getByRole('button', { name: button }).click()]);
    const path = await file.path();
    return { filename: file.suggestedFilename(), text: readText(path) };
  }

  beforeAll(async () => {
    lab = await startLab();
    // CORS_DOCTOR_DIST lets a build in another directory be tested while dist/ is in use.
    browser = await launchWithExtension({ distDir: process.env.CORS_DOCTOR_DIST });
    scenario = await runScenario(lab, browser);
    // Chromium grants no permission to extension origins from outside; the clipboard is read back
    // from the lab page instead (it is one clipboard for the whole browser).
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: lab.origins.page });
    popup = await openPopup(`?tabId=${scenario.tabId}`);
    await popup.getByTestId('failure-count').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  it('shows the failure count, the count per rule and the latest failures as text', async () => {
    await expect.poll(() => popup.getByTestId('failure-count').getAttribute('data-count')).toBe('3');
    expect(await popup.getByTestId('failure-count').innerText()).toContain('3 CORS failures');
    const rules = popup.getByRole('list', { name: 'Failures by rule' });
    expect(await rules.locator('[data-rule="MissingAllowOriginHeader"]').innerText()).toMatch(/MissingAllowOriginHeader\s*2/);
    expect(await rules.locator('[data-rule="HeaderDisallowedByPreflightResponse"]').innerText()).toMatch(/1$/);
    const latest = await popup.getByRole('list', { name: 'Latest failures' }).innerText();
    const report = await browser.sendMessage<Report>({ type: 'getReport', tabId: scenario.tabId });
    for (const failure of report.entries.filter((e) => e.verdict.blocked)) {
      expect(latest).toContain(failure.verdict.title.replace(/`/g, ''));
      expect(latest).toContain(new URL(failure.request.url).pathname);
    }
    expect(await popup.getByText(/open DevTools/).innerText()).toContain('CORS');
    // URLs are shown the way the exports show them: redacted until the switch says otherwise.
    expect(await popup.locator('body').innerText()).not.toContain(E2E_SECRETS.query);
  });

  it('has an Include secrets switch, clearly labelled and off by default', async () => {
    const toggle = popup.getByRole('switch', { name: /Include secrets/ });
    expect(await toggle.isChecked()).toBe(false);
  });

  it('Download JSON saves the report, valid against the schema, with no secret', async () => {
    const { filename, text } = await download('Download JSON');
    expect(filename).toMatch(/^cors-doctor-.+\.json$/);
    const report = JSON.parse(text) as Report;
    expect(schemaErrors(report)).toEqual([]);
    expect(report.entries.filter((e) => e.verdict.blocked)).toHaveLength(3);
    for (const form of secretForms()) expect(text).not.toContain(form);
  });

  it('Download HAR saves a valid HAR with every exchange, with no secret', async () => {
    const { filename, text } = await download('Download HAR');
    expect(filename).toMatch(/\.har$/);
    const har = JSON.parse(text) as Har;
    expect(validateHar(har)).toEqual([]);
    const report = await browser.sendMessage<Report>({ type: 'getReport', tabId: scenario.tabId });
    expect(new Set(har.log.entries.map((e) => e._cors.exchangeId))).toEqual(new Set(report.entries.map((e) => e.id)));
    expect(har.log.entries.filter((e) => e._cors.part === 'preflight').length).toBeGreaterThanOrEqual(2);
    expect(har.log.entries.some((e) => e._cors.part === 'redirect')).toBe(true);
    for (const form of secretForms()) expect(text).not.toContain(form);
  });

  it('Copy Markdown puts the ticket on the clipboard, with working curl commands and no secret', async () => {
    await popup.bringToFront();
    await popup.getByRole('button', { name: 'Copy Markdown' }).click();
    await popup.getByText('Markdown copied to the clipboard.').waitFor();
    await scenario.page.bringToFront();
    const markdown = await scenario.page.evaluate(() => navigator.clipboard.readText());
    expect(markdown).toContain('# CORS Doctor report: 3 CORS failures');
    const redacted = JSON.parse((await browser.sendMessage<{ text: string }>({ type: 'exportReport', tabId: scenario.tabId, format: 'json' })).text) as Report;
    for (const failure of redacted.entries.filter((e) => e.verdict.blocked)) {
      expect(markdown).toContain(`\`${failure.verdict.rule}\``);
      for (const part of explanationParts(failure.verdict.explanation)) expect(markdown).toContain(part);
      expect(markdown).toContain(failure.verdict.fix!.summary.trim());
    }
    for (const form of secretForms()) expect(markdown).not.toContain(form);
    const preflight = curlBlocks(markdown).find((b) => b.includes('-X OPTIONS') && b.includes('/export/orders/17'))!;
    const head = parseCurlHead(await runCurl(preflight));
    expect(head.status).toBe(204);
    expect(head.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('Copy Markdown shows the fix in the stack remembered in chrome.storage.local', async () => {
    await popup.evaluate(() => chrome.storage.local.set({ 'corsDoctor.preferredStack': 'nginx' }));
    try {
      await popup.bringToFront();
      // Another status first, so that the wait below is for this copy and not the last one.
      const { filename } = await download('Download JSON');
      await popup.getByText(`Saved ${filename}`).waitFor();
      await popup.getByRole('button', { name: 'Copy Markdown' }).click();
      await popup.getByText('Markdown copied to the clipboard.').waitFor();
      await scenario.page.bringToFront();
      const markdown = await scenario.page.evaluate(() => navigator.clipboard.readText());
      expect(markdown).toContain('```nginx');
      expect(markdown).not.toContain("require('cors')");
    } finally {
      await popup.evaluate(() => chrome.storage.local.remove('corsDoctor.preferredStack'));
    }
  });

  it('with Include secrets switched on, the downloads keep the secrets', async () => {
    await popup.getByRole('switch', { name: /Include secrets/ }).check();
    const { text } = await download('Download JSON');
    for (const secret of [E2E_SECRETS.query, E2E_SECRETS.redirectToken, E2E_SECRETS.bearer]) expect(text).toContain(secret);
    await popup.getByRole('switch', { name: /Include secrets/ }).uncheck();
    const again = await download('Download HAR');
    for (const form of secretForms()) expect(again.text).not.toContain(form);
  });

  it('Open panel in a tab opens the panel for the same tab', async () => {
    const [panel] = await Promise.all([browser.context.waitForEvent('page'), popup.getByRole('button', { name: 'Open panel in a tab' }).click()]);
    await panel.waitForLoadState('domcontentloaded');
    expect(panel.url()).toBe(`chrome-extension://${browser.extensionId}/src/panel/panel.html?tabId=${scenario.tabId}`);
    await panel.close();
  });

  it('loads without errors as the harness page and for a tab with no captured traffic', async () => {
    const harness = await openPopup('?harness=1');
    expect(await harness.locator('#app').innerText()).not.toBe('');
    const own = await openPopup('');
    await own.getByTestId('failure-count').waitFor();
    expect(await own.getByTestId('failure-count').innerText()).toContain('No CORS failures');
    await harness.close();
    await own.close();
    expect(pageErrors).toEqual([]);
  });

  it('follows prefers-color-scheme', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await popup.emulateMedia({ colorScheme: scheme });
      const background = await popup.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe(scheme === 'dark' ? 'rgb(31, 31, 31)' : 'rgb(255, 255, 255)');
    }
    await popup.emulateMedia({ colorScheme: null });
  });
});
