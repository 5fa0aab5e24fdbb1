import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BADGE_COLOR, BadgeController, badgeText, badgeTitle, SUSPECTED_BADGE_COLOR, type BadgeSurface } from './badge';

function recordingSurface(): { surface: BadgeSurface; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    surface: {
      setText: async (tabId, text) => void calls.push(`text ${tabId} ${text}`),
      setTitle: async (tabId, title) => void calls.push(`title ${tabId} ${title}`),
      setColor: async (tabId, color) => void calls.push(`color ${tabId} ${color}`),
    },
  };
}

describe('badge', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('says the count plainly', () => {
    expect([badgeText(0), badgeText(1), badgeText(1000)]).toEqual(['', '1', '999+']);
    expect([badgeTitle(0), badgeTitle(1), badgeTitle(3)]).toEqual(['CORS Doctor', '1 CORS failure on this page', '3 CORS failures on this page']);
  });

  it('throttles a burst and always lands the last count', () => {
    const { surface, calls } = recordingSurface();
    const texts = () => calls.filter((c) => c.startsWith('text ')).map((c) => c.slice('text 1 '.length));
    const badge = new BadgeController(surface, 200, () => Date.now());
    for (let i = 1; i <= 50; i++) badge.show(1, i);
    expect(texts()).toEqual(['1']);
    vi.advanceTimersByTime(250);
    expect(texts()).toEqual(['1', '50']);
    badge.show(1, 50);
    vi.advanceTimersByTime(250);
    expect(texts()).toEqual(['1', '50']);
    badge.reapply(1, 50);
    vi.advanceTimersByTime(250);
    expect(texts()).toEqual(['1', '50', '50']);
  });

  it('shows the exact count when there is one, else the suspected count as N? in grey', () => {
    const { surface, calls } = recordingSurface();
    const badge = new BadgeController(surface, 0, () => Date.now());
    badge.showSuspected(5, 3);
    expect(calls).toEqual([
      `color 5 ${SUSPECTED_BADGE_COLOR}`,
      'text 5 3?',
      'title 5 3 cross-origin requests failed on this page, maybe by CORS. This tab is not watched: click to watch it and reload for the diagnosis.',
    ]);
    badge.show(5, 2);
    expect(calls.slice(3)).toEqual([`color 5 ${BADGE_COLOR}`, 'text 5 2', 'title 5 2 CORS failures on this page']);
  });

  it('sets only what changed, and everything again after the browser cleared the tab', () => {
    const { surface, calls } = recordingSurface();
    const badge = new BadgeController(surface, 0, () => Date.now());
    badge.show(5, 1);
    badge.show(5, 2);
    badge.show(5, 2);
    expect(calls).toEqual([`color 5 ${BADGE_COLOR}`, 'text 5 1', 'title 5 1 CORS failure on this page', 'text 5 2', 'title 5 2 CORS failures on this page']);
    badge.reapply(5, 2);
    expect(calls.slice(5)).toEqual([`color 5 ${BADGE_COLOR}`, 'text 5 2', 'title 5 2 CORS failures on this page']);
  });

  it('sets everything again after a call the browser refused (a closed tab)', async () => {
    const calls: string[] = [];
    let refuse = true;
    const badge = new BadgeController(
      {
        setText: async (_tabId, text) => {
          if (refuse) throw new Error('No tab with id: 5');
          calls.push(`text ${text}`);
        },
        setTitle: async () => {},
        setColor: async () => {},
      },
      0,
      () => Date.now(),
    );
    badge.show(5, 1);
    await vi.advanceTimersByTimeAsync(0);
    refuse = false;
    badge.show(5, 1);
    expect(calls).toEqual(['text 1']);
  });
});
