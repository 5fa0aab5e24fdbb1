/**
 * The cost of watching: how much slower a page gets with CORS Doctor loaded, against the floor of
 * each listener set a design could use (empty listeners, built into a temporary directory here, so
 * the floor is measured rather than assumed).
 *
 * Two workloads, both in each browser run, nothing HTTP-cached and preflights never cached:
 * - fetches: a loopback page (http://127.0.0.1:A) makes 600 cross-origin fetches to
 *   http://localhost:B, six at a time, in an even mix of passes, CORS failures, passing and
 *   failing preflights, redirects and no-cors requests; the time of the 600.
 * - dev page: a page that loads 400 same-origin ES modules (what a dev server serves) and 200
 *   cross-origin no-cors images; navigation start to the load event.
 * Every variant runs once per round in a fresh Chromium, the variants alternating within a round;
 * each variant's figure is the median over rounds of its time divided by the no-extension time of
 * the same round (a paired ratio: the machine's load drifts between rounds, less within one).
 *
 * Then, in CORS Doctor alone: the worker's CPU time per captured request and its JS heap after
 * 10,000 captured requests across 5 tabs (CDP on the worker target), and its storage.session use.
 *
 * `npm run bench -- capture` writes the figures to docs/performance.md; `tsx bench/capture.ts`
 * prints them. CAPTURE_BENCH_ROUNDS sets the rounds (default 3); CAPTURE_BENCH_VARIANTS=id,id only prints
 * those variants' ratios (beside no extension).
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page, type Worker } from 'playwright-core';
import { DIST_DIR, QUIET_FLAGS, findChromium } from '../tools/chromium';
import { CAPTURED_TYPES } from '../src/background/capture';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export const title = 'The cost of watching (capture)';

const REQUESTS = 600;
const CONCURRENCY = 6;
const ROUNDS = Number(process.env.CAPTURE_BENCH_ROUNDS ?? 3);
const MODULES = 400;
const IMAGES = 200;
const KINDS = ['pass', 'fail', 'preflight-ok', 'preflight-bad', 'redirect', 'no-cors'] as const;
const HEAP_TABS = 5;
const HEAP_REQUESTS = 10_000;
const HEAP_CHECKPOINTS = 5;

// A 1×1 transparent PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

interface Servers {
  pageOrigin: string;
  apiOrigin: string;
  close(): Promise<void>;
}

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

export async function startServers(): Promise<Servers> {
  const api = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const origin = req.headers.origin ?? '*';
    const allow = (extra: Record<string, string> = {}) => ({
      'Access-Control-Allow-Origin': origin,
      'Cache-Control': 'no-store',
      ...extra,
    });
    const body = '{"ok":true}';
    switch (url.pathname) {
      case '/pass':
        res.writeHead(200, allow({ 'Content-Type': 'application/json' })).end(body);
        return;
      case '/fail':
      case '/no-cors':
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(body);
        return;
      case '/preflight-ok':
        if (req.method === 'OPTIONS') {
          res.writeHead(204, allow({ 'Access-Control-Allow-Methods': 'PUT', 'Access-Control-Allow-Headers': 'x-bench', 'Access-Control-Max-Age': '0' })).end();
        } else res.writeHead(200, allow({ 'Content-Type': 'application/json' })).end(body);
        return;
      case '/preflight-bad':
        res.writeHead(204, { 'Access-Control-Max-Age': '0', 'Cache-Control': 'no-store' }).end();
        return;
      case '/redirect':
        res.writeHead(302, allow({ Location: `/pass${url.search}` })).end();
        return;
      case '/image.png':
        res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' }).end(PNG);
        return;
      default:
        res.writeHead(404).end();
    }
  });
  const apiPort = await listen(api, '127.0.0.1');
  const apiOrigin = `http://localhost:${apiPort}`;
  const page = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const module = /^\/src\/m(\d+)\.js$/.exec(url.pathname);
    if (module) {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' }).end(`export const value${module[1]} = ${module[1]};\n`);
    } else if (url.pathname === '/src/main.js') {
      const imports = Array.from({ length: MODULES }, (_, i) => `import { value${i} } from './m${i}.js';`).join('\n');
      const sum = Array.from({ length: MODULES }, (_, i) => `value${i}`).join(' + ');
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' }).end(`${imports}\nwindow.moduleSum = ${sum};\n`);
    } else if (url.pathname === '/dev') {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' }).end(devPage(apiOrigin, url.search));
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' }).end(fetchPage(apiOrigin));
    }
  });
  const pagePort = await listen(page, '127.0.0.1');
  return {
    pageOrigin: `http://127.0.0.1:${pagePort}`,
    apiOrigin,
    close: async () => {
      api.closeAllConnections();
      page.closeAllConnections();
      await Promise.all([new Promise((r) => api.close(r)), new Promise((r) => page.close(r))]);
    },
  };
}

function fetchPage(apiOrigin: string): string {
  return `<!doctype html><title>capture bench</title><script>
const API = ${JSON.stringify(apiOrigin)};
const KINDS = ${JSON.stringify(KINDS)};
let serial = 0;
function one(kind) {
  const url = API + '/' + kind + '?n=' + (serial++) + '-' + Math.random().toString(36).slice(2);
  const init = kind.startsWith('preflight') ? { method: 'PUT', headers: { 'X-Bench': '1' } }
    : kind === 'no-cors' ? { mode: 'no-cors' } : {};
  return fetch(url, init).then((r) => r.text(), () => null);
}
window.runBench = async (total, concurrency) => {
  let next = 0;
  const start = performance.now();
  async function worker() { while (next < total) { const i = next++; await one(KINDS[i % KINDS.length]); } }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - start;
};
</script>`;
}

/** What a dev server's page looks like to the network: hundreds of same-origin modules, and images from elsewhere. */
function devPage(apiOrigin: string, search: string): string {
  const images = Array.from({ length: IMAGES }, (_, i) => `<img src="${apiOrigin}/image.png?i=${i}&${search.slice(1)}" width="1" height="1" alt="">`).join('');
  return `<!doctype html><title>dev page</title><script type="module" src="/src/main.js${search}"></script><body>${images}</body>`;
}

