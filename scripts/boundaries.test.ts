// The boundary checks of `npm test` (docs/architecture.md) must fail on a violation. Each probe is a
// file written into a scratch copy of the layout, linted with this repository's biome.json or
// type-checked with its tsconfig.engine.json; no violation is ever written into the tree.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const biome = join(root, 'node_modules', '.bin', 'biome');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const scratch = mkdtempSync(join(tmpdir(), 'cors-doctor-boundaries-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let probes = 0;
function probeDir(files: Record<string, string>): string {
  const dir = join(scratch, String(probes++));
  // The scratch copy is no git checkout: the config is the repository's, minus its .gitignore lookup.
  const config = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8'));
  delete config.$schema;
  config.vcs = { enabled: false };
  for (const [path, text] of Object.entries({ 'biome.json': JSON.stringify(config), ...files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The rule names biome reports for one file placed at `path`. */
function lint(path: string, text: string): string[] {
  const dir = probeDir({ [path]: text });
  const run = spawnSync(biome, ['lint', '--reporter=json', '--max-diagnostics=50', path], { cwd: dir, encoding: 'utf8' });
  const report = JSON.parse(run.stdout) as { diagnostics: { category: string }[] };
  expect(run.status !== 0, `exit status follows the diagnostics for ${path}`).toBe(report.diagnostics.length > 0);
  return report.diagnostics.map((d) => d.category);
}

const RESTRICTED = 'lint/style/noRestrictedImports';
const importing = (specifier: string) => `import { probe } from '${specifier}';\nexport const used = probe;\n`;

// Each case spawns Biome or tsc; on a busy 2-core machine one takes several seconds.
const SPAWNING = { timeout: 60_000 };

describe('biome.json: import boundaries', SPAWNING, () => {
  it.each([
    ['src/panel/probe.ts', '../../e2e/harness', 'src/ imports e2e/'],
    ['src/report/probe.ts', '../../lab/server', 'src/ imports lab/'],
    ['src/background/probe.ts', '../../bench/run', 'src/ imports bench/'],
    ['src/popup/probe.ts', '../../scripts/zip', 'src/ imports scripts/'],
    ['src/panel/probe.ts', '../../test-support/fixtures', 'src/ imports test-support/'],
    ['src/engine/probe.ts', '../report/export', 'the engine imports report/'],
    ['src/engine/fixes/probe.ts', '../../shared/report', 'the engine imports shared/'],
    ['src/engine/probe.ts', '../background/badge', 'the engine imports background/'],
    ['src/engine/probe.ts', 'webextension-polyfill', 'the engine imports the browser API'],
    ['src/report/probe.ts', '../panel/store', 'report/ imports panel/'],
    ['src/shared/probe.ts', '../background/service', 'shared/ imports background/'],
    ['src/cli/probe.ts', '../popup/summary', 'cli/ imports popup/'],
    ['lab/probe.ts', '../e2e/harness', 'npm start imports the test harness'],
    ['tools/probe.ts', '../test-support/fixtures', 'a tool imports a test helper'],
  ])('%s importing %s fails (%s)', (path, specifier) => {
    expect(lint(path, importing(specifier))).toContain(RESTRICTED);
  });

  it.each([
    ['src/panel/probe.ts', ['lint/style/noRestrictedGlobals']],
    ['src/background/probe.ts', ['lint/style/noRestrictedGlobals']],
    ['src/platform/probe.ts', []],
  ])('%s calling chrome.* gives %j (only the platform seam may)', (path, expected) => {
    expect(lint(path, 'export const id = chrome.runtime.id;\n')).toEqual(expected);
  });

  it('the engine may not import a Node module', () => {
    expect(lint('src/engine/probe.ts', importing('node:fs'))).toContain('lint/correctness/noNodejsModules');
  });

  it.each([
    ['src/engine/probe.ts', './http'],
    ['src/engine/fixes/probe.ts', '../types'],
    ['src/report/probe.ts', '../engine/index'],
    ['src/panel/probe.ts', '../report/export'],
    ['src/engine/probe.test.ts', 'node:fs'],
    ['e2e/probe.ts', '../src/panel/store'],
    ['lab/probe.ts', '../tools/chromium'],
    ['e2e/probe.ts', '../tools/chromium'],
  ])('%s importing %s passes', (path, specifier) => {
    expect(lint(path, importing(specifier))).toEqual([]);
  });
});

describe('tsconfig.engine.json: the engine compiles with no DOM, chrome or Node types', SPAWNING, () => {
  function typecheck(probe: string): { status: number | null; output: string } {
    const dir = probeDir({
      'tsconfig.json': JSON.stringify({ extends: join(root, 'tsconfig.engine.json'), include: ['probe.ts', join(root, 'types', 'engine-url.d.ts')] }),
      'probe.ts': probe,
    });
    const run = spawnSync(tsc, ['--noEmit', '-p', join(dir, 'tsconfig.json')], { cwd: dir, encoding: 'utf8' });
    return { status: run.status, output: run.stdout + run.stderr };
  }

  it.each([
    ['the DOM', 'export const title = document.title;\n', 'document'],
    ['chrome.*', 'export const id = chrome.runtime.id;\n', 'chrome'],
    ['Node', 'export const cwd = process.cwd();\n', 'process'],
  ])('using %s fails', (_what, probe, name) => {
    const result = typecheck(probe);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(`'${name}'`);
  });

  it('plain ES2022 and the URL parser pass', () => {
    expect(typecheck("export const origin = new URL('https://a.example/x').origin;\nexport const keys = Object.keys({ a: 1 });\n")).toEqual({
      status: 0,
      output: '',
    });
  });
});

describe('biome.json: the formatter', SPAWNING, () => {
  const check = (text: string) =>
    spawnSync(biome, ['format', 'src/panel/probe.ts'], { cwd: probeDir({ 'src/panel/probe.ts': text }), encoding: 'utf8' }).status;

  it('fails `npm run lint` on a file the formatter would change', () => {
    expect(check('export const probe = {a:1,b:"two"}\n')).not.toBe(0);
  });

  it('passes a file written as the formatter writes it', () => {
    expect(check("export const probe = { a: 1, b: 'two' };\n")).toBe(0);
  });
});
