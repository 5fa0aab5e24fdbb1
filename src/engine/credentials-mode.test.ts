import { describe, expect, it } from 'vitest';
import { judgeExchange } from './index';
import type { ObservedExchange } from './types';

const PAGE = 'https://app.example.com';

function wildcardExchange(overrides: Partial<ObservedExchange>): ObservedExchange {
  return {
    initiator: PAGE,
    request: { url: 'https://api.example.com/me', method: 'GET', type: 'xmlhttprequest', headers: [{ name: 'Origin', value: PAGE }] },
    preflight: null,
    redirects: [],
    response: { status: 200, headers: [{ name: 'Access-Control-Allow-Origin', value: '*' }] },
    outcome: { kind: 'error', error: 'net::ERR_FAILED' },
    ...overrides,
  };
}

describe('a stated credentials mode (ObservedExchange.credentials)', () => {
  it('include: the credentialed rule is certain, without a Cookie header to infer it from', () => {
    const inferred = judgeExchange(wildcardExchange({}));
    expect(inferred).toMatchObject({ rule: 'WildcardOriginNotAllowed', confidence: 'inferred', credentials: 'include' });
    const stated = judgeExchange(wildcardExchange({ credentials: 'include' }));
    expect(stated).toMatchObject({ rule: 'WildcardOriginNotAllowed', confidence: 'certain', credentials: 'include' });
  });

  it('same-origin: a failure only credentials would explain is not invented', () => {
    const stated = judgeExchange(wildcardExchange({ credentials: 'same-origin' }));
    expect(stated.blocked).toBe(false);
    expect(stated.rule).toBeNull();
    expect(stated.credentials).toBe('omit-or-same-origin');
  });

  it('omit on a completed request: the credentials mode is reported, not guessed', () => {
    // A response that would pass either way: without a stated mode the engine cannot tell which it was.
    const response = {
      status: 200,
      headers: [
        { name: 'Access-Control-Allow-Origin', value: PAGE },
        { name: 'Access-Control-Allow-Credentials', value: 'true' },
      ],
    };
    expect(judgeExchange(wildcardExchange({ response, outcome: { kind: 'completed' } }))).toMatchObject({ kind: 'passed', credentials: 'unknown' });
    const passed = judgeExchange(wildcardExchange({ credentials: 'omit', response, outcome: { kind: 'completed' } }));
    expect(passed).toMatchObject({ kind: 'passed', credentials: 'omit-or-same-origin' });
  });
});
