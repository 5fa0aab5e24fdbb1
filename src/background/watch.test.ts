import { afterEach, describe, expect, it, vi } from 'vitest';
import { WATCH_STATE_KEY } from '../shared/watch';
import type { CaptureScope } from './capture';
import { memoryArea } from './memory-area';
import { handleWatchMessage, normalizeWatchState, WatchController } from './watch';

function controller(options: { stored?: unknown; openTabs?: number[] } = {}) {
  const local = memoryArea();
  const session = memoryArea();
  if (options.stored !== undefined) void local.set({ [WATCH_STATE_KEY]: options.stored });
  const scopes: CaptureScope[] = [];
  const painted: Array<[number, number]> = [];
  const watch = new WatchController({
    local,
    session,
    applyScope: (scope) => void scopes.push(scope),
    openTabIds: async () => options.openTabs ?? [1, 2, 3],
    showSuspected: (tabId, count) => painted.push([tabId, count]),
  });
  return { watch, local, session, scopes, painted };
}

afterEach(() => vi.useRealTimers());

describe('WatchController', () => {
  it('watches no tab by default, and applies that as soon as it has read the stored state', async () => {
    const { watch, scopes } = controller();
    await watch.ready;
    expect(scopes[0]).toEqual({ everything: false, tabs: [] });
    expect((await watch.view(1)).watched).toBe(false);
  });

  it('persists a switched-on tab and the mode in chrome.storage.local under corsDoctor.watch', async () => {
    const { watch, local, scopes } = controller();
    await watch.setWatch(2, true);
    expect(scopes.at(-1)).toEqual({ everything: false, tabs: [2] });
    expect((await local.get(WATCH_STATE_KEY))[WATCH_STATE_KEY]).toEqual({ mode: 'watched-tabs', tabs: [2] });
    await watch.setMode('everything');
    expect(scopes.at(-1)).toEqual({ everything: true });
    expect((await watch.view(3)).reasons).toEqual(['everything']);
  });

  it('drops stored tabs that are no longer open (tab ids are reused after a browser restart)', async () => {
    const { watch, local } = controller({ stored: { mode: 'watched-tabs', tabs: [2, 40] }, openTabs: [2] });
    await watch.ready;
    expect((await local.get(WATCH_STATE_KEY))[WATCH_STATE_KEY]).toEqual({ mode: 'watched-tabs', tabs: [2] });
  });

  it('watches a tab while DevTools is open on it, and stops when the last DevTools page closes', async () => {
    const { watch, scopes } = controller();
    await watch.devtoolsOpened(3);
    await watch.devtoolsOpened(3);
    expect((await watch.view(3)).reasons).toEqual(['devtools']);
    await watch.devtoolsClosed(3);
    expect((await watch.view(3)).watched).toBe(true);
    await watch.devtoolsClosed(3);
    expect((await watch.view(3)).watched).toBe(false);
    expect(scopes.at(-1)).toEqual({ everything: false, tabs: [] });
  });

  it('counts suspected failures on unwatched tabs only, per page', async () => {
    const { watch, painted } = controller();
    await watch.setWatch(1, true);
    await watch.suspectedFailure(1);
    await watch.suspectedFailure(2);
    await watch.suspectedFailure(2);
    expect((await watch.view(1)).suspected).toBe(0);
    expect((await watch.view(2)).suspected).toBe(2);
    await watch.navigated(2);
    expect((await watch.view(2)).suspected).toBe(0);
    expect(painted).toEqual([
      [2, 1],
      [2, 2],
      [2, 0],
    ]);
  });

  it('shows each count of a burst of suspected failures on the badge (which throttles), and saves them once', async () => {
    vi.useFakeTimers();
    const { watch, painted, session } = controller();
    await watch.ready;
    const writes: unknown[] = [];
    const set = session.set.bind(session);
    session.set = (items) => {
      writes.push(items);
      return set(items);
    };
    const failures = Array.from({ length: 50 }, () => watch.suspectedFailure(4));
    await vi.advanceTimersByTimeAsync(300);
    await Promise.all(failures);
    expect(painted.map(([, count]) => count)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(writes).toEqual([{ 'watch:devtools': [], 'watch:suspected': [[4, 50]] }]);
  });

  it('a new worker shows the suspected counts it reads back', async () => {
    const first = controller();
    await Promise.all([first.watch.suspectedFailure(2), first.watch.suspectedFailure(2)]);
    const painted: Array<[number, number]> = [];
    const second = new WatchController({
      local: first.local,
      session: first.session,
      applyScope: () => {},
      openTabIds: async () => [2],
      showSuspected: (tabId, count) => painted.push([tabId, count]),
    });
    await second.ready;
    expect(painted).toEqual([[2, 2]]);
  });

  it('resolves a switch-on only once the listeners deliver on the tab', async () => {
    let applied: () => void = () => {};
    const watch = new WatchController({
      local: memoryArea(),
      session: memoryArea(),
      applyScope: (scope) => (scope.everything || scope.tabs.length === 0 ? undefined : new Promise<void>((resolve) => (applied = resolve))),
      openTabIds: async () => [1],
      showSuspected: () => {},
    });
    let done = false;
    const switched = watch.setWatch(1, true).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    applied();
    await switched;
    expect(done).toBe(true);
  });

  it('a new worker finds the suspected counts and the DevTools tabs of the previous one', async () => {
    const first = controller();
    await first.watch.devtoolsOpened(1);
    await first.watch.suspectedFailure(2);
    const second = new WatchController({
      local: first.local,
      session: first.session,
      applyScope: () => {},
      openTabIds: async () => [1, 2],
      showSuspected: () => {},
    });
    expect((await second.view(1)).reasons).toEqual(['devtools']);
    expect((await second.view(2)).suspected).toBe(1);
  });
});

describe('normalizeWatchState', () => {
  it('reads anything stored as a valid state', () => {
    expect(normalizeWatchState(undefined)).toEqual({ mode: 'watched-tabs', tabs: [] });
    expect(normalizeWatchState({ mode: 'everything', tabs: [1, 1, 'x', -2] })).toEqual({ mode: 'everything', tabs: [1] });
  });
});

describe('handleWatchMessage', () => {
  it('answers the three watch requests and ignores the others', async () => {
    const { watch } = controller();
    expect(handleWatchMessage(watch, { type: 'getReport', tabId: 1 })).toBeUndefined();
    await expect(handleWatchMessage(watch, { type: 'setWatch', tabId: 1, watched: true })).resolves.toMatchObject({ watched: true, reasons: ['tab'] });
    await expect(handleWatchMessage(watch, { type: 'getWatchState', tabId: 1 })).resolves.toMatchObject({ tabs: [1] });
    await expect(handleWatchMessage(watch, { type: 'setWatchMode', mode: 'nope' })).rejects.toThrow(/setWatchMode/);
  });
});
