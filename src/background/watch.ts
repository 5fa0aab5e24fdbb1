/**
 * Which tabs get full capture ("watched"), and what the others show instead.
 *
 * A tab is watched when every tab is (mode `everything`), when the user switched it on (the popup),
 * or while DevTools is open on it (the DevTools page holds a port open). Every other tab only has
 * the cheap detector (capture.ts), whose suspected failures are counted per tab and page and shown
 * on the badge as "N?" in grey, distinct from the exact red count of a watched tab; the popup then
 * offers to watch the tab and reload it, which diagnoses the failures exactly.
 *
 * The user's choice (mode and switched-on tabs) is kept in chrome.storage.local (WATCH_STATE_KEY);
 * the DevTools tabs and the suspected counts live in chrome.storage.session (they mean nothing
 * after the browser restarts, and tab ids are reused across sessions, so switched-on tabs that no
 * longer exist are dropped at start-up).
 */
import { DEFAULT_WATCH_STATE, WATCH_STATE_KEY, type TabWatch, type WatchReason, type WatchState } from '../shared/watch';
import type { CaptureScope } from './capture';
import type { SessionArea } from './store';

const DEVTOOLS_TABS_KEY = 'watch:devtools';
const SUSPECTED_KEY = 'watch:suspected';
const DEVTOOLS_RECONNECT_MS = 5_000;
/**
 * The suspected counts are saved once per this much time in a burst (each save is an
 * extension-API call; the badge throttles its own repaints, badge.ts).
 */
const SUSPECTED_SAVE_MS = 250;

export interface WatchDeps {
  /**
   * The mode until the user picks one. Firefox's default is `everything`: its listeners see every
   * header without extraHeaders (there is no extra routing cost to save), and a request Firefox
   * blocks for a missing or wrong Access-Control-Allow-Origin ends in onCompleted, which the
   * error-only detector cannot see, so an unwatched tab would hide its failures.
   */
  defaultMode?: WatchState['mode'];
  local: Pick<SessionArea, 'get' | 'set'>;
  session: Pick<SessionArea, 'get' | 'set'>;
  /** Applies the watched tabs to the webRequest listeners; resolves once the browser delivers on them. */
  applyScope(scope: CaptureScope): Promise<void> | void;
  /** The ids of the open tabs (switched-on tabs that are gone are dropped). */
  openTabIds(): Promise<number[]>;
  /** Shows a tab's suspected count on its badge (BadgeController.showSuspected): called whenever it changes, and for each count a new worker reads back. */
  showSuspected(tabId: number, count: number): void;
}

export function normalizeWatchState(value: unknown, defaultMode: WatchState['mode'] = DEFAULT_WATCH_STATE.mode): WatchState {
  if (!value || typeof value !== 'object') return { mode: defaultMode, tabs: [] };
  const raw = value as { mode?: unknown; tabs?: unknown };
  const mode = raw.mode === 'everything' || raw.mode === 'watched-tabs' ? raw.mode : defaultMode;
  const tabs = Array.isArray(raw.tabs) ? raw.tabs.filter((t): t is number => Number.isInteger(t) && t >= 0) : [];
  return { mode, tabs: [...new Set(tabs)] };
}

export class WatchController {
  private state: WatchState = { ...DEFAULT_WATCH_STATE, tabs: [] };
  /** DevTools ports connected to this worker, by tab (two DevTools windows can inspect one tab). */
  private readonly devtools = new Map<number, number>();
  /**
   * Tabs that had DevTools open when the previous worker stopped: the stop cut their ports, and
   * each DevTools page connects again at once. Those that do not within DEVTOOLS_RECONNECT_MS closed meanwhile.
   */
  private inheritedDevtools = new Set<number>();
  private suspected = new Map<number, number>();
  private pendingSessionSave: Promise<void> | null = null;
  /** Resolves once the stored state is read and applied to the listeners. */
  readonly ready: Promise<void>;
  /** Resolves once the stored state is read and handed to the listeners, before `ready` (which also prunes closed tabs). */
  readonly scopeApplied: Promise<void>;
  private scopeWasApplied: () => void = () => {};

