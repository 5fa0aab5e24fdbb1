/**
 * Turns webRequest events into closed exchanges: one actual cross-origin CORS-mode request with its
 * preflight, redirect hops, final response and outcome. Pure: no browser APIs, time comes from the
 * events, so the whole state machine is unit-testable with fakes.
 *
 * Event sequences it relies on (Chromium, listeners with extraHeaders; the browser's error strings
 * and where its blocked requests end come from its capture profile, profiles/chromium.ts):
 * - the preflight is a separate request (OPTIONS carrying Access-Control-Request-Method) that ends
 *   before its actual request shows any event beyond onBeforeRequest;
 * - an actual request whose preflight failed shows only onErrorOccurred;
 * - every response, redirects and CORS-failed ones included, shows onHeadersReceived;
 * - a redirect keeps the requestId and sends headers again for the new URL.
 * Firefox's order and error strings differ (profiles/firefox.ts): its profile says so, and the
 * pairing follows it.
 * It needs no onBeforeRequest and no onBeforeRedirect: the preflight is matched when the actual
 * request next shows up, and a hop is recognised by a 3xx with Location followed by anything else.
 */
import type { HeaderLine, Outcome } from '../engine/types';
import { isRedirectStatus } from '../engine/fetch-spec';
import { firstHeaderValue, firstRawHeaderValue, toHeaderLines } from './headers';
import { isWebWorkerRequest } from './attribution';
import { ALWAYS_CORS_TYPES, isCorsMode, isNoCorsFetch } from './cors-mode';
import { type ClosedExchange, exchangeOfFlight, type FlightRecord, pairingKey, type PendingPreflight } from './flight-records';
import { isCrossOrigin } from './origin';
import { chromiumCaptureProfile, type CaptureProfile } from './profiles/index';
import type { CompletedDetails, ErrorDetails, HeadersReceivedDetails, RequestDetails, SendHeadersDetails } from './webrequest-details';
import { initiatorOf } from './webrequest-details';

// The event shapes and the plain records were first declared here; capture, recording and restart import them from here.
export { type ClosedExchange, exchangeOfFlight, type FlightRecord, type PendingPreflight } from './flight-records';
export * from './webrequest-details';

export interface AssemblerOptions {
  /** The browser's error strings and event order (Chromium's by default). */
  profile?: CaptureProfile;
  /** How long a finished preflight waits for its actual request to show up. */
  preflightClaimMs?: number;
  /** A request with no event for this long is forgotten (its end event, if it ever comes, starts afresh). */
  idleFlightMs?: number;
  /** How often the sweep runs, at most (it runs from events, not from a timer). */
  sweepEveryMs?: number;
  /**
   * Called when a preflight joins the pool or gains its answer or its error, with its state; and
   * with null once it left the pool (claimed by its actual request, replaced or expired). A
   * preflight often starts or ends in one worker while its answer or its actual request's error
   * reaches the next one (a restart between them): each preflight is persisted for that. Its end
   * alone is not worth a write.
   */
  onPreflightChanged?: (requestId: string, preflight: PendingPreflight | null) => void;
  /**
   * Called when an open request gains what its end event cannot give back (request headers, a
   * response that may be followed by a headerless error, a hop, a claimed preflight), with the
   * request's state; and with null once it closed or was forgotten. The state is persisted so that
   * a request whose start one worker saw and whose end reaches the next one closes complete.
   */
  onFlightChanged?: (requestId: string, flight: FlightRecord | null) => void;
  /** Called when an open request is forgotten (no event for idleFlightMs), just before onFlightChanged(null). */
  onFlightForgotten?: (flight: FlightRecord) => void;
}

export class ExchangeAssembler {
  private readonly flights = new Map<string, FlightRecord>();
  private readonly preflights = new Map<string, PendingPreflight>();
  /** Preflights by pairing key, oldest first, until claimed by their actual request or expired. */
  private readonly preflightsByKey = new Map<string, PendingPreflight[]>();
  /** Cross-origin requests seen to be no-cors: their later events are dropped with one lookup. */
  private readonly ignored = new Map<string, number>();
  private readonly profile: CaptureProfile;
  private readonly preflightClaimMs: number;
  private readonly idleFlightMs: number;
  private readonly sweepEveryMs: number;
  private readonly onPreflightChanged: (requestId: string, preflight: PendingPreflight | null) => void;
  private readonly onFlightChanged: (requestId: string, flight: FlightRecord | null) => void;
  private readonly onFlightForgotten: (flight: FlightRecord) => void;
  private lastSweep = 0;
  /** Set while replayEarlierWorkerEvents runs. */
  private replayingEarlierWorker = false;

