/**
 * Privacy and hardening (PRIVACY.md): the extension itself makes no network request, and the code
 * it ships has no eval, no new Function, and no HTML sink of its own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import type { Report } from '../src/shared/report';
import { DIST_DIR, launchWithExtension, waitFor, type ExtensionBrowser } from './harness';

const ROOT = resolve(import.meta.dirname, '..');

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && ext.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

describe('the shipped code', () => {
  const shipped = filesUnder(DIST_DIR, /\.(js|html)$/).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

  it('has no eval and no new Function', () => {
    expect(shipped.length).toBeGreaterThan(3);
    for (const { file, text } of shipped) {
      expect(count(text, /(?<![\w$.])eval\s*\(/g), file).toBe(0);
      expect(count(text, /\bnew\s+Function\b/g), file).toBe(0);
      expect(count(text, /(?<![\w$.])Function\s*\(/g), file).toBe(0);
      expect(count(text, /\bsetTimeout\s*\(\s*['"`]/g), file).toBe(0);
    }
  });

  it("has no HTML sink but Preact's own dangerouslySetInnerHTML support, which no source of ours uses", () => {
    // Preact's renderer implements the prop (2 `innerHTML` in its build); anything more is ours.
    const preact = readFileSync(join(ROOT, 'node_modules/preact/dist/preact.mjs'), 'utf8');
    const inDist = shipped.reduce((sum, { text }) => sum + count(text, /innerHTML/g), 0);
    expect(inDist).toBeLessThanOrEqual(count(preact, /innerHTML/g));
    for (const { file, text } of shipped) {
      expect(count(text, /outerHTML|insertAdjacentHTML|document\.write|createContextualFragment/g), file).toBe(0);
    }
    const sources = filesUnder(join(ROOT, 'src'), /\.(ts|tsx)$/).filter((file) => !/\.test\.tsx?$|[/\\]testing[/\\]/.test(file));
    expect(sources.length).toBeGreaterThan(10);
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      expect(count(text, /dangerouslySetInnerHTML|innerHTML|outerHTML|insertAdjacentHTML|document\.write/g), file).toBe(0);
    }
  });
});

describe('the extension in Chromium', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchWithExtension();
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  it('makes no network request of its own while it captures, reports, exports and restarts', async () => {
    const extensionOrigin = `chrome-extension://${browser.extensionId}`;
    const own: string[] = [];
    // Chromium reports a service worker's requests on the context (request.serviceWorker()), and
    // an extension page's on its page.
    browser.context.on('request', (request) => {
      if (request.url().startsWith(extensionOrigin)) return;
      const worker = request.serviceWorker();
      let from: string | null = worker?.url() ?? null;
      if (!from) {
        try {
          from = request.frame().url();
        } catch {
          from = null;
        }
      }
      if (from?.startsWith(extensionOrigin)) own.push(`${from} -> ${request.url()}`);
    });

    const page = await browser.context.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    const urls = [0, 1, 2].map((i) => lab.route('api', `/privacy/${i}`, { response: { body: 'json' } }));
    await page.evaluate((list) => Promise.all(list.map((url) => fetch(url).catch(() => null))), urls);
    const tabId = await browser.tabIdOf(page);
    await waitFor(
      () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
      (r) => r.entries.length === 3,
      { what: '3 entries' },
    );
    for (const format of ['markdown', 'json', 'har']) await browser.sendMessage({ type: 'exportReport', tabId, format });
    const panel = await browser.context.newPage();
    await panel.goto(`${extensionOrigin}/src/panel/panel.html?tabId=${tabId}`);
    await panel.waitForSelector('text=MissingAllowOriginHeader', { timeout: 15_000 }).catch(() => null);
    await browser.stopServiceWorker();
    await page.evaluate((url) => fetch(url).catch(() => null), urls[0]!);
    await waitFor(
      () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
      (r) => r.entries.length === 4,
      { what: '4 entries' },
    );
    expect(own).toEqual([]);

    // The detector sees an extension request when there is one: the worker's own fetch.
    const probe = lab.route('api', '/privacy/probe', { response: { headers: [['Access-Control-Allow-Origin', '*']] } });
    const worker = await browser.worker();
    await worker.evaluate((url) => fetch(url).then((r) => r.status), probe);
    await waitFor(
      () => own,
      (list) => list.some((line) => line.endsWith(probe)),
      { what: 'the probe fetch to be seen' },
    );
    await panel.close();
    await page.close();
  });
});
