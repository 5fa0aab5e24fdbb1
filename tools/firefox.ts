/**
 * Launches Debian's Firefox ESR headless with the built Firefox add-on (dist-firefox/) installed, for
 * the browser tests and `npm start -- --browser firefox`. Playwright cannot drive stock Firefox and no
 * geckodriver is available, so this goes through puppeteer-core over WebDriver BiDi:
 * - the profile is fresh, en-US (Firefox's console CORS messages are localized and the tests read
 *   them), and fixes the add-on's internal UUID (pref `extensions.webextensions.uuids`), so its pages
 *   have a known moz-extension:// origin;
 * - the add-on is installed as a temporary add-on (BiDi `webExtension.install`), which grants its
 *   `<all_urls>` host permission without a prompt;
 * - BiDi refuses to navigate to moz-extension:// unless the browser runs with
 *   `--remote-allow-system-access`; that flag is given to this test browser only, for one helper
 *   page (the popup in its inert harness mode) from which everything else is driven: the runtime
 *   API, the badge, and further extension pages opened as the add-on opens them (`tabs.create`).
 *   Firefox sends no BiDi navigation events for extension documents, so puppeteer's `page.url()`
 *   stays `about:blank` for them; they are found and waited on by evaluating `location.href`;
 * - Firefox's own CORS verdict (the console's "Cross-Origin Request Blocked" messages, delivered
 *   as BiDi `log.entryAdded` of type javascript, i.e. puppeteer's `pageerror`) is collected from
 *   every tab.
 * Code evaluated in the add-on's pages uses the `chrome` namespace, which Firefox provides with
 * promises in MV3 (and whose types the project has).
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { waitForProcessGroupExit } from './profile';

export type { Browser, Page };

export const FIREFOX_DIST_DIR = resolve(import.meta.dirname, '..', 'dist-firefox');

/** The add-on's internal UUID in every test profile, so its pages are at a known origin. */
export const FIREFOX_EXTENSION_UUID = 'c0a5d0c7-0e5f-4c1a-9b2d-6f1e2a3b4c5d';

const DEBIAN_FIREFOX_PATHS = ['/usr/bin/firefox-esr', '/usr/bin/firefox'];

/** The Firefox to drive, in order: $FIREFOX_PATH, Debian's firefox-esr, then firefox. */
export function findFirefox(): string {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`FIREFOX_PATH is set to ${fromEnv}, but no file is there.`);
    return fromEnv;
  }
  for (const path of DEBIAN_FIREFOX_PATHS) if (existsSync(path)) return path;
  throw new Error('No Firefox found. Install one: `sudo apt-get install firefox-esr` (Debian), or set FIREFOX_PATH to a Firefox binary.');
}

/**
 * Prefs of the test profile: English console texts, the fixed add-on UUID, and no calls home on a
 * machine that reaches nothing beyond loopback (puppeteer's own profile prefs already turn off most).
 */
function profilePrefs(addonId: string): Record<string, unknown> {
  return {
    'intl.locale.requested': 'en-US',
    'intl.accept_languages': 'en-US, en',
    'extensions.webextensions.uuids': JSON.stringify({ [addonId]: FIREFOX_EXTENSION_UUID }),
    'network.captive-portal-service.enabled': false,
    'messaging-system.rsexperimentloader.enabled': false,
    'network.connectivity-service.enabled': false,
    'browser.safebrowsing.update.enabled': false,
    'extensions.update.enabled': false,
  };
}

/** One "Cross-Origin Request Blocked" message from Firefox's console. */
export interface FirefoxCorsMessage {
  /** The whole console text, as Firefox printed it. */
  text: string;
  /** The request URL the message names. */
  url: string;
  /** The text in `(Reason: ...)`, e.g. `CORS header ‘Access-Control-Allow-Origin’ missing`. */
  reason: string;
  /** `Status code: N.` when Firefox gave one; null for `(null)` or none. */
  status: number | null;
  /** The tab's page when the message arrived. */
  pageUrl: string;
}

const CORS_MESSAGE =
  /^Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at (\S+)\. \(Reason: (.*?)\)\.(?: Status code: (\d+|\(null\))\.)?$/s;

/** Splits Firefox's console text into URL, reason and status; null for any other message. */
export function parseFirefoxCorsMessage(text: string, pageUrl = ''): FirefoxCorsMessage | null {
  const match = CORS_MESSAGE.exec(text.trim());
  if (!match) return null;
  const status = match[3] === undefined || match[3] === '(null)' ? null : Number(match[3]);
  return { text: text.trim(), url: match[1]!, reason: match[2]!, status, pageUrl };
}

