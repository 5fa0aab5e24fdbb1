/**
 * The worker log and frame attribution inside the worker (unit level; the browser facts are in
 * e2e/frames-workers.e2e.ts): a web page's service or shared worker's request (tabId -1) is kept,
 * shown in the report of its origin's tab until that tab's log is cleared, survives a restart; an
 * iframe's request names the frame's document; a speculative main frame is not a navigation.
 */
import { describe, expect, it } from 'vitest';
import { couldNotJudgeVerdict } from '../engine/could-not-judge';
import type { ObservedExchange, Verdict } from '../engine/types';
import type { Report } from '../shared/report';
import { memoryArea } from './memory-area';
import { Background } from './service';

const PAGE = 'http://127.0.0.1:4000';
const OTHER = 'http://127.0.0.1:4001';

function blockAll(exchange: ObservedExchange): Verdict {
  const verdict = couldNotJudgeVerdict({ ...exchange, outcome: { kind: 'error', error: 'net::ERR_FAILED' } }, 'fake');
  return { ...verdict, kind: 'cors-blocked', blocked: true, networkError: null, rule: 'MissingAllowOriginHeader', confidence: 'certain' };
}

function setup(area = memoryArea()) {
  const badges: Array<[number, string]> = [];
  const urls = new Map<number, string>([
    [9, `${PAGE}/app`],
    [10, `${OTHER}/app`],
  ]);
  const background = new Background({
    area,
    badge: { setText: async (tabId, text) => void badges.push([tabId, text]), setTitle: async () => {}, setColor: async () => {} },
    judge: blockAll,
    passesCorsChecks: () => false,
    getTab: async (tabId) => {
      // As chrome.tabs.get does: -1 is no tab id at all.
      if (tabId < 0) throw new Error("Error at parameter 'tabId': Value must be at least 0.");
      const url = urls.get(tabId);
      return url ? { url, title: 'App' } : null;
    },
    tool: { name: 'CORS Doctor', version: '0.1.0' },
    browserInfo: null,
    badgeThrottleMs: 0,
  });
  let clock = 10_000;
  const fail = (id: string, { tabId = 9, frameId = 0, initiator = PAGE } = {}) => {
    const base = { requestId: id, url: `http://localhost:5000/${id}`, method: 'GET', type: 'xmlhttprequest', tabId, frameId, initiator };
    background.capture.onSendHeaders({ ...base, timeStamp: clock++, requestHeaders: [{ name: 'Origin', value: initiator }] });
    background.capture.onErrorOccurred({ ...base, timeStamp: clock++, error: 'net::ERR_FAILED' });
  };
  const report = async (tabId: number) => {
    await settle();
    return (await background.handleMessage({ type: 'getReport', tabId })) as Report;
  };
  return { background, badges, fail, report, area };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
const urlsOf = (report: Report) => report.entries.map((entry) => entry.request.url.slice('http://localhost:5000/'.length));

describe('the worker log and frames', () => {
  it("shows a web worker's request in its origin's tab only, off the badge, until that tab is cleared; it survives a restart", async () => {
    const area = memoryArea();
    const first = setup(area);
    await first.background.whenCapturing();
    await first.background.navigated(9, `${PAGE}/app`);
    await first.background.navigated(10, `${OTHER}/app`);
    first.fail('own');
    first.fail('sw', { tabId: -1, frameId: -1 });
    const tab = await first.report(9);
    expect(urlsOf(tab)).toEqual(['own', 'sw']);
    expect(tab.entries[1]).toMatchObject({ fromWorker: true, frameId: -1, pageId: tab.currentPageId });
    expect(tab.entries[0]!.fromWorker).toBeUndefined();
    expect(urlsOf(await first.report(10))).toEqual([]);
    expect(urlsOf(await first.report(-1))).toEqual(['sw']);
    expect(first.badges.filter(([tabId]) => tabId === -1)).toEqual([]);
    expect(first.badges.filter(([tabId]) => tabId === 9).at(-1)).toEqual([9, '1']);
    await first.background.flush();

    // A new worker: the worker log is not taken for a closed tab.
    const second = setup(area);
    await second.background.whenCapturing();
    expect(urlsOf(await second.report(9))).toEqual(['own', 'sw']);
    await second.background.clearTab(9);
    expect(urlsOf(await second.report(9))).toEqual([]);
    second.fail('sw-after', { tabId: -1, frameId: -1 });
    expect(urlsOf(await second.report(9))).toEqual(['sw-after']);
    expect(urlsOf(await second.report(-1))).toEqual(['sw', 'sw-after']);
  });

  it("names an iframe's document, forgets it with the page, and takes no speculative main frame for a navigation", async () => {
    const { background, fail, report } = setup();
    await background.whenCapturing();
    await background.navigated(9, `${PAGE}/app`);
    background.documentResponse({ requestId: 'f', tabId: 9, frameId: 4, url: `${OTHER}/frame`, type: 'sub_frame', documentLifecycle: 'active' });
    fail('in-frame', { frameId: 4, initiator: OTHER });
    fail('in-page');
    const before = await report(9);
    expect(before.entries.map((entry) => [entry.frameId, entry.frameUrl])).toEqual([
      [4, `${OTHER}/frame`],
      [0, `${PAGE}/app`],
    ]);
    background.mainFrameRequest({ requestId: 'pre', requestHeaders: [{ name: 'Sec-Purpose', value: 'prefetch;prerender' }] });
    background.documentResponse({ requestId: 'pre', tabId: 9, frameId: 0, url: `${PAGE}/next`, type: 'main_frame', documentLifecycle: 'active' });
    background.documentResponse({ requestId: 'pr2', tabId: 9, frameId: 7, url: `${PAGE}/next`, type: 'main_frame', documentLifecycle: 'prerender' });
    expect((await report(9)).currentPageId).toBe(before.currentPageId);
    background.documentResponse({ requestId: 'nav', tabId: 9, frameId: 0, url: `${PAGE}/next`, type: 'main_frame', documentLifecycle: 'active' });
    fail('after-nav', { frameId: 4, initiator: OTHER });
    const after = await report(9);
    expect(after.currentPageId).toBe(before.currentPageId + 1);
    expect(after.entries.at(-1)).toMatchObject({ frameId: 4, frameUrl: null });
  });
});
