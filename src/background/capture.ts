/**
 * Which webRequest events CORS Doctor listens to, and how. Every extraHeaders listener makes
 * Chromium route requests through the browser process and every event is an IPC to the worker,
 * whatever the listener does (docs/performance.md has the measured floor of each listener set).
 * So full capture runs only where it is wanted (see watch.ts), and every other tab has one cheap
 * listener.
 *
 * Full capture, one set of four listeners, on every tab or one set per watched tab (a `tabId` filter):
 *   onSendHeaders      extraHeaders: Origin, Sec-Fetch-Mode, Cookie, the preflight's request headers
 *   onHeadersReceived  extraHeaders: status and headers, also of preflights, redirects and CORS-failed responses
 *   onCompleted        the exchange passed (responseHeaders too: rebuilds an exchange whose start a worker restart lost)
 *   onErrorOccurred    the exchange failed; for a failed preflight, the actual request's only event
 * The detector, always on every tab: onErrorOccurred without extraHeaders. A CORS block ends a
 * cross-origin request with net::ERR_FAILED, which a tab without full capture counts as a
 * suspected failure (it carries no reason: the diagnosis needs full capture and a reload).
 * Page tracking: onResponseStarted of main_frame requests without extra info.
 * No onBeforeRequest or onBeforeRedirect: the assembler pairs and follows redirects without them.
 *
 * MV3 delivers the events that wake a stopped worker only to listeners registered synchronously in
 * its first task, and which tabs are watched is known only after an asynchronous storage read. So
 * every worker starts with the detector and one full-capture set on every tab, registered
 * synchronously; the events that woke it reach that set whatever tab they belong to (Chromium
 * woke the worker for a tab-filtered set the previous worker left). Until the watch state is
 * known, every event goes on to the worker, which journals it in the restart hold (restart.ts)
 * and drops those of unwatched tabs when it releases the hold; then the all-tab set is removed
 * unless everything is watched, and one set per watched tab is added.
 *
 * Chromium applies an addListener some time after the call: the worker's extension-API calls reach
 * the browser in order, so a set is known to be applied once a later call has been answered
 * (`listenersApplied`). A scope change resolves only then, and a set is retired only after the sets
 * that replace it are applied, so that a tab that stays or becomes watched misses no event.
 */
import type { CompletedDetails, ErrorDetails, HeadersReceivedDetails, RequestDetails, SendHeadersDetails } from './assembler';
import { isCrossOrigin } from './origin';
import type { CaptureSink } from './service';

/** Resource types that can be CORS-mode requests made by a page. Navigations never are. */
export const CAPTURED_TYPES = ['xmlhttprequest', 'font', 'script', 'stylesheet', 'image', 'media'] as const;

interface WebRequestEvent<D> {
  addListener(listener: (details: D) => void, filter: { urls: string[]; types?: string[]; tabId?: number }, extraInfoSpec?: string[]): void;
  removeListener(listener: (details: D) => void): void;
}

export interface WebRequestApi {
  onSendHeaders: WebRequestEvent<SendHeadersDetails>;
  onHeadersReceived: WebRequestEvent<HeadersReceivedDetails>;
  onCompleted: WebRequestEvent<CompletedDetails>;
  onErrorOccurred: WebRequestEvent<ErrorDetails>;
  onResponseStarted: WebRequestEvent<RequestDetails>;
}

/** Where full capture runs: on every tab, or on the listed tabs only. */
export type CaptureScope = { everything: true } | { everything: false; tabs: readonly number[] };

export interface CaptureOptions {
  extraHeaders: boolean;
  /**
   * Resolves once the browser has applied the listener calls made before it: any extension-API
   * call made after them, answered (the calls reach the browser in order).
   */
  listenersApplied(): Promise<unknown>;
  onTopLevelResponse(details: RequestDetails): void;
  /** A page's cross-origin request failed the way a CORS block does, on a tab without full capture. */
  onSuspectedFailure(details: ErrorDetails): void;
}

export interface FullCapture {
  /** Applies the watch state; resolves once the browser delivers the new listener sets' events. */
  setScope(scope: CaptureScope): Promise<void>;
  /** Whether a tab's requests reach the assembler now (null: not known yet, before the first setScope). */
  covers(tabId: number): boolean | null;
  /** How many full-capture listener sets are registered (each is four listeners), for the browser tests. */
  listenerSets(): { allTabs: boolean; tabs: number[] };
}

/** The error a CORS block ends a request with; it names no reason, and other failures use it too. */
const CORS_BLOCK_ERROR = 'net::ERR_FAILED';

/**
 * While a set is handed over to another, an event may arrive twice (once per set), and the copy is
 * dropped. The events already delivered are remembered this long after the last retired set is
 * removed: the second copy of an event can come after the answer that let the old set go.
 */
const HANDOVER_MEMORY_MS = 1_000;

interface ListenerSet {
  remove(): void;
}

type CaptureEvent =
  | { kind: 'sendHeaders'; details: SendHeadersDetails }
  | { kind: 'headersReceived'; details: HeadersReceivedDetails }
  | { kind: 'completed'; details: CompletedDetails }
  | { kind: 'error'; details: ErrorDetails };

