import { describe, expect, it } from 'vitest';
import { corsUnsafeRequestHeaderNames, isCorsSafelistedRequestHeader } from './fetch-spec';
import { byteLength } from './http';

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
