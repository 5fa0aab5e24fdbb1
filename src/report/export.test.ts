import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { ExportFormat } from '../shared/messages';
import type { Report } from '../shared/report';
import { exportCurl, exportReport, exportTicket } from './export';
import { fixtureReport, SECRETS } from '../../test-support/report-fixtures';
import type { Har } from './har';
import { validateHar } from '../../test-support/har-validate';
// An independent HAR reader from npm: the HAR 1.2 JSON Schema (har-schema), checked with ajv.
import harValidator from 'har-validator';

const FORMATS: ExportFormat[] = ['markdown', 'json', 'har'];
const SCHEMA_PATH = resolve(import.meta.dirname, '../../docs/report.schema.json');

/** The forms a secret can take in text: as is, percent-encoded, base64 (Basic auth). */
function secretForms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
}

describe('golden files', () => {
  for (const format of FORMATS) {
    it(`${format} export of the fixture report matches its golden file`, async () => {
      const result = exportReport(fixtureReport(), format);
      const extension = { markdown: 'md', json: 'json', har: 'har' }[format];
      await expect(result.text).toMatchFileSnapshot(`./__golden__/report.${extension}`);
    });
  }

  it('markdown export with secrets included matches its golden file', async () => {
    const result = exportReport(fixtureReport(), 'markdown', { includeSecrets: true });
    await expect(result.text).toMatchFileSnapshot('./__golden__/report.with-secrets.md');
  });

  it('the ticket and the curl of the preflight failure match their golden files', async () => {
    const report = fixtureReport();
    const put = report.entries.find((entry) => entry.id === 'e2')!;
    await expect(exportTicket(report, put).text).toMatchFileSnapshot('./__golden__/ticket.md');
    await expect(exportCurl(report, put).text).toMatchFileSnapshot('./__golden__/curl.sh');
  });

  it('names files after the page host and the report time, with the right MIME type', () => {
    expect(exportReport(fixtureReport(), 'markdown')).toMatchObject({
      filename: 'cors-doctor-localhost-41000-2026-11-26T09-00-05Z.md',
      mimeType: 'text/markdown;charset=utf-8',
    });
    expect(exportReport(fixtureReport(), 'har').filename).toBe('cors-doctor-localhost-41000-2026-11-26T09-00-05Z.har');
    expect(exportReport(fixtureReport(), 'json', { now: Date.UTC(2027, 0, 2, 3, 4, 5) }).filename).toBe(
      'cors-doctor-localhost-41000-2027-01-02T03-04-05Z.json',
    );
  });
});

describe('determinism', () => {
  it('gives byte-identical output for the same entries, whatever order they arrive in', () => {
    for (const format of FORMATS) {
      const first = exportReport(fixtureReport(), format);
      const shuffled = fixtureReport();
      shuffled.entries.reverse();
      expect(exportReport(fixtureReport(), format)).toEqual(first);
      expect(exportReport(shuffled, format)).toEqual(first);
    }
  });

  it('does not modify the report it is given', () => {
    const report = fixtureReport();
    const before = JSON.stringify(report);
    for (const format of FORMATS) exportReport(report, format);
    expect(JSON.stringify(report)).toBe(before);
  });

  it('takes the browser from the options only when the report does not name one', () => {
    const report = { ...fixtureReport(), browser: null };
    const markdown = exportReport(report, 'markdown', { browser: { name: 'Chromium', version: '999.1' } }).text;
    expect(markdown).toContain('**Browser:** Chromium 999.1');
    expect(exportReport(fixtureReport(), 'markdown', { browser: { name: 'X', version: '1' } }).text).toContain('**Browser:** Chromium 156.0.7311.0');
  });
});

