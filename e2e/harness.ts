/**
 * Real-browser test harness: launches Chromium with the built extension (tools/chromium.ts), and
 * gives tests CDP access to Chromium's own CORS verdicts and small probes of the extension's state.
 */
import { fromStored } from '../src/background/json-area';
import type { BrowserContext, CDPSession, Page, Worker } from 'playwright-core';
import type { ExtensionBrowser } from '../tools/chromium';

// The launcher moved to tools/ (npm start uses it too); these names stay importable from here.
export { DIST_DIR, findChromium, launchWithExtension, QUIET_FLAGS, type ExtensionBrowser } from '../tools/chromium';

export interface ChromiumVerdict {
  requestId: string;
  url: string;
  method: string;
  errorText: string | null;
  /** `corsErrorStatus.corsError`, or null when Chromium did not block it by CORS. */
  corsError: string | null;
  failedParameter: string | null;
  finished: boolean;
}

/**
 * Records Chromium's verdict for every request a page makes, keyed by request id, from
 * `Network.loadingFailed.corsErrorStatus` (the oracle for the engine).
 */
export async function recordChromiumVerdicts(
  context: BrowserContext,
  page: Page,
): Promise<{ cdp: CDPSession; verdicts: Map<string, ChromiumVerdict>; forUrl(url: string): ChromiumVerdict[] }> {
  const cdp = await context.newCDPSession(page);
  const verdicts = new Map<string, ChromiumVerdict>();
  cdp.on('Network.requestWillBeSent', (event) => {
    if (verdicts.has(event.requestId)) {
      // A redirect reuses the request id; the URL that failed is the latest one.
      verdicts.get(event.requestId)!.url = event.request.url;
      return;
    }
    verdicts.set(event.requestId, {
      requestId: event.requestId,
      url: event.request.url,
      method: event.request.method,
      errorText: null,
      corsError: null,
      failedParameter: null,
      finished: false,
    });
  });
  cdp.on('Network.loadingFinished', (event) => {
    const verdict = verdicts.get(event.requestId);
    if (verdict) verdict.finished = true;
  });
  cdp.on('Network.loadingFailed', (event) => {
    const verdict = verdicts.get(event.requestId);
    if (!verdict) return;
    verdict.finished = true;
    verdict.errorText = event.errorText;
    verdict.corsError = event.corsErrorStatus?.corsError ?? null;
    verdict.failedParameter = event.corsErrorStatus?.failedParameter ?? null;
  });
  await cdp.send('Network.enable');
  return {
    cdp,
    verdicts,
    forUrl: (url) => [...verdicts.values()].filter((v) => v.url === url),
  };
}

/** Polls `read` until `accept` says yes or the time is up; returns the last value read. */
export async function waitFor<T>(
  read: () => Promise<T> | T,
  accept: (value: T) => boolean,
  { timeoutMs = 15_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value)) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(value)?.slice(0, 2000)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
    value = await read();
  }
  return value;
}

export type { BrowserContext, Page, Worker };

/** `fetch(url, init)` from the page, body read; resolves to the status, or the rejection's message. */
export async function fetchFrom(page: Page, url: string, init: RequestInit = {}): Promise<number | string> {
  return page.evaluate(
    async ([target, options]) => {
      try {
        const response = await fetch(target as string, options as RequestInit);
        await response.arrayBuffer();
        return response.status;
      } catch (error) {
        return String(error);
      }
    },
    [url, init] as const,
  );
}

/**
 * How many webRequest events the extension's running worker has received (its probe), and which
 * worker that is; `worker: null` when none is running (the next event will start a fresh one at 0).
 */
export async function eventsReceivedByWorker(browser: ExtensionBrowser): Promise<{ worker: Worker | null; count: number }> {
  if (!browser.workerRunning()) return { worker: null, count: 0 };
  const live = browser.context
    .serviceWorkers()
    .filter((w) => w.url().startsWith(`chrome-extension://${browser.extensionId}/`))
    .at(-1);
  if (!live) return { worker: null, count: 0 };
  const probe = live.evaluate(() => (globalThis as { corsDoctorProbe?: { eventsReceived(): number } }).corsDoctorProbe?.eventsReceived() ?? 0);
  // A worker stopped while asked never answers.
  const count = await Promise.race([probe, new Promise<null>((resolve) => setTimeout(resolve, 1_000, null))]).catch(() => null);
  return count === null ? { worker: null, count: 0 } : { worker: live, count };
}

/** The toolbar badge text and title Chromium shows for a tab, read from an extension page. */
export async function readBadge(browser: ExtensionBrowser, tabId: number): Promise<{ text: string; title: string }> {
  const helper = await browser.extensionPage();
  return helper.evaluate(async (id) => {
    const [text, title] = await Promise.all([chrome.action.getBadgeText({ tabId: id }), chrome.action.getTitle({ tabId: id })]);
    return { text, title };
  }, tabId);
}

/**
 * Reads the tab's badge until it shows `text`, and returns it: the badge repaints on a throttle
 * (src/background/badge.ts), so a read right after a request can come before the repaint.
 */
export function waitForBadge(browser: ExtensionBrowser, tabId: number, text: string): Promise<{ text: string; title: string }> {
  return waitFor(
    () => readBadge(browser, tabId),
    (badge) => badge.text === text,
    { what: `badge "${text}"` },
  );
}

/** The extension's chrome.storage.session (all of it, or the given keys), read from an extension page; values as the worker wrote them (src/background/json-area.ts). */
export async function readSessionStorage(browser: ExtensionBrowser, keys: string[] | null = null): Promise<Record<string, unknown>> {
  const helper = await browser.extensionPage();
  const stored: Record<string, unknown> = await helper.evaluate((wanted) => chrome.storage.session.get(wanted), keys);
  return Object.fromEntries(Object.entries(stored).map(([key, value]) => [key, fromStored(value)]));
}
