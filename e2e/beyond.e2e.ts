/**
 * Issue 16 in the real panel: the CORS lab gallery runs in a tab, and the panel (as a pop-out tab of
 * that tab) shows each "not really a CORS bug" cause first, every warning with its severity under
 * the Warnings filter and a row marker, and the client-side way around a preflight; the badge counts
 * blocked requests only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountGallery, type ResolvedCase } from '../lab/gallery';
import { startLab, type Lab } from '../lab/server';
import type { Report } from '../src/shared/report';
import { launchWithExtension, readBadge, waitFor, type ExtensionBrowser, type Page } from './harness';

describe('beyond the block, in the panel', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let panel: Page;
  let cases: ResolvedCase[];
  let tabId: number;
  let report: Report;
  const pageErrors: string[] = [];

  const rowOf = (caseId: string, variant: 'broken' | 'fixed') =>
    panel.locator(`.list-window .list-row:has(.cell-url[title*="/cors-lab/${caseId}${variant === 'fixed' ? '/fixed' : ''}?"])`).last();
  /** The list renders only the rows in view: narrow it to the case with the text filter first. */
  async function narrowTo(caseId: string): Promise<void> {
    await panel.locator('.filter-input').fill(`/cors-lab/${caseId}`);
  }

  beforeAll(async () => {
    lab = await startLab();
    let url: string;
    ({ url, cases } = mountGallery(lab));
    browser = await launchWithExtension({ args: lab.tls.chromiumArgs });
    const gallery = await browser.context.newPage();
    await gallery.goto(url);
    tabId = await browser.tabIdOf(gallery);
    await gallery.click('#run-all');
    await gallery.waitForSelector('body[data-state="done"]', { timeout: 90_000 });
    const requests = cases.reduce(
      (n, c) =>
        n + (c.broken.request.kind === 'fetch' ? (c.broken.request.repeat ?? 1) : 1) + (c.fixed.request.kind === 'fetch' ? (c.fixed.request.repeat ?? 1) : 1),
      0,
    );
    report = await waitFor(
      () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
      (r) => r.entries.filter((e) => e.request.method !== 'OPTIONS').length >= requests,
      { what: `${requests} entries`, timeoutMs: 30_000 },
    );
    panel = await browser.context.newPage();
    panel.on('pageerror', (error) => pageErrors.push(error.message));
    await panel.setViewportSize({ width: 1300, height: 900 });
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/panel.html?tabId=${tabId}`);
    await waitFor(
      () => panel.locator('.connection').textContent(),
      (text) => text?.includes('live') ?? false,
      { what: 'the panel to connect' },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  it('shows the real cause first for every cause card, and none on its fixed twin', async () => {
    await panel.getByRole('radio', { name: /^All/ }).click();
    for (const galleryCase of cases.filter((c) => c.expectedCause)) {
      await narrowTo(galleryCase.id);
      await rowOf(galleryCase.id, 'broken').click();
      const firstSection = panel.locator('.detail > section').first();
      expect(await firstSection.getAttribute('aria-label'), galleryCase.id).toBe('Real cause');
      const entry = report.entries.filter((e) => e.request.url.includes(`/cors-lab/${galleryCase.id}?`)).at(-1)!;
      expect(await firstSection.locator('h3').textContent(), galleryCase.id).toBe(`Not really a CORS bug: ${entry.verdict.cause!.title.replaceAll('`', '')}`);
      await rowOf(galleryCase.id, 'fixed').click();
      expect(await panel.locator('.detail section[aria-label="Real cause"]').count(), `${galleryCase.id} fixed`).toBe(0);
    }
  });

  it('the Warnings filter lists exactly the entries with warnings, each with a marker; the badge counts blocks only', async () => {
    const warned = report.entries.filter((e) => e.verdict.warnings.length > 0);
    await panel.locator('.filter-input').fill('');
    const segment = panel.getByRole('radio', { name: /^Warnings/ });
    expect(await segment.innerText()).toBe(`Warnings (${warned.length})`);
    await segment.click();
    const rows = panel.locator('.list-window .list-row');
    await waitFor(
      () => rows.count(),
      (n) => n === warned.length,
      { what: `${warned.length} rows` },
    );
    expect(await panel.locator('.list-window .list-row .warning-marker').count()).toBe(warned.length);
    for (const galleryCase of cases.filter((c) => c.expectedWarnings.length > 0)) {
      await narrowTo(galleryCase.id);
      const row = rowOf(galleryCase.id, 'broken');
      expect(await row.count(), galleryCase.id).toBe(1);
      await row.click();
      const codes = await panel
        .locator('.detail section[aria-label="Warnings"] li')
        .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.code));
      for (const code of galleryCase.expectedWarnings) expect(codes, galleryCase.id).toContain(code);
      // The fixed twin is not in the Warnings list.
      expect(await rowOf(galleryCase.id, 'fixed').count(), `${galleryCase.id} fixed`).toBe(0);
    }
    // High severity is marked as such: the reflected origin with credentials…
    await narrowTo('reflect-any-origin');
    expect(await rowOf('reflect-any-origin', 'broken').locator('.warning-marker.is-high').count()).toBe(1);
    // And an https API that trusts this plain-http page with credentials.
    await narrowTo('http-origin-trusted');
    expect(await rowOf('http-origin-trusted', 'broken').locator('.warning-marker.is-high').count()).toBe(1);
    const blocked = report.entries.filter((e) => e.verdict.blocked).length;
    expect(blocked).toBe(cases.filter((c) => c.broken.expected).length);
    expect((await readBadge(browser, tabId)).text).toBe(String(blocked));
    // The panel's Failures list also holds the network-error card (a failed request, not a CORS block).
    const networkErrors = report.entries.filter((e) => e.verdict.kind === 'network-error').length;
    expect(networkErrors).toBe(cases.filter((c) => c.broken.networkError).length);
    expect(await panel.getByRole('radio', { name: /^Failures/ }).innerText()).toBe(`Failures (${blocked + networkErrors})`);
  });

  it('shows the client-side way around a preflight, flagged as a client change', async () => {
    await panel.getByRole('radio', { name: /^All/ }).click();
    await narrowTo('json-content-type');
    await rowOf('json-content-type', 'broken').click();
    const reasons = panel.locator('.detail section[aria-label="Why a preflight was needed"]');
    expect(await reasons.locator('.pill-client').innerText()).toBe('client change');
    expect(await reasons.locator('.client-alternative').innerText()).toContain('text/plain');
    expect(pageErrors).toEqual([]);
  });
});