  constructor(private readonly deps: WatchDeps) {
    this.scopeApplied = new Promise((resolve) => (this.scopeWasApplied = resolve));
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    const [local, session] = await Promise.all([
      this.deps.local.get(WATCH_STATE_KEY).catch(() => ({}) as Record<string, unknown>),
      this.deps.session.get([DEVTOOLS_TABS_KEY, SUSPECTED_KEY]).catch(() => ({}) as Record<string, unknown>),
    ]);
    this.state = normalizeWatchState(local[WATCH_STATE_KEY], this.deps.defaultMode ?? DEFAULT_WATCH_STATE.mode);
    this.inheritedDevtools = new Set(numbersOf(session[DEVTOOLS_TABS_KEY]));
    this.suspected = new Map(pairsOf(session[SUSPECTED_KEY]));
    for (const [tabId, count] of this.suspected) this.deps.showSuspected(tabId, count);
    void this.apply();
    this.scopeWasApplied();
    if (this.inheritedDevtools.size > 0) {
      setTimeout(() => {
        if (this.inheritedDevtools.size === 0) return;
        this.inheritedDevtools.clear();
        void this.apply();
        void this.saveSession();
      }, DEVTOOLS_RECONNECT_MS);
    }
    // Tab ids are reused after a browser restart: a switched-on tab that is gone is no longer wanted.
    const open = new Set(await this.deps.openTabIds().catch(() => null));
    if (open.size > 0) {
      const kept = this.state.tabs.filter((tabId) => open.has(tabId));
      if (kept.length !== this.state.tabs.length) {
        this.state = { ...this.state, tabs: kept };
        void this.apply();
        await Promise.all([this.saveState(), this.saveSession()]);
      }
    }
  }

  reasons(tabId: number): WatchReason[] {
    const reasons: WatchReason[] = [];
    if (this.state.mode === 'everything') reasons.push('everything');
    if (this.state.tabs.includes(tabId)) reasons.push('tab');
    if (this.devtools.has(tabId) || this.inheritedDevtools.has(tabId)) reasons.push('devtools');
    return reasons;
  }

  isWatched(tabId: number): boolean {
    return this.reasons(tabId).length > 0;
  }

  async view(tabId: number): Promise<TabWatch> {
    await this.ready;
    const reasons = this.reasons(tabId);
    return {
      mode: this.state.mode,
      tabs: [...this.state.tabs],
      tabId,
      watched: reasons.length > 0,
      reasons,
      suspected: this.suspected.get(tabId) ?? 0,
    };
  }

  async setWatch(tabId: number, watched: boolean): Promise<TabWatch> {
    await this.ready;
    const tabs = this.state.tabs.filter((t) => t !== tabId);
    if (watched) tabs.push(tabId);
    this.state = { ...this.state, tabs };
    // Resolved only once the tab's listeners deliver, so that a reload right after is captured whole.
    await Promise.all([this.apply(), this.saveState()]);
    return this.view(tabId);
  }

  async setMode(mode: WatchState['mode']): Promise<WatchState> {
    await this.ready;
    this.state = { ...this.state, mode };
    await Promise.all([this.apply(), this.saveState()]);
    return { ...this.state, tabs: [...this.state.tabs] };
  }

  /** DevTools opened on a tab (its DevTools page connected); counted, as two DevTools windows can inspect one tab. */
  async devtoolsOpened(tabId: number): Promise<void> {
    await this.ready;
    this.devtools.set(tabId, (this.devtools.get(tabId) ?? 0) + 1);
    this.inheritedDevtools.delete(tabId);
    await Promise.all([this.apply(), this.saveSession()]);
  }

  async devtoolsClosed(tabId: number): Promise<void> {
    await this.ready;
    const left = (this.devtools.get(tabId) ?? 0) - 1;
    if (left > 0) this.devtools.set(tabId, left);
    else this.devtools.delete(tabId);
    await Promise.all([this.apply(), this.saveSession()]);
  }

