/** Engine throughput: verdicts per second for a simple passing request and for a realistic mix. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Verdict } from '../src/engine/types';
import { RULE_EXAMPLES, PAGE, preflightedExchange, simpleExchange } from '../src/engine/examples';
import type { ObservedExchange } from '../src/engine/types';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

type Judge = (exchange: ObservedExchange) => Verdict;

const RUNS = 7;
// ENGINE_BENCH_ENTRY points at another checkout's src/engine/index.ts, to compare two versions
// back-to-back on the same (possibly busy) machine.
const ENTRY = process.env.ENGINE_BENCH_ENTRY ?? resolve(import.meta.dirname, '..', 'src', 'engine', 'index.ts');

/**
 * The engine bundled as the extension ships it (one ESM module), with vite, which the project
 * declares. Under tsx every cross-module call goes through an export getter, which would
 * measure the loader rather than the engine.
 */
async function loadBundledEngine(): Promise<{ judge: Judge; how: string; cleanup: () => void }> {
  const { build } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'cors-engine-bench-'));
  await build({
    configFile: false,
    logLevel: 'silent',
    root: outDir,
    build: {
      outDir,
      emptyOutDir: false,
      write: true,
      minify: false,
      target: 'es2022',
      lib: { entry: ENTRY, formats: ['es'], fileName: 'engine' },
    },
  });
  const file = readdirSync(outDir).find((name) => name.startsWith('engine') && name.endsWith('js'));
  if (!file) throw new Error(`vite wrote no engine bundle in ${outDir}`);
  const bundled = (await import(pathToFileURL(join(outDir, file)).href)) as { judgeExchange: Judge };
  return { judge: bundled.judgeExchange, how: 'bundled with vite', cleanup: () => rmSync(outDir, { recursive: true, force: true }) };
}

let judgeExchange: Judge;

/** Verdicts per wall-clock second and per CPU second of this process (steadier on a busy machine). */
function verdictsPerSecond(exchanges: ObservedExchange[], minMillis = 400): { wall: number; cpu: number } {
  let sink = 0;
  let count = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMillis) {
    for (let i = 0; i < 2000; i++) sink += judgeExchange(exchanges[count++ % exchanges.length] as ObservedExchange).warnings.length;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  if (sink < 0) console.log(sink);
  return { wall: (count / elapsed) * 1000, cpu: (count / ((cpu.user + cpu.system) / 1000)) * 1000 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const simple = [
  simpleExchange({
    response: [
      ['Access-Control-Allow-Origin', PAGE],
      ['Vary', 'Origin'],
    ],
  }),
];
const mix: ObservedExchange[] = [
  ...simple,
  simpleExchange({ response: [['Access-Control-Allow-Origin', '*']] }),
  simpleExchange({ status: 404, response: [['Access-Control-Allow-Origin', '*']] }),
  preflightedExchange({
    method: 'PUT',
    acrh: 'content-type',
    preflightResponse: [
      ['Access-Control-Allow-Origin', PAGE],
      ['Access-Control-Allow-Methods', 'GET, PUT'],
      ['Access-Control-Allow-Headers', 'Content-Type'],
      ['Vary', 'Origin'],
    ],
    actualRequestExtra: [['Content-Type', 'application/json']],
    actualResponse: [
      ['Access-Control-Allow-Origin', PAGE],
      ['Vary', 'Origin'],
    ],
  }),
  {
    ...simpleExchange({ response: [['Access-Control-Allow-Origin', '*']] }),
    redirects: [
      {
        url: 'https://api.example.com/v1/items',
        status: 301,
        location: 'https://api.example.com/v2/items',
        headers: [{ name: 'Access-Control-Allow-Origin', value: '*' }],
      },
    ],
  },
  ...(Object.values(RULE_EXAMPLES) as ObservedExchange[]).slice(0, 6),
  simpleExchange({ error: 'net::ERR_CONNECTION_REFUSED' }),
];

function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

export async function run(): Promise<BenchResult[]> {
  const engine = await loadBundledEngine();
  judgeExchange = engine.judge;
  try {
    // Long enough for the optimizing tier to settle on both shapes before anything is timed.
    verdictsPerSecond(mix, 1500);
    verdictsPerSecond(simple, 500);
    const simpleRuns: { wall: number; cpu: number }[] = [];
    const mixRuns: { wall: number; cpu: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      simpleRuns.push(verdictsPerSecond(simple));
      mixRuns.push(verdictsPerSecond(mix));
    }
    const describe = (runs: { wall: number; cpu: number }[]) => {
      const wall = runs.map((r) => r.wall);
      const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
      return `median of ${RUNS} runs (min–max ${fmt(Math.min(...wall))}–${fmt(Math.max(...wall))}); per CPU second ${fmt(median(runs.map((r) => r.cpu)))}; one core, ${engine.how}, load ${loadAverage()}`;
    };
    return [
      { name: 'engine: simple passing GET', value: Math.round(median(simpleRuns.map((r) => r.wall))), unit: 'verdicts/s', note: describe(simpleRuns) },
      {
        name: `engine: realistic mix (${mix.length} shapes, ~half blocked)`,
        value: Math.round(median(mixRuns.map((r) => r.wall))),
        unit: 'verdicts/s',
        note: describe(mixRuns),
      },
    ];
  } finally {
    engine.cleanup();
  }
}
