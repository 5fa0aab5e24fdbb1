/**
 * The service worker's logic, wired from injected parts (storage area, badge surface, engine, tab
 * lookup) so that it runs the same under unit-test fakes and in Chromium. index.ts supplies the
 * real parts and registers the browser listeners.
 */
import { TabMemory } from './tab-memory';
import type { Verdict } from '../engine/types';
import type { ExportFormat, ExportResult, PortMessage, Request, SubscribeMessage } from '../shared/messages';
import type { Report, ReportEntry, ReportSummary } from '../shared/report';
import {
  exchangeOfFlight,
  ExchangeAssembler,
  type AssemblerOptions,
  type ClosedExchange,
  type CompletedDetails,
  type ErrorDetails,
  type FlightRecord,
  type HeadersReceivedDetails,
  type PendingPreflight,
  type SendHeadersDetails,
} from './assembler';
import { BadgeController, type BadgeSurface } from './badge';
import {
  buildEntryDraft,
  DEFAULT_ENTRY_LIMITS,
  expandEntry,
  judgeSafely,
  toStoredDraft,
  type EntryLimits,
  type Judge,
} from './entry';
import { measureDraft, TabStore, type MeasuredDraft, type SessionArea, type StoreOptions } from './store';

/** An entry bigger than this after the usual caps is cut again with the tight limits. */
const MAX_ENTRY_BYTES = 64 * 1024;
const TIGHT_ENTRY_LIMITS: EntryLimits = { maxHeaderValue: 512, maxHeaderLines: 64, maxString: 1024 };

export type ExportReport = (
  report: Report,
  format: ExportFormat,
  includeSecrets: boolean,
  stack?: string,
) => ExportResult | Promise<ExportResult>;

export interface BackgroundDeps {
  area: SessionArea;
  badge: BadgeSurface;
  judge: Judge;
  getTab(tabId: number): Promise<{ url?: string | undefined; title?: string | undefined } | null>;
  /** Every open tab (tabs.query({})): at the first start in a browser session, the tabs already loading. */
  listTabs?(): Promise<Array<{ id?: number | undefined; url?: string | undefined; pendingUrl?: string | undefined }>>;
  tool: { name: string; version: string };
  browserInfo: { name: string; version: string } | null;
  exportReport?: ExportReport;
  storeOptions?: StoreOptions;
  assemblerOptions?: AssemblerOptions;
  badgeThrottleMs?: number;
  now?: () => number;
}

