/**
 * `npm run bench`: runs every bench/*.ts module (except this one) that exports
 * `run(): Promise<BenchResult[]>` and prints one table, with the machine it ran on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const here = import.meta.dirname;
const self = basename(import.meta.filename);
const only = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && file !== self)
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown';
}

const rows: (BenchResult & { module: string })[] = [];
let failed = false;
for (const file of modules) {
  const mod = (await import(pathToFileURL(resolve(here, file)).href)) as { run?: () => Promise<BenchResult[]> };
  if (typeof mod.run !== 'function') continue;
  try {
    for (const result of await mod.run()) rows.push({ ...result, module: file });
  } catch (error) {
    failed = true;
    console.error(`${file}: ${error instanceof Error ? error.stack : String(error)}`);
  }
}

console.log(`node ${process.version} · ${cpuModel()} · ${cpus().length} cores\n`);
const table = [['module', 'benchmark', 'value', 'unit', 'note'], ...rows.map((r) => [r.module, r.name, r.value.toLocaleString('en-US'), r.unit, r.note ?? ''])];
const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
for (const [index, row] of table.entries()) {
  console.log(row.map((cell, column) => (column === 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd());
  if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
if (failed) process.exitCode = 1;
