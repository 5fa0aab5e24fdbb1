/**
 * Plain Firefox (no add-on) for the oracle: Debian's firefox-esr driven by puppeteer-core over
 * WebDriver BiDi, headless, en-US (Firefox's console reasons are localized, and the oracle parses
 * the en-US texts). Playwright cannot drive stock Firefox and there is no geckodriver here.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

export const FIREFOX_PATHS = ['/usr/bin/firefox-esr', '/usr/bin/firefox'];

export function findFirefox(): string {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`FIREFOX_PATH is set to ${fromEnv}, but no file is there.`);
    return fromEnv;
  }
  const found = FIREFOX_PATHS.find((path) => existsSync(path));
  if (!found) throw new Error('No Firefox found. Install one: `sudo apt-get install firefox-esr`, or set FIREFOX_PATH.');
  return found;
}

/** Prefs for a loopback-only machine, with the en-US texts the oracle reads. */
export const ORACLE_PREFS: Record<string, unknown> = {
  'intl.locale.requested': 'en-US',
  'intl.accept_languages': 'en-US, en',
  // Keep Firefox from dialling out on a machine without network.
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'app.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
};

/** Launches Firefox; `close()` waits for the process to exit before puppeteer removes the temporary profile. */
export async function launchPlainFirefox(): Promise<Browser> {
  return puppeteer.launch({ browser: 'firefox', executablePath: findFirefox(), headless: true, extraPrefsFirefox: ORACLE_PREFS });
}
