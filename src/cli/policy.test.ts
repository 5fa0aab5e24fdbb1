import { describe, expect, it } from 'vitest';
import { UsageError } from './args';
import { endpointUrl, parsePolicy, renderPolicyTable, type PolicyRow } from './policy';

describe('policy files', () => {
  it('reads YAML and JSON alike: per-endpoint method, headers, credentials and origin lists', () => {
    const yaml = `
baseUrl: https://api.example.com
defaults:
  refuse: [https://evil.example]
endpoints:
  - path: /orders
    method: PUT
    headers: { Content-Type: application/json, X-Request-Id: "1" }
    credentials: true
    allow: [https://app.example.com]
  - url: https://cdn.example.com/font.woff2
    allow: https://app.example.com
    refuse: []
`;
    const policy = parsePolicy(yaml, 'cors-policy.yaml');
    expect(policy.endpoints[0]).toEqual({
      url: '/orders',
      name: '/orders',
      method: 'PUT',
      headers: [
        { name: 'Content-Type', value: 'application/json' },
        { name: 'X-Request-Id', value: '1' },
      ],
      credentials: true,
      allow: ['https://app.example.com'],
      refuse: ['https://evil.example'],
    });
    expect(policy.endpoints[1]).toMatchObject({ method: 'GET', credentials: false, allow: ['https://app.example.com'], refuse: [] });
    expect(endpointUrl(policy.endpoints[0]!, policy.baseUrl)).toBe('https://api.example.com/orders');
    expect(endpointUrl(policy.endpoints[0]!, 'http://localhost:9/lab/')).toBe('http://localhost:9/lab/orders');
    const json = JSON.stringify({ endpoints: [{ url: 'https://a.example/x', headers: ['Authorization: Bearer t'], allow: ['https://b.example'] }] });
    expect(parsePolicy(json, 'p.json').endpoints[0]!.headers).toEqual([{ name: 'Authorization', value: 'Bearer t' }]);
  });

  it('rejects a policy that could not mean what it says', () => {
    expect(() => parsePolicy('endpoints: []', 'p.yaml')).toThrow(UsageError);
    expect(() => parsePolicy('endpoints: [{ url: "https://a.example", allow: ["https://app.example.com/"] }]', 'p.yaml')).toThrow(
      /did you mean "https:\/\/app.example.com"/,
    );
    expect(() => parsePolicy('endpoints: [{ url: "https://a.example" }]', 'p.yaml')).toThrow(/no origins/);
    expect(() => parsePolicy('{ "endpoints": [', 'p.json')).toThrow(/not valid JSON/);
    expect(() =>
      endpointUrl({ url: '/x', name: '/x', method: 'GET', headers: [], credentials: false, allow: ['https://a.example'], refuse: [] }, null),
    ).toThrow(/baseUrl/);
  });

  it('renders one aligned row per origin check and a tally', () => {
    const row = (origin: string, ok: boolean): PolicyRow => ({
      endpoint: 'https://api.example.com/orders',
      method: 'PUT',
      origin,
      expected: 'refused',
      actual: ok ? 'refused' : 'allowed',
      ok,
      detail: ok ? 'MissingAllowOriginHeader' : 'Passed CORS',
      result: null,
    });
    const table = renderPolicyTable([row('https://evil.example', false), row('https://other.example', true)]);
    const lines = table.split('\n');
    expect(lines[2]).toMatch(/^FAIL {2}https:\/\/api.example.com\/orders {2}PUT {5}https:\/\/evil.example {3}refused {2}allowed {2}Passed CORS$/);
    expect(lines[3]).toMatch(/^ok {4}/);
    expect(table).toMatch(/1 of 2 origin checks violate the policy\./);
  });
});