/** An extension with empty listeners of one shape: the floor of every design that uses that shape. */
interface ListenerShape {
  id: string;
  label: string;
  /** The worker's source: `self.watchTab(tabId)` adds what a watched tab gets, where the shape has that. */
  worker: string;
}

const TYPES = JSON.stringify([...CAPTURED_TYPES]);
const FULL_SET = (filter: string) => `
  chrome.webRequest.onSendHeaders.addListener(() => {}, ${filter}, ['requestHeaders', 'extraHeaders']);
  chrome.webRequest.onHeadersReceived.addListener(() => {}, ${filter}, ['responseHeaders', 'extraHeaders']);
  chrome.webRequest.onCompleted.addListener(() => {}, ${filter}, ['responseHeaders', 'extraHeaders']);
  chrome.webRequest.onErrorOccurred.addListener(() => {}, ${filter}, ['extraHeaders']);`;
/**
 * The same four listeners, each handing what its event carried to chrome.storage.session in one
 * call, as the reliability invariant asks of every event (docs/reliability.md): the floor of any
 * design that keeps that invariant. The keys rotate so that the area stays bounded.
 */
const PERSISTED_SET = (filter: string) => `
  let written = 0;
  const persist = (details) => void chrome.storage.session.set({ ['event:' + (written++ % 512)]: JSON.stringify(details) });
  chrome.webRequest.onSendHeaders.addListener(persist, ${filter}, ['requestHeaders', 'extraHeaders']);
  chrome.webRequest.onHeadersReceived.addListener(persist, ${filter}, ['responseHeaders', 'extraHeaders']);
  chrome.webRequest.onCompleted.addListener(persist, ${filter}, ['responseHeaders', 'extraHeaders']);
  chrome.webRequest.onErrorOccurred.addListener(persist, ${filter}, ['extraHeaders']);`;
const DETECTOR = `
  chrome.webRequest.onErrorOccurred.addListener(() => {}, { urls: ['<all_urls>'], types: ${TYPES} });
  chrome.webRequest.onResponseStarted.addListener(() => {}, { urls: ['<all_urls>'], types: ['main_frame'] });`;

