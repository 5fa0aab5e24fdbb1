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

describe('registerCapture', () => {
  it('registers the detector without extraHeaders and one all-tab full set with it, synchronously', () => {
    const { api, events } = fakeWebRequest();
    registerCapture(api, recordingSink().sink, { extraHeaders: true, onTopLevelResponse: () => {}, onSuspectedFailure: () => {} });
    const errors = events.get('onErrorOccurred')!;
    expect(errors).toHaveLength(2);
    expect(errors[0]!.extra).toEqual([]);
    expect(errors[1]!.extra).toEqual(['extraHeaders']);
    expect(events.get('onSendHeaders')!.map((l) => l.filter.tabId)).toEqual([undefined]);
  });

  it('holds events until the watch state is known, then keeps only the watched tabs and counts the others as suspected', () => {
    const { api, fire } = fakeWebRequest();
    const { sink, seen } = recordingSink();
    const suspected: number[] = [];
    const capture = registerCapture(api, sink, { extraHeaders: true, onTopLevelResponse: () => {}, onSuspectedFailure: (d) => suspected.push(d.tabId) });
    fire('onSendHeaders', send(1, 'a'));
    fire('onSendHeaders', send(2, 'b'));
    fire('onErrorOccurred', failed(2, 'b'));
    expect(seen).toEqual([]);
    expect(capture.covers(1)).toBeNull();
    capture.setScope({ everything: false, tabs: [1] });
    expect(seen).toEqual(['send 1 a']);
    expect(suspected).toEqual([2]);
  });

  it('hands an all-tab set over to tab-filtered sets without losing or doubling an event, then removes it', () => {
    vi.useFakeTimers();
    const { api, events, fire } = fakeWebRequest();
    const { sink, seen } = recordingSink();
    const capture = registerCapture(api, sink, { extraHeaders: true, onTopLevelResponse: () => {}, onSuspectedFailure: () => {} });
    capture.setScope({ everything: false, tabs: [7] });
    // Both sets are still registered: the same event reaches both, and counts once.
    fire('onSendHeaders', send(7, 'r1'));
    fire('onSendHeaders', send(8, 'r2'));
    expect(seen).toEqual(['send 7 r1']);
    vi.advanceTimersByTime(1_000);
    expect(events.get('onSendHeaders')!.map((l) => l.filter.tabId)).toEqual([7, -1]);
    expect(capture.listenerSets()).toEqual({ allTabs: false, tabs: [7, -1] });
    fire('onSendHeaders', send(7, 'r3', 5));
    expect(seen).toEqual(['send 7 r1', 'send 7 r3']);
  });

  it("captures the requests of the pages' service and shared workers (tabId -1) while any tab is watched, and not when none is", () => {
    vi.useFakeTimers();
    const { api, events, fire } = fakeWebRequest();
    const { sink, seen } = recordingSink();
    const capture = registerCapture(api, sink, { extraHeaders: true, onTopLevelResponse: () => {}, onSuspectedFailure: () => {} });
    capture.setScope({ everything: false, tabs: [7] });
    vi.advanceTimersByTime(1_000);
    fire('onSendHeaders', send(-1, 'sw'));
    expect(seen).toEqual(['send -1 sw']);
    capture.setScope({ everything: false, tabs: [] });
    vi.advanceTimersByTime(1_000);
    expect(events.get('onSendHeaders')!.map((l) => l.filter.tabId)).toEqual([]);
    fire('onSendHeaders', send(-1, 'sw2', 5));
    expect(seen).toEqual(['send -1 sw']);
  });

  it('watching everything brings back the all-tab set and retires the per-tab ones', () => {
    vi.useFakeTimers();
    const { api, events } = fakeWebRequest();
    const capture = registerCapture(api, recordingSink().sink, { extraHeaders: true, onTopLevelResponse: () => {}, onSuspectedFailure: () => {} });
    capture.setScope({ everything: false, tabs: [3, 4] });
    vi.advanceTimersByTime(1_000);
    capture.setScope({ everything: true });
    vi.advanceTimersByTime(1_000);
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
