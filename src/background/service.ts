/**
 * The service worker's logic, wired from injected parts (storage area, badge surface, engine, tab
 * lookup) so that it runs the same under unit-test fakes and in Chromium. index.ts supplies the
 * real parts and registers the browser listeners.
 */
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
  tool: { name: string; version: string };
  browserInfo: { name: string; version: string } | null;
  exportReport?: ExportReport;
  storeOptions?: StoreOptions;
  assemblerOptions?: AssemblerOptions;
  badgeThrottleMs?: number;
  /** Open requests and preflights are persisted once they have been open this long (see OPEN_STATE_DELAY_MS). */
  openStateDelayMs?: number;
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
/** The request ids of the open requests whose state is persisted, each under flightKey(id). */
const FLIGHT_INDEX_KEY = 'flights';
const flightKey = (requestId: string) => `flight:${requestId}`;
/** Keys of closed requests are removed in batches: one removal call per this many, not one per request. */
const STALE_FLIGHT_BATCH = 64;
/**
 * Open requests and preflights are persisted only once they have lived through a full window of
 * this length (so between one and two windows after they opened). Most requests finish well inside
 * it and then never write or remove a key; a forced stop in that window loses only their start,
 * and their end event still yields an entry (partial). See docs/api.md, "Service-worker restarts".
 */
const OPEN_STATE_DELAY_MS = 40;
/**
 * Entries and state are written together once per window of this length rather than once per task:
 * a burst of requests makes one storage call per window. Whatever is reported (getReport, a panel's
 * snapshot) or cleared is flushed first, so a stop after an answer never loses what it showed.
 */
const WRITE_BATCH_MS = 40;

