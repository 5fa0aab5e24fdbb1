/**
 * The exports of a big tab: 1,000 failures (30 kinds) and 1,000 failures on 1,000 endpoints, as
 * Markdown (grouping, the size budget, redaction), JSON and HAR. Time per export, and the Markdown's
 * length against its 32,000-character budget.
 */
import { exportReport } from '../src/report/export';
import { fixtureReport } from '../test-support/report-fixtures';
import type { Report, ReportEntry } from '../src/shared/report';

interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

function bulk(count: number, pathOf: (index: number) => string): Report {
  const templates = fixtureReport().entries.filter((entry) => entry.verdict.blocked);
  const report = fixtureReport();
  report.entries = Array.from({ length: count }, (_, index): ReportEntry => {
    const entry = structuredClone(templates[index % templates.length]!);
    const url = new URL(entry.request.url);
    entry.id = `bulk-${index}`;
    entry.time += index * 37;
    entry.endTime = entry.time + 12;
    entry.request.url = `${url.origin}${pathOf(index)}${url.search}`;
    if (entry.preflight) entry.preflight.url = entry.request.url;
    return entry;
  });
  return report;
}

/** Median of `rounds` runs, after one warm-up. */
function median(rounds: number, run: () => void): number {
  run();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const [label, report] of [
    ['1,000 failures, 30 kinds', bulk(1000, (i) => `/api/v${i % 10}/orders`)],
    ['1,000 failures, 1,000 endpoints', bulk(1000, (i) => `/api/items/${i}`)],
  ] as const) {
    for (const format of ['markdown', 'json', 'har'] as const) {
      const ms = median(5, () => exportReport(report, format));
      results.push({ name: `${format} export, ${label}`, value: Math.round(ms), unit: 'ms' });
    }
    results.push({ name: `markdown length, ${label}`, value: exportReport(report, 'markdown').text.length, unit: 'chars', note: 'budget 32,000' });
  }
  return results;
}
