/**
 * A service-worker restart in the middle of a burst (CDP ServiceWorker.stopAllWorkers, as Chrome
 * does when the worker idles) loses no entry and leaves the badge right.
 *
 * The stop comes once the old worker has handled every event the burst produced so far (each open
 * request and preflight is in chrome.storage.session) and while the lab still holds every answer, so
 * each request's start is seen by the old worker and its end by the new one. What this cannot cover
 * is an event Chromium was dispatching at the very instant of the stop: Chromium discards it, and no
 * extension code can get it back (measured by bench/restart-race.ts, see docs/api.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab, type RouteSpec } from '../lab/server';
import type { FlightRecord } from '../src/background/flight-records';
import type { Report } from '../src/shared/report';
import { overlapsStopWindow, stopWindowsOf } from './stop-windows';
import {
  launchWithExtension,
  readBadge,
  readSessionStorage,
  recordChromiumVerdicts,
  waitFor,
  type ChromiumVerdict,
  type ExtensionBrowser,
  type Page,
} from './harness';

/** Long enough for every request to be sent and the worker stopped and restarted before any answer. */
const HOLD_MS = 6_000;
const ECHO: [string, string] = ['Access-Control-Allow-Origin', '{origin}'];
const CREDENTIALS: [string, string] = ['Access-Control-Allow-Credentials', 'true'];

interface BurstRequest {
  name: string;
  url: string;
  init: RequestInit;
  /** Not logged at all (no-cors). */
  ignored?: boolean;
}