/** Where the webRequest listeners deliver: the assembler, once the previous worker's pool is back. */
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
  /** Events that arrived before the preflight pool was restored, in order; null once it is. */
  private held: Array<() => void> | null = [];
  /** Open requests whose state is in the session area (what FLIGHT_INDEX_KEY lists). */
  private readonly persistedFlights = new Set<string>();
  /** Keys of closed requests still in the session area; harmless (the index no longer lists them) until removed. */
  private staleFlightKeys: string[] = [];
  /** Open requests not persisted yet: opened in the current window, and those that lived through the previous one. */
  private newbornFlights = new Map<string, FlightRecord>();
  private agingFlights = new Map<string, FlightRecord>();
  /** Preflights in the pool at the previous window's end: still there at this one's, they are persisted. */
  private agingPreflights = new Set<string>();
  /** The preflight ids in the pool as last written: once non-empty, every change of the pool is written at once. */
  private writtenPool = new Set<string>();
  private poolChangedUnwritten = false;
  private openStateTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly openStateDelayMs: number;
  private readonly closedTabs = new Set<number>();
  readonly capture: CaptureSink = {
    onSendHeaders: (details) => this.deliver(ExchangeAssembler.prototype.onSendHeaders, details),
    onHeadersReceived: (details) => this.deliver(ExchangeAssembler.prototype.onHeadersReceived, details),
    onCompleted: (details) => this.deliver(ExchangeAssembler.prototype.onCompleted, details),
    onErrorOccurred: (details) => this.deliver(ExchangeAssembler.prototype.onErrorOccurred, details),
  };

  constructor(private readonly deps: BackgroundDeps) {
    this.store = new TabStore(deps.area, { flushDelayMs: WRITE_BATCH_MS, ...deps.storeOptions });
    this.openStateDelayMs = deps.openStateDelayMs ?? OPEN_STATE_DELAY_MS;
    this.assembler = new ExchangeAssembler((closed) => void this.record(closed), {
      ...deps.assemblerOptions,
      onPreflightPoolChanged: () => this.preflightPoolChanged(),
      onFlightChanged: (requestId, flight) => this.persistFlight(requestId, flight),
    });
    void this.restoreInFlight().then(() => {
      const held = this.held ?? [];
      this.held = null;
      for (const event of held) event();
    });
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
    if (this.closedTabs.size > 1000) this.closedTabs.delete(this.closedTabs.values().next().value!);
    this.badge.forget(tabId);
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
    const [stored, meta, tab] = await Promise.all([
      this.store.entries(tabId),
      this.store.meta(tabId),
      this.deps.getTab(tabId).catch(() => null),
    ]);
    const entries = stored.map((entry) => expandEntry(entry, this.deps.judge));
    const notices = [...this.store.storeNotices];
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

  /** Resolves once events are handled as they come (the previous worker's preflights are back). */
  async whenCapturing(): Promise<void> {
    while (this.held) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  /** Every webRequest event passes here: only while events are held does it allocate a closure. */
  private deliver<D>(handle: (this: ExchangeAssembler, details: D) => void, details: D): void {
    if (this.held) this.held.push(() => handle.call(this.assembler, details));
    else handle.call(this.assembler, details);
  }

  /**
   * A request already persisted is written again in the task that changed it (in the same batch as
   * the entry the task may close). A new one waits in memory until it has lived through a window.
   */
  private persistFlight(requestId: string, flight: FlightRecord | null): void {
    if (flight === null) {
      if (this.newbornFlights.delete(requestId) || this.agingFlights.delete(requestId)) return;
      this.forgetPersistedFlight(requestId);
      return;
    }
    if (this.persistedFlights.has(requestId)) {
      if (!this.endEventCarriesTheRest(flight)) this.store.writeKey(flightKey(requestId), flight);
      return;
    }
    // It now carries a preflight that is in storage: keep the two together, or a stop would lose it.
    if (flight.preflight !== null && this.writtenPool.has(flight.preflight.requestId)) {
      this.newbornFlights.delete(requestId);
      this.agingFlights.delete(requestId);
      this.writeNewFlight(flight);
      return;
    }
    if (this.newbornFlights.has(requestId) || this.agingFlights.has(requestId)) return;
    this.newbornFlights.set(requestId, flight);
    this.scheduleOpenState();
  }

  private writeNewFlight(flight: FlightRecord): void {
    this.store.writeKey(flightKey(flight.requestId), flight);
    this.persistedFlights.add(flight.requestId);
    this.writeFlightIndex();
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

  private preflightPoolChanged(): void {
    if (this.writtenPool.size > 0) this.writePool();
    else {
      this.poolChangedUnwritten = true;
      this.scheduleOpenState();
    }
  }

  private writePool(): void {
    this.poolChangedUnwritten = false;
    this.store.writeKey(PREFLIGHT_POOL_KEY, () => {
      const pool = this.assembler.preflightPool();
      this.writtenPool = new Set(pool.map((preflight) => preflight.requestId));
      return pool;
    });
  }

  private scheduleOpenState(): void {
    if (this.openStateTimer !== null) return;
    this.openStateTimer = setTimeout(() => {
      this.openStateTimer = null;
      this.persistAgedOpenState();
    }, this.openStateDelayMs);
  }

  /** A window ended: persist what lived through all of it, and let what opened in it age. */
  private persistAgedOpenState(): void {
    for (const flight of this.agingFlights.values()) this.writeNewFlight(flight);
    this.agingFlights = this.newbornFlights;
    this.newbornFlights = new Map();
    if (this.poolChangedUnwritten) {
      const ids = this.assembler.preflightPool().map((preflight) => preflight.requestId);
      if (ids.some((id) => this.agingPreflights.has(id))) this.writePool();
      this.agingPreflights = new Set(ids);
    }
    if (this.agingFlights.size > 0 || (this.poolChangedUnwritten && this.agingPreflights.size > 0)) this.scheduleOpenState();
  }

  /** Persists every open request and preflight now, however young. */
  private persistAllOpenState(): void {
    for (const flight of this.agingFlights.values()) this.writeNewFlight(flight);
    for (const flight of this.newbornFlights.values()) this.writeNewFlight(flight);
    this.agingFlights.clear();
    this.newbornFlights.clear();
    if (this.poolChangedUnwritten) this.writePool();
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
    const state = await this.store.readKeys([PREFLIGHT_POOL_KEY, FLIGHT_INDEX_KEY]);
    const pool = state[PREFLIGHT_POOL_KEY];
    if (Array.isArray(pool)) {
      this.assembler.restorePreflightPool(pool as PendingPreflight[]);
      this.writtenPool = new Set((pool as PendingPreflight[]).map((preflight) => preflight.requestId));
    }
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
    }
    this.assembler.restoreFlights(flights);
  }

  /** Persists all open state and flushes staged storage writes (tests, and before reporting storage state). */
  flush(): Promise<void> {
    this.persistAllOpenState();
    return this.store.flush();
  }

  private async repaint(tabId: number): Promise<void> {
    const meta = await this.store.meta(tabId);
    if (meta) this.badge.show(tabId, meta.pageFailures);
  }

  private async record(closed: ClosedExchange): Promise<void> {
    if (this.closedTabs.has(closed.tabId)) return;
    const verdict = judgeSafely(this.deps.judge, closed.exchange);
    if (verdict.kind === 'not-cors') return;
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
