/**
 * The small adapters that keep Chrome-only APIs (storage.session, the action badge, extraHeaders)
 * behind feature tests, so that a Firefox build only changes what these return.
 */
import { browser } from '../platform/browser';
import { BADGE_COLOR, type BadgeSurface } from './badge';
import { memoryArea } from './memory-area';
import type { SessionArea } from './store';

/** chrome.storage.session where it exists (Chromium, Firefox 115+), else a map that lives as long as the worker. */
export function sessionArea(): SessionArea {
  const session = (browser.storage as unknown as { session?: SessionArea }).session;
  if (session) return session;
  return memoryArea();
}

interface ActionApi {
  setBadgeText(details: { tabId?: number; text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  setTitle(details: { tabId?: number; title: string }): Promise<void>;
}

/** The toolbar button: `action` in MV3, `browserAction` where only that exists. */
export function badgeSurface(): BadgeSurface {
  const api = ((browser as unknown as { action?: ActionApi }).action ??
    (browser as unknown as { browserAction?: ActionApi }).browserAction) as ActionApi | undefined;
  if (!api) return { setText: async () => {}, setTitle: async () => {} };
  // Global, so it survives the per-tab reset Chromium does on navigation.
  void api.setBadgeBackgroundColor({ color: BADGE_COLOR }).catch(() => {});
  return {
    setText: (tabId, text) => api.setBadgeText({ tabId, text }),
    setTitle: (tabId, title) => api.setTitle({ tabId, title }),
  };
}

/**
 * Whether webRequest accepts `extraHeaders` (Chromium). Without it Chromium hides preflights,
 * Origin and the headers of CORS-failed responses; Firefox has no such option and shows them anyway.
 */
export function supportsExtraHeaders(): boolean {
  const webRequest = browser.webRequest as unknown as { OnSendHeadersOptions?: Record<string, string> };
  return webRequest.OnSendHeadersOptions?.EXTRA_HEADERS === 'extraHeaders';
}

/** The browser's name and version for reports, from the worker's user agent. */
export function browserInfo(): { name: string; version: string } | null {
  const agent = typeof navigator === 'undefined' ? '' : navigator.userAgent;
  const firefox = /Firefox\/([\d.]+)/.exec(agent);
  if (firefox) return { name: 'Firefox', version: firefox[1]! };
  const chrome = /Chrome\/([\d.]+)/.exec(agent);
  if (chrome) return { name: 'Chromium', version: chrome[1]! };
  return null;
}
