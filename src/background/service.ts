/**
 * The service worker's logic, wired from injected parts (storage area, badge surface, engine, tab
 * lookup) so that it runs the same under unit-test fakes and in Chromium. index.ts supplies the
 * real parts and registers the browser listeners. `Background` only composes the worker's jobs,
 * each in a module of its own:
 *   routing.ts        which runtime message a handler answers
 *   subscriptions.ts  panels' ports: snapshot, then each change
 *   recording.ts      closed exchange → judged, fitted entry in the tab log → badge, panels
 *   reporting.ts      a tab's report and its "may be missing" notices
 *   restart.ts        what the next worker needs after a stop: journal, open requests, preflights
 * over the assembler (assembler.ts), the tab log (store.ts) and the badge (badge.ts).
 */
import type { ObservedExchange } from '../engine/types';
import type { ExportFormat, ExportResult, PortMessage } from '../shared/messages';
import type { Report, ReportEntry } from '../shared/report';
import {
  ExchangeAssembler,
  type AssemblerOptions,
  type CompletedDetails,
  type ErrorDetails,
  type HeadersReceivedDetails,
  type SendHeadersDetails,
} from './assembler';
import { documentResponseKind, isSpeculativePurpose, tabOrigins, WORKER_LOG, type DocumentResponse } from './attribution';
import { BadgeController, type BadgeSurface } from './badge';
import type { Judge } from './entry';
import { chromiumCaptureProfile, type CaptureProfile } from './profiles/index';
import { record } from './recording';
import { buildReport, logNotices, workerEntryFor } from './reporting';
import { RestartState, type JournalEvent } from './restart';
import { routeMessage, type Handlers } from './routing';
import { TabStore, type SessionArea, type StoreOptions } from './store';
import { Subscriptions, type PortLike } from './subscriptions';
import { TabMemory } from './tab-memory';

export { fitEntry } from './recording';
export { mayBeMissingNotice, startedAfterLoadNotice, stopWindowNotice, summarize } from './reporting';
export type { PortLike } from './subscriptions';

export type ExportReport = (report: Report, format: ExportFormat, includeSecrets: boolean, stack?: string) => ExportResult | Promise<ExportResult>;

export interface BackgroundDeps {
  area: SessionArea;
  badge: BadgeSurface;
  judge: Judge;
  /** The engine's responsePassesCorsChecks (a response's fate before its end event). */
  passesCorsChecks(exchange: ObservedExchange): boolean;
  getTab(tabId: number): Promise<{ url?: string | undefined; title?: string | undefined } | null>;
  /** Every open tab (tabs.query({})): at the first start in a browser session, the tabs already loading. */
  listTabs?(): Promise<Array<{ id?: number | undefined; url?: string | undefined; pendingUrl?: string | undefined }>>;
  tool: { name: string; version: string };
  browserInfo: { name: string; version: string } | null;
  exportReport?: ExportReport;
  storeOptions?: StoreOptions;
  assemblerOptions?: AssemblerOptions;
  /** The browser's webRequest error strings and event order (Chromium's by default). */
  captureProfile?: CaptureProfile;
  badgeThrottleMs?: number;
  now?: () => number;
  /**
   * Which tabs the listeners capture (capture.ts), known after a storage read: the events that
   * come before are held with the restart hold, and those of tabs not captured are dropped on release.
   */
  captureScope?: { known(): Promise<unknown>; captures(tabId: number): boolean };
}

/** Where the webRequest listeners deliver: the assembler, once the previous worker's state is back. */
export interface CaptureSink {
  onSendHeaders(details: SendHeadersDetails): void;
  onHeadersReceived(details: HeadersReceivedDetails): void;
  onCompleted(details: CompletedDetails): void;
  onErrorOccurred(details: ErrorDetails): void;
}

