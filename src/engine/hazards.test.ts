import { describe, expect, it } from 'vitest';
import { PAGE, preflightedExchange, simpleExchange } from './examples';
import { CAUSE_EXAMPLES, CORRECT_SETUPS, HAZARD_EXAMPLES } from './hazard-examples';
import { CAUSES, HAZARDS } from './hazards';
import { firefoxPreflightMaxAge } from './firefox/preflight-cache';
import { judgeExchange } from './index';
import type { ObservedExchange } from './types';

const codes = (exchange: ObservedExchange) => judgeExchange(exchange).warnings.map((w) => w.code);

describe('causes: "not really a CORS bug"', () => {
  it('every cause of the catalogue has an example that the engine classifies so', () => {
    for (const code of Object.keys(CAUSES)) {
      const example = CAUSE_EXAMPLES[code];
      expect(example, code).toBeDefined();
      const verdict = judgeExchange(example!);
      expect(verdict.cause?.code, code).toBe(code);
      expect(verdict.cause!.evidence.length, code).toBeGreaterThan(0);
      expect(verdict.cause!.title).toBe(CAUSES[code as keyof typeof CAUSES].title);
    }
  });

  it("an error status without CORS headers: says so and shows the status; the rule stays Chromium's", () => {
    const verdict = judgeExchange(CAUSE_EXAMPLES['error-status-without-cors']!);
    expect(verdict.rule).toBe('MissingAllowOriginHeader');
    expect(verdict.cause!.summary).toContain('HTTP 500');
    expect(verdict.cause!.summary).toContain('error path skips the CORS middleware');
    expect(verdict.fix?.snippets.length).toBeGreaterThan(0);
    for (const status of [401, 403, 404, 413, 502]) {
      expect(judgeExchange(simpleExchange({ status, error: 'net::ERR_FAILED' })).cause?.code, String(status)).toBe('error-status-without-cors');
    }
  });

  it('no cause for a plain missing header on a 200, a 400, or a wrong origin on a 500', () => {
    expect(judgeExchange(simpleExchange({ error: 'net::ERR_FAILED' })).cause ?? null).toBeNull();
    expect(judgeExchange(simpleExchange({ status: 400, error: 'net::ERR_FAILED' })).cause ?? null).toBeNull();
    const wrongOrigin = judgeExchange(
      simpleExchange({ status: 500, response: [['Access-Control-Allow-Origin', 'https://other.example']], error: 'net::ERR_FAILED' }),
    );
    expect(wrongOrigin.rule).toBe('AllowOriginMismatch');
    expect(wrongOrigin.cause ?? null).toBeNull();
  });

  it('a 403 from a local dev server is the dev server, from a public host an error status', () => {
    const devServer = judgeExchange(CAUSE_EXAMPLES['dev-server-refused-origin']!);
    expect(devServer.cause?.code).toBe('dev-server-refused-origin');
    expect(devServer.fix?.summary).toContain('server.allowedHosts');
    expect(devServer.fix?.snippets).toEqual([]);
    expect(judgeExchange(simpleExchange({ status: 403, error: 'net::ERR_FAILED' })).cause?.code).toBe('error-status-without-cors');
  });

  it('the preflight behind authentication: 401/403 on OPTIONS, not a 404 or 405', () => {
    const verdict = judgeExchange(CAUSE_EXAMPLES['preflight-auth-layer']!);
    expect(verdict.cause!.evidence.join(' ')).toContain('WWW-Authenticate');
    const notFound = structuredClone(CAUSE_EXAMPLES['preflight-auth-layer']!);
    notFound.preflight!.response!.status = 404;
    expect(judgeExchange(notFound).blocked).toBe(true);
    expect(judgeExchange(notFound).cause ?? null).toBeNull();
  });

  it('two Allow-Origin lines are two layers; one line with two values is not', () => {
    expect(judgeExchange(CAUSE_EXAMPLES['duplicate-cors-layer']!).cause!.evidence.join(' ')).toContain('Via');
    const oneLine = judgeExchange(simpleExchange({ response: [['Access-Control-Allow-Origin', `${PAGE}, https://b.example`]], error: 'net::ERR_FAILED' }));
    expect(oneLine.rule).toBe('MultipleAllowOriginValues');
    expect(oneLine.cause ?? null).toBeNull();
  });

  it('Local Network Access says no server header helps, and names the permission', () => {
    const verdict = judgeExchange(CAUSE_EXAMPLES['local-network-access']!);
    expect(verdict.rule).toBe('LocalNetworkAccessPermissionDenied');
    expect(verdict.cause!.summary).toContain('No server header will help');
    expect(verdict.explanation).toContain('No server header will help');
    expect(`${verdict.fix!.details} ${verdict.fix!.traps.join(' ')}`).toMatch(/loopback-network/);
    expect(verdict.fix!.traps.join(' ')).toContain('allow="local-network; loopback-network"');
    expect(verdict.fix!.traps.join(' ')).toContain('targetAddressSpace');
  });

  it('an LNA block of the preflight itself is named, not called a network error', () => {
    const exchange: ObservedExchange = {
      initiator: PAGE,
      request: { url: 'http://localhost:8080/api', method: 'PUT', type: 'xmlhttprequest', headers: null },
      preflight: {
        url: 'http://localhost:8080/api',
        request: {
          headers: [
            { name: 'Access-Control-Request-Method', value: 'PUT' },
            { name: 'Origin', value: PAGE },
          ],
        },
        response: null,
        error: 'net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS',
      },
      redirects: [],
      response: null,
      outcome: { kind: 'error', error: 'net::ERR_FAILED' },
    };
    const verdict = judgeExchange(exchange);
    expect(verdict).toMatchObject({ rule: 'LocalNetworkAccessPermissionDenied', stage: 'preflight', blocked: true });
    expect(verdict.cause?.code).toBe('local-network-access');
    // Chromium 156 reports the blocked OPTIONS to webRequest as net::ERR_FAILED (e2e/lna.e2e.ts).
    const asSeen = structuredClone(exchange);
    asSeen.preflight!.error = 'net::ERR_FAILED';
    expect(judgeExchange(asSeen)).toMatchObject({ rule: 'LocalNetworkAccessPermissionDenied', stage: 'preflight', confidence: 'inferred' });
    // The same to a public host names no LNA rule.
    const remote = structuredClone(asSeen);
    remote.preflight!.url = 'https://api.example.com/x';
    remote.request.url = 'https://api.example.com/x';
    expect(judgeExchange(remote).rule).toBeNull();
  });

  it('InvalidLocalNetworkAccess: sent, no response, ERR_FAILED, to a local address; not to a public one', () => {
    const local = { ...simpleExchange({ url: 'http://localhost:8080/api', error: 'net::ERR_FAILED' }), response: null };
    expect(judgeExchange(local)).toMatchObject({ rule: 'InvalidLocalNetworkAccess', confidence: 'inferred' });
    const remote = { ...simpleExchange({ error: 'net::ERR_FAILED' }), response: null };
    expect(judgeExchange(remote).rule).toBeNull();
  });

  it('a partial exchange infers no rule from an answer it may only have lost', () => {
    // The response of a request to a local address went to a stopped worker: no Local Network Access rule.
    const local = { ...simpleExchange({ url: 'http://localhost:8080/api', error: 'net::ERR_FAILED' }), response: null, partial: true };
    const verdict = judgeExchange(local);
    expect(verdict).toMatchObject({ kind: 'network-error', blocked: false, rule: null });
    expect(verdict.cause ?? null).toBeNull();
    expect(verdict.explanation).toContain('stopped the extension');
    // A preflight failed as a block and the request's headers are missing: they may only have been lost.
    const preflightLost: ObservedExchange = {
      ...preflightedExchange({ method: 'PUT', acrh: null, preflightResponse: [] }),
      partial: true,
    };
    preflightLost.request.url = 'http://localhost:8080/api';
    preflightLost.preflight = { ...preflightLost.preflight!, url: 'http://localhost:8080/api', response: null, error: 'net::ERR_FAILED' };
    expect(judgeExchange(preflightLost).rule).not.toBe('LocalNetworkAccessPermissionDenied');
    expect(judgeExchange({ ...preflightLost, partial: false }).rule).toBe('LocalNetworkAccessPermissionDenied');
    // A wildcard preflight passes without credentials and fails with them; with the response lost,
    // that is no evidence that the request was credentialed.
    const wildcard = preflightedExchange({
      method: 'PUT',
      acrh: null,
      preflightResponse: [
        ['Access-Control-Allow-Origin', '*'],
        ['Access-Control-Allow-Methods', 'PUT'],
      ],
      actualResponse: [],
    });
    const responseLost: ObservedExchange = { ...wildcard, response: null, outcome: { kind: 'error', error: 'net::ERR_FAILED' } };
    expect(judgeExchange(responseLost)).toMatchObject({ rule: 'PreflightWildcardOriginNotAllowed', credentials: 'include' });
    expect(judgeExchange({ ...responseLost, partial: true })).toMatchObject({ kind: 'network-error', blocked: false, rule: null });
  });

  it('a network error keeps its name and gets the cause; an abort does not', () => {
    const verdict = judgeExchange(CAUSE_EXAMPLES['network-error']!);
    expect(verdict.kind).toBe('network-error');
    expect(verdict.cause?.code).toBe('network-error');
    expect(judgeExchange({ ...simpleExchange({ error: 'net::ERR_ABORTED' }), response: null }).cause ?? null).toBeNull();
  });
});

