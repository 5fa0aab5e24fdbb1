import { describe, expect, it } from 'vitest';
import type { Report, ReportEntry } from '../shared/report';
import { exportCurl, exportReport, exportTicket } from './export';
import { fixtureReport } from '../../test-support/report-fixtures';
import { REPORT_BUDGET, TICKET_BUDGET } from './markdown';

/** The fixture's three failures (response, preflight and redirect stage), for cloning. */
function failureTemplates(): ReportEntry[] {
  return fixtureReport().entries.filter((entry) => entry.verdict.blocked);
}

/** A copy of `template` at another URL path and time, as a page with many endpoints produces. */
function variant(template: ReportEntry, index: number, path: string): ReportEntry {
  const entry = structuredClone(template);
  const url = new URL(entry.request.url);
  const moved = `${url.origin}${path}${url.search}`;
  entry.id = `bulk-${index}`;
  entry.time = template.time + index * 37;
  entry.endTime = entry.time + 12;
  entry.request.url = moved;
  if (entry.preflight) entry.preflight.url = moved;
  return entry;
}

function bulkReport(count: number, pathOf: (index: number) => string): Report {
  const templates = failureTemplates();
  const report = fixtureReport();
  report.entries = Array.from({ length: count }, (_, index) => variant(templates[index % templates.length]!, index, pathOf(index)));
  return report;
}

