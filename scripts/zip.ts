/**
 * Packs dist/ into release/cors-doctor-<version>.zip for the Chrome Web Store, or with `--firefox`
 * dist-firefox/ into release/cors-doctor-<version>-firefox.zip for addons.mozilla.org: manifest.json
 * at the root, files in a stable order with fixed timestamps so the same build gives the same zip.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { zipSync, type Zippable } from 'fflate';

const root = resolve(import.meta.dirname, '..');
const firefox = process.argv.includes('--firefox');
const distDir = join(root, firefox ? 'dist-firefox' : 'dist');
const releaseDir = join(root, 'release');

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}

const manifest = JSON.parse(readFileSync(join(distDir, 'manifest.json'), 'utf8')) as { version: string };
// The zip format cannot store dates before 1980; any fixed date makes the archive reproducible.
const fixedTime = new Date('2026-01-01T00:00:00Z');
const files: Zippable = {};
for (const path of listFiles(distDir)) {
  files[relative(distDir, path).split('\\').join('/')] = [readFileSync(path), { mtime: fixedTime }];
}
mkdirSync(releaseDir, { recursive: true });
const target = join(releaseDir, `cors-doctor-${manifest.version}${firefox ? '-firefox' : ''}.zip`);
writeFileSync(target, zipSync(files, { level: 9 }));
console.log(`Wrote ${relative(root, target)} (${Object.keys(files).length} files, ${statSync(target).size} bytes)`);
