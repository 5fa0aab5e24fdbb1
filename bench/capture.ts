/**
 * The cost of listening: how much slower a page's cross-origin traffic gets with CORS Doctor loaded.
 *
 * A loopback page (http://127.0.0.1:A) makes 600 cross-origin fetches to http://localhost:B, six at a
 * time, in an even mix: passes, CORS failures, passing preflights, failing preflights, redirects, and
 * no-cors requests. Preflights are never cached (Access-Control-Max-Age: 0) and nothing is
 * HTTP-cached. The same workload runs in a fresh Chromium without the extension and with dist/,
 * alternating, three times each; the result is the ratio of the medians.
 *
 * `tsx bench/capture.ts [extensionDir...]` prints the comparison for dist/ or for the given unpacked
 * extensions (used to compare listener sets before choosing one).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DIST_DIR, QUIET_FLAGS, findChromium } from '../tools/chromium';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const REQUESTS = 600;
const CONCURRENCY = 6;
const ROUNDS = 3;
const KINDS = ['pass', 'fail', 'preflight-ok', 'preflight-bad', 'redirect', 'no-cors'] as const;

interface Servers {
  pageOrigin: string;
  apiOrigin: string;
  close(): Promise<void>;
}

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

async function startServers(): Promise<Servers> {
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
          res
            .writeHead(204, allow({ 'Access-Control-Allow-Methods': 'PUT', 'Access-Control-Allow-Headers': 'x-bench', 'Access-Control-Max-Age': '0' }))
            .end();
        } else res.writeHead(200, allow({ 'Content-Type': 'application/json' })).end(body);
        return;
      case '/preflight-bad':
        res.writeHead(204, { 'Access-Control-Max-Age': '0', 'Cache-Control': 'no-store' }).end();
        return;
      case '/redirect':
        res.writeHead(302, allow({ Location: `/pass${url.search}` })).end();
        return;
      default:
        res.writeHead(404).end();
    }
  });
  const apiPort = await listen(api, '127.0.0.1');
  const apiOrigin = `http://localhost:${apiPort}`;
  const page = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' }).end(benchPage(apiOrigin));
    void req;
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

function benchPage(apiOrigin: string): string {
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

/** One timed run in a fresh browser, with the extension in `extensionDir` or none. */
async function timedRun(servers: Servers, extensionDir: string | null): Promise<number> {
  const profile = mkdtempSync(join(tmpdir(), 'cors-doctor-bench-'));
  const args = [...QUIET_FLAGS];
  if (extensionDir) args.push(`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`);
  const context = await chromium.launchPersistentContext(profile, { executablePath: findChromium(), headless: true, args });
  try {
    if (extensionDir && context.serviceWorkers().length === 0) {
      await context.waitForEvent('serviceworker', { timeout: 30_000 });
    }
    const page = await context.newPage();
    await page.goto(`${servers.pageOrigin}/`);
    // Warm-up: connections, the worker's first wake, JIT.
    await page.evaluate(() => (window as unknown as { runBench(t: number, c: number): Promise<number> }).runBench(60, 6));
    return await page.evaluate(
      ([total, concurrency]) => (window as unknown as { runBench(t: number, c: number): Promise<number> }).runBench(total!, concurrency!),
      [REQUESTS, CONCURRENCY],
    );
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Milliseconds for the workload without and with each extension, alternating runs. */
export async function measure(extensionDirs: string[], rounds = ROUNDS): Promise<{ baseline: number[]; withExtension: number[][] }> {
  const servers = await startServers();
  const baseline: number[] = [];
  const withExtension: number[][] = extensionDirs.map(() => []);
  try {
    for (let round = 0; round < rounds; round++) {
      baseline.push(await timedRun(servers, null));
      for (const [i, dir] of extensionDirs.entries()) withExtension[i]!.push(await timedRun(servers, dir));
    }
  } finally {
    await servers.close();
  }
  return { baseline, withExtension };
}

export async function run(): Promise<BenchResult[]> {
  const { baseline, withExtension } = await measure([DIST_DIR]);
  const none = median(baseline);
  const ours = median(withExtension[0]!);
  const workload = `${REQUESTS} cross-origin fetches, ${CONCURRENCY} at a time, median of ${ROUNDS} alternating runs`;
  const runs = (times: number[]) => `runs ${times.map((t) => Math.round(t)).join(', ')} ms`;
  return [
    { name: 'capture: page traffic without extension', value: Math.round(none), unit: 'ms', note: `${workload}; ${runs(baseline)}` },
    { name: 'capture: page traffic with CORS Doctor', value: Math.round(ours), unit: 'ms', note: `${workload}; ${runs(withExtension[0]!)}` },
    { name: 'capture: listening overhead', value: Number((ours / none).toFixed(3)), unit: 'ratio', note: 'with / without; 1.00 = free' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) {
    console.table(await run());
  } else {
    const { baseline, withExtension } = await measure(dirs);
    const none = median(baseline);
    console.log(`no extension: ${baseline.map(Math.round).join(', ')} ms, median ${Math.round(none)}`);
    for (const [i, dir] of dirs.entries()) {
      const times = withExtension[i]!;
      console.log(`${dir}: ${times.map(Math.round).join(', ')} ms, median ${Math.round(median(times))}, ×${(median(times) / none).toFixed(2)}`);
    }
  }
}
