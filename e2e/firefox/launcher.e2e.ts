/**
 * The Firefox launcher (tools/firefox.ts) against real Firefox ESR: the built add-on installs, its
 * pages sit at the fixed UUID and have the WebExtension API, a page the add-on opens can be driven,
 * Firefox's console CORS message for a blocked request is collected in English, and close() leaves
 * no process and no profile behind.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../lab/server';
import { FIREFOX_EXTENSION_UUID, fetchFrom, launchFirefoxWithExtension, type FirefoxExtensionBrowser } from '../../tools/firefox';

describe('the Firefox launcher', () => {
  let lab: Lab;
  let firefox: FirefoxExtensionBrowser;

  beforeAll(async () => {
    lab = await startLab();
    firefox = await launchFirefoxWithExtension();
  });

  afterAll(async () => {
    await firefox?.close();
    await lab?.close();
  });

  it('installs the built add-on at the fixed UUID, with the WebExtension API on its pages', async () => {
    expect(firefox.addonId).toBe('cors-doctor@cors-doctor');
    const helper = await firefox.extensionPage();
    const seen = await helper.evaluate(() => ({
      origin: location.origin,
      gecko: (chrome.runtime.getManifest() as { browser_specific_settings?: { gecko?: { id?: string } } }).browser_specific_settings?.gecko?.id,
      agent: navigator.userAgent,
    }));
    expect(seen.origin).toBe(`moz-extension://${FIREFOX_EXTENSION_UUID}`);
    expect(seen.gecko).toBe('cors-doctor@cors-doctor');
    expect(seen.agent).toMatch(/Firefox\/\d+/);
  });

  it("collects Firefox's console message for a blocked request, in English", async () => {
    const page = await firefox.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    const url = lab.route('api', '/launcher-missing-acao', { response: { body: 'json' } });
    expect(await fetchFrom(page, url)).toMatch(/NetworkError/);
    const [message] = await firefox.waitForCorsMessages(url);
    expect(message).toMatchObject({ url, reason: 'CORS header ‘Access-Control-Allow-Origin’ missing', status: 200 });
    expect(message!.text).toBe(
      `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url}. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.`,
    );
    // A request that passes prints nothing.
    const passing = lab.route('api', '/launcher-passing', { response: { headers: [['Access-Control-Allow-Origin', '*']], body: 'json' } });
    expect(await fetchFrom(page, passing)).toBe(200);
    const tabId = await firefox.tabIdOf(page);
    expect(tabId).toBeGreaterThan(0);
  });

  it('drives a page the add-on opens in a tab', async () => {
    const panel = await firefox.openExtensionPage('src/panel/panel.html?tabId=1');
    const state = await panel.evaluate(() => ({ href: location.href, hasRoot: document.body.children.length > 0 }));
    expect(state).toEqual({ href: `moz-extension://${FIREFOX_EXTENSION_UUID}/src/panel/panel.html?tabId=1`, hasRoot: true });
  });

  it('close() waits for every Firefox process to exit, then removes the profile', async () => {
    const pid = firefox.browser.process()!.pid!;
    expect(existsSync(firefox.profileDir)).toBe(true);
    await firefox.close();
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(existsSync(firefox.profileDir)).toBe(false);
  });
});
