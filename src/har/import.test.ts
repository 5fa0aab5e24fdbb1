import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../shared/report';
import { judgeExchange } from '../engine/index';
import { exportReport } from '../report/export';
import { HarFormatError, importHar } from './import';

const GOLDEN = resolve(import.meta.dirname, '../report/__golden__');
const PAGE = 'http://127.0.0.1:3000';
const API = 'http://localhost:4000';

type Lines = Array<[string, string]>;

/** One HAR entry as DevTools writes it. */
function entry(fields: {
  method: string;
  url: string;
  time: number;
  requestHeaders: Lines;
  status: number;
  responseHeaders?: Lines;
  redirectURL?: string;
  error?: string;
  type?: string;
}) {
  return {
    startedDateTime: new Date(Date.UTC(2026, 0, 1, 12, 0, 0, fields.time)).toISOString(),
    time: 5,
    _resourceType: fields.type ?? 'fetch',
    request: {
      method: fields.method,
      url: fields.url,
      httpVersion: 'HTTP/1.1',
      headers: fields.requestHeaders.map(([name, value]) => ({ name, value })),
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: fields.status,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      headers: (fields.responseHeaders ?? []).map(([name, value]) => ({ name, value })),
      cookies: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: fields.redirectURL ?? '',
      headersSize: -1,
      bodySize: -1,
      ...(fields.error ? { _error: fields.error } : {}),
    },
    cache: {},
    timings: { send: 0, wait: 5, receive: 0 },
  };
}

function har(entries: unknown[]) {
  return { log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, pages: [], entries } };
}

