/** The toolbar button's badge and title. */
import { browser } from './browser';

/** Where the badge controller paints: each call sets one per-tab value of the toolbar button. */
export interface BadgeSurface {
  setText(tabId: number, text: string): Promise<void>;
  setTitle(tabId: number, title: string): Promise<void>;
  setColor(tabId: number, color: string): Promise<void>;
}

interface ActionApi {
  setBadgeText(details: { tabId?: number; text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { tabId?: number; color: string }): Promise<void>;
  setTitle(details: { tabId?: number; title: string }): Promise<void>;
}

/** The toolbar button: `action` in MV3, `browserAction` where only that exists. */
export function badgeSurface(): BadgeSurface {
  const api = ((browser as unknown as { action?: ActionApi }).action ?? (browser as unknown as { browserAction?: ActionApi }).browserAction) as
    | ActionApi
    | undefined;
  if (!api) return { setText: async () => {}, setTitle: async () => {}, setColor: async () => {} };
  return {
    setText: (tabId, text) => api.setBadgeText({ tabId, text }),
    setTitle: (tabId, title) => api.setTitle({ tabId, title }),
    setColor: (tabId, color) => api.setBadgeBackgroundColor({ tabId, color }),
  };
}
