/**
 * Restart persistence: what lets the next worker carry on where a stopped one left off. Each
 * worker journals the events it receives before it has read back its predecessor's state, keeps
 * its open requests and the preflight pool in the session area, records each tab's last event
 * time (to tell a forced stop from an idle one), and notes the first start in a browser session.
 *
 * The invariant (docs/reliability.md): whatever a webRequest event taught the worker (an entry, the
 * tab's counters, an open request, a preflight) is handed to chrome.storage.session in the task that
 * handled the event, in one call. Chromium can stop the worker between any two tasks; a call made
 * before the stop is applied, and it is applied before the next worker's first read. No timer ever
 * stands between an event and its write: a timer dies with the worker, and what it guarded with it.
 */
import {
  exchangeOfFlight,
  type CompletedDetails,
  type ErrorDetails,
  type ExchangeAssembler,
  type FlightRecord,
  type HeadersReceivedDetails,
  type PendingPreflight,
  type SendHeadersDetails,
} from './assembler';
import type { ObservedExchange } from '../engine/types';
import type { BatchedStore } from './batched-store';
import type { CaptureProfile } from './profiles/index';
import type { TabStore } from './store';

/** Each preflight waiting for its actual request, under `preflight:<requestId>`. */
const preflightKey = (requestId: string) => `preflight:${requestId}`;
const PREFLIGHT_PREFIX = 'preflight:';
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
/**
 * How far behind a tab's last event its written activity may be. An event whose task writes anyway
 * carries the activity in that call; one whose task would write nothing else (a same-origin module
 * of a watched tab, a passing response) writes it only once it is this much newer than what was
 * written, or every such event would cost a storage call of its own. So a stop window's start may
 * come up to this much early (the window is wider, never narrower), and a forced stop less than
 * this short of IDLE_STOP_MS after a tab's last event reads as an idle one.
 */
const ACTIVITY_RESOLUTION_MS = 1000;
/** Each open request whose state is persisted, under `flight:<requestId>`. */
const flightKey = (requestId: string) => `flight:${requestId}`;
const FLIGHT_PREFIX = 'flight:';
/**
 * What the key of a closed request or of a preflight that left the pool holds until it is removed.
 * Overwriting the key rides in the call that carries the event's other writes; a removal would be a
 * call of its own per request. So the keys are removed in batches, one removal call per
 * STALE_KEY_BATCH keys, and the next worker's restore tells an open record from a closed one by
 * its value alone: no index of the open ones is rewritten at each change.
 */
const CLOSED = 0;
const STALE_KEY_BATCH = 64;

/**
 * Events a worker received before it had read back what the previous one left (its tabs' counters,
 * open requests, preflights). Each worker journals them under its own key, written in the task
 * that received them; the task that finally handles them writes their results and empties the
 * journal in one call. A stop before that call leaves the journal for the next worker to replay.
 */
const JOURNAL_PREFIX = 'journal:';
export type JournalEvent =
  | { kind: 'sendHeaders'; details: SendHeadersDetails }
  | { kind: 'headersReceived'; details: HeadersReceivedDetails }
  | { kind: 'completed'; details: CompletedDetails }
  | { kind: 'error'; details: ErrorDetails }
  | { kind: 'navigated'; tabId: number; url: string }
  | { kind: 'frame'; tabId: number; frameId: number; url: string };

/** A key no other worker instance uses: the start time, zero-padded so that keys sort by it, and a random tail. */
function newJournalKey(now: number): string {
  return `${JOURNAL_PREFIX}${String(Math.floor(now)).padStart(15, '0')}-${Math.random().toString(36).slice(2, 10)}`;
}

export interface RestartParts {
  store: TabStore;
  storage: BatchedStore;
  /** Set before restore() runs (the assembler is built with this state's callbacks). */
  assembler: () => Pick<ExchangeAssembler, 'restorePreflightPool' | 'restoreFlights' | 'replayEarlierWorkerEvents'>;
  /** The engine's responsePassesCorsChecks: whether a response passes before its end event says so. */
  passesCorsChecks(exchange: ObservedExchange): boolean;
  profile: CaptureProfile;
  now: () => number;
  listTabs?(): Promise<Array<{ id?: number | undefined; url?: string | undefined; pendingUrl?: string | undefined }>>;
  /** Handles a journaled or held event, once the previous worker's state is back. */
  dispatch(event: JournalEvent): void;
  /**
   * Resolves once the worker knows which tabs it captures (capture.ts): until then every event is
   * held, whatever its tab. Without it the hold ends with the restore.
   */
  scopeKnown?(): Promise<unknown>;
  /** Whether a held or journaled event's tab is captured (false: dropped on release). */
  captures?(tabId: number): boolean;
}