describe('redaction', () => {
  function reportWithEverySecretPlace(): Report {
    const report = fixtureReport();
    const first = report.entries[0]!;
    first.request.headers = [
      ...(first.request.headers ?? []),
      { name: 'Proxy-Authorization', value: `Basic ${Buffer.from(`proxyuser:${SECRETS.userinfoPassword}`).toString('base64')}` },
      { name: 'X-Api-Key', value: 'xapikey-secret-6d2b' },
    ];
    first.verdict.failedParameter = `${SECRETS.queryApiKey}`;
    first.verdict.evidence = [`Cookie sid=${SECRETS.cookie} was sent`];
    return report;
  }
  const everySecret = [...Object.values(SECRETS), 'xapikey-secret-6d2b'];

  for (const format of FORMATS) {
    it(`leaves no secret anywhere in the default ${format} export`, () => {
      const { text, filename } = exportReport(reportWithEverySecretPlace(), format);
      for (const secret of everySecret) {
        for (const form of secretForms(secret)) {
          expect(text, `${format} leaks ${form}`).not.toContain(form);
          expect(filename).not.toContain(form);
        }
      }
      expect(text).toContain('[redacted]');
    });

    it(`keeps every secret in the ${format} export when includeSecrets is set`, () => {
      const { text } = exportReport(reportWithEverySecretPlace(), format, { includeSecrets: true });
      expect(text).not.toContain('[redacted]');
      // Markdown quotes headers only as excerpts and curl; JSON and HAR carry everything.
      const expected = format === 'markdown' ? [SECRETS.queryApiKey, SECRETS.cookie, SECRETS.setCookie, SECRETS.userinfoPassword] : everySecret;
      for (const secret of expected) expect(text, `${format} lost ${secret}`).toContain(secret);
    });
  }

  it('redacts by name, keeping the header and parameter names and every other value', () => {
    const json = JSON.parse(exportReport(fixtureReport(), 'json').text) as Report;
    const [first, , third, fourth] = json.entries.filter((e) => e.id !== undefined).sort((a, b) => a.id.localeCompare(b.id));
    expect(first!.request.url).toBe('http://127.0.0.1:41001/api/orders?page=2&api_key=[redacted]');
    expect(first!.request.headers).toContainEqual({ name: 'Cookie', value: '[redacted]' });
    expect(first!.request.headers).toContainEqual({ name: 'Referer', value: 'http://localhost:41000/app?session=[redacted]' });
    expect(first!.request.headers).toContainEqual({ name: 'Accept', value: '*/*' });
    expect(first!.response!.headers).toContainEqual({ name: 'Set-Cookie', value: '[redacted]' });
    expect(third!.redirects[0]!.location).toBe('http://[redacted]@127.0.0.1:41002/files/report.csv');
    expect(third!.verdict.explanation).toContain('`http://[redacted]@127.0.0.1:41002/files/report.csv`');
    // Chromium names the redirecting URL and leaves the location out ('' ), so the console line holds no secret to redact.
    expect(third!.verdict.chromeMessage).toContain("at 'http://127.0.0.1:41001/download/report.csv'");
    expect(third!.verdict.chromeMessage).toContain("Redirect location ''");
    expect(fourth!.request.headers).toContainEqual({ name: 'Authorization', value: '[redacted]' });
    expect(fourth!.preflight!.response!.headers).toContainEqual({ name: 'Access-Control-Allow-Headers', value: 'authorization' });
    expect(json.tab.url).toBe('http://localhost:41000/app?session=[redacted]');
  });

  it('keeps HAR cookie names and redacts their values', () => {
    const har = JSON.parse(exportReport(fixtureReport(), 'har').text) as Har;
    const orders = har.log.entries.find((e) => e.request.url.includes('/api/orders?'))!;
    expect(orders.request.cookies).toEqual([
      { name: 'sid', value: '[redacted]' },
      { name: 'theme', value: '[redacted]' },
    ]);
    expect(orders.request.queryString).toEqual([
      { name: 'page', value: '2' },
      { name: 'api_key', value: '[redacted]' },
    ]);
    expect(orders.response.cookies).toEqual([{ name: 'sid', value: '[redacted]', path: '/', httpOnly: true, sameSite: 'None', secure: true }]);
  });
});

