/**
 * Fuzz of the engine (fast-check), 35,000 cases per run: well-typed exchanges with any
 * values, hostile ones (HTML and script in header values and URLs, 64 KB values, thousands of
 * headers, control characters, non-ASCII, lone surrogates), anything at all cast in, and real
 * examples with fields of the wrong type. The engine always returns a well-formed verdict, and for
 * a well-typed exchange, however hostile, it is the engine's own judgement, never the fallback it
 * gives when its rules throw (docs/reliability.md).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { couldNotJudgeVerdict, judgeExchange } from './index';
import { RULE_EXAMPLES, simpleExchange } from './examples';
import { CORS_ERROR_NAMES, type ObservedExchange, type Verdict } from './types';

const KINDS = ['cors-blocked', 'network-error', 'passed', 'not-cors'];
/** Each property's runs: together well over the 10,000 cases docs/reliability.md promises. */
const RUNS = 10_000;
const FALLBACK_TITLE = couldNotJudgeVerdict({}, new Error('fuzz')).title;

/** A well-typed exchange is judged by the rules themselves: the could-not-judge fallback means one threw. */
function assertJudged(v: Verdict): void {
  assertWellFormed(v);
  expect(v.title, v.explanation).not.toBe(FALLBACK_TITLE);
}

function assertWellFormed(v: Verdict): void {
  expect(KINDS).toContain(v.kind);
  expect(typeof v.blocked).toBe('boolean');
  expect(v.blocked).toBe(v.kind === 'cors-blocked');
  expect(v.rule === null || (CORS_ERROR_NAMES as readonly string[]).includes(v.rule)).toBe(true);
  expect(v.blocked === (v.rule !== null)).toBe(true);
  expect(typeof v.failedParameter).toBe('string');
  expect(typeof v.title).toBe('string');
  expect(v.title.length).toBeGreaterThan(0);
  expect(typeof v.explanation).toBe('string');
  expect(Array.isArray(v.observed) && Array.isArray(v.preflightReasons) && Array.isArray(v.evidence) && Array.isArray(v.warnings)).toBe(true);
  expect(['certain', 'inferred']).toContain(v.confidence);
  expect(['include', 'omit-or-same-origin', 'unknown']).toContain(v.credentials);
  expect(() => JSON.stringify(v)).not.toThrow();
  if (v.cause != null)
    expect([typeof v.cause.code, typeof v.cause.title, typeof v.cause.summary, Array.isArray(v.cause.evidence)]).toEqual(['string', 'string', 'string', true]);
  for (const warning of v.warnings) expect(['high', 'medium', 'low']).toContain(warning.severity);
}

const headerName = fc.oneof(
  fc.constantFrom(
    'Access-Control-Allow-Origin',
    'access-control-allow-credentials',
    'Access-Control-Allow-Methods',
    'ACCESS-CONTROL-ALLOW-HEADERS',
    'Access-Control-Max-Age',
    'Origin',
    'Cookie',
    'Sec-Fetch-Mode',
    'Content-Type',
    'Vary',
    'Location',
    'Access-Control-Request-Method',
    'Access-Control-Request-Headers',
    'Authorization',
    'Range',
    'Accept',
  ),
  fc.string(),
);
const headerValue = fc.oneof(
  fc.constantFrom('*', 'null', 'https://app.example.com', 'true', 'GET, PUT', 'bad value', 'cors', 'no-cors', 'same-origin', 'bytes=0-1'),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);
const headers = fc.array(fc.record({ name: headerName, value: headerValue }), { maxLength: 30 });
const url = fc.oneof(
  fc.constantFrom('https://api.example.com/x', 'https://app.example.com/y', 'http://u:p@b.example/z', 'ftp://f/x', 'data:,hi', 'not a url', ''),
  fc.webUrl(),
);
const response = fc.option(fc.record({ status: fc.integer({ min: -1, max: 999 }), headers }));
const exchange = fc.record({
  initiator: fc.option(fc.oneof(fc.constantFrom('https://app.example.com', 'null'), fc.string())),
  request: fc.record({
    url,
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'patch', 'OPTIONS'), fc.string()),
    type: fc.constantFrom('xmlhttprequest', 'font', 'main_frame', 'image', 'other'),
    headers: fc.option(headers),
  }),
  preflight: fc.option(
    fc.record({
      url,
      request: fc.record({ headers }),
      response,
      redirectedTo: fc.option(url),
      error: fc.option(fc.constantFrom('net::ERR_CONNECTION_REFUSED', 'net::ERR_FAILED')),
    }),
  ),
  redirects: fc.array(fc.record({ url, status: fc.constantFrom(301, 302, 303, 307, 308, 200), location: url, headers }), { maxLength: 4 }),
  response,
  outcome: fc.oneof(
    fc.constant({ kind: 'completed' as const }),
    fc.record({
      kind: fc.constant('error' as const),
      error: fc.constantFrom('net::ERR_FAILED', 'net::ERR_EMPTY_RESPONSE', 'net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS', 'weird'),
    }),
  ),
  fromCache: fc.boolean(),
});

