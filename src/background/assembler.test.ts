import { describe, expect, it } from 'vitest';
import { judgeExchange } from '../engine/index';
import { ExchangeAssembler, type ClosedExchange, type RequestDetails } from './assembler';
import type { FlightRecord } from './flight-records';
import { isCrossOrigin } from './origin';

const PAGE = 'http://127.0.0.1:4000';
const API = 'http://localhost:5000';

function fixture(options: ConstructorParameters<typeof ExchangeAssembler>[1] = {}) {
  const closed: ClosedExchange[] = [];
  const assembler = new ExchangeAssembler((c) => closed.push(c), options);
  let clock = 1_000;
  const base = (id: string, extra: Partial<RequestDetails> = {}): RequestDetails => ({
    requestId: id,
    url: `${API}/data`,
    method: 'GET',
    type: 'xmlhttprequest',
    tabId: 7,
    frameId: 0,
    initiator: PAGE,
    timeStamp: (clock += 5),
    ...extra,
  });
  return { assembler, closed, base };
}

const corsHeaders = (extra: Array<[string, string]> = []) => [
  { name: 'Origin', value: PAGE },
  { name: 'Sec-Fetch-Mode', value: 'cors' },
  ...extra.map(([name, value]) => ({ name, value })),
];

describe('isCrossOrigin', () => {
  it('settles same origin by prefix, including port look-alikes', () => {
    expect(isCrossOrigin('http://a.test:3000', 'http://a.test:3000/x')).toBe(false);
    expect(isCrossOrigin('http://a.test:3000', 'http://a.test:3000?q')).toBe(false);
    expect(isCrossOrigin('http://a.test:3000', 'http://a.test:30001/x')).toBe(true);
    expect(isCrossOrigin('http://a.test', 'http://a.test.evil/x')).toBe(true);
    expect(isCrossOrigin('null', 'http://a.test/')).toBe(true);
    expect(isCrossOrigin(undefined, 'http://a.test/')).toBe(false);
  });
});

