import { describe, expect, it } from 'vitest';
import { API, PAGE, preflightRequestHeaders, simpleExchange } from '../engine/examples';
import { judgeExchange } from '../engine/index';
import type { ObservedExchange } from '../engine/types';
import { TabMemory } from './tab-memory';

const preflighted = (): ObservedExchange => ({
  ...simpleExchange({
    method: 'PUT',
    response: [
      ['Access-Control-Allow-Origin', PAGE],
      ['Vary', 'Origin'],
    ],
  }),
  preflight: {
    url: `${API}/v1/items`,
    request: { headers: preflightRequestHeaders('PUT', null) },
    response: {
      status: 204,
      headers: [
        { name: 'Access-Control-Allow-Origin', value: PAGE },
        { name: 'Access-Control-Allow-Methods', value: 'PUT' },
        { name: 'Access-Control-Max-Age', value: '600' },
      ],
    },
    error: null,
  },
});

describe('TabMemory', () => {
  it('gives a cached request the earlier preflight of the same page origin and URL, in the same tab only', () => {
    const memory = new TabMemory();
    memory.observe(1, preflighted(), 1_000);
    const cached = simpleExchange({
      method: 'PUT',
      response: [
        ['Access-Control-Allow-Origin', PAGE],
        ['Vary', 'Origin'],
      ],
    });
    const context = memory.contextFor(1, cached, 5_000);
    expect(context?.earlierPreflight?.time).toBe(1_000);
    expect(context?.requestTime).toBe(5_000);
    expect(memory.contextFor(2, cached, 5_000)).toBeNull();
    expect(memory.contextFor(1, simpleExchange({ url: `${API}/v1/other`, method: 'PUT' }), 5_000)).toBeNull();
    // An exchange with its own preflight needs no earlier one.
    expect(memory.contextFor(1, preflighted(), 5_000)).toBeNull();
    const verdict = judgeExchange({ ...cached, context: context! });
    expect(verdict.warnings.find((w) => w.code === 'preflight-from-cache')?.message).toContain('1970-01-01T00:00:01.000Z');
    memory.forget(1);
    expect(memory.contextFor(1, cached, 5_000)).toBeNull();
  });

  it("remembers which origins a server echoed, and never lists the exchange's own origin", () => {
    const memory = new TabMemory();
    const from = (origin: string): ObservedExchange => ({
      ...simpleExchange({ response: [['Access-Control-Allow-Origin', origin]] }),
      initiator: origin,
      request: { url: `${API}/v1/items`, method: 'GET', type: 'xmlhttprequest', headers: [{ name: 'Origin', value: origin }] },
    });
    memory.observe(1, from('https://a.example'), 1);
    memory.observe(1, from('https://a.example'), 2);
    expect(memory.contextFor(1, from('https://a.example'), 3)).toBeNull();
    expect(memory.contextFor(1, from('https://b.example'), 3)?.echoedOrigins).toEqual(['https://a.example']);
    // Nothing is remembered from an exchange that shows neither.
    memory.observe(3, simpleExchange(), 1);
    expect(memory.contextFor(3, from('https://b.example'), 3)).toBeNull();
  });
});
