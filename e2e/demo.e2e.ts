/**
 * `npm start -- --headless --out <dir>` end to end, as a newcomer on a machine without a display runs
 * it: it must finish, print the summary, write the exports and screenshots, and CORS Doctor must have
 * diagnosed every gallery case with Chromium's rule while passing every fixed twin.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReport, GALLERY_CASES, resolveGalleryCases, type LabOrigins } from '../lab/gallery';
import type { Report } from '../src/shared/report';
import { readPng, runDemo, type DemoRun } from './demo-run';

const DEMO_TIMEOUT_MS = 300_000;

describe('npm start, headless', () => {
  let outDir: string;
  let run: DemoRun;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'cors-lab-output-'));
    run = await runDemo(['--headless', '--out', outDir], DEMO_TIMEOUT_MS);
    console.log(`npm start -- --headless took ${(run.ms / 1000).toFixed(1)} s`);
  }, DEMO_TIMEOUT_MS + 10_000);
  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('runs to completion, exits 0 and prints a readable summary', () => {
    expect(run.code, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain(`Ran the gallery      ${GALLERY_CASES.length * 2}/${GALLERY_CASES.length * 2} requests`);
    expect(run.stdout).toMatch(/CORS failures CORS Doctor found: \d+/);
    expect(run.stdout).toContain('MissingAllowOriginHeader');
    expect(run.stdout).toMatch(/ fix {3}\S/);
    const blockingCases = GALLERY_CASES.filter((c) => c.expected).length;
    expect(run.stdout).toContain(`${blockingCases}/${blockingCases} broken cases diagnosed as Chromium does`);
    const networkErrorCases = GALLERY_CASES.filter((c) => c.networkError).length;
    expect(run.stdout).toContain(`${networkErrorCases}/${networkErrorCases} network errors named as not CORS`);
    const lessons = GALLERY_CASES.length - blockingCases - networkErrorCases;
    expect(run.stdout).toContain(`${lessons}/${lessons} non-blocking lessons judged as passing`);
    expect(run.stdout).toContain(`${GALLERY_CASES.length}/${GALLERY_CASES.length} fixed twins passed`);
    expect(run.stdout).toContain(`${GALLERY_CASES.length * 2}/${GALLERY_CASES.length * 2} requests behaved on the page as their card says`);
    expect(run.stdout).not.toContain('disagreed');
  });

  it('writes the Markdown, JSON and HAR exports and the panel and popup screenshots', () => {
    const markdown = readFileSync(join(outDir, 'cors-doctor-report.md'), 'utf8');
    expect(markdown).toMatch(/^#/m);
    expect(markdown).toContain('AllowOriginMismatch');

    const har = JSON.parse(readFileSync(join(outDir, 'cors-doctor-report.har'), 'utf8'));
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries.length).toBeGreaterThanOrEqual(GALLERY_CASES.length * 2);

    expect(readPng(join(outDir, 'panel.png'))).toEqual({ width: 1280, height: 800 });
    expect(readPng(join(outDir, 'popup.png'))).toEqual({ width: 380, height: 600 });
    expect(existsSync(join(outDir, 'gallery.png'))).toBe(true);
  });

  it('the JSON export shows every gallery case diagnosed with its Chromium rule, and every fixed twin passing', () => {
    const report: Report = JSON.parse(readFileSync(join(outDir, 'cors-doctor-report.json'), 'utf8'));
    expect(report.schemaVersion).toBe(1);
    const { origins }: { origins: LabOrigins } = JSON.parse(readFileSync(join(outDir, 'gallery-run.json'), 'utf8'));
    const cases = resolveGalleryCases(origins);
    const outcome = checkReport(report, cases).map((check) => ({
      request: `${check.galleryCase.id} (${check.variant})`,
      problem: check.problem,
    }));
    expect(outcome).toEqual(
      cases.flatMap((c) => [
        { request: `${c.id} (broken)`, problem: null },
        { request: `${c.id} (fixed)`, problem: null },
      ]),
    );
  });
});
