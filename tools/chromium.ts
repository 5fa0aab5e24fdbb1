/**
 * Launches Chromium with the built extension (dist/) loaded: the browser tests, the benchmarks and
 * `npm start` (lab/demo.ts) all start it through here. It finds the extension's service worker and
 * id, keeps an extension page open for the runtime API, can stop the worker as DevTools' "Stop"
 * does, and on close waits for every Chromium process to exit before removing the profile.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { chromiumProcessGroup, removeProfile, waitForProcessGroupExit } from './profile';

export { chromiumProcessGroup, removeProfile, waitForProcessGroupExit } from './profile';

/** The built extension: dist/, or CORS_DOCTOR_DIST (to test another build while dist/ is in use). */
export const DIST_DIR = process.env.CORS_DOCTOR_DIST ?? resolve(import.meta.dirname, '..', 'dist');

const DEBIAN_CHROMIUM_PATHS = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];

/**
 * The browser to drive, in order: $CHROMIUM_PATH, Debian's chromium package, then Playwright's
 * own Chromium if one was installed. Branded Google Chrome ignores --load-extension, so it is not tried.
 */
export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but no file is there.`);
    return fromEnv;
  }
  for (const path of DEBIAN_CHROMIUM_PATHS) if (existsSync(path)) return path;
  try {
    const bundled = chromium.executablePath();
    if (bundled && existsSync(bundled)) return bundled;
  } catch {
    // playwright-core knows the path but ships no browser: fall through to the message below.
  }
  throw new Error(
    'No Chromium found. Install one: `sudo apt-get install chromium` (Debian/Ubuntu), or ' +
      '`npx playwright install chromium`, or set CHROMIUM_PATH to a Chromium or Chrome for Testing binary.',
  );
}

/** Flags for a machine with no network beyond loopback: without them Chromium keeps dialling out. */
export const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=Translate,OptimizationHints,MediaRouter',
];

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  /** The extension's current service worker (it changes after a forced restart). */
  worker(): Promise<Worker>;
  /** An extension page kept open to call the message API from an extension context. */
  extensionPage(): Promise<Page>;
  /** `browser.runtime.sendMessage(message)` from an extension page. */
  sendMessage<T = unknown>(message: unknown): Promise<T>;
  /** The tab id Chromium gave a page (as webRequest and the message API use it). */
  tabIdOf(page: Page): Promise<number>;
  /** Stops the extension's service worker at once (CDP ServiceWorker.stopAllWorkers, as DevTools' "Stop" does). */
  stopServiceWorker(): Promise<void>;
  /** Whether Chromium reports the extension's service worker as running (not starting, stopping or stopped). */
  workerRunning(): boolean;
  close(): Promise<void>;
}

export async function launchWithExtension(
  options: {
    headless?: boolean;
    args?: string[];
    distDir?: string;
    /** Opened in the browser's first tab at once, before the extension's worker is waited for (a user's first tab). */
    firstPageUrl?: string;
    /**
     * What the extension watches (full capture): `everything` (the default here, so that a test sees
     * every tab's traffic) or `watched-tabs` (the product's default: tabs switched on, or with DevTools open).
     */
    watch?: 'everything' | 'watched-tabs';
  } = {},
): Promise<ExtensionBrowser> {
  const distDir = options.distDir ?? DIST_DIR;
  if (!existsSync(join(distDir, 'manifest.json'))) {
    throw new Error(`No built extension in ${distDir}: run \`npm run build\` first.`);
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'cors-doctor-profile-'));
  const watch = options.watch ?? 'everything';
  const launch = () =>
    chromium.launchPersistentContext(userDataDir, {
      executablePath: findChromium(),
      headless: options.headless ?? true,
      args: [...QUIET_FLAGS, `--disable-extensions-except=${distDir}`, `--load-extension=${distDir}`, ...(options.args ?? [])],
    });
  if (options.firstPageUrl && watch !== 'watched-tabs') {
    // The first tab races the worker's start, before anything could switch the mode: the profile
    // must have it already (chrome.storage.local stays, chrome.storage.session does not).
    cpSync(await seededProfile(distDir, watch, options.headless ?? true), userDataDir, { recursive: true });
  }
  const context = await launch();
  // Found now, while the main process runs: close() waits for the whole group before removing the profile.
  const processGroup = chromiumProcessGroup(userDataDir);
  if (options.firstPageUrl) {
    const first = context.pages()[0] ?? (await context.newPage());
    await first.goto(options.firstPageUrl, { waitUntil: 'commit' });
  }
  let firstWorker = context.serviceWorkers().find(isExtensionWorker);
  firstWorker ??= await context.waitForEvent('serviceworker', { predicate: isExtensionWorker, timeout: 30_000 });
  const extensionId = new URL(firstWorker.url()).host;
  if (!options.firstPageUrl && watch !== 'watched-tabs') await setWatchMode(firstWorker, watch);

  async function worker(): Promise<Worker> {
    const live = context.serviceWorkers().find(isExtensionWorker);
    if (live) return live;
    return context.waitForEvent('serviceworker', { predicate: isExtensionWorker, timeout: 30_000 });
  }

  let helperPage: Page | null = null;
  async function extensionPage(): Promise<Page> {
    if (helperPage && !helperPage.isClosed()) return helperPage;
    helperPage = await context.newPage();
    // The popup page is a plain extension page: it has the full runtime API.
    await helperPage.goto(`chrome-extension://${extensionId}/src/popup/popup.html?harness=1`);
    return helperPage;
  }

  async function sendMessage<T>(message: unknown): Promise<T> {
    const page = await extensionPage();
    return page.evaluate((m) => chrome.runtime.sendMessage(m), message) as Promise<T>;
  }

  async function tabIdOf(page: Page): Promise<number> {
    const url = page.url();
    const helper = await extensionPage();
    const tabs = await helper.evaluate(() => chrome.tabs.query({}));
    // Tab URLs are visible to the extension only with the tabs permission or host access; the lab
    // origins are covered by <all_urls>.
    const matches = tabs.filter((t) => t.url === url);
    if (matches.length === 1 && matches[0]!.id !== undefined) return matches[0]!.id;
    // Several tabs on one URL: mark the wanted one and look again.
    const marker = `cors-doctor-${Math.random().toString(36).slice(2)}`;
    await page.evaluate((m) => (document.title = m), marker);
    const retitled = await helper.evaluate(() => chrome.tabs.query({}));
    const tab = retitled.find((t) => t.title === marker);
    if (tab?.id === undefined) throw new Error(`Could not find the tab id of ${url}`);
    return tab.id;
  }

  // One DevTools session, opened at launch and kept: a stop is then a single protocol call that lands
  // within milliseconds, with no tab opened or closed around it (tab events would wake the worker
  // just before or after the stop). It also tracks whether the extension's worker is running.
  const controlPage = await context.newPage();
  const control = await context.newCDPSession(controlPage);
  const runningStatus = new Map<string, string>();
  control.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const version of versions) {
      if (version.scriptURL.startsWith(`chrome-extension://${extensionId}/`)) runningStatus.set(version.versionId, version.runningStatus);
    }
  });
  await control.send('ServiceWorker.enable');

  async function stopServiceWorker(): Promise<void> {
    await control.send('ServiceWorker.stopAllWorkers');
  }

  function workerRunning(): boolean {
    return [...runningStatus.values()].includes('running');
  }

  async function close(): Promise<void> {
    await context.close();
    await removeProfile(userDataDir, processGroup);
  }

  return { context, extensionId, worker, workerRunning, extensionPage, sendMessage, tabIdOf, stopServiceWorker, close };
}