  constructor(
    private readonly onClosed: (closed: ClosedExchange) => void,
    options: AssemblerOptions = {},
  ) {
    this.profile = options.profile ?? chromiumCaptureProfile;
    this.preflightClaimMs = options.preflightClaimMs ?? 30_000;
    this.idleFlightMs = options.idleFlightMs ?? 10 * 60_000;
    this.sweepEveryMs = options.sweepEveryMs ?? 10_000;
    this.onPreflightChanged = options.onPreflightChanged ?? (() => {});
    this.onFlightChanged = options.onFlightChanged ?? (() => {});
    this.onFlightForgotten = options.onFlightForgotten ?? (() => {});
  }

  /** The preflights not yet claimed, oldest first. */
  preflightPool(): PendingPreflight[] {
    return [...this.preflights.values()];
  }

  /** Takes back a pool persisted by a previous worker (before any event of this one is handled). */
  restorePreflightPool(pool: readonly PendingPreflight[]): void {
    for (const preflight of pool) {
      if (this.preflights.has(preflight.requestId)) continue;
      this.preflights.set(preflight.requestId, preflight);
      const queue = this.preflightsByKey.get(preflight.key);
      if (queue) queue.push(preflight);
      else this.preflightsByKey.set(preflight.key, [preflight]);
    }
  }

  /** Takes back the open requests a previous worker persisted (before any event of this one is handled). */
  restoreFlights(records: readonly FlightRecord[]): void {
    for (const flight of records) {
      if (this.flights.has(flight.requestId)) continue;
      flight.crossedWorkerStop = true;
      this.flights.set(flight.requestId, flight);
    }
  }

  /**
   * Handles events an earlier worker received and journaled but never handled (restart.ts). A
   * request they start ran across that worker's stop, as one whose record was restored did.
   */
  replayEarlierWorkerEvents(replay: () => void): void {
    this.replayingEarlierWorker = true;
    try {
      replay();
    } finally {
      this.replayingEarlierWorker = false;
    }
  }

  /** Whether an event can concern us at all: a tab's request, cross-origin to its initiator. */
  static isCandidate(details: RequestDetails): boolean {
    // tabId -1: a service or shared worker of a web page (attribution.ts); the worker log keeps them.
    return (details.tabId >= 0 || isWebWorkerRequest(details)) && isCrossOrigin(initiatorOf(details), details.url);
  }

  onSendHeaders(details: SendHeadersDetails): void {
    this.maybeSweep(details.timeStamp);
    if (!ExchangeAssembler.isCandidate(details)) return;
    const raw = details.requestHeaders;
    if (details.method === 'OPTIONS') {
      const requestedMethod = firstRawHeaderValue(raw, 'access-control-request-method');
      if (requestedMethod !== null && firstRawHeaderValue(raw, 'origin') !== null) {
        this.startPreflight(details, requestedMethod, toHeaderLines(raw));
        return;
      }
    }
    if (!isCorsMode(raw) && !isNoCorsFetch(details.type, raw)) {
      this.ignored.set(details.requestId, details.timeStamp);
      if (this.flights.delete(details.requestId)) this.onFlightChanged(details.requestId, null);
      return;
    }
    const flight = this.flights.get(details.requestId) ?? this.startFlight(details, false);
    flight.lastEventTime = details.timeStamp;
    this.moveTo(flight, details.url);
    // Where the preflight comes after this event (Firefox), a preflight waiting now is another request's.
    if (!this.profile.sendHeadersBeforePreflight) this.claimPreflight(flight);
    if (this.profile.keepsCredentialsAcrossRedirects) {
      const shown =
        firstRawHeaderValue(raw, 'cookie') !== null
          ? 'cookie'
          : firstRawHeaderValue(raw, 'sec-fetch-storage-access') !== null
            ? 'sec-fetch-storage-access'
            : null;
      // The URL these headers went to is the one after every hop committed so far.
      if (shown !== null) flight.credentialsHeader = { name: shown, urlIndex: flight.redirects.length };
    }
    flight.requestHeaders = toHeaderLines(raw);
    flight.sentForCurrentUrl = true;
    this.onFlightChanged(flight.requestId, flight);
  }

