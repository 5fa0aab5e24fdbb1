import puppeteer from 'puppeteer-core';
import { mkdtempSync } from 'node:fs';
const dir = mkdtempSync('/tmp/f1exp/prof-');
const browser = await puppeteer.launch({
  browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true, userDataDir: dir, dumpio: true, args: ['--remote-allow-system-access'],
  extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ 'cors-doctor@cors-doctor': 'c0a5d0c7-0e5f-4c1a-9b2d-6f1e2a3b4c5d' }), 'devtools.console.stdout.chrome': true, 'devtools.console.stdout.content': true, 'extensions.logging.enabled': true },
});
await browser.installExtension('/work/wt/i15a/dist-firefox');
await new Promise(r => setTimeout(r, 5000));
await browser.close();
