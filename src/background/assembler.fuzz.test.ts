/**
 * Fuzz of the exchange assembler (fast-check): any order, any subset and any content of webRequest
 * events, hostile values included (HTML and script, control characters, lone surrogates, huge
 * values, thousands of headers), never throws; each request closes at most once per start; every
 * closed exchange is judged by the engine without throwing; and the state a restart persists
 * survives a structured-clone round trip (what chrome.storage.session does to it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeExchange } from '../engine/index';
import { ExchangeAssembler, type ClosedExchange, type FlightRecord, type PendingPreflight } from './assembler';

const PAGE = 'http://127.0.0.1:4000';
const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '\u0000\r\n\u001b[31m', '\ud800', 'é中文🙂'),
  fc.constant('x'.repeat(70_000)),
);
const header = fc.record({
  name: fc.oneof(
    fc.constantFrom(
      'Origin',
      'Access-Control-Allow-Origin',
      'Access-Control-Request-Method',
      'Access-Control-Allow-Methods',
      'Sec-Fetch-Mode',
      'Location',
      'Content-Type',
    ),
    hostile,
  ),
  value: fc.oneof(fc.constantFrom(PAGE, '*', 'cors', 'no-cors', 'PUT', 'http://localhost:5000/next'), hostile),
});
const headers = fc.oneof(fc.array(header, { maxLength: 8 }), fc.constant(Array.from({ length: 3_000 }, (_, i) => ({ name: `X-${i}`, value: `${i}` }))));
const url = fc.oneof(fc.constantFrom('http://localhost:5000/a', 'http://localhost:5000/b', `${PAGE}/same`), fc.webUrl(), hostile);
const event = fc.record({
  kind: fc.constantFrom('send', 'headers', 'completed', 'error'),
  requestId: fc.constantFrom('1', '2', '3', '4'),
  url,
  method: fc.constantFrom('GET', 'OPTIONS', 'PUT', 'get', 'DELETE'),
  type: fc.constantFrom('xmlhttprequest', 'font', 'image', 'script', 'main_frame'),
  tabId: fc.constantFrom(-1, 1, 2),
  initiator: fc.option(fc.constantFrom(PAGE, 'http://localhost:5000', 'null'), { nil: undefined }),
  statusCode: fc.constantFrom(200, 204, 307, 404, 500),
  headers,
  error: fc.constantFrom('net::ERR_FAILED', 'net::ERR_ABORTED', 'net::ERR_CONNECTION_REFUSED', 'net::ERR_CACHE_MISS'),
});

describe('ExchangeAssembler fuzz', () => {
  it('survives any sequence of events and closes judgeable exchanges', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), (events) => {
        const closed: ClosedExchange[] = [];
        const persisted = new Map<string, FlightRecord>();
        const persistedPool = new Map<string, PendingPreflight>();
        const assembler = new ExchangeAssembler((c) => closed.push(c), {
          onFlightChanged: (id, flight) => (flight ? persisted.set(id, structuredClone(flight)) : persisted.delete(id)),
          onPreflightChanged: (id, preflight) => (preflight ? persistedPool.set(id, structuredClone(preflight)) : persistedPool.delete(id)),
        });
        let clock = 1_000;
        for (const e of events) {
          const base = {
            requestId: e.requestId,
            url: e.url,
            method: e.method,
            type: e.type,
            tabId: e.tabId,
            frameId: 0,
            initiator: e.initiator,
            timeStamp: (clock += 3),
          };
          if (e.kind === 'send') assembler.onSendHeaders({ ...base, requestHeaders: e.headers });
          else if (e.kind === 'headers') assembler.onHeadersReceived({ ...base, statusCode: e.statusCode, responseHeaders: e.headers });
          else if (e.kind === 'completed') assembler.onCompleted({ ...base, statusCode: e.statusCode, responseHeaders: e.headers });
          else assembler.onErrorOccurred({ ...base, error: e.error });
        }
        const ends = events.filter((e) => e.kind === 'completed' || e.kind === 'error').length;
        expect(closed.length).toBeLessThanOrEqual(ends);
        for (const c of closed) {
          // A tab's, or the worker log's (a web page's service or shared worker: tabId -1).
          expect(c.tabId).toBeGreaterThanOrEqual(-1);
          const verdict = judgeExchange(c.exchange);
          expect(typeof verdict.kind).toBe('string');
          expect(typeof verdict.blocked).toBe('boolean');
        }
        // What a restart would persist rebuilds an assembler that keeps working.
        const next = new ExchangeAssembler(() => {});
        next.restoreFlights([...persisted.values()]);
        // The preflights persisted one by one are the pool: none missing, none left over.
        expect([...persistedPool.keys()].sort()).toEqual(
          assembler
            .preflightPool()
            .map((p) => p.requestId)
            .sort(),
        );
        next.restorePreflightPool([...persistedPool.values()].sort((a, b) => a.startTime - b.startTime));
        next.onErrorOccurred({
          requestId: '1',
          url: 'http://localhost:5000/a',
          method: 'GET',
          type: 'xmlhttprequest',
          tabId: 1,
          frameId: 0,
          initiator: PAGE,
          timeStamp: clock + 5,
          error: 'net::ERR_FAILED',
        });
      }),
      { numRuns: 10_000 },
    );
  }, 120_000);
});
