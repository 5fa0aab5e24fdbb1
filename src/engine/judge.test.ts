import { describe, expect, it } from 'vitest';
import { judgeExchange, responsePassesCorsChecks } from './index';
import { API, PAGE, RULE_EXAMPLES, browserHeaders, preflightedExchange, responseHeaders, simpleExchange } from './examples';
import { RULES } from './rules';
import type { CorsErrorName, ObservedExchange } from './types';

describe('every observable rule has an example exchange judged to that rule', () => {
  const observable = Object.values(RULES).filter((rule) => rule.observability !== 'unobservable');
  it.each(observable.map((rule) => [rule.name]))('%s', (name) => {
    const example = RULE_EXAMPLES[name as CorsErrorName];
    expect(example, `missing example for ${name}`).toBeDefined();
    const verdict = judgeExchange(example as ObservedExchange);
    expect(verdict.rule).toBe(name);
    expect(verdict.blocked).toBe(true);
    expect(verdict.kind).toBe('cors-blocked');
    expect(verdict.chromeMessage).toBeTruthy();
    expect(verdict.fix?.summary).toBeTruthy();
  });
});

describe('exchange-level verdicts', () => {
  it('a simple GET with a matching ACAO passes', () => {
    const v = judgeExchange(
      simpleExchange({
        response: [
          ['Access-Control-Allow-Origin', PAGE],
          ['Vary', 'Origin'],
        ],
      }),
    );
    expect(v).toMatchObject({ kind: 'passed', blocked: false, rule: null, fix: null, warnings: [] });
  });
  it('an HTTP 404 with a good ACAO passed CORS', () => {
    const v = judgeExchange(simpleExchange({ status: 404, response: [['Access-Control-Allow-Origin', '*']] }));
    expect(v.kind).toBe('passed');
    expect(v.title).toContain('404');
  });
  it('quotes expected next to actual for a trailing slash', () => {
    const v = judgeExchange(RULE_EXAMPLES.AllowOriginMismatch as ObservedExchange);
    expect(v.explanation).toContain('`Access-Control-Allow-Origin: https://app.example.com/`');
    expect(v.explanation).toContain("the page's origin is `https://app.example.com` (no trailing slash)");
    expect(v.firefox?.key).toBe('CORSAllowOriginNotMatchingOrigin');
    expect(v.chromeMessage).toBe(
      "Access to fetch at 'https://api.example.com/v1/items' from origin 'https://app.example.com' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://app.example.com/' that is not equal to the supplied origin. Have the server send the header with a valid value.",
    );
  });
  it('two ACAO lines: Chromium merges them, Firefox counts lines', () => {
    const v = judgeExchange(RULE_EXAMPLES.MultipleAllowOriginValues as ObservedExchange);
    expect(v.failedParameter).toBe('https://app.example.com, *');
    expect(v.firefox?.key).toBe('CORSMultipleAllowOriginNotAllowed');
  });
  it('ACAO * on a failed request without Cookie: credentials inferred include', () => {
    const v = judgeExchange(simpleExchange({ response: [['Access-Control-Allow-Origin', '*']], error: 'net::ERR_FAILED' }));
    expect(v).toMatchObject({ rule: 'WildcardOriginNotAllowed', confidence: 'inferred', credentials: 'include' });
    expect(v.evidence.join(' ')).toContain('credentialed');
  });
  it('a Cookie makes include certain', () => {
    const v = judgeExchange(RULE_EXAMPLES.WildcardOriginNotAllowed as ObservedExchange);
    expect(v).toMatchObject({ confidence: 'certain', credentials: 'include' });
  });
  it('a failed preflight: method and headers come from Access-Control-Request-*', () => {
    const v = judgeExchange(preflightedExchange({ method: 'POST', acrh: 'content-type', preflightResponse: [['Access-Control-Allow-Origin', PAGE]] }));
    expect(v).toMatchObject({ rule: 'HeaderDisallowedByPreflightResponse', failedParameter: 'content-type', stage: 'preflight' });
    expect(v.preflightReasons[0]?.message).toContain('three safelisted ones');
  });
  it('the preflight CORS check wins over its status (D09)', () => {
    const v = judgeExchange(preflightedExchange({ method: 'PUT', acrh: null, preflightStatus: 500, preflightResponse: [] }));
    expect(v.rule).toBe('PreflightMissingAllowOriginHeader');
  });
  it('lower-case patch is not normalised and fails against PATCH', () => {
    const v = judgeExchange(
      preflightedExchange({
        method: 'patch',
        acrh: null,
        preflightResponse: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', 'PATCH'],
        ],
      }),
    );
    expect(v).toMatchObject({ rule: 'MethodDisallowedByPreflightResponse', failedParameter: 'patch' });
    // The fix points at the client's typo first, not at teaching the server a lower-case method.
    expect(v.fix?.summary).toBe('Send `PATCH` (upper case) from the client, and list `PATCH` in `Access-Control-Allow-Methods`.');
    expect(v.explanation).toContain('fetch() does not upper-case `patch`');
  });
  it('Authorization under ACAH * passes in Chromium 156 with a cross-browser warning', () => {
    const v = judgeExchange(
      preflightedExchange({
        method: 'GET',
        acrh: 'authorization',
        preflightResponse: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Headers', '*'],
        ],
        actualRequestExtra: [['Authorization', 'Bearer t']],
        actualResponse: [['Access-Control-Allow-Origin', '*']],
      }),
    );
    expect(v.kind).toBe('passed');
    expect(v.warnings.map((w) => w.code)).toContain('authorization-wildcard');
  });
  it('with authorizationCoveredByWildcard false the same preflight fails on authorization', () => {
    const v = judgeExchange(
      preflightedExchange({
        method: 'GET',
        acrh: 'authorization',
        preflightResponse: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Headers', '*'],
        ],
      }),
      { authorizationCoveredByWildcard: false },
    );
    expect(v).toMatchObject({ rule: 'HeaderDisallowedByPreflightResponse', failedParameter: 'authorization' });
  });
  it('several refused headers: Chromium picks one in an order extensions cannot see, so the verdict says inferred', () => {
    const refused = (acah: string) =>
      judgeExchange(
        preflightedExchange({
          method: 'GET',
          acrh: 'x-alpha,x-zeta',
          preflightResponse: [
            ['Access-Control-Allow-Origin', PAGE],
            ['Access-Control-Allow-Headers', acah],
          ],
        }),
      );
    const both = refused('content-type');
    expect(both).toMatchObject({ rule: 'HeaderDisallowedByPreflightResponse', failedParameter: 'x-alpha', confidence: 'inferred' });
    expect(both.evidence.join(' ')).toContain('`x-alpha`, `x-zeta`');
    const one = refused('X-Alpha');
    expect(one).toMatchObject({ rule: 'HeaderDisallowedByPreflightResponse', failedParameter: 'x-zeta' });
    expect(one.evidence.join(' ')).not.toContain('The preflight refused');
  });
  it('a redirect hop without ACAO fails at the hop', () => {
    const ex: ObservedExchange = {
      ...simpleExchange({ error: 'net::ERR_FAILED' }),
      redirects: [{ url: `${API}/v1/items`, status: 301, location: `${API}/v2/items`, headers: [{ name: 'Location', value: `${API}/v2/items` }] }],
      response: null,
    };
    const v = judgeExchange(ex);
    expect(v).toMatchObject({ rule: 'MissingAllowOriginHeader', stage: 'redirect', hopIndex: 0 });
    // Chromium 156 (CDP Log.entryAdded) names the 3xx that failed, not its Location: no "(redirected from …)" on the first URL.
    expect(v.chromeMessage).toBe(
      "Access to fetch at 'https://api.example.com/v1/items' from origin 'https://app.example.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
    );
  });
  it("redirect: 'manual' stops at a passing redirect with net::ERR_ABORTED: not a failure", () => {
    const hopHeaders = [
      { name: 'Location', value: `${API}/v2/items` },
      { name: 'Access-Control-Allow-Origin', value: PAGE },
    ];
    const ex: ObservedExchange = {
      ...simpleExchange({ error: 'net::ERR_ABORTED' }),
      redirects: [{ url: `${API}/v1/items`, status: 302, location: `${API}/v2/items`, headers: hopHeaders }],
      response: null,
    };
    expect(judgeExchange(ex)).toMatchObject({ kind: 'passed', blocked: false, rule: null, stage: 'redirect', hopIndex: 0 });
    // The same stop after a hop that fails its CORS check is still that CORS failure's business, not a pass.
    const failingHop = { ...ex, redirects: [{ ...ex.redirects[0]!, headers: [hopHeaders[0]!] }] };
    expect(judgeExchange(failingHop).kind).toBe('network-error');
  });
  it('the console message after a hop names the failing URL, redirected from the first one', () => {
    const hop = (url: string, location: string, acao: boolean) => ({
      url,
      status: 302,
      location,
      headers: responseHeaders(...(acao ? [['Access-Control-Allow-Origin', '*'] as [string, string]] : []), ['Location', location]),
    });
    const secondHop: ObservedExchange = {
      ...simpleExchange({ url: `${API}/a`, error: 'net::ERR_FAILED' }),
      redirects: [hop(`${API}/a`, `${API}/b`, true), hop(`${API}/b`, `${API}/c`, false)],
      response: null,
    };
    expect(judgeExchange(secondHop).chromeMessage).toBe(
      "Access to fetch at 'https://api.example.com/b' (redirected from 'https://api.example.com/a') from origin 'https://app.example.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
    );
    const finalResponse: ObservedExchange = {
      ...simpleExchange({ url: `${API}/a`, error: 'net::ERR_FAILED' }),
      redirects: [hop(`${API}/a`, `${API}/b`, true)],
      response: { status: 200, headers: responseHeaders() },
    };
    expect(judgeExchange(finalResponse).chromeMessage).toBe(
      "Access to fetch at 'https://api.example.com/b' (redirected from 'https://api.example.com/a') from origin 'https://app.example.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
    );
  });
  it('the console names the redirecting URL for a Location with credentials, the target for a scheme CORS cannot fetch', () => {
    const credentials = judgeExchange(RULE_EXAMPLES.RedirectContainsCredentials as ObservedExchange);
    expect(credentials.chromeMessage).toBe(
      "Access to fetch at 'https://api.example.com/download' from origin 'https://app.example.com' has been blocked by CORS policy: Redirect location '' contains a username and password, which is disallowed for cross-origin requests.",
    );
    const scheme = judgeExchange(RULE_EXAMPLES.CorsDisabledScheme as ObservedExchange);
    expect(scheme.chromeMessage).toBe(
      "Access to fetch at 'ftp://files.example.com/data.csv' (redirected from 'https://api.example.com/legacy') from origin 'https://app.example.com' has been blocked by CORS policy: Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app.",
    );
  });
  it('a redirect A → B → C taints the origin to null', () => {
    const ex: ObservedExchange = {
      ...simpleExchange({ url: `${API}/r`, error: 'net::ERR_FAILED' }),
      redirects: [{ url: `${API}/r`, status: 302, location: 'https://cdn.example.net/file', headers: [{ name: 'Access-Control-Allow-Origin', value: '*' }] }],
      response: { status: 200, headers: responseHeaders(['Access-Control-Allow-Origin', PAGE]) },
    };
    const v = judgeExchange(ex);
    expect(v).toMatchObject({ rule: 'AllowOriginMismatch', failedParameter: PAGE });
    expect(v.title).toContain('redirect-tainted');
  });
  it('a non-CORS net error is a network error, explained plainly', () => {
    const v = judgeExchange(simpleExchange({ error: 'net::ERR_EMPTY_RESPONSE' }));
    expect(v).toMatchObject({ kind: 'network-error', blocked: false, rule: null, networkError: 'net::ERR_EMPTY_RESPONSE' });
    expect(v.explanation).toContain('closed the connection without answering');
  });
  it('no-cors and same-origin requests are not CORS', () => {
    const noCors = simpleExchange();
    (noCors.request as { headers: unknown }).headers = browserHeaders([], 'no-cors').filter((l) => l.name !== 'Origin');
    expect(judgeExchange(noCors).kind).toBe('not-cors');
    expect(judgeExchange(simpleExchange({ url: `${PAGE}/api` })).kind).toBe('not-cors');
  });
  it('a needed preflight that was not observed came from the preflight cache', () => {
    const v = judgeExchange(
      simpleExchange({ method: 'PUT', requestExtra: [['Content-Type', 'application/json']], response: [['Access-Control-Allow-Origin', '*']] }),
    );
    expect(v.kind).toBe('passed');
    expect(v.warnings.map((w) => w.code)).toContain('preflight-from-cache');
    expect(v.preflightReasons.map((r) => r.kind)).toEqual(['method', 'header-value']);
  });
  it('ERR_FAILED with every check passing names no rule', () => {
    const v = judgeExchange(
      simpleExchange({
        response: [
          ['Access-Control-Allow-Origin', PAGE],
          ['Access-Control-Allow-Credentials', 'true'],
        ],
        error: 'net::ERR_FAILED',
      }),
    );
    expect(v).toMatchObject({ kind: 'network-error', blocked: false, rule: null, confidence: 'inferred' });
  });
  it('a preflight network failure is not a CORS error', () => {
    const ex = preflightedExchange({ method: 'PUT', acrh: null, preflightResponse: [], error: 'net::ERR_CONNECTION_REFUSED' });
    (ex.preflight as { response: unknown; error: string }).response = null;
    (ex.preflight as { error: string }).error = 'net::ERR_CONNECTION_REFUSED';
    const v = judgeExchange(ex);
    expect(v).toMatchObject({ kind: 'network-error', rule: null, stage: 'preflight' });
  });
  it('an over-long Accept is explained', () => {
    const v = judgeExchange(
      simpleExchange({ requestExtra: [['Accept', `application/json;${'x'.repeat(140)}`]], response: [['Access-Control-Allow-Origin', '*']] }),
    );
    expect(v.preflightReasons.some((r) => r.kind === 'header-length' && r.message.includes('longer than 128 bytes'))).toBe(true);
  });
  it('warns about missing Vary: Origin and Max-Age above the caps', () => {
    expect(judgeExchange(simpleExchange({ response: [['Access-Control-Allow-Origin', PAGE]] })).warnings.map((w) => w.code)).toContain('missing-vary-origin');
    const v = judgeExchange(
      preflightedExchange({
        method: 'PUT',
        acrh: null,
        preflightResponse: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', 'PUT'],
          ['Access-Control-Max-Age', '86400'],
        ],
        actualResponse: [['Access-Control-Allow-Origin', '*']],
      }),
    );
    expect(v.warnings.map((w) => w.code)).toContain('max-age-above-cap');
  });
  it('fix snippets cover Express, nginx and more, with the observed names', () => {
    const v = judgeExchange(RULE_EXAMPLES.HeaderDisallowedByPreflightResponse as ObservedExchange);
    const stacks = v.fix?.snippets.map((s) => s.stack) ?? [];
    expect(stacks).toEqual(expect.arrayContaining(['express', 'nginx', 'fastify', 'apache', 'django', 'spring', 'aspnet']));
    const nginx = v.fix?.snippets.find((s) => s.stack === 'nginx')?.code ?? '';
    expect(nginx).toContain('X-Api-Key');
    expect(nginx).toContain('always');
    expect(v.fix?.traps.join(' ')).toContain('Authorization');
  });
});

