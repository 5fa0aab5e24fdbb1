/**
 * `npm start -- --browser firefox --headless --out <dir>` end to end, as a Firefox developer without
 * a display runs it: it must finish, CORS Doctor must have captured every gallery card's requests,
 * the printed summary must name each failure by its Firefox reason key, and the Markdown, JSON and
 * HAR exports (redacted) and the screenshots must be written.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import harValidator from 'har-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReport, findVariant, GALLERY_CASES, resolveGalleryCases, type LabOrigins } from '../../lab/gallery';
import { FIREFOX_REASON_KEYS } from '../../src/engine/firefox/reasons';
import { REDACTED } from '../../src/report/redact';
import type { Report } from '../../src/shared/report';
import { readPng, runDemo, type DemoRun } from '../demo-run';

const DEMO_TIMEOUT_MS = 240_000;
/** The secret the gallery's cards send (`Authorization: Bearer lab-token`): no export may contain it. */
const LAB_SECRET = 'lab-token';

describe('npm start -- --browser firefox, headless', () => {
  let outDir: string;
  let run: DemoRun;
  let report: Report;
  let origins: LabOrigins;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'cors-lab-firefox-output-'));
    // --port 0: any free port.
    run = await runDemo(['--browser', 'firefox', '--headless', '--port', '0', '--out', outDir], DEMO_TIMEOUT_MS);
    console.log(`npm start -- --browser firefox --headless took ${(run.ms / 1000).toFixed(1)} s`);
    expect(run.code, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
    report = JSON.parse(readFileSync(join(outDir, 'cors-doctor-report.json'), 'utf8'));
    ({ origins } = JSON.parse(readFileSync(join(outDir, 'gallery-run.json'), 'utf8')));
  }, DEMO_TIMEOUT_MS + 10_000);
  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('runs every card and captures every one of its requests', () => {
    const total = GALLERY_CASES.length * 2;
    expect(run.stdout).toContain(`Ran the gallery      ${total}/${total} requests`);
    expect(run.stdout).toContain(`${total}/${total} gallery requests captured`);
    expect(report.browser?.name).toBe('Firefox');
    const uncaptured = checkReport(report, resolveGalleryCases(origins))
      .filter((check) => check.entry === null)
      .map((check) => `${check.galleryCase.id} (${check.variant})`);
    expect(uncaptured).toEqual([]);
  });

  it('reaches the lab’s https API: the profile trusts the lab’s certificate', () => {
    const https = report.entries.filter((entry) => entry.request.url.startsWith(`${origins.https}/`));
    expect(https.length).toBeGreaterThan(0);
    expect(https.filter((entry) => entry.verdict.kind === 'network-error').map((entry) => `${entry.request.url}: ${entry.verdict.networkError}`)).toEqual([]);
  });

  it('calls no Firefox CORS block a network error, nor says Chromium would report Firefox’s NS_ERROR_DOM_BAD_URI', () => {
    const wrong = report.entries
      .filter((entry) => entry.verdict.blocked)
      .filter((entry) => entry.verdict.cause?.code === 'network-error' || entry.verdict.warnings.some((w) => w.message.includes('NS_ERROR_DOM_BAD_URI')))
      .map((entry) => entry.request.url);
    expect(wrong).toEqual([]);
    expect(run.stdout).not.toContain('not really a CORS bug: A network error, not CORS');
  });

  it('names the real cause of a Firefox block as the gallery card does, where Firefox’s capture shows it', () => {
    /** Cards whose cause Firefox's capture cannot show, and why. */
    const notInFirefox: Record<string, string> = {
      'duplicate-cors-layer': "Firefox's webRequest hands the two Access-Control-Allow-Origin lines over as one 'a, b' line",
      'local-network-access': 'Firefox has no Local Network Access: the request passes',
      'network-error': 'a network error, not a block (its cause is the net error)',
    };
    const cases = resolveGalleryCases(origins).filter((c) => c.expectedCause && !(c.expectedCause in notInFirefox));
    expect(cases.length).toBeGreaterThanOrEqual(4);
    const got = cases.map((c) => {
      const entry = report.entries.find((e) => e.request.method !== 'OPTIONS' && findVariant([c], e.request.url)?.variant === 'broken');
      return { card: c.id, blocked: entry?.verdict.blocked ?? null, cause: entry?.verdict.cause?.code ?? null };
    });
    expect(got).toEqual(cases.map((c) => ({ card: c.id, blocked: true, cause: c.expectedCause })));
  });

  it('names every failure in the printed summary by its Firefox reason key', () => {
    const cases = resolveGalleryCases(origins);
    const failures = report.entries.filter((entry) => entry.verdict.blocked);
    expect(failures.length).toBeGreaterThan(GALLERY_CASES.length / 2);
    expect(run.stdout).toContain(`CORS failures CORS Doctor found: ${failures.length}`);
    const blocks = run.stdout.split('\n  ✗ ').slice(1);
    const misnamed = failures.flatMap((entry) => {
      const key = entry.verdict.firefox?.key ?? null;
      const found = findVariant(cases, entry.request.url);
      const title = found ? `${found.galleryCase.title}${found.variant === 'fixed' ? ' (fixed twin!)' : ''}` : entry.request.url;
      const printed = blocks.find((block) => block.startsWith(`${title}\n`) && block.split('\n').some((line) => line.startsWith(`      reason ${key}`)));
      const isFirefoxKey = (FIREFOX_REASON_KEYS as readonly string[]).includes(key ?? '');
      return printed && isFirefoxKey ? [] : [{ url: entry.request.url, title, key }];
    });
    expect(misnamed).toEqual([]);
    expect(run.stdout).toMatch(/by Firefox reason: CORS\w+ \d+/);
  });

  it('writes the Markdown, JSON and HAR exports, readable and redacted', async () => {
    const markdown = readFileSync(join(outDir, 'cors-doctor-report.md'), 'utf8');
    const json = readFileSync(join(outDir, 'cors-doctor-report.json'), 'utf8');
    const harText = readFileSync(join(outDir, 'cors-doctor-report.har'), 'utf8');
    expect(markdown).toMatch(/^# /m);
    expect(markdown).toContain('CORSMissingAllowOrigin');
    expect(report.schemaVersion).toBe(1);
    expect(report.entries.length).toBeGreaterThanOrEqual(GALLERY_CASES.length * 2);
    const har = JSON.parse(harText);
    const invalid = await harValidator.har(har).then(
      () => [],
      (error: { errors?: unknown[] }) => error.errors ?? [error],
    );
    expect(invalid).toEqual([]);
    expect(har.log.entries.length).toBeGreaterThanOrEqual(GALLERY_CASES.length * 2);
    for (const [name, text] of [
      ['Markdown', markdown],
      ['JSON', json],
      ['HAR', harText],
    ]) {
      expect(text, `${name} export`).not.toContain(LAB_SECRET);
      expect(text, `${name} export`).toContain(REDACTED);
    }
  });

  it('writes the gallery, panel and popup screenshots as valid PNGs', () => {
    expect(readPng(join(outDir, 'panel.png'))).toEqual({ width: 1280, height: 800 });
    expect(readPng(join(outDir, 'popup.png'))).toEqual({ width: 380, height: 600 });
    expect(readPng(join(outDir, 'gallery.png')).width).toBe(1280);
  });
});
