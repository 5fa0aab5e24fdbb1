import { describe, expect, it } from 'vitest';
import { combinedHeaderValue, countHeaderLines, firstHeaderValue, headerLinesNamed } from './headers';
import { requestMode, requestModeFromHeaders } from './request-evidence';
import type { HeaderList } from './types';

const twoLines: HeaderList = [
  { name: 'Access-Control-Allow-Origin', value: ' https://a.example\t' },
  { name: 'Vary', value: 'Origin' },
  { name: 'access-control-allow-origin', value: 'https://b.example' },
];

describe('header lookups', () => {
  it('the combined value joins every line, trimmed, in wire order (the Fetch "get")', () => {
    expect(combinedHeaderValue(twoLines, 'access-control-allow-origin')).toBe('https://a.example, https://b.example');
    expect(combinedHeaderValue(twoLines, 'vary')).toBe('Origin');
    expect(combinedHeaderValue(twoLines, 'location')).toBeNull();
  });

  it('the first value is the first line as sent', () => {
    expect(firstHeaderValue(twoLines, 'access-control-allow-origin')).toBe(' https://a.example\t');
    expect(firstHeaderValue(twoLines, 'location')).toBeNull();
    expect(firstHeaderValue(null, 'vary')).toBeNull();
  });

  it('counts and lists the lines of a name, case-insensitively', () => {
    expect(countHeaderLines(twoLines, 'access-control-allow-origin')).toBe(2);
    expect(headerLinesNamed(twoLines, 'access-control-allow-origin').map((line) => line.value)).toEqual([' https://a.example\t', 'https://b.example']);
  });
});

describe('request mode', () => {
  it('Sec-Fetch-Mode wins, then Origin, then a GET/HEAD without Origin is no-cors', () => {
    expect(requestMode({ fetchMode: 'same-origin', hasOrigin: true, method: 'GET' })).toBe('same-origin');
    expect(requestMode({ fetchMode: null, hasOrigin: true, method: 'GET' })).toBe('cors');
    expect(requestMode({ fetchMode: null, hasOrigin: false, method: 'head' })).toBe('no-cors');
    expect(requestMode({ fetchMode: null, hasOrigin: false, method: 'POST' })).toBe('unknown');
  });

  it('from headers: an unknown Sec-Fetch-Mode value is skipped, a later one counts', () => {
    const headers: HeaderList = [
      { name: 'Sec-Fetch-Mode', value: 'bogus' },
      { name: 'Origin', value: 'https://a.example' },
      { name: 'sec-fetch-mode', value: ' No-CORS ' },
    ];
    expect(requestModeFromHeaders(headers, 'GET')).toBe('no-cors');
    expect(requestModeFromHeaders(headers.slice(0, 2), 'GET')).toBe('cors');
    expect(requestModeFromHeaders(undefined)).toBe('unknown');
  });
});
