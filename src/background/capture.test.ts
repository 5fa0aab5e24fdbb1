import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ErrorDetails, SendHeadersDetails } from './assembler';
import { isSuspectedFailure, registerCapture, type WebRequestApi } from './capture';
import type { CaptureSink } from './service';

type Listener = { fn: (details: never) => void; filter: { tabId?: number; types?: string[] }; extra: string[] };

/** webRequest as Chromium dispatches it: an event reaches every listener whose filter matches its tab. */
function fakeWebRequest() {
  const events = new Map<string, Listener[]>();
  const eventApi = (name: string) => ({
    addListener: (fn: (d: never) => void, filter: Listener['filter'], extra: string[] = []) => {
      events.set(name, [...(events.get(name) ?? []), { fn, filter, extra }]);
    },
    removeListener: (fn: (d: never) => void) =>
      events.set(
        name,
        (events.get(name) ?? []).filter((l) => l.fn !== fn),
      ),
  });
  const api = {
    onSendHeaders: eventApi('onSendHeaders'),
    onHeadersReceived: eventApi('onHeadersReceived'),
    onCompleted: eventApi('onCompleted'),
    onErrorOccurred: eventApi('onErrorOccurred'),
    onResponseStarted: eventApi('onResponseStarted'),
  } as unknown as WebRequestApi;
  const fire = (name: string, details: { tabId: number }) => {
    for (const l of events.get(name) ?? []) if (l.filter.tabId === undefined || l.filter.tabId === details.tabId) l.fn(details as never);
  };
  return { api, events, fire };
}

function recordingSink() {
  const seen: string[] = [];
  const sink: CaptureSink = {
    onSendHeaders: (d) => seen.push(`send ${d.tabId} ${d.requestId}`),
    onHeadersReceived: (d) => seen.push(`headers ${d.tabId} ${d.requestId}`),
    onCompleted: (d) => seen.push(`completed ${d.tabId} ${d.requestId}`),
    onErrorOccurred: (d) => seen.push(`error ${d.tabId} ${d.requestId}`),
  };
  return { sink, seen };
}

const send = (tabId: number, requestId: string, timeStamp = 1): SendHeadersDetails =>
  ({
    requestId,
    tabId,
    url: 'http://api.test/x',
    method: 'GET',
    type: 'xmlhttprequest',
    frameId: 0,
    initiator: 'http://page.test',
    timeStamp,
    requestHeaders: [],
  }) as SendHeadersDetails;
const failed = (tabId: number, requestId: string): ErrorDetails =>
  ({
    requestId,
    tabId,
    url: 'http://api.test/x',
    method: 'GET',
    type: 'xmlhttprequest',
    frameId: 0,
    initiator: 'http://page.test',
    timeStamp: 2,
    error: 'net::ERR_FAILED',
  }) as ErrorDetails;

afterEach(() => vi.useRealTimers());

/** The browser's answer to a later extension-API call: until it comes, new listeners may not be applied yet. */
function applyFence() {
  const answers: Array<() => void> = [];
  return {
    listenersApplied: () => new Promise<void>((resolve) => answers.push(resolve)),
    answer: async () => {
      for (const resolve of answers.splice(0)) resolve();
      await new Promise((resolve) => setImmediate(resolve));
    },
    pending: () => answers.length,
  };
}

function options(fence = applyFence(), onSuspectedFailure: (details: ErrorDetails) => void = () => {}) {
  return { extraHeaders: true, listenersApplied: fence.listenersApplied, onTopLevelResponse: () => {}, onSuspectedFailure };
}