export class RestartState {
  /** Events that arrived before the previous worker's state was restored, in order; null once it is. */
  private held: JournalEvent[] | null = [];
  private readonly journalKey: string;
  private readonly activityKey: string;
  /** The previous worker left requests open: it did not stop for idleness (or one request outlived 30 s). */
  private inheritedOpenRequests = false;
  /** Open requests whose state is in the session area, each under flightKey(id). */
  private readonly persistedFlights = new Set<string>();
  /** Preflights of the pool whose state is in the session area, each under preflightKey(id). */
  private readonly persistedPreflights = new Set<string>();
  /**
   * Open requests restored from an earlier worker, by request id, with their tab: the worker was
   * stopped while they ran, so their end may have been discarded by Chromium with it. Each leaves
   * when it closes; one given up on (no event for the assembler's idleFlightMs) is counted missing.
   */
  private readonly inheritedFlights = new Map<string, number>();
  /** Keys holding CLOSED still in the session area; harmless (no restore reads them as open) until removed. */
  private staleKeys: string[] = [];
  /** Each tab's last webRequest event time (under activityKey); a Map keeps the per-event cost to one set. */
  private readonly activity = new Map<number, number>();
  /** What the last activity write carried, per tab. */
  private readonly writtenActivity = new Map<number, number>();
  private activityStaged = false;

  constructor(private readonly parts: RestartParts) {
    this.journalKey = newJournalKey(parts.now());
    this.activityKey = ACTIVITY_PREFIX + this.journalKey.slice(JOURNAL_PREFIX.length);
  }

  /** Whether events are still held (the previous worker's state is not back yet). */
  get holding(): boolean {
    return this.held !== null;
  }

  /** Keeps an event until the previous worker's state is back, journaled in this task. */
  hold(event: JournalEvent): void {
    this.held!.push(event);
    this.parts.storage.set(this.journalKey, () => this.held ?? []);
  }

  /**
   * Records the tab's latest event, called once the event is handled or held: in that task's batch
   * when the task writes anyway, else once it is ACTIVITY_RESOLUTION_MS newer than the last write.
   */
  noteActivity(tabId: number, timeStamp: number): void {
    if (tabId < 0) return;
    // The event's own time (when Chromium generated it), not when it reached us: the events a stop
    // discards are the ones generated after the last one delivered, however late that one came.
    const latest = Math.max(this.activity.get(tabId) ?? 0, timeStamp);
    this.activity.set(tabId, latest);
    if (this.activityStaged) return;
    const written = this.writtenActivity.get(tabId);
    if (this.parts.storage.writesStaged || written === undefined || latest - written >= ACTIVITY_RESOLUTION_MS) this.stageActivity();
  }

  /** The tab closed: its activity no longer says anything about a stop. */
  forgetTab(tabId: number): void {
    this.activity.delete(tabId);
    this.writtenActivity.delete(tabId);
  }

  /**
   * Requests of the tab an earlier worker left open that are still open: the browser stopped the
   * worker while they ran, so they may be missing from the log.
   */
  inheritedOpenIn(tabId: number): number {
    let open = 0;
    for (const owner of this.inheritedFlights.values()) if (owner === tabId) open++;
    return open;
  }

  /** The assembler gave up on a request (no event for idleFlightMs): an inherited one is counted missing. */
  flightForgotten(flight: FlightRecord): void {
    if (this.inheritedFlights.has(flight.requestId)) void this.parts.store.addMissingAtStop(flight.tabId, 1);
  }