  onHeadersReceived(details: HeadersReceivedDetails): void {
    this.maybeSweep(details.timeStamp);
    if (this.ignored.has(details.requestId)) return;
    const preflight = this.preflights.get(details.requestId);
    if (preflight) {
      const headers = toHeaderLines(details.responseHeaders);
      preflight.response = { status: details.statusCode, headers };
      preflight.lastEventTime = details.timeStamp;
      const location = firstHeaderValue(headers, 'location');
      if (isRedirectStatus(details.statusCode) && location !== null) {
        preflight.redirectedTo = resolveLocation(location, details.url);
      }
      this.onPreflightChanged(preflight.requestId, preflight);
      return;
    }
    const flight = this.flightFor(details, false);
    if (!flight) return;
    flight.lastEventTime = details.timeStamp;
    this.moveTo(flight, details.url);
    this.claimPreflightAfterSend(flight);
    const headers = toHeaderLines(details.responseHeaders);
    const location = isRedirectStatus(details.statusCode) ? firstHeaderValue(headers, 'location') : null;
    flight.lastResponse = { url: details.url, status: details.statusCode, headers, location };
    this.onFlightChanged(flight.requestId, flight);
  }

  onCompleted(details: CompletedDetails): void {
    this.maybeSweep(details.timeStamp);
    if (this.ignored.delete(details.requestId)) return;
    const preflight = this.preflights.get(details.requestId);
    if (preflight) {
      if (!preflight.response && details.responseHeaders) {
        preflight.response = { status: details.statusCode, headers: toHeaderLines(details.responseHeaders) };
      }
      this.endPreflight(preflight, details.timeStamp);
      return;
    }
    const flight = this.flightFor(details, false);
    if (!flight) return;
    if (details.fromCache) flight.fromCache = true;
    this.claimPreflightAfterSend(flight);
    if (!flight.lastResponse || flight.lastResponse.url !== details.url) {
      // The response headers event was lost (worker restart): onCompleted carries them too.
      const headers = toHeaderLines(details.responseHeaders);
      this.moveTo(flight, details.url);
      flight.lastResponse = { url: details.url, status: details.statusCode, headers, location: null };
    }
    this.close(flight, { kind: 'completed' }, details.timeStamp);
  }

  onErrorOccurred(details: ErrorDetails): void {
    this.maybeSweep(details.timeStamp);
    if (this.ignored.delete(details.requestId)) return;
    const preflight = this.preflights.get(details.requestId);
    if (preflight) {
      // With a response, the preflight reached the server: its failure is a CORS one, judged from that response.
      if (!preflight.response) {
        preflight.error = details.error;
        this.onPreflightChanged(preflight.requestId, preflight);
      }
      this.endPreflight(preflight, details.timeStamp);
      return;
    }
    // An error can be a request's first event (its preflight failed, or it never reached the network).
    const flight = this.flightFor(details, true);
    if (!flight) return;
    if (details.fromCache) flight.fromCache = true;
    if (flight.lastResponse?.location != null) {
      // Died on a redirect response: the hop is where it failed (CORS check of the redirect, or the next URL).
      const target = resolveLocation(flight.lastResponse.location, flight.lastResponse.url);
      this.commitHop(flight, target);
      // A preflighted request that follows a redirect is preflighted again at the target; when that
      // second preflight fails, the request dies without sending headers there, and this error is
      // the only event that can pair it. Without it the exchange would carry the first (passing)
      // preflight and be judged on the redirect alone.
      flight.currentUrl = target;
      this.claimPreflight(flight);
    } else if (!flight.sentForCurrentUrl) {
      // Never sent headers for this URL: its preflight (if any) decided its fate.
      this.claimPreflight(flight);
      // Blocked before sending headers, yet no preflight seen: only a failed preflight does that, so
      // its events were lost (they went to a worker that was stopping).
      if (!flight.preflight && this.profile.isCorsBlockError(details.error) && flight.requestHeaders === null) flight.partial = true;
    } else {
      this.claimPreflightAfterSend(flight);
      // Where the request sends its headers before its preflight (Firefox), a failed preflight ends
      // it after it sent them, and no response is coming.
      const stoppedByPreflight = this.profile.sendHeadersBeforePreflight && flight.preflight?.url === flight.currentUrl;
      // Sent, then blocked by CORS with no response seen. Across a worker stop, the response's
      // onHeadersReceived may have been lost (it went to the worker being stopped). A worker that saw
      // the request through lost nothing: there was no response, as when Chromium's Local Network
      // Access check fails the connection.
      if (flight.lastResponse === null && this.profile.isCorsBlockError(details.error) && !stoppedByPreflight && flight.crossedWorkerStop) {
        flight.partial = true;
      }
    }
    this.close(flight, { kind: 'error', error: details.error }, details.timeStamp);
  }