describe('service-worker restart', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let page: Page;
  let tabId: number;
  let chromium: Awaited<ReturnType<typeof recordChromiumVerdicts>>;

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchWithExtension();
    page = await browser.context.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    tabId = await browser.tabIdOf(page);
    chromium = await recordChromiumVerdicts(browser.context, page);
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  /**
   * Chromium opens at most six connections per host and credentials mode, and the lab holds every
   * answer: six requests per group keep all of them in flight at once.
   */
  function burst(): BurstRequest[] {
    const requests: BurstRequest[] = [];
    const add = (name: string, origin: 'api' | 'api2', route: RouteSpec, init: RequestInit = {}, ignored = false) =>
      requests.push({ name, url: lab.route(origin, `/restart/${name}`, route), init, ignored });
    const held = (headers: Array<[string, string]>): RouteSpec => ({ response: { headers, body: 'json', delayMs: HOLD_MS } });
    const include: RequestInit = { credentials: 'include' };
    const del: RequestInit = { method: 'DELETE' };
    const methods: [string, string] = ['Access-Control-Allow-Methods', 'DELETE'];
    for (let i = 0; i < 3; i++) {
      // api, without credentials: simple requests, answered after the restart.
      add(`missing-${i}`, 'api', held([]));
      add(`pass-${i}`, 'api', held([ECHO]));
      // api2, without credentials: preflights held; the actual request starts only in the new worker.
      add(`preflight-denied-${i}`, 'api2', { preflight: { status: 204, headers: [methods], delayMs: HOLD_MS } }, del);
      add(
        `preflight-then-${i === 0 ? 'missing' : 'pass'}-${i}`,
        'api2',
        {
          preflight: { status: 204, headers: [ECHO, methods], delayMs: HOLD_MS },
          response: { headers: i === 0 ? [] : [ECHO], body: 'json' },
        },
        del,
      );
      // api, with credentials.
      add(`wildcard-credentials-${i}`, 'api', held([['Access-Control-Allow-Origin', '*']]), include);
      add(`credentials-pass-${i}`, 'api', held([ECHO, CREDENTIALS]), include);
      // api2, with credentials: the hop is answered before the stop, the target after it.
      const target = lab.route('api2', `/restart/target-${i}`, held([ECHO, CREDENTIALS]));
      add(`redirect-${i}`, 'api2', { response: { status: 307, redirect: { to: target }, headers: [ECHO, CREDENTIALS] } }, include);
      // A no-cors fetch is logged for its opaque-response warning (issue 16).
      add(`no-cors-${i}`, 'api2', held([]), { ...include, mode: 'no-cors' });
    }
    return requests;
  }

  it('loses nothing and judges every request as Chromium does when the worker stops while the burst is in flight', async () => {
    const requests = burst();
    const logged = requests.filter((r) => !r.ignored);
    const before = await browser.worker();
    await before.evaluate(() => ((globalThis as { beforeRestart?: boolean }).beforeRestart = true));

    // Which requests Chromium itself received a response for (to tell, for a partial entry, that the
    // response existed and only its webRequest event never reached a worker).
    const responded = new Set<string>();
    chromium.cdp.on('Network.responseReceived', (event) => responded.add(event.requestId));
    const partials: string[] = [];
    let uncountedBlocks = 0;
    const sentAt = Date.now();
    await page.evaluate(
      (list) => {
        (window as unknown as { burst: Promise<unknown> }).burst = Promise.all(
          list.map(({ url, init }) =>
            fetch(url, init).then(
              (r) => r.text(),
              () => null,
            ),
          ),
        );
      },
      requests.map(({ url, init }) => ({ url, init })),
    );

    // Every request has reached the lab (the preflighted ones by their OPTIONS, the redirects at
    // their target), and the old worker has stored what it saw of each: its open requests, and the
    // held preflights waiting for their actual request.
    const reached = 6 + 6 + 6 + 6 + 3;
    const atLab = () => lab.requests().filter((r) => r.origin !== 'page' && r.path.startsWith('/restart/')).length;
    await waitFor(atLab, (n) => n === reached, { what: `${reached} requests at the lab` });
    const inFlight = await waitFor(
      () => readSessionStorage(browser),
      (s) => recordIds(s, 'flight:').length === 18 && recordIds(s, 'preflight:').length === 6,
      { what: '18 open requests and 6 preflights persisted' },
    );
    expect(recordIds(inFlight, 'flight:')).toHaveLength(18);
    await browser.stopServiceWorker();
    // The premise: the stop came before the lab answered anything that was held.
    expect(Date.now() - sentAt).toBeLessThan(HOLD_MS);
    await page.evaluate(() => (window as unknown as { burst: Promise<unknown> }).burst);

    const report = await waitFor(
      () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
      (r) => r.entries.length >= logged.length,
      { what: `${logged.length} entries`, timeoutMs: 30_000 },
    );
    const after = await browser.worker();
    expect(await after.evaluate(() => (globalThis as { beforeRestart?: boolean }).beforeRestart ?? false)).toBe(false);

    expect(report.entries.map((e) => e.request.url).sort()).toEqual(logged.map((r) => r.url).sort());
    for (const request of logged) {
      const entry = report.entries.find((e) => e.request.url === request.url)!;
      const oracle = chromiumVerdictFor(chromium.verdicts, request.url);
      // Partial only where Chromium itself discarded an event at the stop (docs/reliability.md): then
      // the tab's notice names the stop's window and the request lived through it. Never silently.
      if (entry.partial) {
        expect(
          overlapsStopWindow(stopWindowsOf(report.notices), entry.time, entry.endTime),
          `${request.name} is partial outside any stop window: ${entry.time} to ${entry.endTime}; notices: ${JSON.stringify(report.notices)}`,
        ).toBe(true);
        partials.push(
          `${request.name} (Chromium ${responded.has(oracle.requestId) ? 'received' : 'saw no'} response; ours: ${entry.response ? 'a response' : 'none'}, ${entry.time} to ${entry.endTime})`,
        );
      }
      // A partial entry lacks an event Chromium never delivered (its response headers, say), so only
      // whole entries must name Chromium's rule. A blocked one that lost the answer whose check
      // failed (the preflight's for a denied preflight, else the response) cannot be named: its
      // verdict can only say "network error" (docs/reliability.md), and Chromium's block is missing
      // from the count under the notice.
      const failingAnswer = request.name.startsWith('preflight-denied') ? entry.preflight?.response : entry.response;
      const evidenceless = entry.partial && oracle.corsError !== null && !failingAnswer;
      if (evidenceless) {
        expect(entry.verdict, request.name).toMatchObject({ kind: 'network-error', blocked: false, rule: null });
        if (oracle.corsError !== null) uncountedBlocks++;
      } else {
        expect({ blocked: entry.verdict.blocked, rule: entry.partial ? null : entry.verdict.rule }, request.name).toEqual({
          blocked: oracle.corsError !== null,
          rule: entry.partial ? null : oracle.corsError,
        });
      }
      // A partial entry may lack its preflight's answer (the event Chromium discarded); what it has of it is the lab's 204.
      if (request.init.method === 'DELETE' && !(entry.partial && !entry.preflight?.response)) expect(entry.preflight?.response?.status, request.name).toBe(204);
      // A no-cors request carries no Origin (a GET), a denied preflight's request never went out.
      // Request headers are missing only from a partial entry: its onSendHeaders went to the stopped
      // worker (a preflighted request shows nothing before it, so its entry began at a later event).
      if (!request.name.startsWith('preflight-denied') && !request.name.startsWith('no-cors')) {
        if (entry.request.headers == null) expect(entry.partial, `${request.name} has no request headers`).toBe(true);
        else
          expect(
            entry.request.headers.some((h) => h.name === 'Origin'),
            request.name,
          ).toBe(true);
      }
    }
    if (partials.length > 0) console.log(`restart: partial entries, each inside a stop window: ${partials.join('; ')}`);
    const failures = logged.filter((r) => chromiumVerdictFor(chromium.verdicts, r.url).corsError !== null).length;
    expect(failures).toBe(3 + 3 + 1 + 3);
    const counted = failures - uncountedBlocks;
    expect(report.summary.failures).toBe(counted);
    const badge = await waitFor(
      () => readBadge(browser, tabId),
      (b) => b.text === String(counted),
      { what: `badge ${counted}` },
    );
    expect(badge.title).toBe(`${counted} CORS failures on this page`);
    const left = await readSessionStorage(browser);
    expect(recordIds(left, 'preflight:')).toEqual([]);
    // Nothing is lost if a record of an open request outlives its request (seen about once in six
    // runs under load, after the stop; cause not found, docs/reliability.md): then that request must
    // be in the report, whole or partial inside a noticed stop window (as above), and the record is
    // named here. Any other leftover, a request the report lacks, fails the test.
    const leftOpen = recordIds(left, 'flight:');
    if (leftOpen.length > 0) {
      const records = left;
      const urls = leftOpen.map((id) => (records[`flight:${id}`] as { firstUrl?: string } | undefined)?.firstUrl ?? null);
      // What each record saw, to find how it outlived its request: the event that began it shows in
      // its fields (request headers: an onSendHeaders; a response: an onHeadersReceived).
      const described = leftOpen.map((id, i) => {
        const record = records[`flight:${id}`] as Partial<FlightRecord> | undefined;
        if (!record) return `${id} (no record)`;
        return `${id} ${urls[i]} {partial ${record.partial}, crossed ${record.crossedWorkerStop ?? false}, headers ${record.requestHeaders ? 'yes' : 'no'}, response ${record.lastResponse?.status ?? 'none'}, start ${record.startTime}, last ${record.lastEventTime}}`;
      });
      console.log(`restart: open-request records left after the burst: ${described.join('; ')}`);
      const windows = stopWindowsOf(report.notices);
      // A record begun at a redirect's target (its first events there) belongs to the redirect's request.
      for (const url of urls)
        expect(
          report.entries.some((e) => url !== null && e.request.url === requestUrlOf(url) && (!e.partial || overlapsStopWindow(windows, e.time, e.endTime))),
          `left open: ${url}`,
        ).toBe(true);
    }
  });

  it('loses nothing that was logged when the worker stops between bursts, and reloads it lazily', async () => {
    const before = await browser.sendMessage<Report>({ type: 'getReport', tabId });
    const urls = Array.from({ length: 30 }, (_, i) => lab.route('api', `/between-${i}`, { response: { body: 'json' } }));
    await page.evaluate((list) => Promise.all(list.map((url) => fetch(url).catch(() => null))), urls);
    await waitFor(
      () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
      (r) => r.entries.length === before.entries.length + 30,
      { what: '30 more entries' },
    );
    // Stopped at once: entries written in the task that closed them are in chrome.storage.session.
    await browser.stopServiceWorker();
    const report = await browser.sendMessage<Report>({ type: 'getReport', tabId });
    expect(report.entries).toHaveLength(before.entries.length + 30);
    expect(report.summary.failures).toBe(before.summary.failures + 30);
    const text = String(report.summary.failures);
    await waitFor(
      () => readBadge(browser, tabId),
      (b) => b.text === text,
      { what: `badge ${text}` },
    );
    expect(report.entries.every((e, i, all) => i === 0 || all[i - 1]!.endTime <= e.endTime + 1_000)).toBe(true);
  });
});

/** Where a burst request ends: a redirect-N request at its target-N (burst() routes them so). */
function finalUrlOf(url: string): string {
  return url.replace('/restart/redirect-', '/restart/target-');
}

/** The burst request that reaches `url`: finalUrlOf's inverse. */
function requestUrlOf(url: string): string {
  return url.replace('/restart/target-', '/restart/redirect-');
}

/** Chromium's verdict for the request that started at `url` (DevTools lists the preflight on its own). */
function chromiumVerdictFor(verdicts: Map<string, ChromiumVerdict>, url: string): ChromiumVerdict {
  const target = finalUrlOf(url);
  const found = [...verdicts.values()].filter((v) => v.method !== 'OPTIONS' && v.url === target);
  expect(found, url).toHaveLength(1);
  expect(found[0]!.finished, url).toBe(true);
  return found[0]!;
}

/** The request ids whose key under `prefix` holds a record; a closed request's or claimed preflight's holds 0. */
function recordIds(storage: Record<string, unknown>, prefix: string): string[] {
  return Object.keys(storage)
    .filter((key) => key.startsWith(prefix) && typeof storage[key] === 'object' && storage[key] !== null)
    .map((key) => key.slice(prefix.length));
}
