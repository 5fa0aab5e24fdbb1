/**
 * The built extension's size: everything in dist/, and each entry's JavaScript (the worker, the
 * popup, the panel, the DevTools page) with the chunks it imports, gzipped as a store download
 * would carry it. Run `npm run build` first.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST_DIR } from '../tools/chromium';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export const title = 'Size of the built extension';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A JS file and, transitively, every chunk its static imports name. */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file) || !existsSync(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/(?:import|from)\s*["']([^"']+\.js)["']/g)) {
    const target = match[1]!.startsWith('/') ? join(DIST_DIR, match[1]!) : join(file, '..', match[1]!);
    closure(target, seen);
  }
  return seen;
}

function scriptsOfHtml(html: string): string[] {
  const file = readFileSync(html, 'utf8');
  return [...file.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => (m[1]!.startsWith('/') ? join(DIST_DIR, m[1]!) : join(html, '..', m[1]!)));
}

const kb = (bytes: number) => Number((bytes / 1024).toFixed(1));

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(join(DIST_DIR, 'manifest.json'))) throw new Error('no dist/: run `npm run build` first');
  const all = filesUnder(DIST_DIR);
  const total = all.reduce((sum, file) => sum + statSync(file).size, 0);
  const gzipTotal = all.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
  const results: BenchResult[] = [
    { name: 'extension: all files in dist/', value: kb(total), unit: 'KB', note: `${all.length} files; gzipped one by one ${kb(gzipTotal)} KB` },
  ];
  const entries: Array<[string, string[]]> = [
    ['service worker', [join(DIST_DIR, 'service-worker-loader.js')]],
    ['popup', scriptsOfHtml(join(DIST_DIR, 'src/popup/popup.html'))],
    ['panel', scriptsOfHtml(join(DIST_DIR, 'src/panel/panel.html'))],
    ['DevTools page', scriptsOfHtml(join(DIST_DIR, 'src/devtools/devtools.html'))],
  ];
  for (const [name, starts] of entries) {
    const files = new Set<string>();
    for (const start of starts) for (const file of closure(start)) files.add(file);
    const bytes = [...files].reduce((sum, file) => sum + readFileSync(file).length, 0);
    const gzip = gzipSync(Buffer.concat([...files].map((file) => readFileSync(file)))).length;
    results.push({
      name: `extension: ${name} JavaScript, gzip`,
      value: kb(gzip),
      unit: 'KB',
      note: `${kb(bytes)} KB raw in ${files.size} file${files.size === 1 ? '' : 's'}: ${[...files].map((f) => relative(DIST_DIR, f)).join(', ')}`,
    });
  }
  return results;
}