export interface FirefoxExtensionBrowser {
  browser: Browser;
  /** `browser_specific_settings.gecko.id` of the installed add-on. */
  addonId: string;
  /** `moz-extension://<uuid>`, the add-on's pages' origin. */
  extensionOrigin: string;
  /** The temporary profile, removed by close(). */
  profileDir: string;
  /** A new tab for web content; its console CORS messages are collected. */
  newPage(): Promise<Page>;
  /** The helper extension page kept open to call the add-on's API (the popup in harness mode). */
  extensionPage(): Promise<Page>;
  /** Opens `path` of the add-on in a new tab as the add-on does (`tabs.create`), loaded and ready to drive. */
  openExtensionPage(path: string): Promise<Page>;
  /** `browser.runtime.sendMessage(message)` from the helper page. */
  sendMessage<T = unknown>(message: unknown): Promise<T>;
  /** The tab id Firefox gave a web page (as webRequest and the message API use it). */
  tabIdOf(page: Page): Promise<number>;
  /** The toolbar badge text and title for a tab, read by the add-on itself. */
  readBadge(tabId: number): Promise<{ text: string; title: string }>;
  /** Every CORS message Firefox's console printed so far, in arrival order. */
  corsMessages: FirefoxCorsMessage[];
  /** Resolves once at least `count` CORS messages name `url` (the console delivers them after fetch() has settled). */
  waitForCorsMessages(url: string, options?: { count?: number; timeoutMs?: number }): Promise<FirefoxCorsMessage[]>;
  /** Closes Firefox, waits until every one of its processes has exited, then removes the profile (once; later calls wait for the same). */
  close(): Promise<void>;
}

/** A self-signed certificate this profile accepts for one origin (`https://host:port`), and for no other. */
export interface TrustedCertificate {
  origin: string;
  /** The certificate, PEM. */
  pem: string;
}

/**
 * Firefox's cert_override.txt (the file "Accept the Risk and Continue" writes): each line trusts
 * one certificate, by its SHA-256 fingerprint, for one host and port. Chromium's equivalent is
 * `--ignore-certificate-errors-spki-list` (lab.tls.chromiumArgs).
 */
function certOverrideFile(certificates: readonly TrustedCertificate[]): string {
  const lines = certificates.map(({ origin, pem }) => {
    const { hostname, port } = new URL(origin);
    return `${hostname}:${port || '443'}:\tOID.2.16.840.1.101.3.4.2.1\t${new X509Certificate(pem).fingerprint256}\t`;
  });
  return ['# PSM Certificate Override Settings file', '# This is a generated file!  Do not edit.', ...lines, ''].join('\n');
}

export interface FirefoxLaunchOptions {
  headless?: boolean;
  distDir?: string;
  args?: string[];
  /** Self-signed certificates this profile trusts, each for its one origin (the lab's https origin). */
  trustedCertificates?: readonly TrustedCertificate[];
}