export class Background {
  readonly store: TabStore;
  readonly assembler: ExchangeAssembler;
  readonly badge: BadgeController;
  private readonly subscriptions: Subscriptions;
  private readonly restart: RestartState;
  private readonly handlers: Handlers;
  /** Resolves once the previous worker's state is restored and the held events are handled. */
  private readonly restored: Promise<void>;
  private readonly closedTabs = new Set<number>();
  /** Speculative main_frame requests (prefetch, prerender) awaiting their response, by request id. */
  private readonly speculative = new Set<string>();
  /**
   * webRequest events this worker instance received (held or handled): a probe for the browser
   * tests, which stop the worker the moment it has seen what they sent (docs/reliability.md).
   */
  eventsReceived = 0;
  /** Earlier preflights and echoed origins per tab, for the engine's cached-preflight and reflection notes. */
  private readonly tabMemory = new TabMemory();
  private readonly now: () => number;
  readonly capture: CaptureSink = {
    onSendHeaders: (details) => this.receive(details, { kind: 'sendHeaders', details }),
    onHeadersReceived: (details) => this.receive(details, { kind: 'headersReceived', details }),
    onCompleted: (details) => this.receive(details, { kind: 'completed', details }),
    onErrorOccurred: (details) => this.receive(details, { kind: 'error', details }),
  };