  /** Requests and preflights still open, for tests and leak checks. */
  get openCount(): { flights: number; preflights: number; ignored: number } {
    return { flights: this.flights.size, preflights: this.preflights.size, ignored: this.ignored.size };
  }

  /** Forgets what has waited too long; runs from events so it needs no timer. */
  sweep(now: number): void {
    this.lastSweep = now;
    for (const [id, flight] of this.flights) {
      if (now - flight.lastEventTime > this.idleFlightMs) {
        this.flights.delete(id);
        this.onFlightForgotten(flight);
        this.onFlightChanged(id, null);
      }
    }
    for (const [id, preflight] of this.preflights) {
      const since = preflight.endTime ?? preflight.lastEventTime;
      const limit = preflight.endTime === null ? this.idleFlightMs : this.preflightClaimMs;
      if (now - since > limit) this.dropPreflight(id, preflight);
    }
    for (const [id, time] of this.ignored) if (now - time > this.idleFlightMs) this.ignored.delete(id);
  }

  private maybeSweep(now: number): void {
    if (now - this.lastSweep >= this.sweepEveryMs) this.sweep(now);
  }

  /** The flight for an event, or a new partial one when its start was not seen (worker restart, failed preflight). */
  private flightFor(details: RequestDetails, startSeen: boolean): FlightRecord | null {
    const known = this.flights.get(details.requestId);
    if (known) return known;
    // An orphan preflight cannot be told from a real OPTIONS request, except that a real one was
    // itself preflighted: a preflight asking for OPTIONS is waiting in the pool for it.
    if (details.method === 'OPTIONS' && !this.hasPreflightAsking(details, 'OPTIONS')) return null;
    if (!ExchangeAssembler.isCandidate(details)) return null;
    return this.startFlight(details, !startSeen);
  }

  private startFlight(details: RequestDetails, partial: boolean): FlightRecord {
    const flight: FlightRecord = {
      requestId: details.requestId,
      tabId: details.tabId,
      frameId: details.frameId,
      initiator: initiatorOf(details) ?? null,
      type: details.type,
      method: details.method,
      firstUrl: details.url,
      currentUrl: details.url,
      startTime: details.timeStamp,
      lastEventTime: details.timeStamp,
      requestHeaders: null,
      sentForCurrentUrl: false,
      preflight: null,
      redirects: [],
      lastResponse: null,
      fromCache: false,
      partial,
      ...(this.replayingEarlierWorker ? { crossedWorkerStop: true } : {}),
    };
    this.flights.set(details.requestId, flight);
    return flight;
  }

  /** An event for a new URL means the previous response was a followed redirect. */
  private moveTo(flight: FlightRecord, url: string): void {
    if (url === flight.currentUrl) return;
    this.commitHop(flight, url);
    flight.currentUrl = url;
  }

  private commitHop(flight: FlightRecord, to: string): void {
    const last = flight.lastResponse;
    if (!last) return;
    flight.redirects.push({ url: last.url, status: last.status, location: last.location ?? to, headers: last.headers });
    flight.lastResponse = null;
    flight.sentForCurrentUrl = false;
  }

  private startPreflight(details: SendHeadersDetails, method: string, requestHeaders: HeaderLine[]): void {
    const existing = this.preflights.get(details.requestId);
    if (existing) this.dropPreflight(details.requestId, existing);
    const key = pairingKey(details.tabId, details.frameId, details.url, initiatorOf(details) ?? null);
    const preflight: PendingPreflight = {
      requestId: details.requestId,
      key,
      method,
      url: details.url,
      startTime: details.timeStamp,
      endTime: null,
      lastEventTime: details.timeStamp,
      requestHeaders,
      response: null,
      redirectedTo: null,
      error: null,
    };
    this.preflights.set(details.requestId, preflight);
    const queue = this.preflightsByKey.get(key);
    if (queue) queue.push(preflight);
    else this.preflightsByKey.set(key, [preflight]);
    this.onPreflightChanged(preflight.requestId, preflight);
  }

  private endPreflight(preflight: PendingPreflight, time: number): void {
    preflight.endTime = time;
    preflight.lastEventTime = time;
  }

