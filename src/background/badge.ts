/**
 * The toolbar badge: the number of CORS failures on the tab's current page. Updates are throttled
 * per tab (a burst of failures repaints at most every `throttleMs`, and the last count always lands),
 * and re-applied after a navigation because Chromium clears per-tab badge values on navigation.
 */
import type { BadgeSurface } from '../platform/index';

export type { BadgeSurface };

export const BADGE_COLOR = '#D93025';
export const DEFAULT_TITLE = 'CORS Doctor';

export function badgeText(failures: number): string {
  if (failures <= 0) return '';
  return failures > 999 ? '999+' : String(failures);
}

export function badgeTitle(failures: number): string {
  if (failures <= 0) return DEFAULT_TITLE;
  return `${failures} CORS failure${failures === 1 ? '' : 's'} on this page`;
}

interface TabBadge {
  wanted: number;
  applied: number | null;
  lastApplyTime: number;
  timer: ReturnType<typeof setTimeout> | null;
}

export class BadgeController {
  private readonly tabs = new Map<number, TabBadge>();

  constructor(
    private readonly surface: BadgeSurface,
    private readonly throttleMs = 200,
    private readonly now: () => number = Date.now,
  ) {}

  show(tabId: number, failures: number): void {
    const state = this.stateFor(tabId);
    state.wanted = failures;
    if (state.timer !== null) return;
    const wait = state.lastApplyTime + this.throttleMs - this.now();
    if (wait <= 0) {
      this.apply(tabId, state);
      return;
    }
    state.timer = setTimeout(() => {
      state.timer = null;
      this.apply(tabId, state);
    }, wait);
  }

  /** The browser cleared the tab's badge (navigation): paint it again even if the count did not change. */
  reapply(tabId: number, failures: number): void {
    this.surface.invalidate?.(tabId);
    this.stateFor(tabId).applied = null;
    this.show(tabId, failures);
  }

  forget(tabId: number): void {
    const state = this.tabs.get(tabId);
    if (state?.timer) clearTimeout(state.timer);
    this.tabs.delete(tabId);
  }

  private stateFor(tabId: number): TabBadge {
    let state = this.tabs.get(tabId);
    if (!state) this.tabs.set(tabId, (state = { wanted: 0, applied: null, lastApplyTime: -Infinity, timer: null }));
    return state;
  }

  private apply(tabId: number, state: TabBadge): void {
    if (state.applied === state.wanted) return;
    const failures = state.wanted;
    state.applied = failures;
    state.lastApplyTime = this.now();
    // A closed tab rejects: nothing to repaint then.
    const forgetOnError = () => {
      if (this.tabs.get(tabId) === state) state.applied = null;
    };
    this.surface.setText(tabId, badgeText(failures)).catch(forgetOnError);
    this.surface.setTitle(tabId, badgeTitle(failures)).catch(forgetOnError);
  }
}