const SHAPES: ListenerShape[] = [
  {
    id: 'floor-permission',
    label: 'floor: the webRequest permission, no listener at all',
    worker: 'self.watchTab = async () => {};',
  },
  {
    id: 'floor-everything',
    label: 'floor: four extraHeaders listeners on every tab (what watching everything needs)',
    worker: `${FULL_SET(`{ urls: ['<all_urls>'], types: ${TYPES} }`)}\nself.watchTab = async () => {};`,
  },
  {
    id: 'floor-unwatched',
    label: 'floor: one onErrorOccurred without extraHeaders (what an unwatched tab needs)',
    worker: `${DETECTOR}\nself.watchTab = async () => {};`,
  },
  {
    id: 'floor-watched',
    label: 'floor: that, plus four extraHeaders listeners filtered to the tab (what a watched tab needs)',
    worker: `${DETECTOR}\nself.watchTab = async (tabId) => {${FULL_SET(`{ urls: ['<all_urls>'], types: ${TYPES}, tabId }`)} };`,
  },
  {
    id: 'floor-watched-persisted',
    label: "floor: the watched tab's four listeners, each writing its event to storage.session in one call (the reliability invariant)",
    worker: `${DETECTOR}\nself.watchTab = async (tabId) => {${PERSISTED_SET(`{ urls: ['<all_urls>'], types: ${TYPES}, tabId }`)} };`,
  },
];

function buildShape(root: string, shape: ListenerShape): string {
  const dir = join(root, shape.id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      manifest_version: 3,
      name: `bench ${shape.id}`,
      version: '1',
      permissions: ['webRequest', 'storage'],
      host_permissions: ['<all_urls>'],
      background: { service_worker: 'worker.js' },
    }),
  );
  writeFileSync(join(dir, 'worker.js'), shape.worker);
  return dir;
}

interface Variant {
  id: string;
  label: string;
  extensionDir: string | null;
  /** Runs in the extension's worker once the bench tab exists. */
  prepare?: (worker: Worker, tabId: number) => Promise<void>;
}

/** The worker's test probe (src/background/index.ts), as the benchmarks use it. */
export type Probe = {
  corsDoctorProbe: { setWatch(tabId: number, watched: boolean): Promise<unknown>; setWatchMode(mode: string): Promise<unknown>; eventsReceived(): number };
};

function variants(shapeRoot: string): Variant[] {
  const shaped = SHAPES.map(
    (shape): Variant => ({
      id: shape.id,
      label: shape.label,
      extensionDir: buildShape(shapeRoot, shape),
      prepare: (worker, tabId) => worker.evaluate((id) => (self as unknown as { watchTab(id: number): Promise<void> }).watchTab(id), tabId),
    }),
  );
  return [
    { id: 'none', label: 'no extension', extensionDir: null },
    ...shaped,
    { id: 'doctor-unwatched', label: 'CORS Doctor, tab not watched (the default)', extensionDir: DIST_DIR },
    {
      id: 'doctor-watched',
      label: 'CORS Doctor, tab watched (switched on, or DevTools open)',
      extensionDir: DIST_DIR,
      prepare: async (worker, tabId) => {
        await worker.evaluate((id) => (globalThis as unknown as Probe).corsDoctorProbe.setWatch(id, true), tabId);
      },
    },
    {
      id: 'doctor-everything',
      label: 'CORS Doctor, watching every tab',
      extensionDir: DIST_DIR,
      prepare: async (worker) => {
        await worker.evaluate(() => (globalThis as unknown as Probe).corsDoctorProbe.setWatchMode('everything'));
      },
    },
  ];
}

interface Launched {
  context: BrowserContext;
  page: Page;
  worker: Worker | null;
  tabId: number | null;
  close(): Promise<void>;
}

export async function launch(extensionDir: string | null): Promise<Launched> {
  const profile = mkdtempSync(join(tmpdir(), 'cors-doctor-bench-'));
  const args = [...QUIET_FLAGS];
  if (extensionDir) args.push(`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`);
  const context = await chromium.launchPersistentContext(profile, { executablePath: findChromium(), headless: true, args });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    let worker: Worker | null = null;
    let tabId: number | null = null;
    if (extensionDir) {
      worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
      // The bench page is the only tab.
      tabId = await worker.evaluate(async () => {
        const tabs = await chrome.tabs.query({});
        if (tabs.length !== 1) throw new Error(`expected one tab, found ${tabs.length}`);
        return tabs[0]!.id!;
      });
    }
    return { context, page, worker, tabId, close };
  } catch (error) {
    await close();
    throw error;
  }
}