describe('responsePassesCorsChecks: a response before the browser says how its request ended', () => {
  const atResponse = (exchange: ObservedExchange): ObservedExchange => ({ ...exchange, outcome: { kind: 'completed' } });
  it('fails the response of every rule the response or a redirect breaks, where a verdict without an outcome reads it as passed', () => {
    for (const name of [
      'MissingAllowOriginHeader',
      'MultipleAllowOriginValues',
      'InvalidAllowOriginValue',
      'AllowOriginMismatch',
      'WildcardOriginNotAllowed',
      'InvalidAllowCredentials',
      'RedirectContainsCredentials',
      'DisallowedByMode',
    ] as const) {
      const example = atResponse(RULE_EXAMPLES[name] as ObservedExchange);
      expect(judgeExchange(example).blocked, name).toBe(false);
      expect(responsePassesCorsChecks(example), name).toBe(false);
    }
  });
  it('passes a response the checks pass, in the credentials mode the request headers show', () => {
    const echoed = simpleExchange({ response: [['Access-Control-Allow-Origin', PAGE]] });
    expect(responsePassesCorsChecks(echoed)).toBe(true);
    expect(responsePassesCorsChecks(simpleExchange({ response: [['Access-Control-Allow-Origin', '*']] }))).toBe(true);
    // A Cookie was sent: the credentialed check needs Allow-Credentials.
    const credentialed = simpleExchange({ requestExtra: [['Cookie', 'sid=1']], response: [['Access-Control-Allow-Origin', PAGE]] });
    expect(responsePassesCorsChecks(credentialed)).toBe(false);
    expect(
      responsePassesCorsChecks(
        simpleExchange({
          requestExtra: [['Cookie', 'sid=1']],
          response: [
            ['Access-Control-Allow-Origin', PAGE],
            ['Access-Control-Allow-Credentials', 'true'],
          ],
        }),
      ),
    ).toBe(true);
  });
  it('passes a request no CORS check applies to, and never throws on malformed input', () => {
    const sameOrigin = simpleExchange({ url: `${PAGE}/local`, response: [] });
    expect(responsePassesCorsChecks(sameOrigin)).toBe(true);
    for (const garbage of [null, {}, { initiator: PAGE, request: null }, { request: { url: 42, headers: 'x' }, response: { headers: [null] } }]) {
      expect(typeof responsePassesCorsChecks(garbage as unknown as ObservedExchange)).toBe('boolean');
    }
  });
});
