import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_DIR, launchWithExtension, type ExtensionBrowser } from './harness';

describe('the built extension loads in Chromium', () => {
  let browser: ExtensionBrowser;
  beforeAll(async () => {
    browser = await launchWithExtension();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('declares the MV3 pieces the product needs, and nothing more', () => {
    const manifest = JSON.parse(readFileSync(join(DIST_DIR, 'manifest.json'), 'utf8'));
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.name).toBe('CORS Doctor');
    expect(manifest.background.type).toBe('module');
    expect(manifest.devtools_page).toBeTruthy();
    expect(readFileSync(join(DIST_DIR, manifest.devtools_page), 'utf8')).toContain('<script');
    expect([...manifest.permissions].sort()).toEqual(['storage', 'webRequest']);
    expect(manifest.host_permissions).toEqual(['<all_urls>']);
    expect(JSON.stringify(manifest)).not.toContain('debugger');
    for (const size of ['16', '32', '48', '128']) {
      const png = readFileSync(join(DIST_DIR, manifest.icons[size]));
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(Number(size));
    }
  });

  it('registers its service worker', async () => {
    const worker = await browser.worker();
    expect(worker.url()).toBe(`chrome-extension://${browser.extensionId}/service-worker-loader.js`);
    expect(await worker.evaluate(() => typeof chrome.webRequest?.onErrorOccurred)).toBe('object');
  });

  it('shows no errors or warnings on chrome://extensions', async () => {
    const page = await browser.context.newPage();
    await page.goto('chrome://extensions');
    const info = await page.evaluate(
      (id) =>
        new Promise<{ manifestErrors: unknown[]; runtimeErrors: unknown[]; installWarnings: unknown[]; state: string }>((done) =>
          (chrome as any).developerPrivate.getExtensionInfo(id, done),
        ),
      browser.extensionId,
    );
    expect(info.state).toBe('ENABLED');
    expect(info.manifestErrors).toEqual([]);
    expect(info.runtimeErrors).toEqual([]);
    expect(info.installWarnings).toEqual([]);
    await page.close();
  });
});