/** The part of a runtime Port the worker uses. */
export interface PortLike {
  name: string;
  postMessage(message: PortMessage): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

const PREFLIGHT_POOL_KEY = 'preflights';
/**
 * `activity:<worker>`: the time of the last webRequest event each tab had, written by each worker
 * under its own key with every event's batch (so a worker still restoring never overwrites its
 * predecessor's), and consumed by the next worker's restore.
 */
const ACTIVITY_PREFIX = 'activity:';
/** Written by the first worker of a browser session (chrome.storage.session starts empty with the browser). */
const SESSION_KEY = 'session';
/**
 * Chromium stops an idle worker after 30 s without events. A worker that starts less than this
 * after a tab's last event found its predecessor stopped by force (DevTools, an update, a crash,
 * memory): events Chromium was dispatching then are discarded, so the tab's log gets a notice.
 */
const IDLE_STOP_MS = 30_000;
/** The request ids of the open requests whose state is persisted, each under flightKey(id). */
const FLIGHT_INDEX_KEY = 'flights';
const flightKey = (requestId: string) => `flight:${requestId}`;
/** Keys of closed requests are removed in batches: one removal call per this many, not one per request. */
const STALE_FLIGHT_BATCH = 64;
/**
 * The invariant (docs/reliability.md): whatever a webRequest event taught the worker (an entry, the
 * tab's counters, an open request, a preflight) is handed to chrome.storage.session in the task that
 * handled the event, in one call. Chromium can stop the worker between any two tasks; a call made
 * before the stop is applied, and it is applied before the next worker's first read. No timer ever
 * stands between an event and its write: a timer dies with the worker, and what it guarded with it.
 */

/**
 * Events a worker received before it had read back what the previous one left (its tabs' counters,
 * open requests, preflights). Each worker journals them under its own key, written in the task
 * that received them; the task that finally handles them writes their results and empties the
 * journal in one call. A stop before that call leaves the journal for the next worker to replay.
 */
const JOURNAL_PREFIX = 'journal:';
type JournalEvent =
  | { kind: 'sendHeaders'; details: SendHeadersDetails }
  | { kind: 'headersReceived'; details: HeadersReceivedDetails }
  | { kind: 'completed'; details: CompletedDetails }
  | { kind: 'error'; details: ErrorDetails }
  | { kind: 'navigated'; tabId: number; url: string };

/** A key no other worker instance uses: the start time, zero-padded so that keys sort by it, and a random tail. */
function newJournalKey(now: number): string {
  return `${JOURNAL_PREFIX}${String(Math.floor(now)).padStart(15, '0')}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Where the webRequest listeners deliver: the assembler, once the previous worker's state is back. */
export interface CaptureSink {
  onSendHeaders(details: SendHeadersDetails): void;
  onHeadersReceived(details: HeadersReceivedDetails): void;
  onCompleted(details: CompletedDetails): void;
  onErrorOccurred(details: ErrorDetails): void;
}

type Handlers = { [K in Request['type']]?: (request: Extract<Request, { type: K }>) => Promise<unknown> };

export class Background {
  readonly store: TabStore;
  readonly assembler: ExchangeAssembler;
  readonly badge: BadgeController;
  /** Open panels by tab; a panel whose snapshot is being built queues its entries. */
  private readonly subscribers = new Map<number, Set<Subscriber>>();
  private readonly handlers: Handlers;
  /** Events that arrived before the previous worker's state was restored, in order; null once it is. */
  private held: JournalEvent[] | null = [];
  private readonly journalKey: string;
  private readonly activityKey: string;
  /** The previous worker left requests open: it did not stop for idleness (or one request outlived 30 s). */
  private inheritedOpenRequests = false;
  /** Resolves once the previous worker's state is restored and the held events are handled. */
  private readonly restored: Promise<void>;
  /** Open requests whose state is in the session area (what FLIGHT_INDEX_KEY lists). */
  private readonly persistedFlights = new Set<string>();
  /**
   * Open requests restored from an earlier worker, by request id, with their tab: the worker was
   * stopped while they ran, so their end may have been discarded by Chromium with it. Each leaves
   * when it closes; one given up on (no event for the assembler's idleFlightMs) is counted missing.
   */
  private readonly inheritedFlights = new Map<string, number>();
  /** Keys of closed requests still in the session area; harmless (the index no longer lists them) until removed. */
  private staleFlightKeys: string[] = [];
  private readonly closedTabs = new Set<number>();
  /**
   * webRequest events this worker instance received (held or handled): a probe for the browser
   * tests, which stop the worker the moment it has seen what they sent (docs/reliability.md).
   */
  eventsReceived = 0;
  /** Each tab's last webRequest event time (under activityKey); a Map keeps the per-event cost to one set. */
  private readonly activity = new Map<number, number>();
  private activityStaged = false;
  /** Earlier preflights and echoed origins per tab, for the engine's cached-preflight and reflection notes. */
  private readonly tabMemory = new TabMemory();
  readonly capture: CaptureSink = {
    onSendHeaders: (details) => {
      this.eventsReceived++;
      this.noteActivity(details.tabId, details.timeStamp);
      if (this.held) this.hold({ kind: 'sendHeaders', details });
      else this.assembler.onSendHeaders(details);
    },
    onHeadersReceived: (details) => {
      this.eventsReceived++;
      this.noteActivity(details.tabId, details.timeStamp);
      if (this.held) this.hold({ kind: 'headersReceived', details });
      else this.assembler.onHeadersReceived(details);
    },
    onCompleted: (details) => {
      this.eventsReceived++;
      this.noteActivity(details.tabId, details.timeStamp);
      if (this.held) this.hold({ kind: 'completed', details });
      else this.assembler.onCompleted(details);
    },
    onErrorOccurred: (details) => {
      this.eventsReceived++;
      this.noteActivity(details.tabId, details.timeStamp);
      if (this.held) this.hold({ kind: 'error', details });
      else this.assembler.onErrorOccurred(details);
    },
  };

  constructor(private readonly deps: BackgroundDeps) {
    this.store = new TabStore(deps.area, deps.storeOptions);
    this.assembler = new ExchangeAssembler((closed) => void this.record(closed), {
      ...deps.assemblerOptions,
      onPreflightPoolChanged: () => this.preflightPoolChanged(),
      onFlightChanged: (requestId, flight) => this.persistFlight(requestId, flight),
      onFlightForgotten: (flight) => {
        if (this.inheritedFlights.has(flight.requestId)) void this.store.addMissingAtStop(flight.tabId, 1);
      },
    });
    this.journalKey = newJournalKey((deps.now ?? Date.now)());
    this.activityKey = ACTIVITY_PREFIX + this.journalKey.slice(JOURNAL_PREFIX.length);
    this.restored = this.restore();
    this.badge = new BadgeController(deps.badge, deps.badgeThrottleMs, deps.now);
    this.handlers = {
      getReport: (request) => this.report(request.tabId),
      clearTab: async (request) => {
        await this.clearTab(request.tabId);
        return { ok: true };
      },
    };
    const exportReport = deps.exportReport;
    if (exportReport) {
      this.handlers.exportReport = async (request) =>
        exportReport(
          await this.report(request.tabId),
          request.format,
          request.includeSecrets ?? false,
          typeof request.stack === 'string' ? request.stack : undefined,
        );
    }
    // On wake: repaint badges (a trailing update may have been lost when the worker stopped), and
    // free tabs that closed while no worker was listening.
    void this.store.whenReady().then(() => {
      for (const tabId of this.store.tabIds()) {
        void this.deps.getTab(tabId).then(
          (tab) => (tab ? this.repaint(tabId) : this.tabRemoved(tabId)),
          () => this.tabRemoved(tabId),
        );
      }
    });
  }

  /** runtime.onMessage: a promise for our requests, undefined for anything else (other listeners answer it). */
  handleMessage(message: unknown): Promise<unknown> | undefined {
    if (!message || typeof message !== 'object') return undefined;
    const type = (message as { type?: unknown }).type;
    if (typeof type !== 'string' || !Object.hasOwn(this.handlers, type)) return undefined;
    const tabId = (message as { tabId?: unknown }).tabId;
    if (typeof tabId !== 'number' || !Number.isInteger(tabId)) {
      return Promise.reject(new Error(`${type} needs an integer tabId, got ${JSON.stringify(tabId)}`));
    }
    const handler = this.handlers[type as Request['type']] as (request: Request) => Promise<unknown>;
    return handler(message as Request);
  }

  /** runtime.onConnect: a panel subscribes to one tab and gets a snapshot, then each change. */
  handlePort(port: PortLike): void {
    let subscriber: Subscriber | null = null;
    port.onMessage.addListener((message) => {
      const subscribe = message as SubscribeMessage;
      if (subscribe?.type !== 'subscribe' || typeof subscribe.tabId !== 'number' || subscriber) return;
      const tabId = subscribe.tabId;
      const current: Subscriber = { port, queue: [] };
      subscriber = current;
      let set = this.subscribers.get(tabId);
      if (!set) this.subscribers.set(tabId, (set = new Set()));
      set.add(current);
      void this.report(tabId).then(
        (report) => {
          const sent = new Set(report.entries.map((entry) => entry.id));
          safePost(port, { type: 'snapshot', report });
          for (const queued of current.queue ?? []) {
            if (queued.type !== 'entry' || !sent.has(queued.entry.id)) safePost(port, queued);
          }
          current.queue = null;
        },
        (error) => console.warn('CORS Doctor: could not build the snapshot for a panel', error),
      );
    });
    port.onDisconnect.addListener(() => {
      if (!subscriber) return;
      for (const set of this.subscribers.values()) set.delete(subscriber);
    });
  }

  /** A top-level document started loading in the tab (main_frame response). */
  async navigated(tabId: number, url: string): Promise<void> {
    if (tabId < 0 || this.closedTabs.has(tabId)) return;
    if (this.held) {
      this.hold({ kind: 'navigated', tabId, url });
      return;
    }
    const meta = await this.store.navigate(tabId, url);
    this.badge.reapply(tabId, 0);
    this.publish(tabId, { type: 'navigated', currentPageId: meta.pageId, url });
  }

  /** The browser repainted the tab's action (navigation, bfcache restore): paint the badge again. */
  async tabUpdated(tabId: number): Promise<void> {
    const meta = await this.store.meta(tabId);
    this.badge.reapply(tabId, meta?.pageFailures ?? 0);
  }

  async tabRemoved(tabId: number): Promise<void> {
    // Closing a tab aborts its requests, and those events can come after onRemoved.
    this.closedTabs.add(tabId);
    this.activity.delete(tabId);
    if (this.closedTabs.size > 1000) this.closedTabs.delete(this.closedTabs.values().next().value!);
    this.badge.forget(tabId);
    this.tabMemory.forget(tabId);
    await this.store.remove(tabId);
    this.publish(tabId, { type: 'cleared' });
    this.subscribers.delete(tabId);
  }

  async clearTab(tabId: number): Promise<void> {
    await this.store.clear(tabId);
    await this.store.flush();
    this.badge.show(tabId, 0);
    this.publish(tabId, { type: 'cleared' });
  }

  async report(tabId: number): Promise<Report> {
    await this.restored;
    const [stored, meta, tab] = await Promise.all([
      this.store.entries(tabId),
      this.store.meta(tabId),
      this.deps.getTab(tabId).catch(() => null),
    ]);
    const entries = stored.map((entry) => expandEntry(entry, this.deps.judge));
    const notices = [...this.store.storeNotices];
    const mayBeMissing = this.mayBeMissing(tabId, meta?.missingAtStop ?? 0);
    if (mayBeMissing > 0) notices.push(mayBeMissingNotice(mayBeMissing));
    for (const window of meta?.stopWindows ?? []) notices.push(stopWindowNotice(window));
    if (meta?.startedAfterLoad) notices.push(startedAfterLoadNotice(meta.startedAfterLoad));
    const report: Report = {
      schemaVersion: 1,
      tool: this.deps.tool,
      generatedAt: new Date((this.deps.now ?? Date.now)()).toISOString(),
      browser: this.deps.browserInfo,
      tab: { id: tabId, url: tab?.url ?? meta?.pageUrl ?? null, title: tab?.title ?? null },
      currentPageId: meta?.pageId ?? 1,
      dropped: meta?.dropped ?? 0,
      summary: summarize(entries),
      entries,
    };
    if (notices.length > 0) report.notices = notices;
    // What a report shows is in storage before anyone sees it.
    await this.store.flush();
    return report;
  }

  /**
   * Requests of the tab that may be missing from its log because the browser stopped the worker
   * while they ran: inherited requests still open, and those given up on.
   */
  private mayBeMissing(tabId: number, givenUp: number): number {
    let open = 0;
    for (const owner of this.inheritedFlights.values()) if (owner === tabId) open++;
    return open + givenUp;
  }

  /** Resolves once events are handled as they come (the previous worker's state is back). */
  whenCapturing(): Promise<void> {
    return this.restored;
  }

  /** Records the tab's latest event, in this task's batch (one staged function per task). */
  private noteActivity(tabId: number, timeStamp: number): void {
    if (tabId < 0) return;
    // The event's own time (when Chromium generated it), not when it reached us: the events a stop
    // discards are the ones generated after the last one delivered, however late that one came.
    this.activity.set(tabId, Math.max(this.activity.get(tabId) ?? 0, timeStamp));
    this.stageActivity();
  }

  private stageActivity(): void {
    if (this.activityStaged) return;
    this.activityStaged = true;
    this.store.writeKey(this.activityKey, () => {
      this.activityStaged = false;
      return Object.fromEntries(this.activity);
    });
  }

  /**
   * Reads the earlier workers' activity and decides whether they were stopped by force while tabs
   * were busy: a tab's last event came less than IDLE_STOP_MS before this worker started (an idle
   * stop needs that long without events), or they left requests open or events unhandled. Each such
   * tab gets the window, from its last event to this start, to show in its notice.
   */
  private async noteForcedStop(leftWorkUndone: boolean): Promise<void> {
    // Oldest first: the key carries the worker's start time, zero-padded.
    const keys = (await this.store.listKeys(ACTIVITY_PREFIX)).filter((key) => key !== this.activityKey).sort();
    if (keys.length === 0) return;
    const stored = await this.store.readKeys(keys);
    const startedAt = (this.deps.now ?? Date.now)();
    // Each earlier worker's tabs: from its last event on the tab to the next worker's start.
    const windows = new Map<number, Array<{ from: number; to: number }>>();
    keys.forEach((key, i) => {
      const next = keys[i + 1];
      const to = next === undefined ? startedAt : Number(next.slice(ACTIVITY_PREFIX.length, ACTIVITY_PREFIX.length + 15));
      const value = stored[key];
      this.store.removeKey(key);
      if (!value || typeof value !== 'object' || !Number.isFinite(to)) return;
      const last = next === undefined && !leftWorkUndone ? null : Math.max(...Object.values(value as Record<string, number>));
      for (const [tab, at] of Object.entries(value as Record<string, unknown>)) {
        const tabId = Number(tab);
        if (typeof at !== 'number' || !Number.isInteger(tabId)) continue;
        // An idle stop needs IDLE_STOP_MS without events; work left undone rules it out for the last worker.
        const busy = to - at < IDLE_STOP_MS || (last !== null && last - at < IDLE_STOP_MS);
        if (!busy) continue;
        const list = windows.get(tabId) ?? [];
        const previous = list.at(-1);
        if (previous && at <= previous.to) previous.to = Math.max(previous.to, to);
        else list.push({ from: at, to });
        windows.set(tabId, list);
      }
    });
    for (const [tabId, list] of windows) for (const window of list) await this.store.addStopWindow(tabId, window);
  }

  /**
   * The first worker of a browser session (the extension was just installed, enabled, or the
   * browser started): tabs that were already loading made requests before its listeners existed,
   * and Chromium gives an extension no events from before then. Each such tab gets a notice.
   */
  private firstStartInSession(): void {
    const startedAt = (this.deps.now ?? Date.now)();
    this.store.writeKey(SESSION_KEY, { startedAt });
    void this.deps.listTabs?.().then(
      async (tabs) => {
        for (const tab of tabs) {
          const url = tab.url || tab.pendingUrl || '';
          if (tab.id === undefined || tab.id < 0 || !/^https?:/.test(url)) continue;
          await this.store.addStartedAfter(tab.id, startedAt);
        }
      },
      () => {},
    );
  }

  /** Keeps an event until the previous worker's state is back, journaled in this task. */
  private hold(event: JournalEvent): void {
    this.held!.push(event);
    this.store.writeKey(this.journalKey, () => this.held ?? []);
  }

  private handle(event: JournalEvent): void {
    switch (event.kind) {
      case 'sendHeaders':
        return this.assembler.onSendHeaders(event.details);
      case 'headersReceived':
        return this.assembler.onHeadersReceived(event.details);
      case 'completed':
        return this.assembler.onCompleted(event.details);
      case 'error':
        return this.assembler.onErrorOccurred(event.details);
      case 'navigated':
        return void this.navigated(event.tabId, event.url);
    }
  }

  /**
   * Reads back what earlier workers left (the tabs' counters, open requests, preflights, the events
   * they journaled but never handled), then handles their journals and this worker's held events in
   * one task. That task's storage call carries every result and the emptied journals together.
   */
  private async restore(): Promise<void> {
    let journals: Array<{ key: string; events: JournalEvent[] }> = [];
    try {
      await this.store.whenReady();
      await this.restoreInFlight();
      journals = await this.readEarlierJournals();
      await this.noteForcedStop(this.inheritedOpenRequests || journals.length > 0);
    } catch (error) {
      console.warn('CORS Doctor: could not read back the previous worker\'s state', error);
    }
    const held = this.held ?? [];
    this.held = null;
    for (const journal of journals) {
      for (const event of journal.events) this.handle(event);
      // Emptied, not removed: one set call is all or nothing. Emptied journals go on the next start.
      if (journal.events.length > 0) this.store.writeKey(journal.key, []);
    }
    for (const event of held) this.handle(event);
    if (held.length > 0) this.store.writeKey(this.journalKey, []);
  }

  private async readEarlierJournals(): Promise<Array<{ key: string; events: JournalEvent[] }>> {
    const keys = (await this.store.listKeys(JOURNAL_PREFIX)).filter((key) => key !== this.journalKey).sort();
    if (keys.length === 0) return [];
    const stored = await this.store.readKeys(keys);
    const journals: Array<{ key: string; events: JournalEvent[] }> = [];
    for (const key of keys) {
      const events = stored[key];
      if (Array.isArray(events) && events.length > 0) journals.push({ key, events: events as JournalEvent[] });
      else this.store.removeKey(key);
    }
    return journals;
  }

  /**
   * An open request is written in the task that changed it, in the same call as the entry that task
   * may close; a closed one leaves the index in that call too.
   */
  private persistFlight(requestId: string, flight: FlightRecord | null): void {
    if (flight === null) {
      this.inheritedFlights.delete(requestId);
      this.forgetPersistedFlight(requestId);
      return;
    }
    // A passing final response is followed by onCompleted, which carries its headers again.
    if (this.persistedFlights.has(requestId) && this.endEventCarriesTheRest(flight)) return;
    this.store.writeKey(flightKey(requestId), flight);
    if (!this.persistedFlights.has(requestId)) {
      this.persistedFlights.add(requestId);
      this.writeFlightIndex();
    }
  }

  private forgetPersistedFlight(requestId: string): void {
    if (!this.persistedFlights.delete(requestId)) return;
    this.staleFlightKeys.push(flightKey(requestId));
    if (this.staleFlightKeys.length >= STALE_FLIGHT_BATCH) {
      for (const stale of this.staleFlightKeys) this.store.removeKey(stale);
      this.staleFlightKeys = [];
    }
    this.writeFlightIndex();
  }

  private writeFlightIndex(): void {
    this.store.writeKey(FLIGHT_INDEX_KEY, () => ({ open: [...this.persistedFlights], stale: this.staleFlightKeys }));
  }

  /** The pool is written whole (it is small: preflights waiting for their actual request) at each change. */
  private preflightPoolChanged(): void {
    this.store.writeKey(PREFLIGHT_POOL_KEY, () => this.assembler.preflightPool());
  }

  /**
   * A final response that passes the CORS check is followed by onCompleted, which carries its
   * headers again: the state persisted when the request sent its headers is then enough, and the
   * write is skipped. One that fails is followed by a headerless error, so it is written.
   */
  private endEventCarriesTheRest(flight: FlightRecord): boolean {
    const last = flight.lastResponse;
    if (!last || last.location !== null) return false;
    return !judgeSafely(this.deps.judge, exchangeOfFlight(flight, { kind: 'completed' })).blocked;
  }

  /** What the previous worker left open: its preflight pool and its requests. */
  private async restoreInFlight(): Promise<void> {
    const state = await this.store.readKeys([PREFLIGHT_POOL_KEY, FLIGHT_INDEX_KEY, SESSION_KEY]);
    if (state[SESSION_KEY] === undefined) this.firstStartInSession();
    const openBefore = (state[FLIGHT_INDEX_KEY] as { open?: unknown } | undefined)?.open;
    this.inheritedOpenRequests = Array.isArray(openBefore) && openBefore.length > 0;
    const pool = state[PREFLIGHT_POOL_KEY];
    if (Array.isArray(pool)) this.assembler.restorePreflightPool(pool as PendingPreflight[]);
    const index = state[FLIGHT_INDEX_KEY] as { open?: unknown; stale?: unknown } | undefined;
    if (Array.isArray(index?.stale)) this.staleFlightKeys = index.stale.filter((key): key is string => typeof key === 'string');
    if (!Array.isArray(index?.open) || index.open.length === 0) return;
    const ids = index.open.filter((id): id is string => typeof id === 'string');
    const stored = await this.store.readKeys(ids.map(flightKey));
    const flights: FlightRecord[] = [];
    for (const id of ids) {
      const flight = stored[flightKey(id)] as FlightRecord | undefined;
      if (!flight || typeof flight !== 'object' || flight.requestId !== id) continue;
      flights.push(flight);
      this.persistedFlights.add(id);
      this.inheritedFlights.set(id, flight.tabId);
    }
    this.assembler.restoreFlights(flights);
  }

  /** Hands staged storage writes to the area now (tests; otherwise they go at the end of the task). */
  flush(): Promise<void> {
    return this.store.flush();
  }

  private async repaint(tabId: number): Promise<void> {
    const meta = await this.store.meta(tabId);
    if (meta) this.badge.show(tabId, meta.pageFailures);
  }

  private async record(observed: ClosedExchange): Promise<void> {
    if (this.closedTabs.has(observed.tabId)) return;
    const context = this.tabMemory.contextFor(observed.tabId, observed.exchange, observed.startTime);
    this.tabMemory.observe(observed.tabId, observed.exchange, observed.startTime);
    const closed = context ? { ...observed, exchange: { ...observed.exchange, context } } : observed;
    const verdict = judgeSafely(this.deps.judge, closed.exchange);
    // Not-CORS requests are not recorded, except those with a warning (a no-cors fetch whose opaque response the code cannot read).
    if (verdict.kind === 'not-cors' && verdict.warnings.length === 0) return;
    try {
      let fullVerdict = verdict;
      const { entry, meta } = await this.store.append(closed.tabId, (meta) => {
        const fitted = fitEntry(closed, verdict, closed.frameId === 0 ? meta.pageUrl : null);
        fullVerdict = fitted.verdict;
        return fitted.measured;
      });
      if (entry.verdict.blocked) this.badge.show(closed.tabId, meta.pageFailures);
      this.publish(closed.tabId, { type: 'entry', entry: { ...entry, verdict: fullVerdict } });
    } catch (error) {
      console.warn('CORS Doctor: could not record an exchange', error);
    }
  }

  private publish(tabId: number, message: PortMessage): void {
    const set = this.subscribers.get(tabId);
    if (!set) return;
    for (const subscriber of set) {
      if (subscriber.queue) subscriber.queue.push(message);
      else safePost(subscriber.port, message);
    }
  }
}

interface Subscriber {
  port: PortLike;
  /** Messages held back until the snapshot is sent; null once it is. */
  queue: PortMessage[] | null;
}

function safePost(port: PortLike, message: PortMessage): void {
  try {
    port.postMessage(message);
  } catch {
    // The panel closed between the event and the post; its disconnect handler cleans up.
  }
}

/** The entry as stored, within MAX_ENTRY_BYTES, and its verdict whole (capped like the stored one would be). */
function fitEntry(closed: ClosedExchange, verdict: Verdict, frameUrl: string | null): { measured: MeasuredDraft; verdict: Verdict } {
  const draft = buildEntryDraft(closed, verdict, frameUrl, DEFAULT_ENTRY_LIMITS);
  const measured = measureDraft(toStoredDraft(draft));
  if (measured.bytes <= MAX_ENTRY_BYTES) return { measured, verdict: draft.verdict };
  const tight = buildEntryDraft(closed, verdict, frameUrl, TIGHT_ENTRY_LIMITS);
  return { measured: measureDraft(toStoredDraft(tight)), verdict: tight.verdict };
}

/** The per-tab notice shown in the report, the panel and the popup. */
export function mayBeMissingNotice(count: number): string {
  return `${count} ${count === 1 ? 'request' : 'requests'} may be missing: the browser stopped the extension while ${count === 1 ? 'it' : 'they'} ran.`;
}

/** The notice for a tab that was loading before the extension's first start in the session. */
export function startedAfterLoadNotice(startedAt: number): string {
  return `Requests made before ${new Date(startedAt).toISOString().slice(11, 23)} UTC may be missing: CORS Doctor started after this tab had begun loading.`;
}

/** The notice for a forced stop while the tab was busy: Chromium may have discarded events we never saw. */
export function stopWindowNotice(window: { from: number; to: number }): string {
  const time = (ms: number) => `${new Date(ms).toISOString().slice(11, 23)} UTC`;
  return `Requests made between ${time(window.from)} and ${time(window.to)} may be missing: the browser stopped the extension while they ran.`;
}

export function summarize(entries: readonly ReportEntry[]): ReportSummary {
  const byRule: Record<string, number> = {};
  let failures = 0;
  for (const entry of entries) {
    if (!entry.verdict.blocked) continue;
    failures += 1;
    const rule = entry.verdict.rule ?? 'Unknown';
    byRule[rule] = (byRule[rule] ?? 0) + 1;
  }
  return { total: entries.length, failures, byRule };
}
