/**
 * Redaction removes a secret from the data it came from and wherever that data is quoted, and never
 * from the tool's own sentences. The proof runs every export of the golden report twice: once with
 * the fixture's distinctive secrets (which no sentence can contain), once with secrets that are
 * common words of the tool's own prose ("request", "secret", "Access", ...). The redacted exports
 * must be identical: a word-like secret removed no word of ours. And every line of the redacted
 * export that shows no `[redacted]` is a line of the unredacted export: redaction changed only lines
 * that carry a value.
 */
import { describe, expect, it } from 'vitest';
import type { ExportFormat, ExportResult } from '../shared/messages';
import type { Report } from '../shared/report';
import { exportCurl, exportReport, exportTicket, type ExportOptions } from './export';
import { fixtureReport, SECRETS, type Secrets } from '../../test-support/report-fixtures';
import { REDACTED } from './redact';

/** Secrets that are words of the tool's prose, none of them quoted elsewhere in the fixture's data. */
const WORD_SECRETS: Secrets = {
  queryApiKey: 'request',
  cookie: 'secret',
  setCookie: 'response',
  bearer: 'browser',
  userinfoPassword: 'Access',
  refererSession: 'header',
};

type Export = (report: Report, options: ExportOptions) => ExportResult;

/** Every export the product makes of a report: the three formats, and each failure's ticket and curl. */
function everyExport(): Array<[string, Export]> {
  const exports: Array<[string, Export]> = (['markdown', 'json', 'har'] as ExportFormat[]).map((format) => [
    format,
    (report, options) => exportReport(report, format, options),
  ]);
  for (const id of ['e1', 'e2', 'e3']) {
    const entryOf = (report: Report) => report.entries.find((entry) => entry.id === id)!;
    exports.push([`ticket of ${id}`, (report, options) => exportTicket(report, entryOf(report), options)]);
    exports.push([`curl of ${id}`, (report, options) => exportCurl(report, entryOf(report), options)]);
  }
  return exports;
}

describe("redaction never rewrites the tool's own words", () => {
  for (const [name, run] of everyExport()) {
    it(`${name}: word-like secrets are redacted exactly like distinctive ones`, () => {
      const distinctive = run(fixtureReport(SECRETS), {}).text;
      const wordLike = run(fixtureReport(WORD_SECRETS), {}).text;
      expect(wordLike).toBe(distinctive);
      // Only e2's exchange (a preflight without credentials) carries no secret.
      if (!name.endsWith('e2')) expect(distinctive).toContain(REDACTED);
    });

    it(`${name}: only lines that carry a value change`, () => {
      const plain = new Set(run(fixtureReport(SECRETS), { includeSecrets: true }).text.split('\n'));
      const redacted = run(fixtureReport(SECRETS), {}).text.split('\n');
      const changed = redacted.filter((line) => !line.includes(REDACTED) && !plain.has(line));
      expect(changed).toEqual([]);
    });
  }

  it('keeps the summary sentence whole when a cookie value is "secret"', () => {
    const markdown = exportReport(fixtureReport(WORD_SECRETS), 'markdown').text;
    expect(markdown).toContain('Cookies, credentials and secret-looking URL parameters are shown as `[redacted]`.');
    expect(markdown).toContain("Access to fetch at 'http://127.0.0.1:41001/download/report.csv'");
    expect(markdown).toContain('#### Reproduce with curl');
  });

  it('still removes a word-like secret where the data is quoted', () => {
    const report = fixtureReport(WORD_SECRETS);
    const first = report.entries.find((entry) => entry.id === 'e1')!;
    first.verdict.explanation = 'The request sent `Cookie: sid=secret; theme=dark` and the secret stayed a word.';
    first.verdict.observed = [{ field: 'Cookie', expected: 'none', actual: 'sid=secret' }];
    const json = JSON.parse(exportReport(report, 'json').text) as Report;
    const verdict = json.entries.find((entry) => entry.id === 'e1')!.verdict;
    // The whole Cookie value was a credential; the sentence around it stays.
    expect(verdict.explanation).toBe('The request sent `Cookie: [redacted]` and the secret stayed a word.');
    expect(verdict.observed[0]!.actual).toBe('sid=[redacted]');
  });
});