  /** The detector saw a suspected CORS failure on a tab that is not watched. */
  async suspectedFailure(tabId: number): Promise<void> {
    await this.ready;
    if (this.isWatched(tabId)) return;
    this.suspected.set(tabId, (this.suspected.get(tabId) ?? 0) + 1);
    this.deps.showSuspected(tabId, this.suspectedCount(tabId));
    await this.saveSessionSoon();
  }

  /** A new page in the tab: its suspected count starts again (the badge counts the current page). */
  async navigated(tabId: number): Promise<void> {
    await this.ready;
    if (!this.suspected.delete(tabId)) return;
    this.deps.showSuspected(tabId, 0);
    await this.saveSession();
  }

  async tabRemoved(tabId: number): Promise<void> {
    await this.ready;
    const wasWatched = this.state.tabs.includes(tabId) || this.devtools.has(tabId) || this.inheritedDevtools.has(tabId);
    this.suspected.delete(tabId);
    this.devtools.delete(tabId);
    this.inheritedDevtools.delete(tabId);
    if (this.state.tabs.includes(tabId)) {
      this.state = { ...this.state, tabs: this.state.tabs.filter((t) => t !== tabId) };
      await this.saveState();
    }
    if (wasWatched) void this.apply();
    await this.saveSession();
  }

  suspectedCount(tabId: number): number {
    return this.suspected.get(tabId) ?? 0;
  }

  private async apply(): Promise<void> {
    if (this.state.mode === 'everything') await this.deps.applyScope({ everything: true });
    else await this.deps.applyScope({ everything: false, tabs: [...new Set([...this.state.tabs, ...this.devtoolsTabs()])] });
  }

  /**
   * The suspected counts are saved once per SUSPECTED_SAVE_MS in a burst. They are a hint, not the
   * log: a stop in that time loses the last few from the next worker's count, not a diagnosis.
   */
  private saveSessionSoon(): Promise<void> {
    this.pendingSessionSave ??= new Promise<void>((resolve) => setTimeout(resolve, SUSPECTED_SAVE_MS)).then(() => {
      this.pendingSessionSave = null;
      return this.saveSession();
    });
    return this.pendingSessionSave;
  }

  private devtoolsTabs(): number[] {
    return [...new Set([...this.devtools.keys(), ...this.inheritedDevtools])];
  }

  private saveState(): Promise<void> {
    return this.deps.local.set({ [WATCH_STATE_KEY]: { mode: this.state.mode, tabs: [...this.state.tabs] } });
  }

  private saveSession(): Promise<void> {
    return this.deps.session.set({ [DEVTOOLS_TABS_KEY]: this.devtoolsTabs(), [SUSPECTED_KEY]: [...this.suspected] });
  }
}

function numbersOf(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((n): n is number => Number.isInteger(n)) : [];
}

function pairsOf(value: unknown): Array<[number, number]> {
  if (!Array.isArray(value)) return [];
  return value.filter((pair): pair is [number, number] => Array.isArray(pair) && pair.length === 2 && Number.isInteger(pair[0]) && Number.isInteger(pair[1]));
}

/** runtime.onMessage for the watch requests: a promise for ours, undefined for anything else. */
export function handleWatchMessage(watch: WatchController, message: unknown): Promise<unknown> | undefined {
  if (!message || typeof message !== 'object') return undefined;
  const request = message as { type?: unknown; tabId?: unknown; watched?: unknown; mode?: unknown };
  const validTab = typeof request.tabId === 'number' && Number.isInteger(request.tabId);
  switch (request.type) {
    case 'getWatchState':
      if (!validTab) return Promise.reject(new Error(`getWatchState needs an integer tabId, got ${JSON.stringify(request.tabId)}`));
      return watch.view(request.tabId as number);
    case 'setWatch':
      if (!validTab || typeof request.watched !== 'boolean') return Promise.reject(new Error('setWatch needs an integer tabId and a boolean watched'));
      return watch.setWatch(request.tabId as number, request.watched);
    case 'setWatchMode':
      if (request.mode !== 'everything' && request.mode !== 'watched-tabs') {
        return Promise.reject(new Error(`setWatchMode needs mode 'everything' or 'watched-tabs', got ${JSON.stringify(request.mode)}`));
      }
      return watch.setMode(request.mode);
    default:
      return undefined;
  }
}
