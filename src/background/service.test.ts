import { describe, expect, it } from 'vitest';
import type { ObservedExchange, Verdict } from '../engine/types';
import type { PortMessage } from '../shared/messages';
import { couldNotJudgeVerdict } from '../engine/could-not-judge';
import { judgeExchange, responsePassesCorsChecks } from '../engine/index';
import { exchangeOfEntry as exchangeOf } from './entry';
import { memoryArea } from './memory-area';
import { Background, type PortLike } from './service';

const PAGE = 'http://127.0.0.1:4000';

/** Blocks what failed with ERR_FAILED, and a response without Allow-Origin (as the engine would). */
function fakeJudge(exchange: ObservedExchange): Verdict {
  if (exchange.request.url.includes('throw')) throw new Error('engine blew up');
  const noCors = exchange.request.headers?.some((h) => h.name.toLowerCase() === 'sec-fetch-mode' && h.value === 'no-cors') ?? false;
  // A no-cors request with nothing to warn about, as the engine judges one: not CORS, so not recorded.
  if (noCors) return { ...couldNotJudgeVerdict(exchange, 'fake'), kind: 'not-cors', blocked: false, warnings: [] };
  const allowed = exchange.response?.headers.some((h) => h.name.toLowerCase() === 'access-control-allow-origin') ?? true;
  const outcome = allowed ? exchange.outcome : ({ kind: 'error', error: 'net::ERR_FAILED' } as const);
  const verdict = couldNotJudgeVerdict({ ...exchange, outcome }, 'fake');
  const blocked = outcome.kind === 'error' && outcome.error === 'net::ERR_FAILED';
  if (blocked) return { ...verdict, kind: 'cors-blocked', blocked: true, networkError: null, rule: 'MissingAllowOriginHeader', confidence: 'certain' };
  return verdict;
}

/** The fake judge's CORS check, told apart from its verdict as the engine's responsePassesCorsChecks is. */
function fakePassesCorsChecks(exchange: ObservedExchange): boolean {
  return exchange.response?.headers.some((h) => h.name.toLowerCase() === 'access-control-allow-origin') ?? false;
}

/** The real engine, where a test needs its verdicts and its CORS checks rather than the fakes'. */
const REAL_ENGINE = {
  judge: (exchange: ObservedExchange) => judgeExchange(exchange),
  passesCorsChecks: (exchange: ObservedExchange) => responsePassesCorsChecks(exchange),
};