export function registerCapture(webRequest: WebRequestApi, sink: CaptureSink, options: CaptureOptions): FullCapture {
  const types = [...CAPTURED_TYPES];
  const extra = options.extraHeaders ? ['extraHeaders'] : [];
  /** Whether the watch state is known (the first setScope ran). */
  let scopeKnown = false;
  let everything = false;
  const watched = new Set<number>();

  const covers = (tabId: number): boolean | null => (scopeKnown ? everything || watched.has(tabId) : null);

  function deliver(event: CaptureEvent): void {
    switch (event.kind) {
      case 'sendHeaders':
        return sink.onSendHeaders(event.details);
      case 'headersReceived':
        return sink.onHeadersReceived(event.details);
      case 'completed':
        return sink.onCompleted(event.details);
      case 'error':
        return sink.onErrorOccurred(event.details);
    }
  }

  /** While sets are handed over, the events already delivered (kind, request, time: the same event seen by two sets). */
  const handedOver = new Set<string>();
  let retiring = 0;
  let forgetHandedOver: ReturnType<typeof setTimeout> | null = null;

  /**
   * Full capture's events: on a tab that is watched (or everything), to the worker. Before the
   * watch state is known, all of them: the worker holds them and filters them on release.
   */
  function fromFullCapture(event: CaptureEvent): void {
    if (covers(event.details.tabId) === false) return;
    if (retiring > 0 || forgetHandedOver !== null) {
      const key = `${event.kind} ${event.details.requestId} ${event.details.timeStamp} ${event.details.url}`;
      if (handedOver.has(key)) return;
      handedOver.add(key);
    }
    deliver(event);
  }

  /** Removes a set once the sets that replace it are applied (`applied`). */
  function retire(set: ListenerSet, applied: Promise<unknown>): void {
    retiring++;
    if (forgetHandedOver !== null) clearTimeout(forgetHandedOver);
    forgetHandedOver = null;
    const remove = () => {
      set.remove();
      if (--retiring > 0) return;
      forgetHandedOver = setTimeout(() => {
        forgetHandedOver = null;
        if (retiring === 0) handedOver.clear();
      }, HANDOVER_MEMORY_MS);
    };
    applied.then(remove, remove);
  }

  function addListenerSet(tabId?: number): ListenerSet {
    const filter = tabId === undefined ? { urls: ['<all_urls>'], types } : { urls: ['<all_urls>'], types, tabId };
    const onSend = (details: SendHeadersDetails) => fromFullCapture({ kind: 'sendHeaders', details });
    const onHeaders = (details: HeadersReceivedDetails) => fromFullCapture({ kind: 'headersReceived', details });
    const onDone = (details: CompletedDetails) => fromFullCapture({ kind: 'completed', details });
    const onError = (details: ErrorDetails) => fromFullCapture({ kind: 'error', details });
    webRequest.onSendHeaders.addListener(onSend, filter, ['requestHeaders', ...extra]);
    webRequest.onHeadersReceived.addListener(onHeaders, filter, ['responseHeaders', ...extra]);
    webRequest.onCompleted.addListener(onDone, filter, ['responseHeaders', ...extra]);
    // onErrorOccurred takes no extraInfoSpec but extraHeaders; Firefox's schema refuses even an empty list.
    if (options.extraHeaders) webRequest.onErrorOccurred.addListener(onError, filter, extra);
    else webRequest.onErrorOccurred.addListener(onError, filter);
    return {
      remove() {
        webRequest.onSendHeaders.removeListener(onSend);
        webRequest.onHeadersReceived.removeListener(onHeaders);
        webRequest.onCompleted.removeListener(onDone);
        webRequest.onErrorOccurred.removeListener(onError);
      },
    };
  }

  // Synchronously, in this order, in every worker (see the header comment).
  webRequest.onErrorOccurred.addListener(
    (details) => {
      // Before the watch state is known the watch controller, which waits for it, tells.
      if (covers(details.tabId) !== true && isSuspectedFailure(details)) options.onSuspectedFailure(details);
    },
    { urls: ['<all_urls>'], types },
  );
  let allTabs: ListenerSet | null = addListenerSet();
  webRequest.onResponseStarted.addListener(options.onTopLevelResponse, { urls: ['<all_urls>'], types: ['main_frame'] });
  const perTab = new Map<number, ListenerSet>();

  return {
    setScope(scope) {
      scopeKnown = true;
      everything = scope.everything;
      // A page's service and shared workers make their requests with no tab (tabId -1), and
      // Chromium reads a `tabId: -1` filter as no tab filter: such a listener gets every tab's
      // requests (e2e/watch.e2e.ts proves it; docs/performance.md). So those requests are captured
      // only while every tab is watched: a -1 set would be one more all-tab set.
      const wanted = new Set(scope.everything ? [] : scope.tabs.filter((tabId) => tabId >= 0));
      let added = false;
      for (const tabId of wanted) {
        if (perTab.has(tabId)) continue;
        perTab.set(tabId, addListenerSet(tabId));
        added = true;
      }
      if (scope.everything && !allTabs) {
        allTabs = addListenerSet();
        added = true;
      }
      watched.clear();
      for (const tabId of wanted) watched.add(tabId);
      const applied = added
        ? options.listenersApplied().then(
            () => {},
            () => {},
          )
        : Promise.resolve();
      if (!scope.everything && allTabs) {
        retire(allTabs, applied);
        allTabs = null;
      }
      for (const [tabId, set] of perTab) {
        if (!wanted.has(tabId)) {
          retire(set, applied);
          perTab.delete(tabId);
        }
      }
      return applied;
    },
    covers,
    listenerSets: () => ({ allTabs: allTabs !== null, tabs: [...perTab.keys()] }),
  };
}

/**
 * A failure the way a CORS block ends: a page's (tabId ≥ 0) cross-origin request with
 * net::ERR_FAILED. Without extraHeaders nothing tells a CORS block from other ERR_FAILED causes
 * (an extension blocking it, a cancelled request): hence "suspected".
 */
export function isSuspectedFailure(details: ErrorDetails): boolean {
  return details.tabId >= 0 && details.error === CORS_BLOCK_ERROR && isCrossOrigin(details.initiator, details.url);
}