describe('HAR', () => {
  it('is read back by an independent HAR reader (har-validator, the HAR 1.2 JSON Schema), redacted or not, big or empty', async () => {
    const big = fixtureReport();
    big.entries = Array.from({ length: 200 }, (_, index) => ({ ...structuredClone(big.entries[index % 4]!), id: `b${index}` }));
    const empty: Report = { ...fixtureReport(), entries: [] };
    for (const [name, report, includeSecrets] of [
      ['fixture', fixtureReport(), false],
      ['fixture with secrets', fixtureReport(), true],
      ['200 exchanges', big, false],
      ['empty', empty, false],
    ] as const) {
      const har = JSON.parse(exportReport(report, 'har', { includeSecrets }).text) as Har;
      const read = await harValidator.har(har).then(
        () => [],
        (error: { errors?: unknown[] }) => error.errors ?? [error],
      );
      expect(read, name).toEqual([]);
    }
    // The reader is not a rubber stamp: a HAR with a wrong field type is refused.
    const broken = JSON.parse(exportReport(fixtureReport(), 'har').text) as { log: { entries: Array<{ time: unknown }> } };
    broken.log.entries[0]!.time = 'soon';
    await expect(harValidator.har(broken)).rejects.toThrow();
  });

  it('is valid HAR 1.2 with one entry per request on the wire', () => {
    const har = JSON.parse(exportReport(fixtureReport(), 'har').text) as Har;
    expect(validateHar(har)).toEqual([]);
    const parts = har.log.entries.map((e) => `${e._cors.exchangeId}:${e._cors.part}`);
    expect(parts).toEqual(['e4:preflight', 'e4:actual', 'e1:actual', 'e2:preflight', 'e2:actual', 'e3:redirect']);
  });

  it('gives a blocked request that got no response status 0 and an _error, and the verdict to the last entry', () => {
    const har = JSON.parse(exportReport(fixtureReport(), 'har').text) as Har;
    const blockedPut = har.log.entries.find((e) => e._cors.exchangeId === 'e2' && e._cors.part === 'actual')!;
    expect(blockedPut.response.status).toBe(0);
    expect(blockedPut._error).toBe('net::ERR_FAILED');
    expect(blockedPut._cors.verdict?.rule).toBe('HeaderDisallowedByPreflightResponse');
    const preflight = har.log.entries.find((e) => e._cors.exchangeId === 'e2' && e._cors.part === 'preflight')!;
    expect(preflight._resourceType).toBe('preflight');
    expect(preflight.response.status).toBe(204);
    expect(preflight._cors.verdict).toBeUndefined();
    const redirect = har.log.entries.find((e) => e._cors.exchangeId === 'e3')!;
    expect(redirect.response.redirectURL).toBe('http://[redacted]@127.0.0.1:41002/files/report.csv');
    expect(redirect._cors.verdict?.rule).toBe('RedirectContainsCredentials');
  });

  it('reports what the validator checks', () => {
    const har = JSON.parse(exportReport(fixtureReport(), 'har').text) as Har;
    const broken = structuredClone(har) as unknown as { log: { entries: Array<Record<string, unknown>> } };
    delete broken.log.entries[0]!.timings;
    (broken.log.entries[1]!.request as Record<string, unknown>).headersSize = '0';
    expect(validateHar(broken)).toEqual(['log.entries[0].timings: missing', 'log.entries[1].request.headersSize: not a number']);
  });
});

describe('JSON', () => {
  it('is the report itself, schema version 1', () => {
    const json = JSON.parse(exportReport(fixtureReport(), 'json', { includeSecrets: true }).text) as Report;
    const expected = fixtureReport();
    expected.entries.sort((a, b) => a.time - b.time);
    expect(json).toEqual(expected);
    expect(json.schemaVersion).toBe(1);
  });

  it.runIf(existsSync(SCHEMA_PATH))('validates against docs/report.schema.json, redacted or not', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
    for (const includeSecrets of [false, true]) {
      const json = JSON.parse(exportReport(fixtureReport(), 'json', { includeSecrets }).text);
      expect(validate(json) ? [] : validate.errors, `includeSecrets: ${includeSecrets}`).toEqual([]);
    }
  });
});

