import { describe, expect, it } from 'vitest';
import {
  documentResponseKind,
  frameUrlOf,
  isSpeculativePurpose,
  isWebWorkerRequest,
  MAX_FRAMES_PER_TAB,
  originsOfTab,
  seqOfEntryId,
  withFrame,
} from './attribution';

const response = (overrides: Partial<Parameters<typeof documentResponseKind>[0]>) => ({
  requestId: '1',
  tabId: 5,
  frameId: 0,
  url: 'http://127.0.0.1:1/next',
  type: 'main_frame',
  documentLifecycle: 'active',
  ...overrides,
});

describe('attribution', () => {
  it('a speculative or prerendered main frame is not a navigation of the tab; an iframe document is a frame', () => {
    expect(isSpeculativePurpose([{ name: 'Sec-Purpose', value: 'prefetch;prerender' }])).toBe(true);
    expect(isSpeculativePurpose([{ name: 'sec-purpose', value: 'prefetch' }])).toBe(true);
    expect(isSpeculativePurpose([{ name: 'Accept', value: 'text/html' }])).toBe(false);
    expect(isSpeculativePurpose(undefined)).toBe(false);
    expect(documentResponseKind(response({}), false)).toBe('page');
    expect(documentResponseKind(response({}), true)).toBe('none');
    expect(documentResponseKind(response({ frameId: 3, documentLifecycle: 'prerender' }), false)).toBe('none');
    expect(documentResponseKind(response({ frameId: 3 }), false)).toBe('none');
    expect(documentResponseKind(response({ type: 'sub_frame', frameId: 7 }), false)).toBe('frame');
    expect(documentResponseKind(response({ type: 'sub_frame', frameId: 7, documentLifecycle: 'prerender' }), false)).toBe('none');
    expect(documentResponseKind(response({ tabId: -1 }), false)).toBe('none');
  });

  it('keeps the newest frames, each under its id, and names the document of a request', () => {
    let frames: Array<[number, string]> | undefined;
    for (let id = 1; id <= MAX_FRAMES_PER_TAB + 5; id++) frames = withFrame(frames, id, `http://a.test/${id}`);
    frames = withFrame(frames, 10, 'http://b.test/again');
    expect(frames!).toHaveLength(MAX_FRAMES_PER_TAB);
    expect(frames!.find(([id]) => id === 1)).toBeUndefined();
    expect(frames!.at(-1)).toEqual([10, 'http://b.test/again']);
    const meta = { pageUrl: 'http://page.test/app', frames: frames! };
    expect(frameUrlOf(meta, 0)).toBe('http://page.test/app');
    expect(frameUrlOf(meta, 10)).toBe('http://b.test/again');
    expect(frameUrlOf(meta, 2)).toBeNull();
    expect(frameUrlOf(meta, -1)).toBeNull();
    expect(frameUrlOf(null, 0)).toBeNull();
  });

  it("a tab's worker origins are its page's and its frames'; only web pages' workers count", () => {
    const origins = originsOfTab({
      pageUrl: 'http://page.test:8080/app',
      frames: [
        [3, 'http://frame.test/x'],
        [4, 'about:blank'],
        [5, 'not a url'],
      ],
    });
    expect([...origins].sort()).toEqual(['http://frame.test', 'http://page.test:8080']);
    expect(originsOfTab(null).size).toBe(0);
    expect(isWebWorkerRequest({ tabId: -1, initiator: 'http://page.test' })).toBe(true);
    expect(isWebWorkerRequest({ tabId: -1, initiator: 'chrome-extension://abc' })).toBe(false);
    expect(isWebWorkerRequest({ tabId: -1 })).toBe(false);
    expect(isWebWorkerRequest({ tabId: 3, initiator: 'http://page.test' })).toBe(false);
    expect(seqOfEntryId('-1-42')).toBe(42);
    expect(seqOfEntryId('17-3')).toBe(3);
  });
});
