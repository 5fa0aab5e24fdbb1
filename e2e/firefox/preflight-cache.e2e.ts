/**
 * Firefox's preflight cache against what the add-on says of it (src/engine/firefox/preflight-cache.ts):
 * a request that sends no preflight because Firefox answered it from its cache gets a note naming
 * Firefox's cache, filled when and valid until when, by Firefox's own reading of
 * `Access-Control-Max-Age`. The lab counts the OPTIONS requests Firefox really sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../lab/server';
import type { Report, ReportEntry } from '../../src/shared/report';
import { fetchFrom, type FirefoxExtensionBrowser, type Page } from '../../tools/firefox';
import { waitFor } from '../harness';
import { openFirefoxLabTab } from './lab-tab';

const ECHO: [string, string] = ['Access-Control-Allow-Origin', '{origin}'];

describe("Firefox's preflight cache", () => {
  let lab: Lab;
  let firefox: FirefoxExtensionBrowser;
  let page: Page;
  let tabId: number;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ lab, firefox, page, tabId, close } = await openFirefoxLabTab());
  });

  afterAll(() => close?.());

  /** A PUT route whose preflight answers with this `Access-Control-Max-Age` (none when null). */
  function route(name: string, maxAge: string | null): { url: string; path: string } {
    const path = `/ff-cache/${name}`;
    const headers: Array<[string, string]> = [ECHO, ['Access-Control-Allow-Methods', 'PUT']];
    if (maxAge !== null) headers.push(['Access-Control-Max-Age', maxAge]);
    return { url: lab.route('api', path, { preflight: { status: 204, headers }, response: { headers: [ECHO], body: 'json' } }), path };
  }

  /** Two PUTs, one after the other; their two entries, oldest first, and the OPTIONS requests Firefox sent. */
  async function twice(url: string, path: string): Promise<{ entries: ReportEntry[]; preflightsSent: number }> {
    expect(await fetchFrom(page, url, { method: 'PUT' })).toBe(200);
    expect(await fetchFrom(page, url, { method: 'PUT' })).toBe(200);
    const report = await waitFor(
      () => firefox.sendMessage<Report>({ type: 'getReport', tabId }),
      (r) => r.entries.filter((entry) => entry.request.url === url).length === 2,
      { what: `two entries for ${url}`, timeoutMs: 30_000 },
    );
    const entries = report.entries.filter((entry) => entry.request.url === url).sort((a, b) => a.time - b.time);
    return { entries, preflightsSent: lab.requests({ origin: 'api', path, method: 'OPTIONS' }).length };
  }

  /** The cache note's "filled by the preflight at X … valid until Y", as seconds from X to Y. */
  function noteLifetime(entry: ReportEntry): { message: string; seconds: number } {
    const message = entry.verdict.warnings.find((warning) => warning.code === 'preflight-from-cache')?.message ?? '';
    const match = /filled by the preflight at (\S+) with .*, valid until (\S+)\./.exec(message);
    expect(match, `a cache note with both times: ${message}`).not.toBeNull();
    return { message, seconds: (Date.parse(match![2]!) - Date.parse(match![1]!)) / 1000 };
  }

  it('keeps an answer for its Access-Control-Max-Age, and the note says so in Firefox’s name', async () => {
    const { url, path } = route('six-hundred', '600');
    const { entries, preflightsSent } = await twice(url, path);
    expect(preflightsSent).toBe(1);
    expect(entries.map((entry) => [entry.verdict.blocked, entry.preflight === null])).toEqual([
      [false, false],
      [false, true],
    ]);
    const note = noteLifetime(entries[1]!);
    expect(note.seconds).toBe(600);
    expect(note.message).toContain('Firefox answered it from its preflight cache');
    expect(note.message).toContain('with `Access-Control-Max-Age: 600`');
    expect(note.message).not.toMatch(/Chromium|Disable cache/);
  });

  it('keeps an answer without Access-Control-Max-Age for 5 s', async () => {
    const { url, path } = route('absent', null);
    const { entries, preflightsSent } = await twice(url, path);
    expect(preflightsSent).toBe(1);
    const note = noteLifetime(entries[1]!);
    expect(note.seconds).toBe(5);
    expect(note.message).toContain('no `Access-Control-Max-Age` (Firefox keeps it 5 s)');
  });

  it('does not cache an answer whose Access-Control-Max-Age is not a number, as the max-age warning says', async () => {
    const { url, path } = route('not-a-number', 'ten');
    const { entries, preflightsSent } = await twice(url, path);
    expect(preflightsSent).toBe(2);
    for (const entry of entries) {
      expect(entry.preflight).not.toBeNull();
      expect(entry.verdict.warnings.map((warning) => warning.code)).not.toContain('preflight-from-cache');
      expect(entry.verdict.warnings.find((warning) => warning.code === 'max-age-unparsable')?.message).toContain('Firefox does not cache the preflight at all');
    }
  });
});
