/**
 * The assembler's state and output as plain data: an open request (FlightRecord), a preflight waiting
 * for its actual request (PendingPreflight) and the key that pairs them, the closed exchange it hands
 * on, and how an open request becomes the engine's input. They are apart from the state machine
 * because they outlive it: the restart journal persists the records, and the recording and the
 * entry code take the closed exchange without any of the event handling.
 */
import type { CredentialsEvidenceHeader, HeaderLine, ObservedExchange, ObservedPreflight, ObservedRedirect, ObservedResponse, Outcome } from '../engine/types';
import { firstHeaderValue } from './headers';

/** A closed exchange, with what the store needs besides the engine's input. */
export interface ClosedExchange {
  requestId: string;
  tabId: number;
  frameId: number;
  startTime: number;
  endTime: number;
  /** Its `partial` says whether some of the request's events never reached the worker. */
  exchange: ObservedExchange;
}

/** An open request's state: plain data, persisted across worker restarts. */
export interface FlightRecord {
  requestId: string;
  tabId: number;
  frameId: number;
  initiator: string | null;
  type: string;
  method: string;
  firstUrl: string;
  currentUrl: string;
  startTime: number;
  lastEventTime: number;
  requestHeaders: HeaderLine[] | null;
  /** Headers have been sent for currentUrl: a later preflight cannot belong to this URL. */
  sentForCurrentUrl: boolean;
  preflight: PendingPreflight | null;
  redirects: ObservedRedirect[];
  /** The latest response of this request; a 3xx with Location becomes a hop once the request moves on. */
  lastResponse: (ObservedResponse & { url: string; location: string | null }) | null;
  fromCache: boolean;
  partial: boolean;
  /**
   * True once a later worker took the record back (restoreFlights), or began it from an earlier
   * worker's journal (replayEarlierWorkerEvents): the request ran across a worker stop, whose
   * discarded events may be any of its own. Absent otherwise.
   */
  crossedWorkerStop?: boolean;
  /**
   * The last header seen that showed credentials mode include, with the place of the URL it was
   * sent to, where the profile keeps it (CaptureProfile.keepsCredentialsAcrossRedirects); absent
   * otherwise and in records of older workers.
   */
  credentialsHeader?: CredentialsEvidenceHeader;
}

/** A preflight waiting for its actual request: plain data, persisted across worker restarts. */
export interface PendingPreflight {
  requestId: string;
  key: string;
  /** Access-Control-Request-Method: the actual request's method. */
  method: string;
  url: string;
  startTime: number;
  endTime: number | null;
  lastEventTime: number;
  requestHeaders: HeaderLine[];
  response: ObservedResponse | null;
  redirectedTo: string | null;
  error: string | null;
}

/** The engine's input for an open request, as if it ended now with `outcome`. */
export function exchangeOfFlight(flight: FlightRecord, outcome: Outcome): ObservedExchange {
  const last = flight.lastResponse;
  return {
    initiator: flight.initiator,
    request: { url: flight.firstUrl, method: flight.method, type: flight.type, headers: flight.requestHeaders },
    preflight: flight.preflight ? toObservedPreflight(flight.preflight) : null,
    redirects: flight.redirects,
    response: last ? { status: last.status, headers: last.headers } : null,
    outcome,
    fromCache: flight.fromCache,
    ...(credentialsBeforeRedirect(flight) ? { credentialsBeforeRedirect: flight.credentialsHeader } : {}),
    ...(flight.partial ? { partial: true } : {}),
  };
}

/** Whether the flight's credentials header was sent to an earlier URL only: the headers last sent do not show it. */
function credentialsBeforeRedirect(flight: FlightRecord): boolean {
  if (!flight.credentialsHeader) return false;
  return firstHeaderValue(flight.requestHeaders, 'cookie') === null && firstHeaderValue(flight.requestHeaders, 'sec-fetch-storage-access') === null;
}

function toObservedPreflight(preflight: PendingPreflight): ObservedPreflight {
  return {
    url: preflight.url,
    request: { headers: preflight.requestHeaders },
    response: preflight.response,
    redirectedTo: preflight.redirectedTo,
    error: preflight.error,
  };
}

export function pairingKey(tabId: number, frameId: number, url: string, initiator: string | null): string {
  return `${tabId}\u0000${frameId}\u0000${initiator ?? ''}\u0000${url}`;
}
