/** The toolbar button's badge and title. */
import { browser } from './browser';

/** Where the badge controller paints. */
export interface BadgeSurface {
  setText(tabId: number, text: string): Promise<void>;
  setTitle(tabId: number, title: string): Promise<void>;
  /** The browser cleared the tab's per-tab values (a navigation): a surface that skips unchanged values sets them all again. */
  invalidate?(tabId: number): void;
}

interface ActionApi {
  setBadgeText(details: { tabId?: number; text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  setTitle(details: { tabId?: number; title: string }): Promise<void>;
}

/** The toolbar button: `action` in MV3, `browserAction` where only that exists. */
export function badgeSurface(color: string): BadgeSurface {
  const api = ((browser as unknown as { action?: ActionApi }).action ?? (browser as unknown as { browserAction?: ActionApi }).browserAction) as
    | ActionApi
    | undefined;
  if (!api) return { setText: async () => {}, setTitle: async () => {} };
  // Global, so it survives the per-tab reset Chromium does on navigation.
  void api.setBadgeBackgroundColor({ color }).catch(() => {});
  return {
    setText: (tabId, text) => api.setBadgeText({ tabId, text }),
    setTitle: (tabId, title) => api.setTitle({ tabId, title }),
  };
}
