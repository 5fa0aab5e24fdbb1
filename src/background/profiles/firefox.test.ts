/**
 * Firefox's event sequences, as Firefox ESR 153 delivers them (recorded by e2e/firefox/capture.e2e.ts,
 * which checks the same exchanges in the real browser): the assembler with Firefox's profile pairs
 * and closes them; with Chromium's it does not, which is why the profile exists.
 */
import { describe, expect, it } from 'vitest';
import { ExchangeAssembler, initiatorOf, type ClosedExchange, type RequestDetails } from '../assembler';
import { judgeExchange } from '../../engine/index';
import { originOfUrl } from '../../engine/index';
import { captureProfileFor, chromiumCaptureProfile, firefoxCaptureProfile, type CaptureProfile } from './index';

const PAGE_URL = 'http://127.0.0.1:4000/page.html';
const PAGE = 'http://127.0.0.1:4000';
const API = 'http://localhost:5000';
const header = (name: string, value: string) => ({ name, value });

function firefoxRun(profile: CaptureProfile = firefoxCaptureProfile) {
  const closed: ClosedExchange[] = [];
  const assembler = new ExchangeAssembler((c) => closed.push(c), { profile });
  let clock = 1_000;
  // Firefox's details: originUrl and documentUrl, no initiator.
  const base = (id: string, extra: Partial<RequestDetails> = {}): RequestDetails => ({
    requestId: id,
    url: `${API}/data`,
    method: 'GET',
    type: 'xmlhttprequest',
    tabId: 2,
    frameId: 0,
    originUrl: PAGE_URL,
    timeStamp: (clock += 5),
    ...extra,
  });
  const sent = (extra: Array<[string, string]> = []) => [
    header('Host', 'localhost:5000'),
    header('Origin', PAGE),
    header('Sec-Fetch-Mode', 'cors'),
    ...extra.map(([n, v]) => header(n, v)),
  ];
  const preflightSent = (method: string, requested: string | null) => [
    header('Access-Control-Request-Method', method),
    ...(requested === null ? [] : [header('Access-Control-Request-Headers', requested)]),
    header('Origin', PAGE),
    header('Sec-Fetch-Mode', 'cors'),
  ];
  return { assembler, closed, base, sent, preflightSent };
}