  /**
   * Reads back what earlier workers left (the tabs' counters, open requests, preflights, the events
   * they journaled but never handled), then handles their journals and this worker's held events in
   * one task. That task's storage call carries every result and the emptied journals together.
   */
  async restore(): Promise<void> {
    let journals: Array<{ key: string; events: JournalEvent[] }> = [];
    try {
      await this.parts.store.whenReady();
      // One listing serves every step: what they read is earlier workers' keys, which this one
      // does not write while it restores (its own journal and activity keys are left out).
      const keys = await this.parts.storage.listKeys('');
      await this.restoreInFlight(keys);
      journals = await this.readEarlierJournals(keys);
      await this.noteForcedStop(keys, this.inheritedOpenRequests || journals.length > 0);
    } catch (error) {
      console.warn("CORS Doctor: could not read back the previous worker's state", error);
    }
    await this.parts.scopeKnown?.().catch(() => undefined);
    const held = this.held ?? [];
    this.held = null;
    const release = (event: JournalEvent) => {
      const tabId = 'details' in event ? event.details.tabId : event.tabId;
      if (this.parts.captures?.(tabId) !== false || event.kind === 'navigated' || event.kind === 'frame') this.parts.dispatch(event);
    };
    const assembler = this.parts.assembler();
    for (const journal of journals) {
      assembler.replayEarlierWorkerEvents(() => {
        for (const event of journal.events) release(event);
      });
      // Emptied, not removed: one set call is all or nothing. Emptied journals go on the next start.
      if (journal.events.length > 0) this.parts.storage.set(journal.key, []);
    }
    for (const event of held) release(event);
    if (held.length > 0) this.parts.storage.set(this.journalKey, []);
  }

  /**
   * An open request is written in the task that changed it, in the same call as the entry that task
   * may close; a closed one is marked CLOSED in that call too.
   */
  persistFlight(requestId: string, flight: FlightRecord | null): void {
    if (flight === null) {
      this.inheritedFlights.delete(requestId);
      if (this.persistedFlights.delete(requestId)) this.markClosed(flightKey(requestId));
      return;
    }
    // A passing final response is followed by onCompleted, which carries its headers again.
    if (this.persistedFlights.has(requestId) && this.endEventCarriesTheRest(flight)) return;
    this.parts.storage.set(flightKey(requestId), flight);
    this.persistedFlights.add(requestId);
  }

  /**
   * A preflight is written when it joins the pool and when it gains its answer or error; once its
   * actual request claimed it, it lives on in that request's record, written in the same call.
   */
  persistPreflight(requestId: string, preflight: PendingPreflight | null): void {
    if (preflight === null) {
      if (this.persistedPreflights.delete(requestId)) this.markClosed(preflightKey(requestId));
      return;
    }
    this.parts.storage.set(preflightKey(requestId), preflight);
    this.persistedPreflights.add(requestId);
  }

  private stageActivity(): void {
    if (this.activityStaged) return;
    this.activityStaged = true;
    this.parts.storage.set(this.activityKey, () => {
      this.activityStaged = false;
      for (const [tabId, at] of this.activity) this.writtenActivity.set(tabId, at);
      return Object.fromEntries(this.activity);
    });
  }