interface RunTimes {
  fetches: number;
  devPage: number;
}

async function timeFetches(page: Page, origin: string): Promise<number> {
  await page.goto(`${origin}/`);
  type Runner = { runBench(total: number, concurrency: number): Promise<number> };
  // Warm-up: connections, the worker's first wake, JIT.
  await page.evaluate(() => (window as unknown as Runner).runBench(60, 6));
  return page.evaluate(([total, concurrency]) => (window as unknown as Runner).runBench(total!, concurrency!), [REQUESTS, CONCURRENCY]);
}

async function timeDevPage(page: Page, origin: string, serial: number): Promise<number> {
  const load = async (tag: string) => {
    await page.goto(`${origin}/dev?load=${tag}`, { waitUntil: 'load', timeout: 180_000 });
    const [sum, loadAt] = await page.evaluate(() => [
      (window as unknown as { moduleSum?: number }).moduleSum,
      (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventStart,
    ]);
    if (sum !== (MODULES * (MODULES - 1)) / 2) throw new Error(`the dev page's modules did not all run (sum ${sum})`);
    return loadAt;
  };
  await load(`warm-${serial}`);
  return load(`timed-${serial}`);
}

async function timedRun(servers: Servers, variant: Variant, serial: number): Promise<RunTimes> {
  const browser = await launch(variant.extensionDir);
  try {
    if (variant.prepare && browser.worker && browser.tabId !== null) await variant.prepare(browser.worker, browser.tabId);
    const fetches = await timeFetches(browser.page, servers.pageOrigin);
    const devPage = await timeDevPage(browser.page, servers.pageOrigin, serial);
    return { fetches, devPage };
  } finally {
    await browser.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface VariantFigures {
  variant: Variant;
  runs: RunTimes[];
  /** Median of this variant's time / the no-extension time of the same round. */
  ratio: { fetches: number; devPage: number };
}

export async function measure(list: Variant[], rounds = ROUNDS): Promise<VariantFigures[]> {
  const servers = await startServers();
  const runs = new Map<string, RunTimes[]>(list.map((v) => [v.id, []]));
  try {
    let serial = 0;
    for (let round = 0; round < rounds; round++) {
      for (const variant of list) {
        const times = await timedRun(servers, variant, serial++);
        runs.get(variant.id)!.push(times);
        console.error(
          `capture bench round ${round + 1}/${rounds} ${variant.id}: fetches ${Math.round(times.fetches)} ms, dev page ${Math.round(times.devPage)} ms`,
        );
      }
    }
  } finally {
    await servers.close();
  }
  const baseline = runs.get('none')!;
  return list.map((variant) => {
    const own = runs.get(variant.id)!;
    const paired = (key: keyof RunTimes) => median(own.map((run, round) => run[key] / baseline[round]![key]));
    return { variant, runs: own, ratio: { fetches: paired('fetches'), devPage: paired('devPage') } };
  });
}

/** A DevTools protocol session on the extension's worker, through a page session (Target.sendMessageToTarget). */
export async function workerSession(
  context: BrowserContext,
  page: Page,
  extensionId: string,
): Promise<{ send<T>(method: string, params?: object): Promise<T>; cdp: CDPSession }> {
  const cdp = await context.newCDPSession(page);
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string; url: string }> };
  const target = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`));
  if (!target) throw new Error('the extension worker is not a target');
  const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })) as { sessionId: string };
  let nextId = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  cdp.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
    if (message.id === undefined) return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  return {
    cdp,
    send<T>(method: string, params: object = {}) {
      const id = nextId++;
      const answer = new Promise<T>((resolve, reject) => pending.set(id, { resolve: resolve as (value: unknown) => void, reject }));
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
      return answer;
    },
  };
}

interface Profile {
  nodes: Array<{ id: number; callFrame: { functionName: string } }>;
  samples: number[];
  timeDeltas: number[];
}

/** Milliseconds the profile spent outside the idle node. */
function busyMillis(profile: Profile): number {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let busy = 0;
  for (const [i, node] of profile.samples.entries()) if (!idle.has(node)) busy += profile.timeDeltas[i] ?? 0;
  return busy / 1000;
}

export interface WorkerFigures {
  cpuMicrosPerRequest: number;
  heapMb: number[];
  sessionBytes: number;
  captured: number;
  entries: number;
}

/** 10,000 captured requests over 5 tabs (every tab watched): the worker's CPU per request, its heap at each fifth. */
export async function measureWorker(): Promise<WorkerFigures> {
  const servers = await startServers();
  const browser = await launch(DIST_DIR);
  try {
    const worker = browser.worker!;
    await worker.evaluate(() => (globalThis as unknown as Probe).corsDoctorProbe.setWatchMode('everything'));
    const extensionId = new URL(worker.url()).host;
    const pages = [browser.page];
    while (pages.length < HEAP_TABS) pages.push(await browser.context.newPage());
    for (const page of pages) await page.goto(`${servers.pageOrigin}/`);
    const session = await workerSession(browser.context, browser.page, extensionId);
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 200 });
    const perCheckpoint = HEAP_REQUESTS / HEAP_CHECKPOINTS / HEAP_TABS;
    const heapMb: number[] = [];
    let busy = 0;
    type Runner = { runBench(total: number, concurrency: number): Promise<number> };
    for (let checkpoint = 0; checkpoint < HEAP_CHECKPOINTS; checkpoint++) {
      await session.send('Profiler.start');
      await Promise.all(pages.map((page) => page.evaluate((n) => (window as unknown as Runner).runBench(n, 6), perCheckpoint)));
      // The last events' writes and judgements.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { profile } = await session.send<{ profile: Profile }>('Profiler.stop');
      busy += busyMillis(profile);
      await session.send('HeapProfiler.collectGarbage');
      const { usedSize } = await session.send<{ usedSize: number }>('Runtime.getHeapUsage');
      heapMb.push(usedSize / 1024 / 1024);
    }
    const helper = await browser.context.newPage();
    await helper.goto(`chrome-extension://${extensionId}/src/popup/popup.html?harness=1`);
    const tabIds = await helper.evaluate(
      async (origin) => (await chrome.tabs.query({})).filter((t) => t.url?.startsWith(origin)).map((t) => t.id!),
      servers.pageOrigin,
    );
    const entries = await helper.evaluate(
      async (ids) =>
        (await Promise.all(ids.map((tabId) => chrome.runtime.sendMessage({ type: 'getReport', tabId })))).reduce((sum, r) => sum + r.entries.length, 0),
      tabIds,
    );
    const sessionBytes = await helper.evaluate(() => chrome.storage.session.getBytesInUse(null));
    const captured = await worker.evaluate(() => (globalThis as unknown as Probe).corsDoctorProbe.eventsReceived());
    await session.cdp.detach();
    return { cpuMicrosPerRequest: (busy * 1000) / HEAP_REQUESTS, heapMb, sessionBytes, captured, entries };
  } finally {
    await browser.close();
    await servers.close();
  }
}