describe('ExchangeAssembler', () => {
  it('closes a passing simple request with its headers and response', () => {
    const { assembler, closed, base } = fixture();
    assembler.onSendHeaders({ ...base('1'), requestHeaders: corsHeaders() });
    assembler.onHeadersReceived({ ...base('1'), statusCode: 200, responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: '*' }] });
    assembler.onCompleted({ ...base('1'), statusCode: 200 });
    expect(closed).toHaveLength(1);
    const { exchange } = closed[0]!;
    expect(exchange.outcome).toEqual({ kind: 'completed' });
    expect(exchange.response?.headers).toEqual([{ name: 'Access-Control-Allow-Origin', value: '*' }]);
    expect(exchange.request.headers?.[0]).toEqual({ name: 'Origin', value: PAGE });
    expect(exchange.preflight).toBeNull();
    expect(assembler.openCount).toEqual({ flights: 0, preflights: 0, ignored: 0 });
  });

  it("drops same-origin, tabless (the browser's own, other extensions') and no-cors requests and forgets them", () => {
    const { assembler, closed, base } = fixture();
    assembler.onSendHeaders({ ...base('s', { url: `${PAGE}/same` }), requestHeaders: corsHeaders() });
    assembler.onSendHeaders({ ...base('b', { tabId: -1, frameId: -1, initiator: undefined }), requestHeaders: corsHeaders() });
    assembler.onSendHeaders({ ...base('x', { tabId: -1, frameId: -1, initiator: 'chrome-extension://abcdefghijklmnop' }), requestHeaders: corsHeaders() });
    const noCors = [{ name: 'Sec-Fetch-Mode', value: 'no-cors' }];
    assembler.onSendHeaders({ ...base('n', { type: 'image' }), requestHeaders: noCors });
    assembler.onHeadersReceived({ ...base('n', { type: 'image' }), statusCode: 200, responseHeaders: [] });
    expect(assembler.openCount.ignored).toBe(1);
    assembler.onCompleted({ ...base('n', { type: 'image' }), statusCode: 200 });
    assembler.onCompleted({ ...base('s', { url: `${PAGE}/same` }), statusCode: 200 });
    expect(closed).toEqual([]);
    expect(assembler.openCount).toEqual({ flights: 0, preflights: 0, ignored: 0 });
  });

  it("keeps a web page's service or shared worker request (tabId -1, the page's origin as initiator) for the worker log", () => {
    const { assembler, closed, base } = fixture();
    assembler.onSendHeaders({ ...base('w', { tabId: -1, frameId: -1 }), requestHeaders: corsHeaders() });
    assembler.onErrorOccurred({ ...base('w', { tabId: -1, frameId: -1 }), error: 'net::ERR_FAILED' });
    expect(closed.map((c) => [c.requestId, c.tabId, c.frameId])).toEqual([['w', -1, -1]]);
  });

  it('treats a cross-origin request with Origin but no Sec-Fetch-Mode as CORS, without Origin as no-cors', () => {
    const { assembler, closed, base } = fixture();
    assembler.onSendHeaders({ ...base('a'), requestHeaders: [{ name: 'Origin', value: PAGE }] });
    assembler.onSendHeaders({ ...base('b', { type: 'image' }), requestHeaders: [{ name: 'Accept', value: 'image/*' }] });
    assembler.onErrorOccurred({ ...base('a'), error: 'net::ERR_FAILED' });
    assembler.onErrorOccurred({ ...base('b', { type: 'image' }), error: 'net::ERR_FAILED' });
    expect(closed.map((c) => c.requestId)).toEqual(['a']);
  });

  it('pairs a failed preflight with its actual request, whose only event is the error', () => {
    const { assembler, closed, base } = fixture();
    const preflightHeaders = corsHeaders([
      ['Access-Control-Request-Method', 'PUT'],
      ['Access-Control-Request-Headers', 'x-token'],
    ]);
    assembler.onSendHeaders({ ...base('p', { method: 'OPTIONS' }), requestHeaders: preflightHeaders });
    assembler.onHeadersReceived({
      ...base('p', { method: 'OPTIONS' }),
      statusCode: 204,
      responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: PAGE }],
    });
    assembler.onCompleted({ ...base('p', { method: 'OPTIONS' }), statusCode: 204 });
    expect(closed).toEqual([]);
    assembler.onErrorOccurred({ ...base('a', { method: 'PUT' }), error: 'net::ERR_FAILED' });
    expect(closed).toHaveLength(1);
    const { exchange, startTime } = closed[0]!;
    expect(exchange.request).toMatchObject({ method: 'PUT', headers: null });
    expect(exchange.preflight?.request.headers).toEqual(preflightHeaders);
    expect(exchange.preflight?.response?.status).toBe(204);
    expect(exchange.preflight?.error).toBeNull();
    expect(exchange.outcome).toEqual({ kind: 'error', error: 'net::ERR_FAILED' });
    expect(startTime).toBeLessThan(closed[0]!.endTime);
    expect(assembler.openCount).toEqual({ flights: 0, preflights: 0, ignored: 0 });
  });

  it('keeps a real OPTIONS request whose own preflight failed, and ignores an orphan OPTIONS error', () => {
    const { assembler, closed, base } = fixture();
    const preflightHeaders = corsHeaders([['Access-Control-Request-Method', 'OPTIONS']]);
    assembler.onSendHeaders({ ...base('p', { method: 'OPTIONS' }), requestHeaders: preflightHeaders });
    assembler.onHeadersReceived({
      ...base('p', { method: 'OPTIONS' }),
      statusCode: 204,
      responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: PAGE }],
    });
    assembler.onCompleted({ ...base('p', { method: 'OPTIONS' }), statusCode: 204 });
    assembler.onErrorOccurred({ ...base('a', { method: 'OPTIONS' }), error: 'net::ERR_FAILED' });
    expect(closed).toHaveLength(1);
    expect(closed[0]!.exchange.request).toMatchObject({ method: 'OPTIONS', headers: null });
    expect(closed[0]!.exchange.preflight?.request.headers).toEqual(preflightHeaders);
    expect(judgeExchange(closed[0]!.exchange)).toMatchObject({ rule: 'MethodDisallowedByPreflightResponse', failedParameter: 'OPTIONS' });
    // With no preflight asking for OPTIONS in the pool, an OPTIONS error is a preflight whose start was lost.
    assembler.onErrorOccurred({ ...base('orphan', { method: 'OPTIONS' }), error: 'net::ERR_FAILED' });
    expect(closed).toHaveLength(1);
    expect(assembler.openCount).toEqual({ flights: 0, preflights: 0, ignored: 0 });
  });

  it('pairs a passed preflight when the actual request sends its headers, and only by method', () => {
    const { assembler, closed, base } = fixture();
    const preflight = (id: string, method: string) => {
      assembler.onSendHeaders({ ...base(id, { method: 'OPTIONS' }), requestHeaders: corsHeaders([['Access-Control-Request-Method', method]]) });
      assembler.onHeadersReceived({ ...base(id, { method: 'OPTIONS' }), statusCode: 200, responseHeaders: [{ name: 'X-Which', value: id }] });
      assembler.onCompleted({ ...base(id, { method: 'OPTIONS' }), statusCode: 200 });
    };
    preflight('p-delete', 'DELETE');
    preflight('p-put', 'PUT');
    assembler.onSendHeaders({ ...base('a', { method: 'PUT' }), requestHeaders: corsHeaders() });
    assembler.onHeadersReceived({ ...base('a', { method: 'PUT' }), statusCode: 200, responseHeaders: [] });
    assembler.onCompleted({ ...base('a', { method: 'PUT' }), statusCode: 200 });
    expect(closed[0]!.exchange.preflight?.response?.headers).toEqual([{ name: 'X-Which', value: 'p-put' }]);
    expect(assembler.openCount.preflights).toBe(1);
  });

  it('pairs concurrent identical requests with preflights oldest first', () => {
    const { assembler, closed, base } = fixture();
    for (const id of ['p1', 'p2']) {
      assembler.onSendHeaders({ ...base(id, { method: 'OPTIONS' }), requestHeaders: corsHeaders([['Access-Control-Request-Method', 'PUT']]) });
    }
    for (const id of ['p1', 'p2']) assembler.onCompleted({ ...base(id, { method: 'OPTIONS' }), statusCode: 200 });
    assembler.onErrorOccurred({ ...base('a1', { method: 'PUT' }), error: 'net::ERR_FAILED' });
    assembler.onErrorOccurred({ ...base('a2', { method: 'PUT' }), error: 'net::ERR_FAILED' });
    expect(closed.map((c) => c.exchange.preflight !== null)).toEqual([true, true]);
    expect(assembler.openCount.preflights).toBe(0);
  });

  it('does not pair across tabs, frames or initiators', () => {
    const { assembler, closed, base } = fixture();
    assembler.onSendHeaders({ ...base('p', { method: 'OPTIONS', frameId: 3 }), requestHeaders: corsHeaders([['Access-Control-Request-Method', 'PUT']]) });
    assembler.onCompleted({ ...base('p', { method: 'OPTIONS', frameId: 3 }), statusCode: 200 });
    assembler.onErrorOccurred({ ...base('a', { method: 'PUT' }), error: 'net::ERR_FAILED' });
    expect(closed[0]!.exchange.preflight).toBeNull();
  });

  it('flags as partial a request blocked before sending headers whose preflight was never seen', () => {
    const { assembler, closed, base } = fixture();
    assembler.onErrorOccurred({ ...base('a', { method: 'DELETE' }), error: 'net::ERR_FAILED' });
    assembler.onErrorOccurred({ ...base('b'), error: 'net::ERR_CONNECTION_REFUSED' });
    expect(closed.map((c) => [c.requestId, c.exchange.partial === true])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('flags as partial a request whose preflight lost its answer events', () => {
    const { assembler, closed, base } = fixture();
    assembler.onSendHeaders({ ...base('p', { method: 'OPTIONS' }), requestHeaders: corsHeaders([['Access-Control-Request-Method', 'PUT']]) });
    assembler.onErrorOccurred({ ...base('a', { method: 'PUT' }), error: 'net::ERR_FAILED' });
    expect(closed[0]).toMatchObject({ exchange: { partial: true, preflight: { response: null, error: null } } });
  });

  it('flags as partial a request that went on after its preflight lost its answer events', () => {
    const { assembler, closed, base } = fixture();
    const asked = corsHeaders([['Access-Control-Request-Method', 'PUT']]);
    assembler.onSendHeaders({ ...base('p', { method: 'OPTIONS' }), requestHeaders: asked });
    // The preflight's onHeadersReceived and onCompleted went to a worker that was stopping.
    assembler.onSendHeaders({ ...base('a', { method: 'PUT' }), requestHeaders: corsHeaders() });
    assembler.onHeadersReceived({ ...base('a', { method: 'PUT' }), statusCode: 200, responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: PAGE }] });
    assembler.onCompleted({ ...base('a', { method: 'PUT' }), statusCode: 200 });
    // The same with its answer: whole.
    assembler.onSendHeaders({ ...base('q', { method: 'OPTIONS' }), requestHeaders: asked });
    assembler.onHeadersReceived({ ...base('q', { method: 'OPTIONS' }), statusCode: 204, responseHeaders: [] });
    assembler.onCompleted({ ...base('q', { method: 'OPTIONS' }), statusCode: 204 });
    assembler.onSendHeaders({ ...base('b', { method: 'PUT' }), requestHeaders: corsHeaders() });
    assembler.onHeadersReceived({ ...base('b', { method: 'PUT' }), statusCode: 200, responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: PAGE }] });
    assembler.onCompleted({ ...base('b', { method: 'PUT' }), statusCode: 200 });
    expect(closed.map((c) => [c.requestId, c.exchange.partial === true, c.exchange.preflight?.response?.status ?? null])).toEqual([
      ['a', true, null],
      ['b', false, 204],
    ]);
  });

  it('records a preflight that failed at the network level with its error', () => {
    const { assembler, closed, base } = fixture();
    assembler.onSendHeaders({ ...base('p', { method: 'OPTIONS' }), requestHeaders: corsHeaders([['Access-Control-Request-Method', 'PUT']]) });
    assembler.onErrorOccurred({ ...base('p', { method: 'OPTIONS' }), error: 'net::ERR_EMPTY_RESPONSE' });
    assembler.onErrorOccurred({ ...base('a', { method: 'PUT' }), error: 'net::ERR_EMPTY_RESPONSE' });
    expect(closed[0]!.exchange.preflight).toMatchObject({ response: null, error: 'net::ERR_EMPTY_RESPONSE' });
  });

  it('follows a redirect chain without onBeforeRedirect', () => {
    const { assembler, closed, base } = fixture();
    const hop = (url: string, to: string, id = 'r') => {
      assembler.onSendHeaders({ ...base(id, { url }), requestHeaders: corsHeaders() });
      assembler.onHeadersReceived({ ...base(id, { url }), statusCode: 302, responseHeaders: [{ name: 'Location', value: to }] });
    };
    hop(`${API}/a`, '/b');
    hop(`${API}/b`, 'http://localhost:6000/c');
    assembler.onSendHeaders({ ...base('r', { url: 'http://localhost:6000/c' }), requestHeaders: corsHeaders() });
    assembler.onHeadersReceived({ ...base('r', { url: 'http://localhost:6000/c' }), statusCode: 200, responseHeaders: [] });
    assembler.onErrorOccurred({ ...base('r', { url: 'http://localhost:6000/c' }), error: 'net::ERR_FAILED' });
    const { exchange } = closed[0]!;
    expect(exchange.request.url).toBe(`${API}/a`);
    expect(exchange.redirects.map((h) => [h.url, h.status, h.location])).toEqual([
      [`${API}/a`, 302, '/b'],
      [`${API}/b`, 302, 'http://localhost:6000/c'],
    ]);
    expect(exchange.response?.status).toBe(200);
  });

  it('puts a redirect that failed its own CORS check into the hops, with no final response', () => {
    const { assembler, closed, base } = fixture();
    assembler.onSendHeaders({ ...base('r'), requestHeaders: corsHeaders() });
    assembler.onHeadersReceived({ ...base('r'), statusCode: 307, responseHeaders: [{ name: 'Location', value: `${API}/next` }] });
    assembler.onErrorOccurred({ ...base('r'), error: 'net::ERR_FAILED' });
    const { exchange } = closed[0]!;
    expect(exchange.redirects).toEqual([{ url: `${API}/data`, status: 307, location: `${API}/next`, headers: [{ name: 'Location', value: `${API}/next` }] }]);
    expect(exchange.response).toBeNull();
  });

  it('pairs the second preflight sent to a redirect target when it fails, so the exchange is judged on it', () => {
    const { assembler, closed, base } = fixture();
    const target = 'http://localhost:6000/target';
    const put = (extra: Partial<RequestDetails> = {}) => base('a', { method: 'PUT', ...extra });
    const preflight = (id: string, url: string, allowOrigin: string | null) => {
      const options = { method: 'OPTIONS', url };
      assembler.onSendHeaders({ ...base(id, options), requestHeaders: corsHeaders([['Access-Control-Request-Method', 'PUT']]) });
      const headers = [
        ...(allowOrigin ? [{ name: 'Access-Control-Allow-Origin', value: allowOrigin }] : []),
        { name: 'Access-Control-Allow-Methods', value: 'PUT' },
      ];
      assembler.onHeadersReceived({ ...base(id, options), statusCode: 204, responseHeaders: headers });
      assembler.onCompleted({ ...base(id, options), statusCode: 204 });
    };
    preflight('p1', `${API}/data`, PAGE);
    assembler.onSendHeaders({ ...put(), requestHeaders: corsHeaders() });
    assembler.onHeadersReceived({
      ...put(),
      statusCode: 307,
      responseHeaders: [
        { name: 'Access-Control-Allow-Origin', value: PAGE },
        { name: 'Location', value: target },
      ],
    });
    // Chromium preflights the target before following; this one lacks Allow-Origin, so the PUT dies there.
    preflight('p2', target, null);
    assembler.onErrorOccurred({ ...put(), error: 'net::ERR_FAILED' });

    expect(closed).toHaveLength(1);
    const { exchange } = closed[0]!;
    expect(exchange.redirects.map((hop) => [hop.url, hop.status, hop.location])).toEqual([[`${API}/data`, 307, target]]);
    expect(exchange.preflight?.url).toBe(target);
    expect(exchange.preflight?.response?.headers.map((h) => h.name)).toEqual(['Access-Control-Allow-Methods']);
    expect(exchange.response).toBeNull();
    expect(assembler.openCount).toEqual({ flights: 0, preflights: 0, ignored: 0 });
    expect(judgeExchange(exchange)).toMatchObject({ blocked: true, rule: 'PreflightMissingAllowOriginHeader' });
  });

  it('leaves the first preflight on an exchange whose redirect itself failed, with no preflight at the target', () => {
    const { assembler, closed, base } = fixture();
    const put = base('a', { method: 'PUT' });
    assembler.onSendHeaders({ ...base('p1', { method: 'OPTIONS' }), requestHeaders: corsHeaders([['Access-Control-Request-Method', 'PUT']]) });
    assembler.onCompleted({ ...base('p1', { method: 'OPTIONS' }), statusCode: 204, responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: PAGE }] });
    assembler.onSendHeaders({ ...put, requestHeaders: corsHeaders() });
    assembler.onHeadersReceived({ ...put, statusCode: 307, responseHeaders: [{ name: 'Location', value: `${API}/next` }] });
    assembler.onErrorOccurred({ ...put, error: 'net::ERR_FAILED' });
    expect(closed[0]!.exchange.preflight?.url).toBe(`${API}/data`);
    expect(closed[0]!.exchange.redirects).toHaveLength(1);
  });

  it('rebuilds an exchange whose start a worker restart lost, from its end event', () => {
    const { assembler, closed, base } = fixture();
    assembler.onHeadersReceived({ ...base('x'), statusCode: 200, responseHeaders: [{ name: 'Content-Type', value: 'text/plain' }] });
    assembler.onErrorOccurred({ ...base('x'), error: 'net::ERR_FAILED' });
    assembler.onCompleted({ ...base('y'), statusCode: 200, responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: '*' }] });
    expect(closed.map((c) => [c.requestId, c.exchange.partial === true, c.exchange.response?.status])).toEqual([
      ['x', true, 200],
      ['y', true, 200],
    ]);
  });

  it('flags as partial a sent request blocked without a response only when it ran across a worker stop', () => {
    // Worker A sees the request go out and persists its record; Chromium then stops A and discards
    // the response's onHeadersReceived. Worker B takes the record back and gets the error.
    const persisted = new Map<string, FlightRecord>();
    const workerA = fixture({ onFlightChanged: (id, flight) => (flight ? persisted.set(id, structuredClone(flight)) : persisted.delete(id)) });
    workerA.assembler.onSendHeaders({ ...workerA.base('lost'), requestHeaders: corsHeaders() });
    const workerB = fixture();
    workerB.assembler.restoreFlights([...persisted.values()]);
    workerB.assembler.onErrorOccurred({ ...workerB.base('lost'), error: 'net::ERR_FAILED' });
    // One worker sees the same request through: no event was lost, there was no response (Local
    // Network Access failing the connection to a local address).
    workerB.assembler.onSendHeaders({ ...workerB.base('seen'), requestHeaders: corsHeaders() });
    workerB.assembler.onErrorOccurred({ ...workerB.base('seen'), error: 'net::ERR_FAILED' });
    const [lost, seen] = workerB.closed;
    expect([lost!.requestId, lost!.exchange.partial]).toEqual(['lost', true]);
    expect([seen!.requestId, seen!.exchange.partial]).toEqual(['seen', undefined]);
    expect(judgeExchange(lost!.exchange)).toMatchObject({ kind: 'network-error', blocked: false, rule: null });
    expect(judgeExchange(seen!.exchange)).toMatchObject({ blocked: true, rule: 'InvalidLocalNetworkAccess' });
  });

  it('keeps a headerless image only when the server answered as to CORS', () => {
    const { assembler, closed, base } = fixture();
    assembler.onCompleted({ ...base('img1', { type: 'image' }), statusCode: 200, responseHeaders: [] });
    assembler.onCompleted({ ...base('img2', { type: 'image' }), statusCode: 200, responseHeaders: [{ name: 'access-control-allow-origin', value: '*' }] });
    expect(closed.map((c) => c.requestId)).toEqual(['img2']);
  });

  it('times out half-open requests and unclaimed preflights', () => {
    const { assembler, closed, base } = fixture({ idleFlightMs: 1_000, preflightClaimMs: 500, sweepEveryMs: 100 });
    assembler.onSendHeaders({ ...base('open'), requestHeaders: corsHeaders() });
    assembler.onSendHeaders({ ...base('p', { method: 'OPTIONS' }), requestHeaders: corsHeaders([['Access-Control-Request-Method', 'PUT']]) });
    assembler.onCompleted({ ...base('p', { method: 'OPTIONS' }), statusCode: 200 });
    assembler.onSendHeaders({ ...base('n', { type: 'image' }), requestHeaders: [] });
    expect(assembler.openCount).toEqual({ flights: 1, preflights: 1, ignored: 1 });
    assembler.sweep(1_000 + 5_000);
    expect(assembler.openCount).toEqual({ flights: 0, preflights: 0, ignored: 0 });
    expect(closed).toEqual([]);
  });

  it('drops the cache-only probe Chromium sends before a font load', () => {
    const { assembler, closed, base } = fixture();
    assembler.onSendHeaders({ ...base('probe', { type: 'font' }), requestHeaders: corsHeaders() });
    assembler.onErrorOccurred({ ...base('probe', { type: 'font' }), error: 'net::ERR_CACHE_MISS' });
    expect(closed).toEqual([]);
    expect(assembler.openCount.flights).toBe(0);
  });

  it('keeps non-UTF-8 header bytes one char per byte', () => {
    const { assembler, closed, base } = fixture();
    assembler.onSendHeaders({ ...base('b'), requestHeaders: corsHeaders() });
    assembler.onHeadersReceived({ ...base('b'), statusCode: 200, responseHeaders: [{ name: 'X-Bin', binaryValue: [0xff, 0x41, 0x00] }] });
    assembler.onCompleted({ ...base('b'), statusCode: 200 });
    expect(closed[0]!.exchange.response?.headers).toEqual([{ name: 'X-Bin', value: '\u00ffA\u0000' }]);
  });
});