  /**
   * Reads the earlier workers' activity and decides whether they were stopped by force while tabs
   * were busy: a tab's last event came less than IDLE_STOP_MS before this worker started (an idle
   * stop needs that long without events), or they left requests open or events unhandled. Each such
   * tab gets the window, from its last event to this start, to show in its notice.
   */
  private async noteForcedStop(listed: readonly string[], leftWorkUndone: boolean): Promise<void> {
    const { storage, store } = this.parts;
    // Oldest first: the key carries the worker's start time, zero-padded.
    const keys = listed.filter((key) => key.startsWith(ACTIVITY_PREFIX) && key !== this.activityKey).sort();
    if (keys.length === 0) return;
    const stored = await storage.readKeys(keys);
    const startedAt = this.parts.now();
    // Each earlier worker's tabs: from its last event on the tab to the next worker's start.
    const windows = new Map<number, Array<{ from: number; to: number }>>();
    keys.forEach((key, i) => {
      const next = keys[i + 1];
      const to = next === undefined ? startedAt : Number(next.slice(ACTIVITY_PREFIX.length, ACTIVITY_PREFIX.length + 15));
      const value = stored[key];
      storage.remove(key);
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
    for (const [tabId, list] of windows) for (const window of list) await store.addStopWindow(tabId, window);
  }

  /**
   * The first worker of a browser session (the extension was just installed, enabled, or the
   * browser started): tabs that were already loading made requests before its listeners existed,
   * and Chromium gives an extension no events from before then. Each such tab gets a notice.
   */
  private firstStartInSession(): void {
    const startedAt = this.parts.now();
    this.parts.storage.set(SESSION_KEY, { startedAt });
    void this.parts.listTabs?.().then(
      async (tabs) => {
        for (const tab of tabs) {
          const url = tab.url || tab.pendingUrl || '';
          if (tab.id === undefined || tab.id < 0 || !/^https?:/.test(url)) continue;
          await this.parts.store.addStartedAfter(tab.id, startedAt);
        }
      },
      () => {},
    );
  }

  private async readEarlierJournals(listed: readonly string[]): Promise<Array<{ key: string; events: JournalEvent[] }>> {
    const { storage } = this.parts;
    const keys = listed.filter((key) => key.startsWith(JOURNAL_PREFIX) && key !== this.journalKey).sort();
    if (keys.length === 0) return [];
    const stored = await storage.readKeys(keys);
    const journals: Array<{ key: string; events: JournalEvent[] }> = [];
    for (const key of keys) {
      const events = stored[key];
      if (Array.isArray(events) && events.length > 0) journals.push({ key, events: events as JournalEvent[] });
      else storage.remove(key);
    }
    return journals;
  }

  private markClosed(key: string): void {
    this.parts.storage.set(key, CLOSED);
    this.staleKeys.push(key);
    if (this.staleKeys.length >= STALE_KEY_BATCH) this.removeStaleKeys();
  }

  private removeStaleKeys(): void {
    // A key can be in use again (a preflight replaced under the same request id): it stays.
    for (const key of this.staleKeys) if (!this.inUse(key)) this.parts.storage.remove(key);
    this.staleKeys = [];
  }

  private inUse(key: string): boolean {
    if (key.startsWith(FLIGHT_PREFIX)) return this.persistedFlights.has(key.slice(FLIGHT_PREFIX.length));
    return this.persistedPreflights.has(key.slice(PREFLIGHT_PREFIX.length));
  }

  /**
   * Where the browser's onCompleted repeats the final response's headers (the capture profile
   * says), a final response that passes the CORS checks needs no write: the state persisted when the
   * request sent its headers is enough. One that fails is followed by a headerless error, so it is
   * written. (A verdict cannot tell them apart here: without an outcome it reads as completed, and a
   * completed request passed.)
   */
  private endEventCarriesTheRest(flight: FlightRecord): boolean {
    if (!this.parts.profile.completedRepeatsResponseHeaders) return false;
    const last = flight.lastResponse;
    if (!last || last.location !== null) return false;
    return this.parts.passesCorsChecks(exchangeOfFlight(flight, { kind: 'completed' }));
  }

  /**
   * What the previous workers left open: their preflight pool and their requests. A key holding
   * anything but its own record (CLOSED, or a value no worker wrote) is stale, and removed now.
   */
  private async restoreInFlight(listed: readonly string[]): Promise<void> {
    const { storage } = this.parts;
    const assembler = this.parts.assembler();
    if (!listed.includes(SESSION_KEY)) this.firstStartInSession();
    const keys = listed.filter((key) => key.startsWith(FLIGHT_PREFIX) || key.startsWith(PREFLIGHT_PREFIX));
    if (keys.length === 0) return;
    const stored = await storage.readKeys(keys);
    const flights: FlightRecord[] = [];
    const pool: PendingPreflight[] = [];
    for (const key of keys) {
      const record = stored[key] as FlightRecord | PendingPreflight | undefined;
      const isFlight = key.startsWith(FLIGHT_PREFIX);
      const id = key.slice(isFlight ? FLIGHT_PREFIX.length : PREFLIGHT_PREFIX.length);
      if (!record || typeof record !== 'object' || record.requestId !== id) {
        if (stored[key] !== undefined) storage.remove(key);
        continue;
      }
      if (isFlight) {
        flights.push(record as FlightRecord);
        this.persistedFlights.add(id);
        this.inheritedFlights.set(id, (record as FlightRecord).tabId);
      } else {
        pool.push(record as PendingPreflight);
        this.persistedPreflights.add(id);
      }
    }
    this.inheritedOpenRequests = flights.length > 0;
    // Paired oldest first, as the previous worker would have.
    assembler.restorePreflightPool(pool.sort((a, b) => a.startTime - b.startTime));
    assembler.restoreFlights(flights);
  }
}
