import { describe, expect, it } from 'vitest';
import { corsUnsafeRequestHeaderNames, isCorsSafelistedRequestHeader } from './fetch-spec';
import { byteLength, originOfUrl } from './http';

describe('byteLength counts UTF-8 bytes as TextEncoder does', () => {
  it.each(['', 'abc', 'é', '€', '😀', 'a😀b', '\u{10ffff}', 'a\u00ffb', '\ud800', '\udc00x', '\ud800x'])('%j', (text) => {
    expect(byteLength(text)).toBe(new TextEncoder().encode(text).length);
  });
});

// An emoji is 2 UTF-16 units and 4 UTF-8 bytes; a count of 3 lets over-long values pass as safelisted.
describe('the safelist byte limits count a supplementary character as 4 bytes', () => {
  const emojiValue = (asciiPrefix: number, emoji: number) => `${'a'.repeat(asciiPrefix)}${'😀'.repeat(emoji)}`;

  it('Accept of 96 ASCII bytes and 8 emoji is exactly 128 bytes and safelisted', () => {
    expect(isCorsSafelistedRequestHeader('Accept', emojiValue(96, 8))).toBe(true);
  });
  it('Accept of 96 ASCII bytes and 9 emoji is 132 bytes, over the 128-byte limit', () => {
    expect(isCorsSafelistedRequestHeader('Accept', emojiValue(96, 9))).toBe(false);
  });
  it('safelisted values over 1,024 bytes in total make every one of them unsafe', () => {
    // Nine Accept values of 32 emoji: 128 bytes each, 1,152 in total (864 if an emoji counted 3).
    const headers = Array.from({ length: 9 }, () => ({ name: 'Accept', value: emojiValue(0, 32) }));
    expect(corsUnsafeRequestHeaderNames(headers)).toEqual(Array(9).fill('accept'));
  });
});

describe('originOfUrl', () => {
  it('gives what new URL(url).origin gives, canonical or not', () => {
    const urls = [
      'http://a.test:3000/x?y#z',
      'https://api.example.com/v1/items',
      'http://localhost:5000/',
      'http://127.0.0.1:8080/a',
      'http://[::1]:9000/b',
      'https://a.test:443/default-port',
      'http://a.test:80/default-port',
      'http://A.Test/upper',
      'http://user:pw@a.test/userinfo',
      'https://xn--bcher-kva.example/idn',
      'https://bücher.example/unicode',
      'http://a.test:0/zero-port',
      'http://a.test:08080/leading-zero',
      'http://a.test.:81/trailing-dot',
      'http://a.test',
      'blob:https://a.test/1234',
      'data:text/plain,x',
      'file:///etc/hosts',
      'ws://a.test/socket',
      'not a url',
    ];
    for (const url of urls) {
      let expected: string;
      try {
        expected = new URL(url).origin;
      } catch {
        expected = 'null';
      }
      expect(originOfUrl(url), url).toBe(expected);
    }
  });
});
