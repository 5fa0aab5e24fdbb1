/**
 * What CORS Doctor watches (full capture), as the worker, the popup and the panel share it.
 * A product contract: see docs/api.md.
 */

/** Persisted in chrome.storage.local under WATCH_STATE_KEY. `tabs`: the tabs the user switched on. */
export interface WatchState {
  mode: 'everything' | 'watched-tabs';
  tabs: number[];
}

export const WATCH_STATE_KEY = 'corsDoctor.watch';

export const DEFAULT_WATCH_STATE: WatchState = { mode: 'watched-tabs', tabs: [] };

/** Why a tab is watched: every tab is, the user switched it on, or DevTools is open on it. */
export type WatchReason = 'everything' | 'tab' | 'devtools';

/** The answer to getWatchState: the state, and what it means for one tab. */
export interface TabWatch {
  mode: WatchState['mode'];
  tabs: number[];
  tabId: number;
  watched: boolean;
  reasons: WatchReason[];
  /** Cross-origin requests on the tab's current page that failed the way a CORS block does while it was not watched. */
  suspected: number;
}

export type WatchRequest =
  | { type: 'getWatchState'; tabId: number }
  | { type: 'setWatch'; tabId: number; watched: boolean }
  | { type: 'setWatchMode'; mode: WatchState['mode'] };

/** Name of the port the DevTools page holds open while DevTools is open on a tab (first message: `{ tabId }`). */
export const DEVTOOLS_PORT_NAME = 'cors-doctor-devtools';

/** One line that says what is watched, for the popup and the panel. */
export function watchSummary(watch: TabWatch): string {
  if (watch.reasons.includes('everything')) return 'Watching every tab (full capture everywhere).';
  // A page's service and shared workers have no tab: only an all-tab capture sees their requests (capture.ts).
  if (watch.reasons.includes('tab'))
    return 'Watching this tab: every cross-origin request is diagnosed (its service and shared workers’ only with Watch every tab).';
  if (watch.reasons.includes('devtools'))
    return 'Watching this tab while DevTools is open on it (its service and shared workers’ requests only with Watch every tab).';
  return 'Not watching this tab: failures are only counted, not diagnosed.';
}