describe('importHar', () => {
  it("reads CORS Doctor's own HAR export back with the verdicts of the report it came from", () => {
    const exported = JSON.parse(readFileSync(resolve(GOLDEN, 'report.json'), 'utf8')) as Report;
    const { report } = importHar(readFileSync(resolve(GOLDEN, 'report.har'), 'utf8'));
    const rules = (r: Pick<Report, 'entries'>) => r.entries.map((e) => `${e.request.url}: ${e.verdict.kind} ${e.verdict.rule}`).sort();
    expect(rules(report)).toEqual(rules(exported));
    expect(report.summary).toEqual(exported.summary);
  });

  it('keeps a partial entry partial through its HAR export, so its missing response is not judged again as a block', () => {
    const golden = JSON.parse(readFileSync(resolve(GOLDEN, 'report.json'), 'utf8')) as Report;
    const url = 'http://localhost:4000/api';
    const sent = { ...golden.entries[0]!, preflight: null, redirects: [], response: null, error: 'net::ERR_FAILED' };
    sent.request = { url, method: 'GET', type: 'xmlhttprequest', headers: [{ name: 'Origin', value: PAGE }] };
    sent.initiator = PAGE;
    const exchange = {
      initiator: PAGE,
      request: sent.request,
      preflight: null,
      redirects: [],
      response: null,
      outcome: { kind: 'error', error: 'net::ERR_FAILED' },
    } as const;
    const whole = { ...sent, id: 'whole', verdict: judgeExchange(exchange) };
    const lost = {
      ...sent,
      id: 'lost',
      request: { ...sent.request, url: `${url}/lost` },
      partial: true,
      verdict: judgeExchange({ ...exchange, request: { ...sent.request, url: `${url}/lost` }, partial: true }),
    };
    const { text } = exportReport({ ...golden, entries: [whole, lost] }, 'har');
    const { report } = importHar(text);
    const seen = report.entries.map((e) => [e.request.url, e.partial ?? false, e.verdict.rule]).sort();
    expect(seen).toEqual([
      [url, false, 'InvalidLocalNetworkAccess'],
      [`${url}/lost`, true, null],
    ]);
  });

  it('pairs a preflight DevTools logged after its request, and treats the provisional headers of a request that never went out as unsent', () => {
    const { report, skipped } = importHar(
      har([
        // DevTools logs the actual request first, with the page's provisional headers and no response.
        entry({ method: 'PUT', url: `${API}/items/1`, time: 0, requestHeaders: [['Content-Type', 'text/plain']], status: 0, error: 'net::ERR_FAILED' }),
        entry({
          method: 'OPTIONS',
          url: `${API}/items/1`,
          time: 2,
          type: 'preflight',
          requestHeaders: [
            ['Origin', PAGE],
            ['Access-Control-Request-Method', 'PUT'],
          ],
          status: 404,
          responseHeaders: [['Content-Type', 'text/plain']],
        }),
      ]),
    );
    expect(skipped).toBe(0);
    expect(report.entries).toHaveLength(1);
    const [only] = report.entries;
    expect(only!.initiator).toBe(PAGE);
    expect(only!.request.headers).toBeNull();
    expect(only!.preflight?.response?.status).toBe(404);
    expect(only!.verdict.rule).toBe('PreflightMissingAllowOriginHeader');
  });

  it('chains redirect hops into one exchange and judges the hop after a cross-origin redirect with Origin: null', () => {
    const { report } = importHar(
      har([
        entry({
          method: 'GET',
          url: `${API}/a`,
          time: 0,
          requestHeaders: [['Origin', PAGE]],
          status: 302,
          responseHeaders: [
            ['Access-Control-Allow-Origin', PAGE],
            ['Location', 'http://localhost:5000/b'],
          ],
          redirectURL: 'http://localhost:5000/b',
        }),
        entry({
          method: 'GET',
          url: 'http://localhost:5000/b',
          time: 3,
          requestHeaders: [['Origin', 'null']],
          status: 200,
          responseHeaders: [['Access-Control-Allow-Origin', PAGE]],
          error: 'net::ERR_FAILED',
        }),
      ]),
    );
    expect(report.entries).toHaveLength(1);
    const [chain] = report.entries;
    expect(chain!.redirects).toEqual([{ url: `${API}/a`, status: 302, location: 'http://localhost:5000/b', headers: expect.any(Array) }]);
    expect(chain!.verdict.rule).toBe('AllowOriginMismatch');
    expect(chain!.verdict.failedParameter).toBe(PAGE);
  });

  it('leaves out same-origin, no-cors and navigation requests, and counts them', () => {
    const { report, skipped } = importHar(
      har([
        entry({ method: 'GET', url: `${PAGE}/`, time: 0, type: 'document', requestHeaders: [], status: 200 }),
        entry({ method: 'GET', url: `${API}/logo.png`, time: 1, type: 'image', requestHeaders: [['Sec-Fetch-Mode', 'no-cors']], status: 200 }),
        entry({ method: 'POST', url: `${PAGE}/same`, time: 2, requestHeaders: [['Origin', PAGE]], status: 200 }),
        entry({
          method: 'GET',
          url: `${API}/ok`,
          time: 3,
          requestHeaders: [['Origin', PAGE]],
          status: 200,
          responseHeaders: [['Access-Control-Allow-Origin', '*']],
        }),
      ]),
    );
    expect(report.entries.map((e) => e.request.url)).toEqual([`${API}/ok`]);
    expect(report.entries[0]!.verdict.kind).toBe('passed');
    expect(skipped).toBe(3);
    expect(report.notices?.[0]).toMatch(/3 same-origin, no-cors or navigation requests were left out/);
  });

  it('marks a preflighted request without its preflight in the file as inferred, and says what a HAR cannot show', () => {
    const { report } = importHar(
      har([
        entry({
          method: 'PUT',
          url: `${API}/items/2`,
          time: 0,
          requestHeaders: [['Origin', PAGE]],
          status: 200,
          responseHeaders: [['Access-Control-Allow-Origin', PAGE]],
        }),
      ]),
    );
    const [put] = report.entries;
    expect(put!.verdict.kind).toBe('passed');
    expect(put!.verdict.confidence).toBe('inferred');
    expect(put!.verdict.evidence.join(' ')).toMatch(/no preflight for this request/);
    expect(report.notices?.join(' ')).toMatch(/does not record the credentials mode/);
    expect(report.notices?.join(' ')).toMatch(/preflight cache/);
  });

  it('a failure only credentials explain is marked inferred: the HAR does not say the request was credentialed', () => {
    const { report } = importHar(
      har([
        entry({
          method: 'GET',
          url: `${API}/me`,
          time: 0,
          requestHeaders: [['Origin', PAGE]],
          status: 200,
          responseHeaders: [['Access-Control-Allow-Origin', '*']],
          error: 'net::ERR_FAILED',
        }),
      ]),
    );
    expect(report.entries[0]!.verdict.rule).toBe('WildcardOriginNotAllowed');
    expect(report.entries[0]!.verdict.confidence).toBe('inferred');
  });

  it('judges a blocked response by its header lines even when the HAR lost its status', () => {
    const { report } = importHar(
      har([
        entry({
          method: 'GET',
          url: `${API}/x`,
          time: 0,
          requestHeaders: [['Origin', PAGE]],
          status: 0,
          responseHeaders: [['Access-Control-Allow-Origin', `${PAGE}/`]],
          error: 'net::ERR_FAILED',
        }),
      ]),
    );
    expect(report.entries[0]!.verdict).toMatchObject({ rule: 'AllowOriginMismatch', failedParameter: `${PAGE}/` });
  });

  it('refuses what is not a HAR with a plain message', () => {
    expect(() => importHar('{"not": "a har"')).toThrow(HarFormatError);
    expect(() => importHar('{"log": {}}')).toThrow(/no log.entries list/);
  });
});
