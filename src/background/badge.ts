/**
 * The toolbar badge. On a watched tab it shows the exact number of CORS failures on the tab's
 * current page, in red; on a tab that is not watched, the failures the cheap detector suspects
 * (watch.ts), as "N?" in grey; the exact count, when there is one, wins.
 *
 * Each part of the badge (colour, text, title) is an extension-API call, so a tab's badge is
 * repainted at most every `throttleMs` in a burst (the last state always lands), only the parts
 * that differ from what this worker painted last are set, and everything is set again after a
 * navigation, because Chromium clears per-tab badge values then.
 */
import type { BadgeSurface } from '../platform/index';

export type { BadgeSurface };

export const BADGE_COLOR = '#D93025';
export const SUSPECTED_BADGE_COLOR = '#5F6368';
export const DEFAULT_TITLE = 'CORS Doctor';

export function badgeText(failures: number): string {
  if (failures <= 0) return '';
  return failures > 999 ? '999+' : String(failures);
}

export function badgeTitle(failures: number): string {
  if (failures <= 0) return DEFAULT_TITLE;
  return `${failures} CORS failure${failures === 1 ? '' : 's'} on this page`;
}

export function suspectedBadgeText(count: number): string {
  if (count <= 0) return '';
  return count > 99 ? '99+?' : `${count}?`;
}

export function suspectedBadgeTitle(count: number): string {
  return (
    `${count} cross-origin request${count === 1 ? '' : 's'} failed on this page, maybe by CORS. ` +
    'This tab is not watched: click to watch it and reload for the diagnosis.'
  );
}

export interface BadgeLook {
  color: string;
  text: string;
  title: string;
}

/** What a tab's badge shows for its exact failure count and its suspected count. */
export function badgeLook(failures: number, suspected: number): BadgeLook {
  if (failures <= 0 && suspected > 0) return { color: SUSPECTED_BADGE_COLOR, text: suspectedBadgeText(suspected), title: suspectedBadgeTitle(suspected) };
  return { color: BADGE_COLOR, text: badgeText(failures), title: badgeTitle(failures) };
}

interface TabBadge {
  failures: number;
  suspected: number;
  /** What this worker last set on the tab; null when unknown (a new worker, a navigation, a failed call). */
  painted: BadgeLook | null;
  lastPaintTime: number;
  timer: ReturnType<typeof setTimeout> | null;
}

export class BadgeController {
  private readonly tabs = new Map<number, TabBadge>();

  constructor(
    private readonly surface: BadgeSurface,
    private readonly throttleMs = 200,
    private readonly now: () => number = Date.now,
  ) {}

  /** The exact failure count of the tab's page (a watched tab). */
  show(tabId: number, failures: number): void {
    this.stateFor(tabId).failures = failures;
    this.paintSoon(tabId);
  }

  /** The detector's suspected count of the tab's page (a tab that is not watched). */
  showSuspected(tabId: number, count: number): void {
    this.stateFor(tabId).suspected = count;
    this.paintSoon(tabId);
  }

  /** The browser cleared the tab's badge (navigation): paint it again even if nothing changed. */
  reapply(tabId: number, failures: number): void {
    this.stateFor(tabId).painted = null;
    this.show(tabId, failures);
  }

  forget(tabId: number): void {
    const state = this.tabs.get(tabId);
    if (state?.timer) clearTimeout(state.timer);
    this.tabs.delete(tabId);
  }

  private stateFor(tabId: number): TabBadge {
    let state = this.tabs.get(tabId);
    if (!state) this.tabs.set(tabId, (state = { failures: 0, suspected: 0, painted: null, lastPaintTime: -Infinity, timer: null }));
    return state;
  }

  private paintSoon(tabId: number): void {
    const state = this.stateFor(tabId);
    if (state.timer !== null) return;
    const wait = state.lastPaintTime + this.throttleMs - this.now();
    if (wait <= 0) {
      this.paint(tabId, state);
      return;
    }
    state.timer = setTimeout(() => {
      state.timer = null;
      this.paint(tabId, state);
    }, wait);
  }

  private paint(tabId: number, state: TabBadge): void {
    const wanted = badgeLook(state.failures, state.suspected);
    const before = state.painted;
    if (before && before.color === wanted.color && before.text === wanted.text && before.title === wanted.title) return;
    state.painted = wanted;
    state.lastPaintTime = this.now();
    // A closed tab rejects: nothing is painted then, so everything is set next time.
    const unknownOnError = () => {
      if (this.tabs.get(tabId) === state && state.painted === wanted) state.painted = null;
    };
    if (before?.color !== wanted.color) this.surface.setColor(tabId, wanted.color).catch(unknownOnError);
    if (before?.text !== wanted.text) this.surface.setText(tabId, wanted.text).catch(unknownOnError);
    if (before?.title !== wanted.title) this.surface.setTitle(tabId, wanted.title).catch(unknownOnError);
  }
}