export async function launchFirefoxWithExtension(options: FirefoxLaunchOptions = {}): Promise<FirefoxExtensionBrowser> {
  const distDir = options.distDir ?? FIREFOX_DIST_DIR;
  const manifestPath = join(distDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`No built Firefox add-on in ${distDir}: run \`npm run build:firefox\` first.`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { browser_specific_settings?: { gecko?: { id?: string } } };
  const addonId = manifest.browser_specific_settings?.gecko?.id;
  if (!addonId) throw new Error(`${manifestPath} has no browser_specific_settings.gecko.id: it is not the Firefox build.`);

  const profileDir = mkdtempSync(join(tmpdir(), 'cors-doctor-firefox-'));
  if (options.trustedCertificates?.length) writeFileSync(join(profileDir, 'cert_override.txt'), certOverrideFile(options.trustedCertificates));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: findFirefox(),
    headless: options.headless ?? true,
    userDataDir: profileDir,
    args: ['--remote-allow-system-access', ...(options.args ?? [])],
    extraPrefsFirefox: profilePrefs(addonId),
    env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' },
  });
  const firefoxProcess = browser.process();
  // Puppeteer starts Firefox detached: its content processes share the main process's group.
  const processGroup = firefoxProcess?.pid ?? null;
  const exited = new Promise<void>((resolveExit) => {
    if (!firefoxProcess || firefoxProcess.exitCode !== null || firefoxProcess.signalCode !== null) resolveExit();
    else firefoxProcess.once('exit', () => resolveExit());
  });

  const corsMessages: FirefoxCorsMessage[] = [];
  const watched = new WeakSet<Page>();
  const messageWaiters = new Set<() => void>();
  function collectConsole(page: Page): void {
    if (watched.has(page)) return;
    watched.add(page);
    page.on('pageerror', (error) => {
      const text = error instanceof Error ? error.message : String(error);
      const message = parseFirefoxCorsMessage(text, page.url());
      if (!message) return;
      corsMessages.push(message);
      for (const wake of messageWaiters) wake();
    });
  }

  let installed: string;
  try {
    for (const page of await browser.pages()) collectConsole(page);
    browser.on('targetcreated', (target) => {
      void target.page().then(
        (page) => page && collectConsole(page),
        () => {},
      );
    });
    installed = await browser.installExtension(distDir);
  } catch (error) {
    await closeAndRemove();
    throw error;
  }
  const extensionOrigin = `moz-extension://${FIREFOX_EXTENSION_UUID}`;

  async function newPage(): Promise<Page> {
    const page = await browser.newPage();
    collectConsole(page);
    return page;
  }

  let helperPage: Page | null = null;
  async function extensionPage(): Promise<Page> {
    if (helperPage && !helperPage.isClosed()) return helperPage;
    const page = (await browser.pages()).find((p) => p.url() === 'about:blank') ?? (await browser.newPage());
    const url = `${extensionOrigin}/src/popup/popup.html?harness=1`;
    // No BiDi navigation event arrives for an extension document, so goto() never settles by itself:
    // it is left to the page's lifetime (no timeout, rejection ignored) and the page's own location is waited on.
    page.goto(url, { timeout: 0 }).catch(() => {});
    await waitUntilLoaded(page, url);
    helperPage = page;
    return page;
  }

  /** Tabs already handed out by openExtensionPage, so two tabs on one URL are told apart. */
  const claimed = new WeakSet<Page>();
  async function openExtensionPage(path: string): Promise<Page> {
    const helper = await extensionPage();
    const url = `${extensionOrigin}/${path.replace(/^\//, '')}`;
    await helper.evaluate(async (target) => {
      await chrome.tabs.create({ url: target });
    }, url);
    const page = await waitForValue(async () => {
      for (const candidate of await browser.pages()) {
        if (candidate === helper || claimed.has(candidate)) continue;
        const href = await candidate.evaluate(() => location.href).catch(() => null);
        if (href === url) return candidate;
      }
      return null;
    }, `a tab on ${url}`);
    claimed.add(page);
    await waitUntilLoaded(page, url);
    return page;
  }

  async function sendMessage<T>(message: unknown): Promise<T> {
    const helper = await extensionPage();
    return helper.evaluate((m) => chrome.runtime.sendMessage(m), message) as Promise<T>;
  }

  async function tabIdOf(page: Page): Promise<number> {
    const url = page.url();
    const helper = await extensionPage();
    const tabs = await helper.evaluate(async () => (await chrome.tabs.query({})).map((t) => ({ id: t.id, url: t.url, title: t.title })));
    const matches = tabs.filter((t) => t.url === url);
    if (matches.length === 1 && matches[0]!.id !== undefined) return matches[0]!.id;
    // Several tabs on one URL: mark the wanted one and look again.
    const marker = `cors-doctor-${Math.random().toString(36).slice(2)}`;
    await page.evaluate((m) => (document.title = m), marker);
    const retitled = await helper.evaluate(async () => (await chrome.tabs.query({})).map((t) => ({ id: t.id, title: t.title })));
    const tab = retitled.find((t) => t.title === marker);
    if (tab?.id === undefined) throw new Error(`Could not find the tab id of ${url}`);
    return tab.id;
  }

  async function readBadge(tabId: number): Promise<{ text: string; title: string }> {
    const helper = await extensionPage();
    return helper.evaluate(async (id) => {
      const [text, title] = await Promise.all([chrome.action.getBadgeText({ tabId: id }), chrome.action.getTitle({ tabId: id })]);
      return { text, title };
    }, tabId);
  }

  async function waitForCorsMessages(url: string, { count = 1, timeoutMs = 30_000 } = {}): Promise<FirefoxCorsMessage[]> {
    const matching = () => corsMessages.filter((m) => m.url === url);
    if (matching().length >= count) return matching();
    return new Promise((resolveWait, rejectWait) => {
      const timer = setTimeout(() => {
        messageWaiters.delete(wake);
        rejectWait(new Error(`Timed out after ${timeoutMs} ms waiting for ${count} Firefox CORS message(s) on ${url}; got ${JSON.stringify(matching())}`));
      }, timeoutMs);
      const wake = () => {
        if (matching().length < count) return;
        clearTimeout(timer);
        messageWaiters.delete(wake);
        resolveWait(matching());
      };
      messageWaiters.add(wake);
    });
  }

  let closing: Promise<void> | null = null;
  function closeAndRemove(): Promise<void> {
    closing ??= (async () => {
      await browser.close().catch(() => {});
      await exited;
      if (processGroup !== null) await waitForProcessGroupExit(processGroup);
      rmSync(profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    })();
    return closing;
  }

  return {
    browser,
    addonId: installed,
    extensionOrigin,
    profileDir,
    newPage,
    extensionPage,
    openExtensionPage,
    sendMessage,
    tabIdOf,
    readBadge,
    corsMessages,
    waitForCorsMessages,
    close: closeAndRemove,
  };
}

/** Waits until the page's own document is `url` and has finished loading. */
async function waitUntilLoaded(page: Page, url: string): Promise<void> {
  await waitForValue(async () => {
    const state = await page.evaluate(() => [location.href, document.readyState] as const).catch(() => null);
    return state && state[0] === url && state[1] === 'complete' ? true : null;
  }, `${url} to load`);
}

/** Polls `read` until it returns a non-null value (for what BiDi sends no event for). */
async function waitForValue<T>(read: () => Promise<T | null>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `fetch(url, init)` from the page, body read; resolves to the status, or the rejection's message. */
export async function fetchFrom(page: Page, url: string, init: RequestInit = {}): Promise<number | string> {
  return page.evaluate(
    async (target, options) => {
      try {
        const response = await fetch(target, options);
        await response.arrayBuffer();
        return response.status;
      } catch (error) {
        return String(error);
      }
    },
    url,
    init as never,
  );
}