describe('hazards on exchanges that pass', () => {
  it('every hazard of the catalogue has an example that raises it, with its title and a severity', () => {
    for (const code of Object.keys(HAZARDS)) {
      if (
        code === 'model-disagreement' ||
        code === 'engine-error' ||
        code === 'chromium-only-safelisted-header' ||
        code === 'private-network-header' ||
        code === 'authorization-dropped-on-redirect'
      )
        continue;
      const example = HAZARD_EXAMPLES[code];
      expect(example, code).toBeDefined();
      const warning = judgeExchange(example!).warnings.find((w) => w.code === code);
      expect(warning, code).toBeDefined();
      expect(warning!.title).toBe(HAZARDS[code as keyof typeof HAZARDS].title);
      expect(['high', 'medium', 'low']).toContain(warning!.severity);
    }
  });

  it('no false alarms on the common correct setups', () => {
    for (const [name, exchange] of Object.entries(CORRECT_SETUPS)) {
      const verdict = judgeExchange(exchange);
      expect(verdict.blocked, name).toBe(false);
      expect(verdict.warnings, name).toEqual([]);
      expect(verdict.cause ?? null, name).toBeNull();
    }
  });

  it('high only for credential-bearing, origin-trusting configurations', () => {
    const severity = (exchange: ObservedExchange, code: string) => judgeExchange(exchange).warnings.find((w) => w.code === code)?.severity;
    expect(severity(HAZARD_EXAMPLES['null-origin-allowed']!, 'null-origin-allowed')).toBe('medium');
    expect(
      severity(
        simpleExchange({
          response: [
            ['Access-Control-Allow-Origin', 'null'],
            ['Access-Control-Allow-Credentials', 'true'],
          ],
        }),
        'null-origin-allowed',
      ),
    ).toBe('high');
    expect(severity(HAZARD_EXAMPLES['origin-reflected']!, 'origin-reflected')).toBe('high');
    expect(severity(HAZARD_EXAMPLES['http-origin-trusted']!, 'http-origin-trusted')).toBe('high');
    expect(severity(HAZARD_EXAMPLES['wildcard-with-credentials']!, 'wildcard-with-credentials')).toBe('low');
    expect(severity(HAZARD_EXAMPLES['missing-vary-origin']!, 'missing-vary-origin')).toBe('low');
    const warnings = judgeExchange(HAZARD_EXAMPLES['origin-reflected']!).warnings;
    expect(warnings[0]!.severity).toBe('high');
  });

  it('echoing several origins in one tab is a reflection; with credentials high, without low', () => {
    const second = (credentials: boolean): ObservedExchange => ({
      ...simpleExchange({
        requestExtra: credentials ? [['Cookie', 'a=1']] : [],
        response: [
          ['Access-Control-Allow-Origin', PAGE],
          ['Vary', 'Origin'],
          ...(credentials ? ([['Access-Control-Allow-Credentials', 'true']] as [string, string][]) : []),
        ],
      }),
      context: { requestTime: 0, earlierPreflight: null, echoedOrigins: ['https://evil.example'] },
    });
    expect(judgeExchange(second(true)).warnings.find((w) => w.code === 'origin-reflected')?.severity).toBe('high');
    expect(judgeExchange(second(false)).warnings.find((w) => w.code === 'origin-reflected')?.severity).toBe('low');
    expect(judgeExchange(second(true)).warnings.find((w) => w.code === 'origin-reflected')?.message).toContain('django-cors-headers');
  });

  it('Authorization under ACAH: * says Chromium and Firefox pass it and the spec rejects it (measured in Firefox: e2e/conformance/firefox-claims.e2e.ts)', () => {
    const warning = judgeExchange(HAZARD_EXAMPLES['authorization-wildcard']!).warnings.find((w) => w.code === 'authorization-wildcard')!;
    expect(warning.message).toContain('Chromium and Firefox let this pass');
    expect(warning.message).toContain('Fetch standard');
    expect(warning.message).not.toMatch(/Firefox (rejects|blocks)/);
    expect(HAZARDS['authorization-wildcard'].trigger).toContain('Chromium and Firefox let it pass');
  });

  it('a custom response header is flagged only when not exposed, and infrastructure headers never', () => {
    expect(
      codes(
        simpleExchange({
          response: [
            ['Access-Control-Allow-Origin', '*'],
            ['X-Powered-By', 'Express'],
            ['ETag', 'W/"1"'],
            ['Access-Control-Expose-Headers', 'ETag'],
          ],
        }),
      ),
    ).toEqual([]);
    expect(
      codes(
        simpleExchange({
          response: [
            ['Access-Control-Allow-Origin', '*'],
            ['X-Total-Count', '1'],
            ['Access-Control-Expose-Headers', '*'],
          ],
        }),
      ),
    ).toEqual([]);
    expect(judgeExchange(HAZARD_EXAMPLES['header-not-exposed']!).warnings[0]!.message).toContain('If your code reads it');
  });

  it('a preflight allow-list that echoes the request is flagged; the same names written by hand are not', () => {
    expect(codes(HAZARD_EXAMPLES['preflight-echoes-request']!)).toContain('preflight-echoes-request');
    expect(judgeExchange(HAZARD_EXAMPLES['preflight-echoes-request']!).warnings[0]!.message).toContain('Access-Control-Allow-Methods: PUT');
  });

  it('a no-cors fetch is warned about; a no-cors image is not', () => {
    const fetchVerdict = judgeExchange(HAZARD_EXAMPLES['no-cors-opaque']!);
    expect(fetchVerdict.kind).toBe('not-cors');
    expect(fetchVerdict.warnings.map((w) => w.code)).toEqual(['no-cors-opaque']);
    const image = structuredClone(HAZARD_EXAMPLES['no-cors-opaque']!);
    image.request.type = 'image';
    expect(judgeExchange(image).warnings).toEqual([]);
  });

  it('CORS headers only on success: warned on the failing error response whose preflight had them', () => {
    const verdict = judgeExchange(HAZARD_EXAMPLES['cors-missing-on-errors']!);
    expect(verdict.blocked).toBe(true);
    expect(verdict.cause?.code).toBe('error-status-without-cors');
    expect(verdict.cause!.evidence.join(' ')).toContain('the success path has CORS');
    expect(verdict.warnings.map((w) => w.code)).toContain('cors-missing-on-errors');
  });
});