describe('registerCapture', () => {
  it('registers the detector without extraHeaders and one all-tab full set with it, synchronously', () => {
    const { api, events } = fakeWebRequest();
    registerCapture(api, recordingSink().sink, options());
    const errors = events.get('onErrorOccurred')!;
    expect(errors).toHaveLength(2);
    expect(errors[0]!.extra).toEqual([]);
    expect(errors[1]!.extra).toEqual(['extraHeaders']);
    expect(events.get('onSendHeaders')!.map((l) => l.filter.tabId)).toEqual([undefined]);
  });

  it('passes every event on until the watch state is known (the worker holds them), then only the watched tabs', async () => {
    const { api, fire } = fakeWebRequest();
    const { sink, seen } = recordingSink();
    const suspected: number[] = [];
    const fence = applyFence();
    const capture = registerCapture(
      api,
      sink,
      options(fence, (d) => suspected.push(d.tabId)),
    );
    fire('onSendHeaders', send(1, 'a'));
    fire('onSendHeaders', send(2, 'b'));
    fire('onErrorOccurred', failed(2, 'b'));
    expect(seen).toEqual(['send 1 a', 'send 2 b', 'error 2 b']);
    expect(suspected).toEqual([2]);
    expect(capture.covers(1)).toBeNull();
    void capture.setScope({ everything: false, tabs: [1] });
    fire('onSendHeaders', send(2, 'c'));
    fire('onErrorOccurred', failed(2, 'c'));
    fire('onErrorOccurred', failed(1, 'd'));
    expect(seen).toEqual(['send 1 a', 'send 2 b', 'error 2 b', 'error 1 d']);
    expect(suspected).toEqual([2, 2]);
  });

  it('keeps the all-tab set until the browser has applied the tab-filtered sets, without doubling an event, and resolves then', async () => {
    const { api, events, fire } = fakeWebRequest();
    const { sink, seen } = recordingSink();
    const fence = applyFence();
    const capture = registerCapture(api, sink, options(fence));
    let applied = false;
    void capture.setScope({ everything: false, tabs: [7] }).then(() => (applied = true));
    // Both sets are registered: the same event reaches both, and counts once.
    fire('onSendHeaders', send(7, 'r1'));
    fire('onSendHeaders', send(8, 'r2'));
    expect(seen).toEqual(['send 7 r1']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(applied).toBe(false);
    expect(events.get('onSendHeaders')!.map((l) => l.filter.tabId)).toEqual([undefined, 7]);
    await fence.answer();
    expect(applied).toBe(true);
    expect(events.get('onSendHeaders')!.map((l) => l.filter.tabId)).toEqual([7]);
    expect(capture.listenerSets()).toEqual({ allTabs: false, tabs: [7] });
    fire('onSendHeaders', send(7, 'r3', 5));
    expect(seen).toEqual(['send 7 r1', 'send 7 r3']);
  });

  it('a scope that adds no listener set resolves at once', async () => {
    const { api } = fakeWebRequest();
    const fence = applyFence();
    const capture = registerCapture(api, recordingSink().sink, options(fence));
    void capture.setScope({ everything: false, tabs: [] });
    await fence.answer();
    await capture.setScope({ everything: false, tabs: [] });
    expect(fence.pending()).toBe(0);
  });

  it("captures the pages' service and shared workers' requests (tabId -1) only while every tab is watched: a tabId -1 filter matches every tab", async () => {
    const { api, events, fire } = fakeWebRequest();
    const { sink, seen } = recordingSink();
    const fence = applyFence();
    const capture = registerCapture(api, sink, options(fence));
    void capture.setScope({ everything: false, tabs: [7] });
    await fence.answer();
    expect(events.get('onSendHeaders')!.map((l) => l.filter.tabId)).toEqual([7]);
    fire('onSendHeaders', send(-1, 'sw'));
    expect(seen).toEqual([]);
    const everything = capture.setScope({ everything: true });
    await fence.answer();
    await everything;
    fire('onSendHeaders', send(-1, 'sw2', 5));
    expect(seen).toEqual(['send -1 sw2']);
  });

  it('watching everything brings back the all-tab set and retires the per-tab ones once it is applied', async () => {
    const { api, events } = fakeWebRequest();
    const fence = applyFence();
    const capture = registerCapture(api, recordingSink().sink, options(fence));
    void capture.setScope({ everything: false, tabs: [3, 4] });
    await fence.answer();
    const everything = capture.setScope({ everything: true });
    expect(events.get('onCompleted')!.map((l) => l.filter.tabId)).toEqual([3, 4, undefined]);
    await fence.answer();
    await everything;
    expect(events.get('onCompleted')!.map((l) => l.filter.tabId)).toEqual([undefined]);
    expect(capture.covers(99)).toBe(true);
  });
});

describe('isSuspectedFailure', () => {
  it('is a page request, cross-origin, ending in net::ERR_FAILED', () => {
    expect(isSuspectedFailure(failed(1, 'x'))).toBe(true);
    expect(isSuspectedFailure({ ...failed(1, 'x'), error: 'net::ERR_CONNECTION_REFUSED' })).toBe(false);
    expect(isSuspectedFailure({ ...failed(1, 'x'), url: 'http://page.test/same' })).toBe(false);
    expect(isSuspectedFailure({ ...failed(-1, 'x') })).toBe(false);
  });
});
