/**
 * Firefox's verdict when no header shows the credentials mode. Firefox ends a request it blocked in
 * onCompleted, like one it let through, so a pass read off the headers holds only under the mode
 * assumed: the verdict must say so whenever a credentialed request would have been blocked, and may
 * stay certain only where the headers show the request was uncredentialed (docs/firefox.md).
 */
import { describe, expect, it } from 'vitest';
import { judgeExchange } from '../index';
import type { HeaderLine, ObservedExchange } from '../types';

const PAGE = 'http://127.0.0.1:4000';
const h = (name: string, value: string): HeaderLine => ({ name, value });

function exchange(requestHeaders: HeaderLine[], responseHeaders: HeaderLine[], extra: Partial<ObservedExchange> = {}): ObservedExchange {
  return {
    initiator: PAGE,
    request: { url: 'http://localhost:5000/data', method: 'GET', type: 'xmlhttprequest', headers: requestHeaders },
    preflight: null,
    redirects: [],
    response: { status: 200, headers: responseHeaders },
    outcome: { kind: 'completed' },
    ...extra,
  };
}

const WILDCARD = [h('Access-Control-Allow-Origin', '*')];
const ECHO_WITHOUT_ACAC = [h('Access-Control-Allow-Origin', PAGE)];
const crossSite = (extra: HeaderLine[] = []) => [h('Origin', PAGE), h('Sec-Fetch-Mode', 'cors'), h('Sec-Fetch-Site', 'cross-site'), ...extra];
// A page on localhost:4001 calling localhost:5000: same site, so Firefox sends no Sec-Fetch-Storage-Access even when credentialed.
const sameSite = [h('Origin', 'http://localhost:4001'), h('Sec-Fetch-Mode', 'cors'), h('Sec-Fetch-Site', 'same-site')];

describe("Firefox's verdict when the credentials mode is not shown", () => {
  it('stays certain for a cross-site request that sent no Sec-Fetch-Storage-Access: it was uncredentialed', () => {
    const verdict = judgeExchange(exchange(crossSite(), WILDCARD), { browser: 'firefox' });
    expect([verdict.blocked, verdict.confidence]).toEqual([false, 'certain']);
  });

  it('blocks a cross-site request that sent Sec-Fetch-Storage-Access, as Firefox does', () => {
    const verdict = judgeExchange(exchange(crossSite([h('Sec-Fetch-Storage-Access', 'none')]), WILDCARD), { browser: 'firefox' });
    expect([verdict.blocked, verdict.firefox?.key]).toEqual([true, 'CORSNotSupportingCredentials']);
  });

  it('is inferred for a same-site request, and names what Firefox says had it been credentialed', () => {
    const ex = exchange(sameSite, WILDCARD, { initiator: 'http://localhost:4001' });
    const verdict = judgeExchange(ex, { browser: 'firefox' });
    expect([verdict.blocked, verdict.kind, verdict.confidence, verdict.credentials]).toEqual([false, 'passed', 'inferred', 'unknown']);
    expect(verdict.explanation).toContain('had it been credentialed, Firefox blocked it (`CORSNotSupportingCredentials`)');
    expect(verdict.evidence.at(-1)).toContain('(Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’)');
    // Chromium's verdict on the same exchange is not touched (its outcome tells a block apart).
    expect(judgeExchange(ex).confidence).toBe('certain');
  });

  it('is inferred after a redirect, where the headers seen are the last URL’s', () => {
    // Measured: a same-site page's credentialed request redirected to a cross-site URL sends no Sec-Fetch-Storage-Access there.
    const ex = exchange(crossSite(), ECHO_WITHOUT_ACAC, {
      request: { url: 'http://localhost:5000/hop', method: 'GET', type: 'xmlhttprequest', headers: crossSite() },
      redirects: [
        {
          url: 'http://localhost:5000/hop',
          status: 302,
          location: 'http://localhost:5000/final',
          headers: [h('Access-Control-Allow-Origin', PAGE), h('Access-Control-Allow-Credentials', 'true'), h('Location', 'http://localhost:5000/final')],
        },
      ],
    });
    const verdict = judgeExchange(ex, { browser: 'firefox' });
    expect([verdict.blocked, verdict.confidence, verdict.credentials]).toEqual([false, 'inferred', 'unknown']);
    expect(verdict.evidence.at(-1)).toContain('CORS header ‘Access-Control-Allow-Credentials’');
  });

  it('stays as it was when the observer states the mode, or when a credentialed request would pass too', () => {
    expect(judgeExchange(exchange(sameSite, WILDCARD, { credentials: 'omit' }), { browser: 'firefox' }).confidence).toBe('certain');
    const allowing = [h('Access-Control-Allow-Origin', 'http://localhost:4001'), h('Access-Control-Allow-Credentials', 'true')];
    expect(judgeExchange(exchange(sameSite, allowing, { initiator: 'http://localhost:4001' }), { browser: 'firefox' }).confidence).toBe('certain');
  });
});