function setup(
  area = memoryArea(),
  captureScope?: ConstructorParameters<typeof Background>[0]['captureScope'],
  engine = { judge: fakeJudge, passesCorsChecks: fakePassesCorsChecks },
) {
  const badges: Array<[number, string]> = [];
  const background = new Background({
    ...(captureScope ? { captureScope } : {}),
    area,
    badge: { setText: async (tabId, text) => void badges.push([tabId, text]), setTitle: async () => {}, setColor: async () => {} },
    ...engine,
    getTab: async (tabId) => (tabId === 9 ? { url: `${PAGE}/app`, title: 'App' } : null),
    tool: { name: 'CORS Doctor', version: '0.1.0' },
    browserInfo: { name: 'Chromium', version: '156' },
    badgeThrottleMs: 0,
  });
  let clock = 10_000;
  const fail = (id: string, url = 'http://localhost:5000/x', tabId = 9) => {
    const base = { requestId: id, url, method: 'GET', type: 'xmlhttprequest', tabId, frameId: 0, initiator: PAGE };
    background.assembler.onSendHeaders({ ...base, timeStamp: clock++, requestHeaders: [{ name: 'Origin', value: PAGE }] });
    background.assembler.onHeadersReceived({ ...base, timeStamp: clock++, statusCode: 200, responseHeaders: [] });
    background.assembler.onErrorOccurred({ ...base, timeStamp: clock++, error: 'net::ERR_FAILED' });
  };
  /** The same, through the webRequest listeners' entry point (held while the worker restores). */
  const failCaptured = (id: string, url = 'http://localhost:5000/x', tabId = 9) => {
    const base = { requestId: id, url, method: 'GET', type: 'xmlhttprequest', tabId, frameId: 0, initiator: PAGE };
    background.capture.onSendHeaders({ ...base, timeStamp: clock++, requestHeaders: [{ name: 'Origin', value: PAGE }] });
    background.capture.onHeadersReceived({ ...base, timeStamp: clock++, statusCode: 200, responseHeaders: [] });
    background.capture.onErrorOccurred({ ...base, timeStamp: clock++, error: 'net::ERR_FAILED' });
  };
  return { background, badges, fail, failCaptured };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** The keys under `prefix` that hold a record (an open request, a pending preflight), not the closed mark. */
function recordKeys(stored: Record<string, unknown>, prefix: string): string[] {
  return Object.keys(stored)
    .filter((key) => key.startsWith(prefix) && typeof stored[key] === 'object')
    .sort();
}

describe('Background', () => {
  it('answers getReport with the contract shape and counts failures by rule', async () => {
    const { background, fail } = setup();
    fail('1');
    fail('2');
    await settle();
    const report = (await background.handleMessage({ type: 'getReport', tabId: 9 })) as Awaited<ReturnType<Background['report']>>;
    expect(report).toMatchObject({
      schemaVersion: 1,
      tool: { name: 'CORS Doctor', version: '0.1.0' },
      tab: { id: 9, url: `${PAGE}/app`, title: 'App' },
      currentPageId: 1,
      dropped: 0,
      summary: { total: 2, failures: 2, byRule: { MissingAllowOriginHeader: 2 } },
    });
    expect(report.entries.map((e) => e.id)).toEqual(['9-0', '9-1']);
  });

  it('has in storage every entry a report shows, and nothing after a clear, by the time it answers', async () => {
    const area = memoryArea();
    const { background, fail } = setup(area);
    fail('1');
    await settle();
    const report = (await background.handleMessage({ type: 'getReport', tabId: 9 })) as Awaited<ReturnType<Background['report']>>;
    expect(report.entries).toHaveLength(1);
    expect(Object.keys(await area.get(null))).toContain('entry:9:0');
    await background.handleMessage({ type: 'clearTab', tabId: 9 });
    expect(Object.keys(await area.get(null))).not.toContain('entry:9:0');
  });

  it('ignores messages that are not ours and rejects ours without a tab id', async () => {
    const { background } = setup();
    expect(background.handleMessage({ type: 'somethingElse' })).toBeUndefined();
    expect(background.handleMessage('getReport')).toBeUndefined();
    expect(background.handleMessage({ type: 'toString', tabId: 1 })).toBeUndefined();
    await expect(background.handleMessage({ type: 'getReport' })).rejects.toThrow(/integer tabId/);
  });

  it('keeps an exchange the engine could not judge', async () => {
    const { background, fail, badges } = setup();
    fail('1', 'http://localhost:5000/throw');
    await settle();
    const report = await background.report(9);
    // Never a CORS block: the engine's one "could not judge" verdict says what the browser did
    // (net::ERR_FAILED, a network error) and names no rule, so the badge does not count it.
    expect(report.entries[0]?.verdict).toMatchObject({
      blocked: false,
      kind: 'network-error',
      networkError: 'net::ERR_FAILED',
      rule: null,
      confidence: 'inferred',
    });
    expect(report.entries[0]?.verdict.explanation).toContain('engine blew up');
    expect(report.summary.failures).toBe(0);
    expect(badges.filter(([tabId, text]) => tabId === 9 && text !== '')).toEqual([]);
  });

  it('shows the page failure count on the badge and resets it on navigation', async () => {
    const { background, badges, fail } = setup();
    fail('1');
    await settle();
    fail('2');
    await settle();
    await background.navigated(9, `${PAGE}/next`);
    await settle();
    expect(badges.filter(([tab]) => tab === 9).map(([, text]) => text)).toEqual(['1', '2', '']);
  });

  it('sends a panel the snapshot, then each new entry, navigation and clearing', async () => {
    const { background, fail } = setup();
    fail('1');
    await settle();
    const received: PortMessage[] = [];
    const listeners: Array<(m: unknown) => void> = [];
    const port: PortLike = {
      name: 'cors-doctor-panel',
      postMessage: (m) => void received.push(m),
      onMessage: { addListener: (l) => void listeners.push(l) },
      onDisconnect: { addListener: () => {} },
    };
    background.handlePort(port);
    listeners[0]!({ type: 'subscribe', tabId: 9 });
    // An entry closing while the snapshot is built is sent once: in the snapshot or after it.
    fail('2');
    await settle();
    fail('3');
    await settle();
    await background.navigated(9, `${PAGE}/b`);
    await background.clearTab(9);
    const snapshot = received[0] as Extract<PortMessage, { type: 'snapshot' }>;
    const live = received.filter((m): m is Extract<PortMessage, { type: 'entry' }> => m.type === 'entry');
    expect([...snapshot.report.entries, ...live.map((m) => m.entry)].map((e) => e.id)).toEqual(['9-0', '9-1', '9-2']);
    expect(received.map((m) => m.type).slice(-2)).toEqual(['navigated', 'cleared']);
  });

  it('holds the events that come before the watch state is known, journaled, and drops those of unwatched tabs on release', async () => {
    const area = memoryArea();
    let known: () => void = () => {};
    const scopeKnown = new Promise<void>((resolve) => (known = resolve));
    const { background, failCaptured } = setup(area, { known: () => scopeKnown, captures: (tabId) => tabId === 9 });
    failCaptured('watched', 'http://localhost:5000/a', 9);
    failCaptured('unwatched', 'http://localhost:5000/b', 4);
    await settle();
    await background.flush();
    // Journaled, so that a stop now loses neither (the next worker replays and filters them).
    const journal = Object.entries(await area.get(null)).find(([key]) => key.startsWith('journal:'));
    expect(journal?.[1]).toHaveLength(6);
    let released = false;
    void background.whenCapturing().then(() => (released = true));
    await settle();
    expect(released).toBe(false);
    known();
    await background.whenCapturing();
    await settle();
    expect((await background.report(9)).entries.map((e) => e.request.url)).toEqual(['http://localhost:5000/a']);
    expect((await background.report(4)).entries).toEqual([]);
  });

  it('pairs a preflight that ended in the previous worker with the error that wakes the next one', async () => {
    const area = memoryArea();
    const first = setup(area).background;
    await first.whenCapturing();
    const base = { url: 'http://localhost:5000/x', type: 'xmlhttprequest', tabId: 9, frameId: 0, initiator: PAGE };
    const preflight = { ...base, requestId: 'p', method: 'OPTIONS' };
    first.capture.onSendHeaders({
      ...preflight,
      timeStamp: 1,
      requestHeaders: [
        { name: 'Origin', value: PAGE },
        { name: 'Access-Control-Request-Method', value: 'PUT' },
      ],
    });
    first.capture.onHeadersReceived({ ...preflight, timeStamp: 2, statusCode: 204, responseHeaders: [] });
    first.capture.onCompleted({ ...preflight, timeStamp: 3, statusCode: 204 });
    await settle();

    const second = setup(area).background;
    // The waking event arrives before the new worker has read anything back.
    second.capture.onErrorOccurred({ ...base, requestId: 'a', method: 'PUT', timeStamp: 4, error: 'net::ERR_FAILED' });
    await second.whenCapturing();
    await settle();
    const [entry] = (await second.report(9)).entries;
    expect(entry?.preflight?.response?.status).toBe(204);
    expect(entry?.partial).toBe(false);
    await second.flush();
    // Claimed: the preflight lives on in its request's entry, and its own key says it left the pool.
    const left = await area.get(null);
    expect(recordKeys(left, 'preflight:')).toEqual([]);
    expect(left['preflight:p']).toBe(0);
  });

  it('closes complete a request whose start one worker saw and whose end reaches the next', async () => {
    const area = memoryArea();
    const first = setup(area).background;
    await first.whenCapturing();
    const api = 'http://localhost:5000';
    const request = (requestId: string, url: string, method = 'GET') =>
      ({ requestId, url, method, type: 'xmlhttprequest', tabId: 9, frameId: 0, initiator: PAGE }) as const;
    const sent = [
      { name: 'Origin', value: PAGE },
      { name: 'Cookie', value: 'sid=1' },
    ];
    // Blocked: its response headers come only with onHeadersReceived, never with the error.
    first.capture.onSendHeaders({ ...request('blocked', `${api}/a`), timeStamp: 1, requestHeaders: sent });
    first.capture.onHeadersReceived({
      ...request('blocked', `${api}/a`),
      timeStamp: 2,
      statusCode: 200,
      responseHeaders: [{ name: 'X-Seen', value: 'first' }],
    });
    // Redirected in the first worker, answered in the next.
    first.capture.onSendHeaders({ ...request('moved', `${api}/old`), timeStamp: 3, requestHeaders: sent });
    first.capture.onHeadersReceived({
      ...request('moved', `${api}/old`),
      timeStamp: 4,
      statusCode: 307,
      responseHeaders: [
        { name: 'Access-Control-Allow-Origin', value: PAGE },
        { name: 'Location', value: `${api}/new` },
      ],
    });
    // Preflighted: the preflight passed, the actual request sent its headers, then the stop.
    const preflightHeaders = [
      { name: 'Origin', value: PAGE },
      { name: 'Access-Control-Request-Method', value: 'PUT' },
    ];
    first.capture.onSendHeaders({ ...request('p', `${api}/put`, 'OPTIONS'), timeStamp: 5, requestHeaders: preflightHeaders });
    first.capture.onCompleted({ ...request('p', `${api}/put`, 'OPTIONS'), timeStamp: 6, statusCode: 204, responseHeaders: [] });
    first.capture.onSendHeaders({ ...request('put', `${api}/put`, 'PUT'), timeStamp: 7, requestHeaders: sent });
    await settle();
    await first.flush();
    expect(recordKeys(await area.get(null), 'flight:')).toEqual(['flight:blocked', 'flight:moved', 'flight:put']);

    const second = setup(area).background;
    second.capture.onErrorOccurred({ ...request('blocked', `${api}/a`), timeStamp: 10, error: 'net::ERR_FAILED' });
    second.capture.onSendHeaders({ ...request('moved', `${api}/new`), timeStamp: 11, requestHeaders: sent });
    second.capture.onCompleted({
      ...request('moved', `${api}/new`),
      timeStamp: 12,
      statusCode: 200,
      responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: PAGE }],
    });
    second.capture.onCompleted({
      ...request('put', `${api}/put`, 'PUT'),
      timeStamp: 13,
      statusCode: 200,
      responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: PAGE }],
    });
    await second.whenCapturing();
    await settle();
    const entries = (await second.report(9)).entries;
    expect(entries.map((e) => [e.request.url, e.partial, e.request.headers])).toEqual([
      [`${api}/a`, false, sent],
      [`${api}/old`, false, sent],
      [`${api}/put`, false, sent],
    ]);
    expect(entries[0]!.response).toEqual({ status: 200, headers: [{ name: 'X-Seen', value: 'first' }] });
    expect(entries[0]!.verdict.blocked).toBe(true);
    expect(entries[1]!.redirects.map((hop) => [hop.url, hop.status])).toEqual([[`${api}/old`, 307]]);
    expect(entries[2]!.preflight?.response?.status).toBe(204);
    await second.flush();
    const left = await area.get(null);
    // A closed request's key is marked closed in the call that closed it, and removed in a later batch.
    expect(recordKeys(left, 'flight:')).toEqual([]);
    expect(['flight:blocked', 'flight:moved', 'flight:put'].map((key) => left[key])).toEqual([0, 0, 0]);
  });

  it('writes a response that fails the CORS checks and not one that passes, so a stop before the error loses nothing (the real engine)', async () => {
    const area = memoryArea();
    const calls: string[][] = [];
    const recording = { ...area, set: (items: Record<string, unknown>) => (calls.push(Object.keys(items)), area.set(items)) };
    const worker = (storage: typeof area) => setup(storage, undefined, REAL_ENGINE).background;
    const first = worker(recording);
    await first.whenCapturing();
    const request = (requestId: string) =>
      ({ requestId, url: `http://localhost:5000/${requestId}`, method: 'GET', type: 'xmlhttprequest', tabId: 9, frameId: 0, initiator: PAGE }) as const;
    const sent = [
      { name: 'Origin', value: PAGE },
      { name: 'Sec-Fetch-Mode', value: 'cors' },
    ];
    for (const id of ['blocked', 'passes']) first.capture.onSendHeaders({ ...request(id), timeStamp: 1, requestHeaders: sent });
    await settle();
    calls.length = 0;
    first.capture.onHeadersReceived({ ...request('blocked'), timeStamp: 2, statusCode: 200, responseHeaders: [{ name: 'X-Seen', value: 'first' }] });
    first.capture.onHeadersReceived({
      ...request('passes'),
      timeStamp: 2,
      statusCode: 200,
      responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: PAGE }],
    });
    await settle();
    // The failing response is written in its task; the passing one waits for onCompleted, which repeats it.
    expect(calls.flat().filter((key) => key.startsWith('flight:'))).toEqual(['flight:blocked']);

    const second = worker(area);
    second.capture.onErrorOccurred({ ...request('blocked'), timeStamp: 3, error: 'net::ERR_FAILED' });
    second.capture.onCompleted({
      ...request('passes'),
      timeStamp: 3,
      statusCode: 200,
      responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: PAGE }],
    });
    await second.whenCapturing();
    await settle();
    const entries = (await second.report(9)).entries;
    expect(entries.map((e) => [e.request.url.split('/').pop(), e.partial, e.verdict.kind, e.verdict.rule])).toEqual([
      ['blocked', false, 'cors-blocked', 'MissingAllowOriginHeader'],
      ['passes', false, 'passed', null],
    ]);
    expect(entries[0]!.response?.headers).toEqual([{ name: 'X-Seen', value: 'first' }]);
  });

  it('removes the keys of closed requests in batches, keeps the open ones, and the next worker clears what is left', async () => {
    const area = memoryArea();
    const { background: first, fail } = setup(area);
    await first.whenCapturing();
    const open = { requestId: 'open', url: 'http://localhost:5000/open', method: 'GET', type: 'xmlhttprequest', tabId: 9, frameId: 0, initiator: PAGE };
    first.capture.onSendHeaders({ ...open, timeStamp: 1, requestHeaders: [{ name: 'Origin', value: PAGE }] });
    for (let i = 0; i < 70; i++) fail(`closed-${i}`);
    await settle();
    await first.flush();
    const before = await area.get(null);
    const closedKeys = Object.keys(before).filter((key) => key.startsWith('flight:') && before[key] === 0);
    // One removal call took the first 64; the other 6 wait for the next batch.
    expect(closedKeys).toHaveLength(6);
    expect(recordKeys(before, 'flight:')).toEqual(['flight:open']);

    const second = setup(area).background;
    await second.whenCapturing();
    await second.flush();
    const after = await area.get(null);
    expect(Object.keys(after).filter((key) => key.startsWith('flight:'))).toEqual(['flight:open']);
    // The request the first worker left open closes whole in the next.
    second.capture.onErrorOccurred({ ...open, timeStamp: 2, error: 'net::ERR_FAILED' });
    await settle();
    const entry = (await second.report(9)).entries.find((e) => e.request.url === open.url);
    expect(entry?.request.headers).toEqual([{ name: 'Origin', value: PAGE }]);
  });

  it('hands what each event taught it to the area within the task that handled the event, with no timer', async () => {
    const area = memoryArea();
    const calls: string[][] = [];
    const recording = { ...area, set: (items: Record<string, unknown>) => (calls.push(Object.keys(items)), area.set(items)) };
    const { background, fail } = setup(recording);
    await background.whenCapturing();
    await background.store.whenReady();
    calls.length = 0;
    const held = { requestId: 'held', url: 'http://localhost:5000/held', method: 'GET', type: 'xmlhttprequest', tabId: 9, frameId: 0, initiator: PAGE };
    // A worker can be stopped at any task boundary: by the end of the task's microtasks, the call is made.
    await new Promise<void>((resolve) => {
      setTimeout(() => {
        fail('quick');
        background.capture.onSendHeaders({ ...held, timeStamp: 1, requestHeaders: [{ name: 'Origin', value: PAGE }] });
        queueMicrotask(() => queueMicrotask(() => queueMicrotask(resolve)));
      }, 0);
    });
    expect(calls.flat()).toEqual(expect.arrayContaining(['entry:9:0', 'tab:9', 'flight:held', 'flight:quick']));
    const stored = await area.get(null);
    expect(recordKeys(stored, 'flight:')).toEqual(['flight:held']);
    expect(stored['flight:quick']).toBe(0);
    expect((stored['flight:held'] as { requestId?: string } | undefined)?.requestId).toBe('held');
  });

  it("writes a tab's activity in the call its event makes anyway, else at most once per second of events", async () => {
    const area = memoryArea();
    const calls: string[][] = [];
    const recording = { ...area, set: (items: Record<string, unknown>) => (calls.push(Object.keys(items)), area.set(items)) };
    const { background } = setup(recording);
    await background.whenCapturing();
    await background.store.whenReady();
    const event = (requestId: string, url: string, timeStamp: number) => ({
      requestId,
      url,
      method: 'GET',
      type: 'script',
      tabId: 9,
      frameId: 0,
      initiator: PAGE,
      timeStamp,
      requestHeaders: [] as Array<{ name: string; value: string }>,
    });
    const task = (run: () => void) =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          run();
          resolve();
        }, 0),
      );
    const activityCalls = () => calls.filter((keys) => keys.some((key) => key.startsWith('activity:')));
    const writtenActivity = async () => {
      const stored = await area.get(null);
      const key = Object.keys(stored).find((k) => k.startsWith('activity:'))!;
      return (stored[key] as Record<string, number>)['9'];
    };
    // Same-origin modules: the assembler ignores them, so their tasks write nothing else.
    await task(() => background.capture.onSendHeaders(event('m0', `${PAGE}/m0.js`, 50_000)));
    expect(activityCalls()).toHaveLength(1);
    for (let i = 1; i < 10; i++) await task(() => background.capture.onSendHeaders(event(`m${i}`, `${PAGE}/m${i}.js`, 50_000 + i * 90)));
    expect(activityCalls()).toHaveLength(1);
    expect(await writtenActivity()).toBe(50_000);
    await task(() => background.capture.onSendHeaders(event('late', `${PAGE}/late.js`, 51_000)));
    expect(activityCalls()).toHaveLength(2);
    expect(await writtenActivity()).toBe(51_000);
    // A cross-origin request's event writes its record: the activity rides in that call, however recent.
    const before = calls.length;
    await task(() =>
      background.capture.onSendHeaders({
        ...event('x', 'http://localhost:5000/x', 51_010),
        type: 'xmlhttprequest',
        requestHeaders: [{ name: 'Origin', value: PAGE }],
      }),
    );
    expect(calls.slice(before)).toHaveLength(1);
    expect(calls.at(-1)).toEqual(expect.arrayContaining(['flight:x', expect.stringMatching(/^activity:/)]));
    expect(await writtenActivity()).toBe(51_010);
  });

  it('journals the events a worker gets before its state is back, and the next worker replays them once', async () => {
    const area = memoryArea();
    const { failCaptured: failInFirst } = setup(area);
    await settle();
    failInFirst('0');
    await settle();
    // The second worker never gets its reads back (it is stopped while they are in flight) but
    // journals every event in the task that received it.
    const stalled = { ...area, get: () => new Promise<Record<string, unknown>>(() => {}) };
    const second = setup(stalled);
    second.failCaptured('1');
    second.failCaptured('2');
    await settle();
    const journals = Object.entries(await area.get(null)).filter(([key]) => key.startsWith('journal:'));
    expect(journals).toHaveLength(1);
    expect((journals[0]![1] as unknown[]).length).toBe(6);

    const third = setup(area);
    third.failCaptured('3');
    await third.background.whenCapturing();
    await settle();
    const report = await third.background.report(9);
    expect(report.entries.map((e) => e.id)).toEqual(['9-0', '9-1', '9-2', '9-3']);
    expect(report.summary.failures).toBe(4);
    await third.background.flush();
    const left = Object.entries(await area.get(null)).filter(([key]) => key.startsWith('journal:'));
    expect(left.every(([, events]) => Array.isArray(events) && events.length === 0)).toBe(true);

    // A fourth worker finds only emptied journals: nothing is replayed twice, and they are removed.
    const fourth = setup(area).background;
    await fourth.whenCapturing();
    await settle();
    expect((await fourth.report(9)).entries).toHaveLength(4);
    await fourth.flush();
    expect(Object.keys(await area.get(null)).filter((key) => key.startsWith('journal:'))).toEqual([]);
  });

  it("marks partial a request begun from an earlier worker's journal that ended blocked without a response", async () => {
    const area = memoryArea();
    // This worker journals a request's start and is stopped before its reads come back; the
    // request's response event goes with it.
    const stalled = { ...area, get: () => new Promise<Record<string, unknown>>(() => {}) };
    const journaling = setup(stalled).background;
    const request = (requestId: string) =>
      ({ requestId, url: `http://localhost:5000/${requestId}`, method: 'GET', type: 'xmlhttprequest', tabId: 9, frameId: 0, initiator: PAGE }) as const;
    journaling.capture.onSendHeaders({ ...request('journaled'), timeStamp: 1, requestHeaders: [{ name: 'Origin', value: PAGE }] });
    await settle();
    const next = setup(area).background;
    next.capture.onErrorOccurred({ ...request('journaled'), timeStamp: 3, error: 'net::ERR_FAILED' });
    await next.whenCapturing();
    // One worker sees the same kind of request through: nothing was lost.
    next.capture.onSendHeaders({ ...request('seen'), timeStamp: 4, requestHeaders: [{ name: 'Origin', value: PAGE }] });
    next.capture.onErrorOccurred({ ...request('seen'), timeStamp: 5, error: 'net::ERR_FAILED' });
    await settle();
    const entries = (await next.report(9)).entries;
    expect(entries.map((e) => [e.request.url.split('/').pop(), e.partial, e.request.headers?.length ?? 0])).toEqual([
      ['journaled', true, 1],
      ['seen', false, 1],
    ]);
  });

  it('does not log a no-cors request whose start one worker saw and whose end wakes the next', async () => {
    const area = memoryArea();
    const first = setup(area).background;
    await first.whenCapturing();
    const noCors = { requestId: 'n', url: 'http://localhost:5000/img', method: 'GET', type: 'xmlhttprequest', tabId: 9, frameId: 0, initiator: PAGE };
    first.capture.onSendHeaders({ ...noCors, timeStamp: 1, requestHeaders: [{ name: 'Sec-Fetch-Mode', value: 'no-cors' }] });
    await settle();
    const second = setup(area).background;
    second.capture.onCompleted({ ...noCors, timeStamp: 2, statusCode: 200, responseHeaders: [{ name: 'Content-Type', value: 'image/png' }] });
    await second.whenCapturing();
    await settle();
    expect((await second.report(9)).entries).toEqual([]);
  });

  it('frees a closed tab and ignores the aborted requests that follow its closing', async () => {
    const area = memoryArea();
    const { background, fail } = setup(area);
    fail('1');
    await settle();
    await background.tabRemoved(9);
    fail('2');
    await settle();
    await background.flush();
    expect(Object.keys(await area.get(null)).filter((key) => key.includes(':9'))).toEqual([]);
    expect((await background.report(9)).entries).toEqual([]);
  });

  it('frees on wake the tabs that closed while no worker listened', async () => {
    const area = memoryArea();
    const first = setup(area);
    first.fail('1', 'http://localhost:5000/x', 4);
    await settle();
    await first.background.flush();
    const second = setup(area).background;
    await second.whenCapturing();
    await settle();
    await second.flush();
    expect(Object.keys(await area.get(null)).filter((key) => key.includes(':4'))).toEqual([]);
  });

  it('stores a summary of each verdict and judges the exchange again on read', async () => {
    const area = memoryArea();
    const { background, fail } = setup(area);
    const received: PortMessage[] = [];
    const listeners: Array<(m: unknown) => void> = [];
    background.handlePort({
      name: 'cors-doctor-panel',
      postMessage: (m) => void received.push(m),
      onMessage: { addListener: (l) => void listeners.push(l) },
      onDisconnect: { addListener: () => {} },
    });
    listeners[0]!({ type: 'subscribe', tabId: 9 });
    await settle();
    fail('1');
    await settle();
    await background.flush();
    const stored = (await area.get('entry:9:0'))['entry:9:0'] as { verdict: Record<string, unknown> };
    expect(stored.verdict).toEqual({
      kind: 'cors-blocked',
      blocked: true,
      rule: 'MissingAllowOriginHeader',
      failedParameter: '',
      stage: null,
      hopIndex: null,
      title: 'CORS Doctor could not analyse this request',
      confidence: 'certain',
      summaryOnly: true,
    });
    const live = received.find((m): m is Extract<PortMessage, { type: 'entry' }> => m.type === 'entry')!.entry;
    // A new worker reads it back: the report carries the whole verdict, as the live message did.
    const [entry] = (await setup(area).background.report(9)).entries;
    expect(entry!.verdict).toEqual(fakeJudge({ ...exchangeOf(entry!) }));
    expect(entry).toEqual(live);
  });

  it('cuts huge header values and says where', async () => {
    const area = memoryArea();
    const { background } = setup(area);
    const base = { requestId: 'h', url: 'http://localhost:5000/x', method: 'GET', type: 'xmlhttprequest', tabId: 9, frameId: 0, initiator: PAGE };
    background.assembler.onSendHeaders({ ...base, timeStamp: 1, requestHeaders: [{ name: 'Origin', value: PAGE }] });
    background.assembler.onHeadersReceived({ ...base, timeStamp: 2, statusCode: 200, responseHeaders: [{ name: 'X-Huge', value: 'z'.repeat(1_000_000) }] });
    background.assembler.onCompleted({ ...base, timeStamp: 3, statusCode: 200 });
    await settle();
    const [entry] = (await background.report(9)).entries;
    expect(entry?.response?.headers[0]?.value.length).toBeLessThanOrEqual(4096);
    expect(entry?.truncated).toEqual([{ path: 'response.headers[0].value', originalLength: 1_000_000 }]);
    // Judging the cut exchange again could differ from judging what was seen: the verdict is kept whole.
    await background.flush();
    const stored = (await area.get('entry:9:0'))['entry:9:0'] as { verdict: Record<string, unknown> };
    expect(stored.verdict['summaryOnly']).toBeUndefined();
    expect(stored.verdict['explanation']).toBe(entry?.verdict.explanation);
  });
});