/** Values an attacker-controlled server or page can put on the wire, or a broken one by accident. */
const HUGE_VALUE = 'A'.repeat(64 * 1024);
const HOSTILE_SAMPLES = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "javascript:alert('x')",
  '<!--',
  '\u0000\u0001\r\n\t\u001b[31m\u007f',
  '\r\nSet-Cookie: a=b',
  'é中文🙂\u202e\ufeff',
  '\ud800',
  'x\udfffy\ud83d',
  'https://app.example.com<script>',
];
/** 64 KB values are rare among the cases (each costs the engine a few scans of it), never absent. */
const HUGE_SAMPLES = [HUGE_VALUE, `https://api.example.com/${HUGE_VALUE}`, `<script>${HUGE_VALUE}</script>`];
const hostileString = fc.oneof(
  { weight: 40, arbitrary: fc.constantFrom(...HOSTILE_SAMPLES) },
  { weight: 10, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 10, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 20 }) },
  // Lone surrogates: invalid UTF-16, what a header decoded from invalid UTF-8 can end up as.
  { weight: 10, arbitrary: fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { minLength: 1, maxLength: 4 }).map((units) => String.fromCharCode(...units)) },
  {
    weight: 10,
    arbitrary: fc
      .tuple(fc.constantFrom('https://api.example.com', 'https://app.example.com', '*', 'null'), fc.constantFrom(...HOSTILE_SAMPLES))
      .map(([a, b]) => a + b),
  },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE_SAMPLES) },
);
/** Thousands of headers, prebuilt once: built per case they would cost more than the judging. */
const THOUSANDS_OF_HEADERS = Array.from({ length: 3000 }, (_, i) => ({
  name: ['Access-Control-Allow-Origin', 'Access-Control-Allow-Headers', `X-${i}-<b>`, 'Vary'][i % 4]!,
  value: HOSTILE_SAMPLES[i % 9]! + i,
}));
const hostileHeaders = fc.oneof(
  { weight: 30, arbitrary: fc.array(fc.record({ name: fc.oneof(headerName, hostileString), value: fc.oneof(headerValue, hostileString) }), { maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant(THOUSANDS_OF_HEADERS) },
);
const hostileUrl = fc.oneof(
  url,
  hostileString,
  fc.constantFrom(...HOSTILE_SAMPLES).map((v) => `https://api.example.com/?q=${v}`),
);
const hostileResponse = fc.option(fc.record({ status: fc.constantFrom(0, 200, 204, 301, 307, 403, 500), headers: hostileHeaders }));
const hostileExchange = fc.record({
  initiator: fc.option(fc.oneof(fc.constantFrom('https://app.example.com', 'null'), hostileString)),
  request: fc.record({
    url: hostileUrl,
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'DELETE'), hostileString),
    type: fc.constantFrom('xmlhttprequest', 'font', 'script', 'other'),
    headers: fc.option(hostileHeaders),
  }),
  preflight: fc.option(
    fc.record({
      url: hostileUrl,
      request: fc.record({ headers: hostileHeaders }),
      response: hostileResponse,
      redirectedTo: fc.option(hostileUrl),
      error: fc.option(fc.constantFrom('net::ERR_FAILED', 'net::ERR_CONNECTION_REFUSED')),
    }),
  ),
  redirects: fc.array(fc.record({ url: hostileUrl, status: fc.constantFrom(301, 302, 307, 308), location: hostileUrl, headers: hostileHeaders }), {
    maxLength: 3,
  }),
  response: hostileResponse,
  outcome: fc.oneof(
    fc.constant({ kind: 'completed' as const }),
    fc.record({ kind: fc.constant('error' as const), error: fc.oneof(fc.constantFrom('net::ERR_FAILED', 'net::ERR_EMPTY_RESPONSE'), hostileString) }),
  ),
  fromCache: fc.boolean(),
});

// Tens of thousands of property runs: on a loaded 2-core machine (load 40 measured) they take minutes, not seconds; the budget is for correctness, not speed.
describe('judgeExchange never throws and always returns a well-formed verdict', { timeout: 300_000 }, () => {
  it('for arbitrary well-typed exchanges', () => {
    fc.assert(
      fc.property(exchange, (ex) => assertJudged(judgeExchange(ex as ObservedExchange))),
      { numRuns: RUNS },
    );
  }, 300_000);
  it('for hostile values in every header, URL, method and origin', () => {
    fc.assert(
      fc.property(hostileExchange, (ex) => assertJudged(judgeExchange(ex as ObservedExchange))),
      { numRuns: RUNS },
    );
  }, 300_000);
  it('for arbitrary values cast in', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => assertWellFormed(judgeExchange(value as ObservedExchange))),
      { numRuns: RUNS },
    );
  }, 300_000);
  it('for examples with fields replaced by wrong types', () => {
    const bases = [simpleExchange(), ...Object.values(RULE_EXAMPLES)] as ObservedExchange[];
    const keys = ['initiator', 'request', 'preflight', 'redirects', 'response', 'outcome', 'fromCache', 'context'];
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.constantFrom(...keys), fc.anything(), (base, key, junk) => {
        assertWellFormed(judgeExchange({ ...base, [key]: junk } as ObservedExchange));
        assertWellFormed(judgeExchange({ ...base, request: { ...base.request, [key === 'request' ? 'headers' : 'url']: junk } } as ObservedExchange));
      }),
      // Two judgements per case: 10,000 exchanges judged.
      { numRuns: RUNS / 2 },
    );
  }, 300_000);
  it('for huge, duplicated and non-ASCII header lists', () => {
    const base = simpleExchange({ error: 'net::ERR_FAILED' });
    const huge = Array.from({ length: 5000 }, (_, i) => ({
      name: i % 2 ? 'Access-Control-Allow-Origin' : `X-${i}-ü`,
      value: 'é'.repeat(i % 300) + '\u0000\uD800',
    }));
    assertJudged(judgeExchange({ ...base, response: { status: 200, headers: huge }, request: { ...base.request, headers: huge } }));
    const getterThrows = {
      get request() {
        throw new Error('boom');
      },
    };
    assertWellFormed(judgeExchange(getterThrows as unknown as ObservedExchange));
  });
});
