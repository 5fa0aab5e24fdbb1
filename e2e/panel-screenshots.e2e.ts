/**
 * The README's screenshots of the panel, light and dark, with failures of several kinds judged by
 * the real worker. `CORS_DOCTOR_SCREENSHOTS=1` writes them to docs/; otherwise they go to a
 * temporary directory, so an ordinary test run leaves the work tree alone.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import type { Report } from '../src/shared/report';
import { launchWithExtension, waitFor, type ExtensionBrowser, type Page } from './harness';

const OUTPUT_DIR = process.env.CORS_DOCTOR_SCREENSHOTS === '1' ? resolve(import.meta.dirname, '..', 'docs') : mkdtempSync(join(tmpdir(), 'cors-doctor-shots-'));

describe('panel screenshots', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let tabId: number;

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchWithExtension();
    const allowOrigin: [string, string] = ['Access-Control-Allow-Origin', '{origin}'];
    const api = {
      users: lab.route('api', '/v1/users', { response: { headers: [['Content-Type', 'application/json']], body: 'json' } }),
      orders: lab.route('api', '/v1/orders', {
        preflight: {
          status: 204,
          headers: [allowOrigin, ['Access-Control-Allow-Methods', 'GET, POST'], ['Access-Control-Allow-Headers', 'content-type']],
        },
        response: { headers: [allowOrigin], body: 'json' },
      }),
      session: lab.route('api', '/v1/session', { response: { headers: [['Access-Control-Allow-Origin', '*']], body: 'json' } }),
      login: lab.route('api', '/v1/login', { response: { redirect: { to: '{api2}/v2/profile', status: 302 } } }),
      profile: lab.route('api2', '/v2/profile', { response: { headers: [allowOrigin], body: 'json' } }),
      slash: lab.route('api', '/v1/settings', { response: { headers: [['Access-Control-Allow-Origin', '{page}/']], body: 'json' } }),
      remove: lab.route('api', '/v1/items/42', {
        preflight: { status: 204, headers: [allowOrigin, ['Access-Control-Allow-Methods', 'GET, POST']] },
        response: { headers: [allowOrigin], body: 'json' },
      }),
      health: lab.route('api', '/health', { response: { headers: [allowOrigin], body: 'json' } }),
      config: lab.route('api2', '/config.json', { response: { headers: [allowOrigin], body: 'json' } }),
    };
    const labPage = await browser.context.newPage();
    await labPage.goto(lab.page('/shop', '<!doctype html><title>Shop</title><h1>Shop</h1>'));
    tabId = await browser.tabIdOf(labPage);
    await labPage.evaluate(async (urls) => {
      const quiet = (p: Promise<unknown>) => p.catch(() => undefined);
      await quiet(fetch(urls.health));
      await quiet(fetch(urls.users));
      await quiet(fetch(urls.orders, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'demo' }, body: '{"sku":42}' }));
      await quiet(fetch(urls.session, { credentials: 'include' }));
      await quiet(fetch(urls.config));
      await quiet(fetch(urls.login));
      await quiet(fetch(urls.slash));
      await quiet(fetch(urls.remove, { method: 'DELETE' }));
      await quiet(fetch(urls.users + '?page=2'));
    }, api);
    await waitFor(
      async () => (await browser.sendMessage<Report>({ type: 'getReport', tabId })).entries.length,
      (count) => count >= 9,
      { what: 'nine judged exchanges' },
    );
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  async function shoot(theme: 'light' | 'dark'): Promise<string> {
    const panel: Page = await browser.context.newPage();
    await panel.setViewportSize({ width: 1280, height: 720 });
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/panel.html?tabId=${tabId}&theme=${theme}`);
    await waitFor(
      () => panel.locator('.list-window .list-row').count(),
      (count) => count >= 6,
      { what: 'the failure rows' },
    );
    await panel.getByRole('radio', { name: /^All/ }).click();
    await panel
      .locator('.list-window .list-row')
      .filter({ has: panel.locator('.cell-url[title$="/v1/orders"]') })
      .click();
    await panel.getByRole('grid').focus();
    const path = join(OUTPUT_DIR, `panel-${theme}.png`);
    await panel.screenshot({ path });
    await panel.close();
    return path;
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`renders the ${theme} theme`, async () => {
      const png = readFileSync(await shoot(theme));
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(1280);
      expect(png.length).toBeGreaterThan(30_000);
    });
  }
});
