import { describe, expect, it } from 'vitest';
import { simpleExchange } from './examples';
import { judgeExchange } from './index';
import type { ObservedExchange } from './types';

/** An exchange whose request cannot be read, so the judge throws, with an outcome that can. */
function unreadable(outcome: ObservedExchange['outcome']): ObservedExchange {
  const base = simpleExchange();
  return {
    ...base,
    outcome,
    get request(): ObservedExchange['request'] {
      throw new Error('request is unreadable');
    },
  };
}

describe('an exchange the engine cannot judge gets the one documented verdict', () => {
  it('says what the browser did and claims no CORS block (docs/api.md)', () => {
    const verdict = judgeExchange(unreadable({ kind: 'error', error: 'net::ERR_FAILED' }));
    expect(verdict).toMatchObject({ kind: 'network-error', blocked: false, rule: null, networkError: 'net::ERR_FAILED', confidence: 'inferred', fix: null });
    expect(verdict.title).toBe('CORS Doctor could not analyse this request');
    expect(verdict.explanation).toContain('failed with net::ERR_FAILED');
    expect(verdict.explanation).toContain('request is unreadable');
    expect(verdict.warnings.map((w) => w.code)).toEqual(['engine-error']);
  });
  it('a completed request stays passed', () => {
    expect(judgeExchange(unreadable({ kind: 'completed' }))).toMatchObject({ kind: 'passed', blocked: false, rule: null, networkError: null });
  });
  it('another network error is named as such', () => {
    expect(judgeExchange(unreadable({ kind: 'error', error: 'net::ERR_CONNECTION_REFUSED' }))).toMatchObject({
      kind: 'network-error',
      networkError: 'net::ERR_CONNECTION_REFUSED',
    });
  });
});
