import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BadgeController, badgeText, badgeTitle } from './badge';

describe('badge', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('says the count plainly', () => {
    expect([badgeText(0), badgeText(1), badgeText(1000)]).toEqual(['', '1', '999+']);
    expect([badgeTitle(0), badgeTitle(1), badgeTitle(3)]).toEqual(['CORS Doctor', '1 CORS failure on this page', '3 CORS failures on this page']);
  });

  it('throttles a burst and always lands the last count', () => {
    const texts: string[] = [];
    const surface = { setText: async (_: number, t: string) => void texts.push(t), setTitle: async () => {} };
    const badge = new BadgeController(surface, 200, () => Date.now());
    for (let i = 1; i <= 50; i++) badge.show(1, i);
    expect(texts).toEqual(['1']);
    vi.advanceTimersByTime(250);
    expect(texts).toEqual(['1', '50']);
    badge.show(1, 50);
    vi.advanceTimersByTime(250);
    expect(texts).toEqual(['1', '50']);
    badge.reapply(1, 50);
    vi.advanceTimersByTime(250);
    expect(texts).toEqual(['1', '50', '50']);
  });
});
