import { describe, expect, it } from 'vitest';
import {
  findHeader,
  formatDuration,
  formatStatus,
  formatType,
  isFailure,
  offendingHeaderNames,
  requestHost,
  requestName,
  ruleKeyOf,
  truncateMiddle,
} from './format';
import { headerDisallowedEntry, makeEntry, missingAllowOriginEntry, networkErrorEntry } from '../../test-support/panel-fixtures';

describe('panel formatting', () => {
  it('truncates in the middle', () => {
    expect(truncateMiddle('abcdefghij', 5)).toBe('ab…ij');
    expect(truncateMiddle('abc', 5)).toBe('abc');
  });

  it('formats durations like DevTools', () => {
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(1234)).toBe('1.23 s');
    expect(formatDuration(-1)).toBe('');
  });

  it('shows the status, or why there was none', () => {
    expect(formatStatus(makeEntry())).toBe('200');
    expect(formatStatus(headerDisallowedEntry())).toBe('OPTIONS 204');
    expect(formatStatus(networkErrorEntry())).toBe('ERR_CONNECTION_REFUSED');
  });

  it('names resource types as the Network panel does', () => {
    expect(formatType('xmlhttprequest')).toBe('fetch');
    expect(formatType('font')).toBe('font');
    expect(formatType('future_type')).toBe('future_type');
  });

  it('treats CORS blocks and network errors as failures, keyed by rule or net error', () => {
    expect(isFailure(makeEntry())).toBe(false);
    expect(ruleKeyOf(makeEntry())).toBeNull();
    expect(ruleKeyOf(missingAllowOriginEntry())).toBe('MissingAllowOriginHeader');
    expect(isFailure(networkErrorEntry())).toBe(true);
    expect(ruleKeyOf(networkErrorEntry())).toBe('net::ERR_CONNECTION_REFUSED');
  });

  it('finds headers case-insensitively and joins repeats', () => {
    const headers = [
      { name: 'Vary', value: 'Origin' },
      { name: 'vary', value: 'Accept' },
    ];
    expect(findHeader(headers, 'VARY')).toBe('Origin, Accept');
    expect(findHeader(headers, 'Missing')).toBeNull();
    expect(findHeader(null, 'Vary')).toBeNull();
  });

  it('points at the headers a verdict is about', () => {
    expect([...offendingHeaderNames(missingAllowOriginEntry())]).toEqual(['access-control-allow-origin']);
    expect(offendingHeaderNames(headerDisallowedEntry()).has('access-control-request-headers')).toBe(true);
  });
});

import { resolveTabId, resolveTheme } from './theme';

describe('panel start-up parameters', () => {
  it('takes the theme from the URL, then DevTools, then the OS', () => {
    expect(resolveTheme(new URLSearchParams('theme=dark'), 'default', false)).toBe('dark');
    expect(resolveTheme(new URLSearchParams('theme=bogus'), 'dark', false)).toBe('dark');
    expect(resolveTheme(new URLSearchParams(''), 'default', true)).toBe('light');
    expect(resolveTheme(new URLSearchParams(''), undefined, true)).toBe('dark');
  });

  it('takes the tab id from the URL, else from DevTools', () => {
    expect(resolveTabId(new URLSearchParams('tabId=42'), 7)).toBe(42);
    expect(resolveTabId(new URLSearchParams('tabId=4x'), 7)).toBe(7);
    expect(resolveTabId(new URLSearchParams(''), undefined)).toBeNull();
  });
});

import { plainText, splitInlineCode } from './format';

describe('engine prose', () => {
  it('splits backticked runs out as code and keeps an unpaired backtick literal', () => {
    expect(splitInlineCode('Header `x-api-key` not allowed')).toEqual([
      { text: 'Header ', code: false },
      { text: 'x-api-key', code: true },
      { text: ' not allowed', code: false },
    ]);
    expect(splitInlineCode('it`s fine')).toEqual([{ text: 'it`s fine', code: false }]);
    expect(splitInlineCode('`<b>`')).toEqual([{ text: '<b>', code: true }]);
    expect(plainText('Header `x-api-key` not allowed')).toBe('Header x-api-key not allowed');
  });
});

describe('Name and host, as DevTools names requests', () => {
  it.each([
    ['http://localhost:5600/api/v1/users/42?x=1', '42?x=1', 'localhost:5600'],
    ['http://localhost:5600/users', 'users', 'localhost:5600'],
    ['https://api.example.com/v1/orders/', 'orders/', 'api.example.com'],
    ['https://example.com/', 'example.com', 'example.com'],
    ['https://example.com/?q=a%20b', 'example.com?q=a%20b', 'example.com'],
    ['https://example.com/a/b.json#frag', 'b.json', 'example.com'],
    ['ws://127.0.0.1:8080/socket', 'socket', 'ws://127.0.0.1:8080'],
    ['not a url', 'not a url', ''],
  ])('%s is %s on %s', (url, name, host) => {
    expect(requestName(url)).toBe(name);
    expect(requestHost(url)).toBe(host);
  });
});