describe('Markdown for humans', () => {
  it('starts with a summary of what failed, how often and where', () => {
    const markdown = exportReport(fixtureReport(), 'markdown').text;
    const summaryEnd = markdown.indexOf('## Failures');
    const summary = markdown.slice(0, summaryEnd);
    expect(summary).toContain('**3 of 4 cross-origin requests were blocked by CORS**, 3 kinds of failure on 3 endpoints of 1 host');
    expect(summary).toContain('| 2 | `HeaderDisallowedByPreflightResponse` | Header `authorization` not allowed | `PUT 127.0.0.1:41001/api/orders/17` | 1 |');
  });

  it('groups identical failures (same endpoint, rule and values) into one section with a count and the times and URLs', () => {
    const report = bulkReport(30, (index) => (index % 3 === 0 ? '/api/orders' : index % 3 === 1 ? '/api/orders/17' : '/download/report.csv'));
    const markdown = exportReport(report, 'markdown').text;
    expect(markdown.match(/^### /gm)).toHaveLength(3);
    expect(markdown).toContain('### 1. `MissingAllowOriginHeader`: No Access-Control-Allow-Origin header (×10)');
    expect(markdown).toContain('Seen 10 times:');
    expect(markdown).toContain('and 9 more like it');
    // Different query strings, same endpoint: one group.
    expect(markdown).toContain('`GET http://127.0.0.1:41001/api/orders?page=2&api_key=[redacted]`');
  });

  it('shows one fix snippet, in the stack asked for, and the other stacks by name only', () => {
    const defaultStack = exportReport(fixtureReport(), 'markdown').text;
    expect(defaultStack).toContain('Express (cors):');
    expect(defaultStack).not.toContain('fastify.register');
    const nginx = exportReport(fixtureReport(), 'markdown', { stack: 'nginx' }).text;
    expect(nginx).toContain('```nginx');
    expect(nginx).not.toContain("require('cors')");
    expect(nginx).toContain(
      'Other stacks (Express, Fastify, Hono, Django, Flask, Rack, Go, PHP, Apache httpd, Caddy, Spring, ASP.NET Core): the Fix tabs of the CORS panel',
    );
    // A stack the fix does not offer falls back to the first snippet.
    expect(exportReport(fixtureReport(), 'markdown', { stack: 'cobol' }).text).toBe(defaultStack);
  });

  it('says the watch-out notes once per report, not once per failure', () => {
    const markdown = exportReport(
      bulkReport(30, (index) => `/api/v${index % 3}/orders`),
      'markdown',
    ).text;
    const trap = "When you echo the request's `Origin` back, also send `Vary: Origin`";
    expect(markdown.split(trap)).toHaveLength(2);
    expect(markdown.indexOf('## Watch out')).toBeGreaterThan(markdown.lastIndexOf('### '));
  });

  it('renders the cause first in a failure section, and warnings with their severity', () => {
    const report = fixtureReport();
    const first = report.entries.find((entry) => entry.id === 'e1')!;
    first.verdict.cause = {
      code: 'server-error-without-cors',
      title: 'The server failed before its CORS code ran',
      summary: 'A 500 from a handler that runs before the CORS middleware carries no CORS headers.',
      evidence: ['The response status is `500`.'],
    };
    first.verdict.warnings = [
      { code: 'vary-origin-missing', severity: 'medium', title: 'No Vary: Origin', message: 'A shared cache may serve this answer to another origin.' },
    ];
    const markdown = exportReport(report, 'markdown').text;
    const section = markdown.slice(markdown.indexOf('### 1.'), markdown.indexOf('### 2.'));
    const lines = section.split('\n');
    expect(lines[2]).toBe(
      '> **Likely cause: The server failed before its CORS code ran.** A 500 from a handler that runs before the CORS middleware carries no CORS headers.',
    );
    expect(lines[3]).toBe('> - The response status is `500`.');
    expect(section.indexOf('Likely cause')).toBeLessThan(section.indexOf('- **Request:**'));
    expect(section).toContain('- **medium** `vary-origin-missing` No Vary: Origin: A shared cache may serve this answer to another origin.');
  });
});

describe('size budget', () => {
  it(`keeps a 1,000-failure report of 30 kinds under ${REPORT_BUDGET} characters and says what it left out`, () => {
    const report = bulkReport(1000, (index) => `/api/v${index % 10}/orders`);
    const markdown = exportReport(report, 'markdown').text;
    expect(markdown.length).toBeLessThan(REPORT_BUDGET);
    expect(markdown).toContain('# CORS Doctor report: 1000 CORS failures');
    expect(markdown).toContain('**1000 of 1000 cross-origin requests were blocked by CORS**, 30 kinds of failure');
    expect(markdown).toContain('## Left out');
    expect(markdown).toMatch(/more failures? of the same kind/);
    expect(markdown).toContain('The JSON and HAR exports hold every failure in full.');
    // The first kinds keep their fix and curl; nothing is cut mid-way.
    expect(markdown).toContain('#### Reproduce with curl');
    expect(markdown).not.toContain('The rest was cut to fit');
  });

  it(`keeps a 1,000-failure report of 1,000 endpoints under ${REPORT_BUDGET} characters and names the kinds it did not show`, () => {
    const report = bulkReport(1000, (index) => `/api/items/${index}`);
    const markdown = exportReport(report, 'markdown').text;
    expect(markdown.length).toBeLessThan(REPORT_BUDGET);
    const shown = markdown.match(/^### \d+\./gm)!.length;
    expect(shown).toBeGreaterThan(10);
    const hidden = 1000 - shown;
    expect(markdown).toMatch(new RegExp(`${hidden} more failures in ${hidden} more kinds \\(\`\\w+\` ×\\d+, `));
    // The first kinds keep their fix snippet and curl.
    expect(markdown.slice(0, markdown.indexOf('### 2.'))).toContain('#### Reproduce with curl');
    expect(markdown).toContain('| | | 985 more kinds of failure | | 985 |');
    expect(markdown).not.toContain('The rest was cut to fit');
  });

  it('leaves nothing out of a report that fits', () => {
    expect(exportReport(fixtureReport(), 'markdown').text).not.toContain('## Left out');
  });

  it('cuts a single monstrous value rather than overflow, and says so', () => {
    const report = fixtureReport();
    const first = report.entries.find((entry) => entry.id === 'e1')!;
    first.verdict.title = 'x'.repeat(50_000);
    const markdown = exportReport(report, 'markdown').text;
    expect(markdown.length).toBeLessThanOrEqual(REPORT_BUDGET);
    expect(markdown).toContain('The rest was cut to fit');
  });
});

describe('one failure, one ticket', () => {
  it(`is that failure alone, with its fix, traps and curl, under ${TICKET_BUDGET} characters`, () => {
    const report = fixtureReport();
    for (const entry of report.entries.filter((e) => e.verdict.blocked)) {
      const ticket = exportTicket(report, entry).text;
      expect(ticket.length, entry.id).toBeLessThan(TICKET_BUDGET);
      expect(ticket).toContain(`# CORS: \`${entry.verdict.rule}\` on`);
      expect(ticket.match(/^## /gm)).toHaveLength(1);
      for (const other of report.entries.filter((e) => e !== entry)) expect(ticket).not.toContain(`\`${other.verdict.rule}\`:`);
      expect(ticket).toContain('#### Reproduce with curl');
    }
    const put = report.entries.find((e) => e.id === 'e2')!;
    expect(exportTicket(report, put).text).toContain('Watch out:');
  });

  it('drops detail before it overflows, for an exchange with many long headers', () => {
    const report = fixtureReport();
    const entry = report.entries.find((e) => e.id === 'e2')!;
    const names = Array.from({ length: 40 }, (_, i) => `x-custom-header-${i}`);
    entry.preflight!.request.headers = [
      ...entry.preflight!.request.headers.filter((h) => h.name !== 'Access-Control-Request-Headers'),
      { name: 'Access-Control-Request-Headers', value: names.join(',') },
    ];
    entry.preflight!.response!.headers = [
      ...entry.preflight!.response!.headers,
      ...names.map((name) => ({ name: `Access-Control-Expose-${name}`, value: 'v'.repeat(200) })),
    ];
    const ticket = exportTicket(report, entry).text;
    expect(ticket.length).toBeLessThan(TICKET_BUDGET);
    expect(ticket).toContain('`HeaderDisallowedByPreflightResponse`');
    expect(ticket).toContain('**Add `authorization` to `Access-Control-Allow-Headers`');
  });

  it('redacts like the whole-page export unless secrets are asked for', () => {
    const report = fixtureReport();
    const entry = report.entries.find((e) => e.id === 'e1')!;
    const ticket = exportTicket(report, entry).text;
    expect(ticket).toContain('api_key=[redacted]');
    expect(ticket).not.toContain('q-secret-7f3a9c1e');
    expect(exportTicket(report, entry, { includeSecrets: true }).text).toContain('q-secret-7f3a9c1e');
  });
});

describe('Copy curl', () => {
  it('is the preflight, then the actual request, with only the headers that decide the outcome', () => {
    const report = fixtureReport();
    const put = exportCurl(report, report.entries.find((e) => e.id === 'e2')!).text;
    expect(put.indexOf('-X OPTIONS')).toBeLessThan(put.indexOf('-X PUT'));
    expect(put).toContain('# expected  Access-Control-Allow-Headers: includes authorization');
    expect(put).toContain('# actual    Access-Control-Allow-Headers: content-type, x-request-id');
    expect(put).not.toMatch(/User-Agent|Sec-Fetch|Accept:/i);
    const get = exportCurl(report, report.entries.find((e) => e.id === 'e1')!).text;
    expect(get).toContain("-H 'Origin: http://localhost:41000'");
    expect(get).toContain("-H 'Cookie: [redacted]'");
    expect(get).toContain('# Values shown as [redacted] were removed');
    expect(get).not.toMatch(/User-Agent|Referer|Accept-Encoding|Sec-Fetch/);
  });
});

describe('a ticket for a failure that is not a CORS block', () => {
  it('names the net error where a rule would stand', () => {
    const report = fixtureReport();
    const entry = structuredClone(report.entries.find((e) => e.id === 'e1')!);
    entry.error = 'net::ERR_CONNECTION_REFUSED';
    entry.response = null;
    entry.verdict = {
      ...entry.verdict,
      kind: 'network-error',
      blocked: false,
      rule: null,
      networkError: 'net::ERR_CONNECTION_REFUSED',
      title: 'Connection refused',
      fix: null,
      observed: [],
    };
    const ticket = exportTicket(report, entry).text;
    expect(ticket).toContain('# Request failed: `net::ERR_CONNECTION_REFUSED` on `GET 127.0.0.1:41001/api/orders`');
    expect(ticket).toContain('## `net::ERR_CONNECTION_REFUSED`: Connection refused');
    expect(ticket).not.toContain('Unknown');
  });
});