export function chromiumVersion(): string {
  try {
    return execFileSync(findChromium(), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const ratio = (value: number) => Number(value.toFixed(3));

export async function run(): Promise<BenchResult[]> {
  const shapeRoot = mkdtempSync(join(tmpdir(), 'cors-doctor-shapes-'));
  try {
    const only = process.env.CAPTURE_BENCH_VARIANTS?.split(',');
    const figures = await measure(variants(shapeRoot).filter((variant) => !only || variant.id === 'none' || only.includes(variant.id)));
    if (only) {
      // A quick look at some variants: the ratios only, not the doc.
      for (const f of figures) console.log(f.variant.id, f.ratio);
      return [];
    }
    const results: BenchResult[] = [];
    const runsOf = (f: VariantFigures, key: keyof RunTimes) => f.runs.map((r) => Math.round(r[key])).join(', ');
    for (const f of figures) {
      if (f.variant.id === 'none') {
        results.push({
          name: `no extension: ${REQUESTS} cross-origin fetches`,
          value: Math.round(median(f.runs.map((r) => r.fetches))),
          unit: 'ms',
          note: `runs ${runsOf(f, 'fetches')} ms`,
        });
        results.push({
          name: `no extension: dev page (${MODULES} modules + ${IMAGES} no-cors images)`,
          value: Math.round(median(f.runs.map((r) => r.devPage))),
          unit: 'ms',
          note: `runs ${runsOf(f, 'devPage')} ms`,
        });
        continue;
      }
      results.push({
        name: `${f.variant.label}: fetches`,
        value: ratio(f.ratio.fetches),
        unit: '× none',
        note: `median of ${f.runs.length} paired ratios; runs ${runsOf(f, 'fetches')} ms`,
      });
      results.push({
        name: `${f.variant.label}: dev page`,
        value: ratio(f.ratio.devPage),
        unit: '× none',
        note: `median of ${f.runs.length} paired ratios; runs ${runsOf(f, 'devPage')} ms`,
      });
    }
    const byId = new Map(figures.map((f) => [f.variant.id, f]));
    const WORKLOADS = [
      ['fetches', 'fetches'],
      ['devPage', 'dev page'],
    ] as const;
    // A variant against a floor: the median over rounds of their times in the same round (paired, as against no extension).
    const over = (variant: VariantFigures, floor: VariantFigures, key: keyof RunTimes) =>
      ratio(median(variant.runs.map((run, round) => run[key] / floor.runs[round]![key])));
    const unwatched = byId.get('doctor-unwatched')!;
    const detector = byId.get('floor-unwatched')!;
    const permission = byId.get('floor-permission')!;
    for (const [key, workload] of WORKLOADS) {
      results.push({
        name: `CORS Doctor not watched / its floor (the detector): ${workload}`,
        value: over(unwatched, detector, key),
        unit: '× floor',
        note: `goal ≤ 1.10 of no extension: ${ratio(unwatched.ratio[key])}`,
      });
      results.push({
        name: `CORS Doctor not watched / the webRequest permission with no listener: ${workload}`,
        value: over(unwatched, permission, key),
        unit: '× floor',
        note: `that floor / no extension: ${ratio(permission.ratio[key])}`,
      });
    }
    const watched = byId.get('doctor-watched')!;
    const floor = byId.get('floor-watched')!;
    const persisted = byId.get('floor-watched-persisted')!;
    for (const [key, workload] of WORKLOADS) {
      results.push({ name: `CORS Doctor watched / its floor: ${workload}`, value: over(watched, floor, key), unit: '× floor', note: 'goal ≤ 1.03' });
      results.push({
        name: `CORS Doctor watched / the floor that keeps the reliability invariant: ${workload}`,
        value: over(watched, persisted, key),
        unit: '× floor',
        note: `that floor / the bare floor: ${over(persisted, floor, key)}`,
      });
    }
    const worker = await measureWorker();
    results.push({
      name: 'worker CPU per captured request',
      value: Math.round(worker.cpuMicrosPerRequest),
      unit: 'µs',
      note: `${HEAP_REQUESTS.toLocaleString('en-US')} fetches over ${HEAP_TABS} tabs, every tab watched, sampled by the V8 profiler on the worker target (${worker.captured.toLocaleString('en-US')} events in the last worker)`,
    });
    results.push({
      name: `worker JS heap after ${HEAP_REQUESTS.toLocaleString('en-US')} captured requests`,
      value: Number(worker.heapMb.at(-1)!.toFixed(1)),
      unit: 'MB',
      note: `after a GC, at each ${(HEAP_REQUESTS / HEAP_CHECKPOINTS).toLocaleString('en-US')}: ${worker.heapMb.map((mb) => mb.toFixed(1)).join(', ')} MB; ${worker.entries.toLocaleString('en-US')} entries kept (per-tab bound)`,
    });
    results.push({
      name: 'storage.session in use after that',
      value: Number((worker.sessionBytes / 1024 / 1024).toFixed(2)),
      unit: 'MB',
      note: 'chrome.storage.session.getBytesInUse; the area holds 10 MB',
    });
    return results;
  } finally {
    rmSync(shapeRoot, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(chromiumVersion());
  console.table(await run());
}