  constructor(private readonly deps: BackgroundDeps) {
    this.now = deps.now ?? Date.now;
    const profile = deps.captureProfile ?? chromiumCaptureProfile;
    this.store = new TabStore(deps.area, { ...deps.storeOptions, onDropped: (tabId) => void this.logChanged(tabId) });
    this.subscriptions = new Subscriptions((tabId) => this.report(tabId));
    this.assembler = new ExchangeAssembler(
      (closed) =>
        void record(
          {
            store: this.store,
            badge: this.badge,
            judge: deps.judge,
            tabMemory: this.tabMemory,
            closedTabs: this.closedTabs,
            publish: (tabId, message) => this.publish(tabId, message),
          },
          closed,
        ),
      {
        profile,
        ...deps.assemblerOptions,
        onPreflightChanged: (requestId, preflight) => this.restart.persistPreflight(requestId, preflight),
        onFlightChanged: (requestId, flight) => this.restart.persistFlight(requestId, flight),
        onFlightForgotten: (flight) => this.restart.flightForgotten(flight),
      },
    );
    this.restart = new RestartState({
      store: this.store,
      storage: this.store.storage,
      assembler: () => this.assembler,
      passesCorsChecks: deps.passesCorsChecks,
      profile,
      now: this.now,
      ...(deps.listTabs ? { listTabs: deps.listTabs } : {}),
      dispatch: (event) => this.dispatch(event),
      ...(deps.captureScope ? { scopeKnown: deps.captureScope.known, captures: deps.captureScope.captures } : {}),
    });
    this.restored = this.restart.restore();
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
        // The worker log is no tab: never freed as a closed one.
        if (tabId === WORKER_LOG) continue;
        void this.deps.getTab(tabId).then(
          (tab) => (tab ? this.repaint(tabId) : this.tabRemoved(tabId)),
          () => this.tabRemoved(tabId),
        );
      }
    });
  }

  /** runtime.onMessage: a promise for our requests, undefined for anything else (other listeners answer it). */
  handleMessage(message: unknown): Promise<unknown> | undefined {
    return routeMessage(this.handlers, message);
  }

  /** runtime.onConnect: a panel subscribes to one tab and gets a snapshot, then each change. */
  handlePort(port: PortLike): void {
    this.subscriptions.handlePort(port);
  }

  /** A top-level document started loading in the tab (main_frame response). */
  async navigated(tabId: number, url: string): Promise<void> {
    if (tabId < 0 || this.closedTabs.has(tabId)) return;
    if (this.restart.holding) {
      this.restart.hold({ kind: 'navigated', tabId, url });
      return;
    }
    const meta = await this.store.navigate(tabId, url);
    this.badge.reapply(tabId, 0);
    this.publish(tabId, { type: 'navigated', currentPageId: meta.pageId, url });
  }

  /**
   * A main_frame request's headers: a speculative one (Sec-Purpose: prefetch or prerender) is
   * remembered until its response, which is then not taken for a navigation of the tab.
   */
  mainFrameRequest(details: { requestId: string; requestHeaders?: Array<{ name: string; value?: string }> }): void {
    if (!isSpeculativePurpose(details.requestHeaders)) return;
    this.speculative.add(details.requestId);
    if (this.speculative.size > 100) this.speculative.delete(this.speculative.values().next().value!);
  }

  /** A main_frame or sub_frame response: the tab's new page, an iframe's document, or neither (attribution.ts). */
  documentResponse(details: DocumentResponse): void {
    const kind = documentResponseKind(details, this.speculative.delete(details.requestId));
    if (kind === 'page') void this.navigated(details.tabId, details.url);
    else if (kind === 'frame') void this.frameLoaded(details.tabId, details.frameId, details.url);
  }

  /** An iframe of the tab's page loaded a document: the frame's later requests name its URL. */
  async frameLoaded(tabId: number, frameId: number, url: string): Promise<void> {
    if (tabId < 0 || this.closedTabs.has(tabId)) return;
    if (this.restart.holding) {
      this.restart.hold({ kind: 'frame', tabId, frameId, url });
      return;
    }
    await this.store.frameLoaded(tabId, frameId, url);
  }

  /** The browser repainted the tab's action (navigation, bfcache restore): paint the badge again. */
  async tabUpdated(tabId: number): Promise<void> {
    const meta = await this.store.meta(tabId);
    this.badge.reapply(tabId, meta?.pageFailures ?? 0);
  }

  async tabRemoved(tabId: number): Promise<void> {
    // Closing a tab aborts its requests, and those events can come after onRemoved.
    this.closedTabs.add(tabId);
    this.restart.forgetTab(tabId);
    if (this.closedTabs.size > 1000) this.closedTabs.delete(this.closedTabs.values().next().value!);
    this.badge.forget(tabId);
    this.tabMemory.forget(tabId);
    await this.store.remove(tabId);
    this.publish(tabId, { type: 'cleared' });
    this.subscriptions.forgetTab(tabId);
  }

  async clearTab(tabId: number): Promise<void> {
    await this.store.clear(tabId);
    await this.store.flush();
    this.badge.show(tabId, 0);
    this.publish(tabId, { type: 'cleared' });
  }

  async report(tabId: number): Promise<Report> {
    await this.restored;
    return buildReport(
      {
        store: this.store,
        judge: this.deps.judge,
        getTab: this.deps.getTab,
        tool: this.deps.tool,
        browserInfo: this.deps.browserInfo,
        now: this.now,
        inheritedOpenIn: (id) => this.restart.inheritedOpenIn(id),
      },
      tabId,
    );
  }

  /** Resolves once events are handled as they come (the previous worker's state is back). */
  whenCapturing(): Promise<void> {
    return this.restored;
  }

  /** Hands staged storage writes to the area now (tests; otherwise they go at the end of the task). */
  flush(): Promise<void> {
    return this.store.flush();
  }

  /** A webRequest event: counted, held or handed to the assembler, then its tab's activity noted (in the writes it made, if any). */
  private receive(details: { tabId: number; timeStamp: number }, event: Exclude<JournalEvent, { kind: 'navigated' | 'frame' }>): void {
    this.eventsReceived++;
    try {
      if (this.restart.holding) this.restart.hold(event);
      else this.dispatch(event);
    } finally {
      this.restart.noteActivity(details.tabId, details.timeStamp);
    }
  }

  private dispatch(event: JournalEvent): void {
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
      case 'frame':
        return void this.frameLoaded(event.tabId, event.frameId, event.url);
    }
  }

  /** The tab's log lost entries: its panels get the new dropped count and notices. */
  private async logChanged(tabId: number): Promise<void> {
    const meta = await this.store.meta(tabId);
    if (!meta) return;
    const notices = logNotices({ store: this.store, inheritedOpenIn: (id) => this.restart.inheritedOpenIn(id) }, tabId, meta);
    this.publish(tabId, { type: 'log', dropped: meta.dropped, notices });
  }

  private async repaint(tabId: number): Promise<void> {
    const meta = await this.store.meta(tabId);
    if (meta) this.badge.show(tabId, meta.pageFailures);
  }

  private publish(tabId: number, message: PortMessage): void {
    this.subscriptions.publish(tabId, message);
    if (tabId === WORKER_LOG && message.type === 'entry') void this.publishWorkerEntry(message.entry);
  }

  /** A worker's entry also goes to the open panels of the tabs of its origin, as their reports show it. */
  private async publishWorkerEntry(entry: ReportEntry): Promise<void> {
    for (const tabId of this.subscriptions.subscribedTabs()) {
      if (tabId === WORKER_LOG) continue;
      const meta = await this.store.meta(tabId);
      const tab = await this.deps.getTab(tabId).catch(() => null);
      if (entry.initiator === null || !tabOrigins(meta, tab?.url ?? null).has(entry.initiator)) continue;
      this.subscriptions.publish(tabId, { type: 'entry', entry: workerEntryFor(entry, meta?.pageId ?? 1) });
    }
  }
}
