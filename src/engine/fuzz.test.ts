import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeExchange } from './index';
import { RULE_EXAMPLES, simpleExchange } from './examples';
import { CORS_ERROR_NAMES, type ObservedExchange, type Verdict } from './types';

const KINDS = ['cors-blocked', 'network-error', 'passed', 'not-cors'];

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
  if (v.cause != null) expect([typeof v.cause.code, typeof v.cause.title, typeof v.cause.summary, Array.isArray(v.cause.evidence)]).toEqual(['string', 'string', 'string', true]);
  for (const warning of v.warnings) expect(['high', 'medium', 'low']).toContain(warning.severity);
}

const headerName = fc.oneof(
  fc.constantFrom('Access-Control-Allow-Origin', 'access-control-allow-credentials', 'Access-Control-Allow-Methods', 'ACCESS-CONTROL-ALLOW-HEADERS', 'Access-Control-Max-Age', 'Origin', 'Cookie', 'Sec-Fetch-Mode', 'Content-Type', 'Vary', 'Location', 'Access-Control-Request-Method', 'Access-Control-Request-Headers', 'Authorization', 'Range', 'Accept'),
  fc.string(),
);
const headerValue = fc.oneof(fc.constantFrom('*', 'null', 'https://app.example.com', 'true', 'GET, PUT', 'bad value', 'cors', 'no-cors', 'same-origin', 'bytes=0-1'), fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 }));
const headers = fc.array(fc.record({ name: headerName, value: headerValue }), { maxLength: 30 });
const url = fc.oneof(fc.constantFrom('https://api.example.com/x', 'https://app.example.com/y', 'http://u:p@b.example/z', 'ftp://f/x', 'data:,hi', 'not a url', ''), fc.webUrl());
const response = fc.option(fc.record({ status: fc.integer({ min: -1, max: 999 }), headers }));
const exchange = fc.record({
  initiator: fc.option(fc.oneof(fc.constantFrom('https://app.example.com', 'null'), fc.string())),
  request: fc.record({ url, method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'patch', 'OPTIONS'), fc.string()), type: fc.constantFrom('xmlhttprequest', 'font', 'main_frame', 'image', 'other'), headers: fc.option(headers) }),
  preflight: fc.option(fc.record({ url, request: fc.record({ headers }), response, redirectedTo: fc.option(url), error: fc.option(fc.constantFrom('net::ERR_CONNECTION_REFUSED', 'net::ERR_FAILED')) })),
  redirects: fc.array(fc.record({ url, status: fc.constantFrom(301, 302, 303, 307, 308, 200), location: url, headers }), { maxLength: 4 }),
  response,
  outcome: fc.oneof(fc.constant({ kind: 'completed' as const }), fc.record({ kind: fc.constant('error' as const), error: fc.constantFrom('net::ERR_FAILED', 'net::ERR_EMPTY_RESPONSE', 'net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS', 'weird') })),
  fromCache: fc.boolean(),
});

// Thousands of property runs: on a loaded 2-core machine, running beside the other unit test files, they outlast the 5 s default.
describe('judgeExchange never throws and always returns a well-formed verdict', { timeout: 30_000 }, () => {
  it('for arbitrary well-typed exchanges', () => {
    fc.assert(fc.property(exchange, (ex) => assertWellFormed(judgeExchange(ex as ObservedExchange))), { numRuns: 1500 });
  }, 60_000);
  it('for arbitrary values cast in', () => {
    fc.assert(fc.property(fc.anything(), (value) => assertWellFormed(judgeExchange(value as ObservedExchange))), { numRuns: 1000 });
  }, 60_000);
  it('for examples with fields replaced by wrong types', () => {
    const bases = [simpleExchange(), ...Object.values(RULE_EXAMPLES)] as ObservedExchange[];
    const keys = ['initiator', 'request', 'preflight', 'redirects', 'response', 'outcome', 'fromCache', 'context'];
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.constantFrom(...keys), fc.anything(), (base, key, junk) => {
        assertWellFormed(judgeExchange({ ...base, [key]: junk } as ObservedExchange));
        assertWellFormed(judgeExchange({ ...base, request: { ...base.request, [key === 'request' ? 'headers' : 'url']: junk } } as ObservedExchange));
      }),
      { numRuns: 1000 },
    );
  }, 60_000);
  it('for huge, duplicated and non-ASCII header lists', () => {
    const base = simpleExchange({ error: 'net::ERR_FAILED' });
    const huge = Array.from({ length: 5000 }, (_, i) => ({ name: i % 2 ? 'Access-Control-Allow-Origin' : `X-${i}-ü`, value: 'é'.repeat(i % 300) + '\u0000\uD800' }));
    assertWellFormed(judgeExchange({ ...base, response: { status: 200, headers: huge }, request: { ...base.request, headers: huge } }));
    const getterThrows = { get request() { throw new Error('boom'); } };
    assertWellFormed(judgeExchange(getterThrows as unknown as ObservedExchange));
  });
});