describe('curl commands', () => {
  const HOSTILE = [
    `'; touch /tmp/cors-doctor-pwned; echo '`,
    '$(touch /tmp/cors-doctor-pwned)',
    '`touch /tmp/cors-doctor-pwned`',
    '"; touch /tmp/cors-doctor-pwned; "',
    "\\'\n; touch /tmp/cors-doctor-pwned\n",
    '``` \n# heading\n```',
  ];

  function curlBlocks(markdown: string): string[] {
    return [...markdown.matchAll(/^(`{3,})sh\n([\s\S]*?)\n\1$/gm)].map((m) => m[2]!);
  }

  /** Runs each command with a `curl` that prints its argv, one NUL-terminated word each. */
  function argvOf(command: string): string[] {
    const dir = mkdtempSync(join(tmpdir(), 'cors-doctor-curl-'));
    try {
      const fake = join(dir, 'curl');
      writeFileSync(fake, '#!/bin/sh\nfor a in "$@"; do printf "%s\\0" "$a"; done\n');
      chmodSync(fake, 0o755);
      const out = execFileSync('/bin/sh', ['-c', command], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8' });
      return out.split('\0').slice(0, -1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('quotes hostile header values and URLs so that sh passes them to curl unchanged', () => {
    rmSync('/tmp/cors-doctor-pwned', { force: true });
    for (const hostile of HOSTILE) {
      const report = fixtureReport();
      const entry = report.entries[0]!;
      entry.request.url = `http://127.0.0.1:41001/x?q=${hostile}`;
      entry.request.headers = [
        { name: 'Origin', value: 'http://localhost:41000' },
        { name: 'User-Agent', value: hostile },
        { name: 'X-Hostile', value: hostile },
      ];
      // X-Hostile is what made the request non-simple, so the minimal curl keeps it (and drops User-Agent).
      entry.verdict.preflightReasons = [{ kind: 'header', name: 'x-hostile', message: 'X-Hostile is not safelisted' }];
      entry.verdict.observed = [{ field: 'X-Hostile', expected: hostile, actual: hostile }];
      const markdown = exportReport(report, 'markdown').text;
      const blocks = curlBlocks(markdown);
      expect(blocks.length).toBeGreaterThanOrEqual(4);
      const hostileCommand = blocks.find((b) => b.includes("-H 'X-Hostile"))!;
      expect(argvOf(hostileCommand)).toEqual([
        '-i',
        '--globoff',
        `http://127.0.0.1:41001/x?q=${hostile.replace(/\0/g, '')}`,
        '-H',
        'Origin: http://localhost:41000',
        '-H',
        `X-Hostile: ${hostile}`,
      ]);
      for (const block of blocks) argvOf(block);
    }
    expect(existsSync('/tmp/cors-doctor-pwned')).toBe(false);
    // Dozens of sh processes: on a loaded 2-core machine that takes seconds, not a sign of a hang.
  }, 60_000);

  it('sends the preflight the browser sent: OPTIONS with Origin and the Access-Control-Request-* headers', () => {
    const markdown = exportReport(fixtureReport(), 'markdown').text;
    const preflight = curlBlocks(markdown).find((b) => b.includes('-X OPTIONS') && b.includes('orders/17'))!;
    const argv = argvOf(preflight);
    expect(argv.slice(0, 5)).toEqual(['-i', '--globoff', '-X', 'OPTIONS', 'http://127.0.0.1:41001/api/orders/17']);
    expect(argv).toContain('Origin: http://localhost:41000');
    expect(argv).toContain('Access-Control-Request-Method: PUT');
    expect(argv).toContain('Access-Control-Request-Headers: authorization,content-type,x-request-id');
  });

  it('reconstructs a preflight that was not observed from the verdict', () => {
    const report = fixtureReport();
    const entry = report.entries[1]!;
    entry.preflight = null;
    const preflight = curlBlocks(exportReport(report, 'markdown').text).find((b) => b.includes('-X OPTIONS'))!;
    expect(argvOf(preflight)).toEqual([
      '-i',
      '--globoff',
      '-X',
      'OPTIONS',
      'http://127.0.0.1:41001/api/orders/17',
      '-H',
      'Origin: http://localhost:41000',
      '-H',
      'Access-Control-Request-Method: PUT',
      '-H',
      'Access-Control-Request-Headers: authorization,content-type,x-request-id',
    ]);
  });
});

describe('robustness', () => {
  it('exports a report with corrupt times and no tab URL without throwing', () => {
    const report = fixtureReport();
    report.entries[0]!.time = Number.NaN;
    report.entries[1]!.endTime = Number.POSITIVE_INFINITY;
    report.tab = { id: 1, url: null, title: null };
    for (const format of FORMATS) {
      const result = exportReport(report, format);
      expect(result.filename).toMatch(/^cors-doctor-tab-/);
      if (format === 'har') expect(validateHar(JSON.parse(result.text))).toEqual([]);
    }
  });

  it('exports an empty report', () => {
    const report: Report = { ...fixtureReport(), entries: [], summary: { total: 0, failures: 0, byRule: {} } };
    expect(exportReport(report, 'markdown').text).toContain('No request was blocked by CORS.');
    const har = JSON.parse(exportReport(report, 'har').text) as Har;
    expect(validateHar(har)).toEqual([]);
    expect(har.log.entries).toEqual([]);
  });
});