/**
 * A profile that has run the extension once and switched its watch mode, made once per process
 * for each build and mode and then copied: seeding every launch would double the cost of the
 * tests that launch many browsers (first-start launches 15).
 */
const seededProfiles = new Map<string, Promise<string>>();

function seededProfile(distDir: string, watch: 'everything' | 'watched-tabs', headless: boolean): Promise<string> {
  const key = `${distDir}\0${watch}`;
  let seeded = seededProfiles.get(key);
  if (!seeded) {
    seeded = (async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cors-doctor-seed-'));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      const context = await chromium.launchPersistentContext(dir, {
        executablePath: findChromium(),
        headless,
        args: [...QUIET_FLAGS, `--disable-extensions-except=${distDir}`, `--load-extension=${distDir}`],
      });
      const group = chromiumProcessGroup(dir);
      const worker =
        context.serviceWorkers().find(isExtensionWorker) ?? (await context.waitForEvent('serviceworker', { predicate: isExtensionWorker, timeout: 30_000 }));
      await setWatchMode(worker, watch);
      await context.close();
      // Copied only once every process that could still write to it has exited.
      if (group !== null) await waitForProcessGroupExit(group);
      for (const lock of ['SingletonLock', 'SingletonSocket', 'SingletonCookie']) rmSync(join(dir, lock), { force: true });
      return dir;
    })();
    seededProfiles.set(key, seeded);
  }
  return seeded;
}

/** Switches the extension's watch mode through its worker probe; resolves once the listeners follow it. */
async function setWatchMode(worker: Worker, mode: 'everything' | 'watched-tabs'): Promise<void> {
  await worker.evaluate(
    (m) => (globalThis as unknown as { corsDoctorProbe: { setWatchMode(mode: string): Promise<unknown> } }).corsDoctorProbe.setWatchMode(m),
    mode,
  );
}

function isExtensionWorker(worker: Worker): boolean {
  return worker.url().startsWith('chrome-extension://');
}

/** Chromium's own CORS verdict for one request, read through the DevTools protocol. */