describe("Firefox's capture profile", () => {
  it('is the one chosen for Firefox', () => {
    expect(captureProfileFor('firefox')).toBe(firefoxCaptureProfile);
    expect(firefoxCaptureProfile.isCorsBlockError('NS_ERROR_DOM_BAD_URI')).toBe(true);
    expect(firefoxCaptureProfile.isCorsBlockError('NS_ERROR_CONNECTION_REFUSED')).toBe(false);
    expect(firefoxCaptureProfile.isCacheProbeMiss('net::ERR_CACHE_MISS')).toBe(false);
  });

  it("takes the requesting origin from Firefox's originUrl", () => {
    expect(originOfUrl('http://127.0.0.1:4000/page.html?x=1')).toBe(PAGE);
    expect(originOfUrl('https://a.test/')).toBe('https://a.test');
    expect(originOfUrl('http://user:pw@a.test:81/x')).toBe('http://a.test:81');
    expect(originOfUrl('data:text/html,hi')).toBe('null');
    expect(originOfUrl('blob:http://a.test/1234')).toBe('http://a.test');
    expect(originOfUrl('not a url')).toBe('null');
    const details = { requestId: '1', url: `${API}/x`, method: 'GET', type: 'xmlhttprequest', tabId: 2, frameId: 0, timeStamp: 1 };
    expect(initiatorOf({ ...details, originUrl: PAGE_URL })).toBe(PAGE);
    expect(initiatorOf({ ...details, initiator: 'http://b.test', originUrl: PAGE_URL })).toBe('http://b.test');
    expect(initiatorOf(details)).toBeUndefined();
  });

  it('closes a simple request Firefox blocked, which ends in onCompleted 200, with its response headers', () => {
    const { assembler, closed, base, sent } = firefoxRun();
    assembler.onSendHeaders({ ...base('14'), requestHeaders: sent() });
    assembler.onHeadersReceived({ ...base('14'), statusCode: 200, responseHeaders: [header('Content-Type', 'application/json')] });
    assembler.onCompleted({ ...base('14'), statusCode: 200, responseHeaders: [header('Content-Type', 'application/json')] });
    expect(closed).toHaveLength(1);
    const { exchange } = closed[0]!;
    expect(exchange.partial ?? false).toBe(false);
    expect(exchange.initiator).toBe(PAGE);
    expect(exchange.outcome).toEqual({ kind: 'completed' });
    expect(exchange.response).toEqual({ status: 200, headers: [header('Content-Type', 'application/json')] });
  });

  it('pairs a failed preflight with its request, whose onSendHeaders came first; both end in NS_ERROR_DOM_BAD_URI', () => {
    const { assembler, closed, base, sent, preflightSent } = firefoxRun();
    assembler.onSendHeaders({ ...base('16', { method: 'PUT' }), requestHeaders: sent([['X-Foo', '1']]) });
    assembler.onSendHeaders({ ...base('17', { method: 'OPTIONS' }), requestHeaders: preflightSent('PUT', 'x-foo') });
    assembler.onHeadersReceived({ ...base('17', { method: 'OPTIONS' }), statusCode: 200, responseHeaders: [header('Access-Control-Allow-Origin', PAGE)] });
    assembler.onErrorOccurred({ ...base('17', { method: 'OPTIONS' }), error: 'NS_ERROR_DOM_BAD_URI' });
    assembler.onErrorOccurred({ ...base('16', { method: 'PUT' }), error: 'NS_ERROR_DOM_BAD_URI' });
    expect(closed).toHaveLength(1);
    const { exchange } = closed[0]!;
    expect(exchange.partial ?? false).toBe(false);
    expect(exchange.request.method).toBe('PUT');
    expect(exchange.preflight?.response).toEqual({ status: 200, headers: [header('Access-Control-Allow-Origin', PAGE)] });
    expect(exchange.outcome).toEqual({ kind: 'error', error: 'NS_ERROR_DOM_BAD_URI' });
    expect(exchange.response).toBeNull();
    expect(assembler.openCount).toEqual({ flights: 0, preflights: 0, ignored: 0 });
  });

  it("with Chromium's profile the same events lose the preflight and call the exchange partial", () => {
    const { assembler, closed, base, sent, preflightSent } = firefoxRun(chromiumCaptureProfile);
    assembler.onSendHeaders({ ...base('16', { method: 'PUT' }), requestHeaders: sent() });
    assembler.onSendHeaders({ ...base('17', { method: 'OPTIONS' }), requestHeaders: preflightSent('PUT', null) });
    assembler.onHeadersReceived({ ...base('17', { method: 'OPTIONS' }), statusCode: 500, responseHeaders: [] });
    assembler.onErrorOccurred({ ...base('17', { method: 'OPTIONS' }), error: 'NS_ERROR_DOM_BAD_URI' });
    assembler.onErrorOccurred({ ...base('16', { method: 'PUT' }), error: 'NS_ERROR_DOM_BAD_URI' });
    expect(closed.map((c) => c.exchange.preflight)).toEqual([null]);
  });

  it('pairs a passing preflight with its request at the response, and a 500 preflight at the error', () => {
    const { assembler, closed, base, sent, preflightSent } = firefoxRun();
    const passing = { url: `${API}/pass`, method: 'PUT' };
    assembler.onSendHeaders({ ...base('13', passing), requestHeaders: sent() });
    assembler.onSendHeaders({ ...base('14', { ...passing, method: 'OPTIONS' }), requestHeaders: preflightSent('PUT', null) });
    const allow = [header('Access-Control-Allow-Origin', PAGE), header('Access-Control-Allow-Methods', 'PUT')];
    assembler.onHeadersReceived({ ...base('14', { ...passing, method: 'OPTIONS' }), statusCode: 204, responseHeaders: allow });
    assembler.onCompleted({ ...base('14', { ...passing, method: 'OPTIONS' }), statusCode: 204, responseHeaders: allow });
    assembler.onHeadersReceived({ ...base('13', passing), statusCode: 200, responseHeaders: [header('Access-Control-Allow-Origin', PAGE)] });
    assembler.onCompleted({ ...base('13', passing), statusCode: 200, responseHeaders: [header('Access-Control-Allow-Origin', PAGE)] });

    const failing = { url: `${API}/pre500`, method: 'PUT' };
    assembler.onSendHeaders({ ...base('16', failing), requestHeaders: sent() });
    assembler.onSendHeaders({ ...base('17', { ...failing, method: 'OPTIONS' }), requestHeaders: preflightSent('PUT', null) });
    assembler.onHeadersReceived({ ...base('17', { ...failing, method: 'OPTIONS' }), statusCode: 500, responseHeaders: [] });
    assembler.onErrorOccurred({ ...base('17', { ...failing, method: 'OPTIONS' }), error: 'NS_ERROR_DOM_BAD_URI' });
    assembler.onErrorOccurred({ ...base('16', failing), error: 'NS_ERROR_DOM_BAD_URI' });

    expect(closed.map((c) => [c.exchange.request.url, c.exchange.preflight?.response?.status, c.exchange.outcome.kind, c.exchange.partial === true])).toEqual([
      [`${API}/pass`, 204, 'completed', false],
      [`${API}/pre500`, 500, 'error', false],
    ]);
  });

  it('gives two identical requests in flight at once each its own preflight, oldest first', () => {
    const { assembler, closed, base, sent, preflightSent } = firefoxRun();
    const put = { method: 'PUT' };
    const options = { method: 'OPTIONS' };
    const allow = (n: string) => [header('Access-Control-Allow-Origin', PAGE), header('Access-Control-Allow-Methods', 'PUT'), header('X-Preflight', n)];
    assembler.onSendHeaders({ ...base('a', put), requestHeaders: sent() });
    assembler.onSendHeaders({ ...base('pa', options), requestHeaders: preflightSent('PUT', null) });
    // The second request sends its headers while the first one's preflight is still out.
    assembler.onSendHeaders({ ...base('b', put), requestHeaders: sent() });
    assembler.onSendHeaders({ ...base('pb', options), requestHeaders: preflightSent('PUT', null) });
    assembler.onHeadersReceived({ ...base('pa', options), statusCode: 204, responseHeaders: allow('a') });
    assembler.onCompleted({ ...base('pa', options), statusCode: 204, responseHeaders: allow('a') });
    assembler.onHeadersReceived({ ...base('a', put), statusCode: 200, responseHeaders: [header('Access-Control-Allow-Origin', PAGE)] });
    assembler.onHeadersReceived({ ...base('pb', options), statusCode: 204, responseHeaders: allow('b') });
    assembler.onCompleted({ ...base('pb', options), statusCode: 204, responseHeaders: allow('b') });
    assembler.onHeadersReceived({ ...base('b', put), statusCode: 200, responseHeaders: [header('Access-Control-Allow-Origin', PAGE)] });
    assembler.onCompleted({ ...base('a', put), statusCode: 200 });
    assembler.onCompleted({ ...base('b', put), statusCode: 200 });
    const preflightOf = (c: ClosedExchange) => c.exchange.preflight?.response?.headers.find((h) => h.name === 'X-Preflight')?.value;
    expect(closed.map((c) => [c.requestId, preflightOf(c)])).toEqual([
      ['a', 'a'],
      ['b', 'b'],
    ]);
  });

  it('follows a redirect whose target Firefox blocked, ending in onCompleted', () => {
    const { assembler, closed, base, sent } = firefoxRun();
    const first = { url: `${API}/redir` };
    const target = { url: `${API}/redir-target` };
    assembler.onSendHeaders({ ...base('18', first), requestHeaders: sent() });
    assembler.onHeadersReceived({
      ...base('18', first),
      statusCode: 302,
      responseHeaders: [header('Access-Control-Allow-Origin', '*'), header('Location', target.url)],
    });
    assembler.onSendHeaders({ ...base('18', target), requestHeaders: sent() });
    assembler.onHeadersReceived({ ...base('18', target), statusCode: 200, responseHeaders: [header('Content-Type', 'application/json')] });
    assembler.onCompleted({ ...base('18', target), statusCode: 200, responseHeaders: [header('Content-Type', 'application/json')] });
    expect(closed).toHaveLength(1);
    expect(closed[0]!.exchange.redirects.map((r) => [r.url, r.status, r.location])).toEqual([[first.url, 302, target.url]]);
  });

  it('keeps the Sec-Fetch-Storage-Access of the first URL when a tainting redirect drops it (redirect/049, recorded in docs/firefox.md)', () => {
    const run = (profile: CaptureProfile) => {
      const { assembler, closed, base } = firefoxRun(profile);
      const hop1 = `${API}/hop`;
      const hop2 = 'http://127.0.0.2:5001/hop2';
      const last = `${API}/final`;
      const credentialed = [
        header('Origin', PAGE),
        header('Sec-Fetch-Storage-Access', 'none'),
        header('Sec-Fetch-Mode', 'cors'),
        header('Sec-Fetch-Site', 'cross-site'),
      ];
      // After the redirect from API to another origin, Firefox sends Origin: null and no Sec-Fetch-Storage-Access.
      const tainted = [header('Origin', 'null'), header('Sec-Fetch-Mode', 'cors'), header('Sec-Fetch-Site', 'cross-site')];
      const redirect = (to: string, acao: string) => [
        header('Access-Control-Allow-Origin', acao),
        header('Access-Control-Allow-Credentials', 'true'),
        header('Location', to),
      ];
      const wildcard = [header('Access-Control-Allow-Origin', '*'), header('Access-Control-Allow-Credentials', 'true')];
      assembler.onSendHeaders({ ...base('49', { url: hop1 }), requestHeaders: credentialed });
      assembler.onHeadersReceived({ ...base('49', { url: hop1 }), statusCode: 307, responseHeaders: redirect(hop2, PAGE) });
      assembler.onSendHeaders({ ...base('49', { url: hop2 }), requestHeaders: tainted });
      assembler.onHeadersReceived({ ...base('49', { url: hop2 }), statusCode: 303, responseHeaders: redirect(last, 'null') });
      assembler.onSendHeaders({ ...base('49', { url: last }), requestHeaders: tainted });
      assembler.onHeadersReceived({ ...base('49', { url: last }), statusCode: 200, responseHeaders: wildcard });
      assembler.onCompleted({ ...base('49', { url: last }), statusCode: 200, responseHeaders: wildcard });
      expect(closed).toHaveLength(1);
      return closed[0]!.exchange;
    };
    const firefox = run(firefoxCaptureProfile);
    expect(firefox.redirects).toHaveLength(2);
    expect(firefox.request.headers?.find((h) => h.name === 'Origin')?.value).toBe('null');
    expect(firefox.credentialsBeforeRedirect).toEqual({ name: 'sec-fetch-storage-access', urlIndex: 0 });
    const verdict = judgeExchange(firefox, { browser: 'firefox' });
    expect([verdict.blocked, verdict.firefox?.key, verdict.confidence, verdict.credentials]).toEqual([
      true,
      'CORSNotSupportingCredentials',
      'certain',
      'include',
    ]);
    expect(verdict.evidence.join(' ')).toContain(`Before a redirect the request sent \`Sec-Fetch-Storage-Access\``);
    // Without the header kept, the same events read as an uncredentialed request, which passes.
    const { credentialsBeforeRedirect: _kept, ...unkept } = firefox;
    const unkeptVerdict = judgeExchange(unkept, { browser: 'firefox' });
    expect([unkeptVerdict.blocked, unkeptVerdict.confidence, unkeptVerdict.credentials]).toEqual([false, 'inferred', 'unknown']);
    // Chromium's capture keeps nothing of the kind: its exchange, and so its verdict, is unchanged.
    expect('credentialsBeforeRedirect' in run(chromiumCaptureProfile)).toBe(false);
  });

  it('adds nothing when the headers last sent show the credentials themselves', () => {
    const { assembler, closed, base } = firefoxRun();
    const first = `${API}/hop`;
    const target = `${API}/final`;
    const credentialed = [header('Origin', PAGE), header('Sec-Fetch-Storage-Access', 'none'), header('Sec-Fetch-Mode', 'cors')];
    assembler.onSendHeaders({ ...base('3', { url: first }), requestHeaders: credentialed });
    assembler.onHeadersReceived({
      ...base('3', { url: first }),
      statusCode: 302,
      responseHeaders: [header('Access-Control-Allow-Origin', PAGE), header('Location', target)],
    });
    assembler.onSendHeaders({ ...base('3', { url: target }), requestHeaders: credentialed });
    assembler.onCompleted({ ...base('3', { url: target }), statusCode: 200, responseHeaders: [header('Access-Control-Allow-Origin', '*')] });
    expect(closed[0]!.exchange.redirects).toHaveLength(1);
    expect('credentialsBeforeRedirect' in closed[0]!.exchange).toBe(false);
  });

  it('drops a same-origin request and one with no requesting document', () => {
    const { assembler, closed, base, sent } = firefoxRun();
    assembler.onSendHeaders({ ...base('1', { url: `${PAGE}/same` }), requestHeaders: sent() });
    assembler.onCompleted({ ...base('1', { url: `${PAGE}/same` }), statusCode: 200 });
    const { originUrl: _none, ...browserInitiated } = base('2');
    assembler.onSendHeaders({ ...browserInitiated, requestHeaders: sent() });
    assembler.onCompleted({ ...browserInitiated, statusCode: 200 });
    expect(closed).toEqual([]);
  });
});