describe('cached preflights', () => {
  it('says since when and until when from the earlier preflight, and what changed since', () => {
    const verdict = judgeExchange(HAZARD_EXAMPLES['preflight-cache-stale']!);
    const cached = verdict.warnings.find((w) => w.code === 'preflight-from-cache')!;
    expect(cached.message).toContain('2026-12-01T10:00:00.000Z');
    expect(cached.message).toContain('Access-Control-Max-Age: 600');
    expect(cached.message).toContain('until 2026-12-01T10:10:00.000Z');
    expect(cached.message).toContain('Disable cache');
    const stale = verdict.warnings.find((w) => w.code === 'preflight-cache-stale')!;
    expect(stale.message).toContain('cached `GET, PUT`, now `GET, POST`');
  });

  it('caps the lifetime as Chromium does, and raises no staleness when the answer is unchanged', () => {
    const example = structuredClone(HAZARD_EXAMPLES['preflight-cache-stale']!);
    example.context!.earlierPreflight!.preflight.response!.headers = example.context!.earlierPreflight!.preflight.response!.headers.map((line) =>
      line.name === 'Access-Control-Max-Age'
        ? { ...line, value: '86400' }
        : line.name === 'Access-Control-Allow-Methods'
          ? { ...line, value: 'GET, POST' }
          : line,
    );
    const verdict = judgeExchange(example);
    expect(verdict.warnings.find((w) => w.code === 'preflight-from-cache')!.message).toContain('Chromium keeps it 7200 s');
    expect(verdict.warnings.map((w) => w.code)).not.toContain('preflight-cache-stale');
  });

  it("in Firefox's verdict, names Firefox's cache with its 24 h cap, its 5 s default and no Disable-cache advice", () => {
    const withMaxAge = (value: string | null) => {
      const example = structuredClone(HAZARD_EXAMPLES['preflight-cache-stale']!);
      const response = example.context!.earlierPreflight!.preflight.response!;
      response.headers = response.headers.flatMap((line) => (line.name !== 'Access-Control-Max-Age' ? [line] : value === null ? [] : [{ ...line, value }]));
      return example;
    };
    const note = (value: string | null) =>
      judgeExchange(withMaxAge(value), { browser: 'firefox' }).warnings.find((w) => w.code === 'preflight-from-cache')?.message ?? '';
    expect(note('86400000')).toContain('Firefox answered it from its preflight cache');
    expect(note('86400000')).toContain('(Firefox keeps it 86400 s), valid until 2026-12-02T10:00:00.000Z');
    expect(note(null)).toContain('no `Access-Control-Max-Age` (Firefox keeps it 5 s), valid until 2026-12-01T10:00:05.000Z');
    expect(note('600')).not.toMatch(/Chromium|Disable cache/);
    const stale = judgeExchange(withMaxAge('600'), { browser: 'firefox' }).warnings.find((w) => w.code === 'preflight-cache-stale')!;
    expect(stale.message).toContain('Firefox keeps using the cached preflight until 2026-12-01T10:10:00.000Z');
    expect(stale.message).toContain('restart Firefox');
    expect([firefoxPreflightMaxAge('+5'), firefoxPreflightMaxAge(' 5'), firefoxPreflightMaxAge('0'), firefoxPreflightMaxAge('007')]).toEqual([0, 0, 0, 7]);
  });

  it('without an earlier preflight still names the cache; with an observed preflight says nothing about it', () => {
    expect(codes(HAZARD_EXAMPLES['preflight-from-cache']!)).toEqual(['preflight-from-cache']);
    expect(codes(CORRECT_SETUPS['preflight with a hand-written allow-list']!)).toEqual([]);
  });
});

describe('client-side ways to avoid a preflight', () => {
  it('JSON as text/plain, a custom header dropped, POST for PUT: each flagged as a client change', () => {
    const verdict = judgeExchange(HAZARD_EXAMPLES['preflight-echoes-request']!);
    const byName = Object.fromEntries(verdict.preflightReasons.map((r) => [r.name, r.clientAlternative]));
    expect(byName.PUT).toMatch(/^Client change: use `POST`/);
    expect(byName['content-type']).toMatch(/^Client change: send the body as `text\/plain`/);
    expect(byName['x-request-id']).toMatch(/^Client change: drop `X-Request-Id`/);
  });

  it('offers none for Authorization', () => {
    const verdict = judgeExchange(CORRECT_SETUPS['Authorization listed by name']!);
    expect(verdict.preflightReasons.map((r) => r.clientAlternative)).toEqual([undefined]);
  });
});
