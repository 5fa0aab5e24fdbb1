/** Engine throughput: verdicts per second for a simple passing request and for a realistic mix. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/**
 * The engine bundled as the extension ships it (one ESM module). Under tsx every cross-module
 * call goes through an export getter, which would measure the loader rather than the engine.
 */
async function loadBundledEngine(): Promise<{ judge: Judge; how: string }> {
  try {
    const esbuild = await import('esbuild');
    const built = await esbuild.build({
      entryPoints: [resolve(import.meta.dirname, '..', 'src', 'engine', 'index.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      write: false,
    });
    const file = join(mkdtempSync(join(tmpdir(), 'cors-engine-bench-')), 'engine.mjs');
    writeFileSync(file, built.outputFiles[0]?.text ?? '');
    const bundled = (await import(pathToFileURL(file).href)) as { judgeExchange: Judge };
    return { judge: bundled.judgeExchange, how: 'bundled with esbuild' };
  } catch {
    const direct = await import('../src/engine/index');
    return { judge: direct.judgeExchange, how: 'unbundled (tsx)' };
  }
}

let judgeExchange: Judge;

function verdictsPerSecond(exchanges: ObservedExchange[], minMillis = 400): number {
  let sink = 0;
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMillis) {
    for (let i = 0; i < 2000; i++) sink += judgeExchange(exchanges[count++ % exchanges.length] as ObservedExchange).warnings.length;
    elapsed = performance.now() - start;
  }
  if (sink < 0) console.log(sink);
  return (count / elapsed) * 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const simple = [simpleExchange({ response: [['Access-Control-Allow-Origin', PAGE], ['Vary', 'Origin']] })];
const mix: ObservedExchange[] = [
  ...simple,
  simpleExchange({ response: [['Access-Control-Allow-Origin', '*']] }),
  simpleExchange({ status: 404, response: [['Access-Control-Allow-Origin', '*']] }),
  preflightedExchange({
    method: 'PUT',
    acrh: 'content-type',
    preflightResponse: [['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Methods', 'GET, PUT'], ['Access-Control-Allow-Headers', 'Content-Type'], ['Vary', 'Origin']],
    actualRequestExtra: [['Content-Type', 'application/json']],
    actualResponse: [['Access-Control-Allow-Origin', PAGE], ['Vary', 'Origin']],
  }),
  {
    ...simpleExchange({ response: [['Access-Control-Allow-Origin', '*']] }),
    redirects: [{ url: 'https://api.example.com/v1/items', status: 301, location: 'https://api.example.com/v2/items', headers: [{ name: 'Access-Control-Allow-Origin', value: '*' }] }],
  },
  ...(Object.values(RULE_EXAMPLES) as ObservedExchange[]).slice(0, 6),
  simpleExchange({ error: 'net::ERR_CONNECTION_REFUSED' }),
];

export async function run(): Promise<BenchResult[]> {
  const engine = await loadBundledEngine();
  judgeExchange = engine.judge;
  verdictsPerSecond(mix, 300);
  const simpleRuns: number[] = [];
  const mixRuns: number[] = [];
  for (let i = 0; i < 5; i++) {
    simpleRuns.push(verdictsPerSecond(simple));
    mixRuns.push(verdictsPerSecond(mix));
  }
  return [
    { name: 'engine: simple passing GET', value: Math.round(median(simpleRuns)), unit: 'verdicts/s', note: `median of 5 runs, one core, ${engine.how}` },
    { name: `engine: realistic mix (${mix.length} shapes, ~half blocked)`, value: Math.round(median(mixRuns)), unit: 'verdicts/s', note: `median of 5 runs, one core, ${engine.how}` },
  ];
}
