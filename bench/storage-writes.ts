/**
 * What watching a tab writes to chrome.storage.session: the calls and the bytes handed to the area
 * per request, by kind of key, on the capture benchmark's 600 cross-origin fetches (bench/capture.ts).
 * The reliability invariant (docs/reliability.md) writes what each event taught in the task that
 * handled it, so these bytes are most of what a watched tab costs above its listeners' floor.
 *
 * The worker's `chrome.storage.session.set` and `remove` are wrapped (in the benchmark's browser
 * only) to count each call, and each key's length plus its value's JSON length (UTF-16 code units;
 * every key and nearly every value is ASCII).
 */
import { DIST_DIR } from '../tools/chromium';
import { launch, startServers, type BenchResult, type Probe } from './capture';

export const title = 'What a watched tab writes to storage.session (storage-writes)';

const REQUESTS = 600;
const CONCURRENCY = 6;
/** Key kinds, by the key's prefix up to its first colon. */
const KINDS: Array<[string, string]> = [
  ['entry', 'entries (`entry:<tab>:<seq>`)'],
  ['flight', 'open requests (`flight:<id>`)'],
  ['preflight', 'pending preflights (`preflight:<id>`)'],
  ['activity', "each tab's last event time (`activity:<worker>`)"],
  ['tab', "the tab's counters (`tab:<id>`)"],
];

interface Counts {
  setCalls: number;
  removeCalls: number;
  bytes: Record<string, number>;
}

export async function run(): Promise<BenchResult[]> {
  const servers = await startServers();
  const browser = await launch(DIST_DIR);
  try {
    const worker = browser.worker!;
    await worker.evaluate((id) => (globalThis as unknown as Probe).corsDoctorProbe.setWatch(id, true), browser.tabId!);
    await browser.page.goto(`${servers.pageOrigin}/`);
    type Runner = { runBench(total: number, concurrency: number): Promise<number> };
    // Warm-up, as in the capture benchmark, before the counting starts.
    await browser.page.evaluate(() => (window as unknown as Runner).runBench(60, 6));
    await settled(worker);
    await worker.evaluate(() => {
      const counts: Counts = { setCalls: 0, removeCalls: 0, bytes: {} };
      (globalThis as unknown as { storageWrites: Counts }).storageWrites = counts;
      const area = chrome.storage.session as unknown as {
        set(items: Record<string, unknown>): Promise<void>;
        remove(keys: string | string[]): Promise<void>;
      };
      const set = area.set.bind(area);
      const remove = area.remove.bind(area);
      area.set = (items) => {
        counts.setCalls++;
        for (const [key, value] of Object.entries(items)) {
          const kind = key.split(':')[0]!;
          counts.bytes[kind] = (counts.bytes[kind] ?? 0) + key.length + JSON.stringify(value).length;
        }
        return set(items);
      };
      area.remove = (keys) => {
        counts.removeCalls++;
        return remove(keys);
      };
    });
    await browser.page.evaluate(([total, concurrency]) => (window as unknown as Runner).runBench(total!, concurrency!), [REQUESTS, CONCURRENCY]);
    await settled(worker);
    const counts = await worker.evaluate(() => (globalThis as unknown as { storageWrites: Counts }).storageWrites);
    const total = Object.values(counts.bytes).reduce((sum, bytes) => sum + bytes, 0);
    const perRequest = (value: number) => Math.round(value / REQUESTS);
    const results: BenchResult[] = [
      {
        name: 'storage.session set calls per request, watched tab',
        value: Number((counts.setCalls / REQUESTS).toFixed(2)),
        unit: 'calls',
        note: `${REQUESTS} fetches of the capture benchmark's mix; ${counts.removeCalls} remove calls besides (the closed keys, in batches)`,
      },
      {
        name: 'bytes handed to storage.session per request, watched tab',
        value: perRequest(total),
        unit: 'B',
        note: 'key and JSON value lengths, every set call',
      },
    ];
    const named = new Set(KINDS.map(([kind]) => kind));
    for (const [kind, label] of KINDS) results.push({ name: `of which ${label}`, value: perRequest(counts.bytes[kind] ?? 0), unit: 'B' });
    const other = Object.entries(counts.bytes).filter(([kind]) => !named.has(kind));
    if (other.length > 0) {
      results.push({
        name: 'of which other keys',
        value: perRequest(other.reduce((sum, [, bytes]) => sum + bytes, 0)),
        unit: 'B',
        note: other.map(([kind]) => kind).join(', '),
      });
    }
    return results;
  } finally {
    await browser.close();
    await servers.close();
  }
}

/** Until the worker has received no event for half a second: the last writes are then made. */
async function settled(worker: NonNullable<Awaited<ReturnType<typeof launch>>['worker']>): Promise<void> {
  const received = () => worker.evaluate(() => (globalThis as unknown as Probe).corsDoctorProbe.eventsReceived());
  let last = -1;
  for (;;) {
    const now = await received();
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