  /** Whether a preflight asking for `method` waits for this request's URL. */
  private hasPreflightAsking(details: RequestDetails, method: string): boolean {
    const queue = this.preflightsByKey.get(pairingKey(details.tabId, details.frameId, details.url, initiatorOf(details) ?? null));
    return queue !== undefined && queue.some((preflight) => preflight.method === method);
  }

  private claimPreflight(flight: FlightRecord): void {
    if (flight.sentForCurrentUrl) return;
    this.takePreflight(flight);
  }

  /**
   * Where a request sends its headers before its preflight (Firefox), its preflight has ended by
   * the request's next event: the request takes it then, unless it has the one for this URL already.
   */
  private claimPreflightAfterSend(flight: FlightRecord): void {
    if (!this.profile.sendHeadersBeforePreflight || flight.preflight?.url === flight.currentUrl) return;
    this.takePreflight(flight);
  }

  /** Gives the flight the oldest unclaimed preflight for its current URL and method, if any. */
  private takePreflight(flight: FlightRecord): void {
    const key = pairingKey(flight.tabId, flight.frameId, flight.currentUrl, flight.initiator);
    const queue = this.preflightsByKey.get(key);
    if (!queue) return;
    const index = queue.findIndex((p) => p.method === flight.method);
    if (index < 0) return;
    const [preflight] = queue.splice(index, 1);
    if (queue.length === 0) this.preflightsByKey.delete(key);
    this.preflights.delete(preflight!.requestId);
    this.onPreflightChanged(preflight!.requestId, null);
    flight.preflight = preflight!;
    if (preflight!.startTime < flight.startTime) flight.startTime = preflight!.startTime;
  }

  /**
   * A preflight that neither answered nor failed, yet its request is over: its last events were
   * lost (they went to a worker that was stopping). Where the request sends its headers only once
   * its preflight has ended (Chromium), that holds however the request ended; where it sends them
   * before (Firefox), the preflight's end may come after the request's, so only a request that
   * never sent them shows it.
   */
  private lostPreflightAnswer(flight: FlightRecord): boolean {
    const preflight = flight.preflight;
    if (!preflight || preflight.response || preflight.error) return false;
    return !this.profile.sendHeadersBeforePreflight || !flight.sentForCurrentUrl;
  }

  private dropPreflight(id: string, preflight: PendingPreflight): void {
    this.preflights.delete(id);
    this.onPreflightChanged(id, null);
    const queue = this.preflightsByKey.get(preflight.key);
    if (!queue) return;
    const index = queue.indexOf(preflight);
    if (index >= 0) queue.splice(index, 1);
    if (queue.length === 0) this.preflightsByKey.delete(preflight.key);
  }

  private close(flight: FlightRecord, outcome: Outcome, endTime: number): void {
    if (this.lostPreflightAnswer(flight)) flight.partial = true;
    this.flights.delete(flight.requestId);
    this.onFlightChanged(flight.requestId, null);
    const response = flight.lastResponse ? { status: flight.lastResponse.status, headers: flight.lastResponse.headers } : null;
    // Chromium probes its cache before some loads (fonts) and then sends the real request: the probe is noise.
    if (outcome.kind === 'error' && this.profile.isCacheProbeMiss(outcome.error) && !response) return;
    const headerless = flight.requestHeaders === null;
    // Without request headers and without a preflight, the request's mode is unknown: keep it only when
    // its type is always CORS-mode or the server answered as to a CORS request.
    if (headerless && !flight.preflight) {
      const corsAnswer = firstHeaderValue(response?.headers, 'access-control-allow-origin') !== null;
      // Where a blocked request always ends in an error, a cross-origin CORS request cannot complete
      // without Allow-Origin: one that did was no-cors.
      const completedUnblocked = outcome.kind === 'completed' && this.profile.blockedRequestEndsIn === 'error';
      if (!corsAnswer && (completedUnblocked || !ALWAYS_CORS_TYPES.has(flight.type))) return;
    }
    const exchange = exchangeOfFlight(flight, outcome);
    this.onClosed({
      requestId: flight.requestId,
      tabId: flight.tabId,
      frameId: flight.frameId,
      startTime: flight.startTime,
      endTime,
      exchange,
    });
  }
}

function resolveLocation(location: string, base: string): string {
  try {
    return new URL(location, base).href;
  } catch {
    return location;
  }
}
