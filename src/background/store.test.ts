import { describe, expect, it } from 'vitest';
import type { Verdict } from '../engine/types';
import { couldNotJudgeVerdict } from '../engine/could-not-judge';
import type { EntryDraft } from './entry';
import { memoryArea } from './memory-area';
import { byteLength as utf8Length } from '../engine/http';
import { TabStore, type SessionArea } from './store';

function draft(blocked: boolean, extra: Partial<EntryDraft> = {}): EntryDraft {
  const exchange = {
    initiator: 'http://127.0.0.1:1',
    request: { url: 'http://localhost:2/x', method: 'GET', type: 'xmlhttprequest', headers: [] },
    preflight: null,
    redirects: [],
    response: null,
    outcome: blocked ? { kind: 'error' as const, error: 'net::ERR_FAILED' } : { kind: 'completed' as const },
  };
  const unjudged = couldNotJudgeVerdict(exchange, 'fake');
  const verdict: Verdict = blocked ? { ...unjudged, kind: 'cors-blocked', blocked: true, networkError: null } : unjudged;
  return {
    time: 1,
    endTime: 2,
    frameId: 0,
    frameUrl: null,
    initiator: exchange.initiator,
    request: exchange.request,
    preflight: null,
    redirects: [],
    response: null,
    error: blocked ? 'net::ERR_FAILED' : null,
    fromCache: false,
    verdict,
    ...extra,
  };
}

/** A session area that counts calls and can be made to fail like a full quota. */
function recordingArea(quotaBytes = Infinity) {
  const inner = memoryArea();
  const calls: string[] = [];
  let used = new Map<string, number>();
  const area: SessionArea = {
    get: (keys) => inner.get(keys),
    async set(items) {
      calls.push(`set ${Object.keys(items).join(',')}`);
      const next = new Map(used);
      for (const [key, value] of Object.entries(items)) next.set(key, utf8Length(JSON.stringify(value)) + key.length);
      const total = [...next.values()].reduce((a, b) => a + b, 0);
      if (total > quotaBytes) throw new Error('Resource::kQuotaBytes quota exceeded');
      used = next;
      await inner.set(items);
    },
    async remove(keys) {
      calls.push(`remove ${([] as string[]).concat(keys).join(',')}`);
      for (const key of ([] as string[]).concat(keys)) used.delete(key);
      await inner.remove(keys);
    },
  };
  return { area, calls, inner };
}

describe('TabStore', () => {
  it('keeps entries newest last, with ids and page ids, and counts page failures', async () => {
    const store = new TabStore(memoryArea());
    await store.append(3, draft(false));
    const { entry, meta } = await store.append(3, draft(true));
    expect(entry).toMatchObject({ id: '3-1', pageId: 1 });
    expect(meta.pageFailures).toBe(1);
    await store.navigate(3, 'http://127.0.0.1:1/next');
    const after = await store.append(3, draft(true));
    expect(after.entry.pageId).toBe(2);
    expect(after.meta.pageFailures).toBe(1);
    expect((await store.entries(3)).map((e) => e.id)).toEqual(['3-0', '3-1', '3-2']);
    // The size kept for the quota is exactly the stored entries' UTF-8 JSON size.
    const stored = await store.entries(3);
    expect(store.bytesInUse).toBe(stored.reduce((sum, e) => sum + utf8Length(JSON.stringify(e)), 0));
  });

  it("writes each task's appends in one batch, and a new store on the same area reloads everything", async () => {
    const { area, calls } = recordingArea();
    const store = new TabStore(area);
    await store.whenReady();
    await Promise.all([store.append(1, draft(true)), store.append(1, draft(false)), store.append(2, draft(true))]);
    await store.flush();
    const sets = calls.filter((c) => c.startsWith('set'));
    expect(sets).toHaveLength(1);
    expect(sets[0]).toContain('entry:1:0');
    expect(sets[0]).toContain('entry:2:0');

    const revived = new TabStore(area);
    expect((await revived.entries(1)).map((e) => e.id)).toEqual(['1-0', '1-1']);
    expect((await revived.meta(2))?.pageFailures).toBe(1);
    const next = await revived.append(1, draft(false));
    expect(next.entry.id).toBe('1-2');
  });

  it('hands the write to the area in the same task as the append, with no timer', async () => {
    const { area, inner } = recordingArea();
    const store = new TabStore(area);
    await store.whenReady();
    void store.append(5, draft(true));
    // Only microtasks run here: a worker stopped right after this task still has the entry.
    await Promise.resolve();
    await Promise.resolve();
    expect(Object.keys(await inner.get(null))).toContain('entry:5:0');
  });

  it('bounds a tab to maxEntriesPerTab, dropping oldest first and counting them', async () => {
    const { area, inner } = recordingArea();
    const store = new TabStore(area, { maxEntriesPerTab: 3 });
    for (let i = 0; i < 5; i++) await store.append(1, draft(i % 2 === 0));
    await store.flush();
    expect((await store.entries(1)).map((e) => e.id)).toEqual(['1-2', '1-3', '1-4']);
    const meta = await store.meta(1);
    expect(meta?.dropped).toBe(2);
    expect(meta?.pageFailures).toBe(3);
    const keys = Object.keys(await inner.get(null)).filter((k) => k.startsWith('entry:'));
    expect(keys.sort()).toEqual(['entry:1:2', 'entry:1:3', 'entry:1:4']);
  });

  it('trims the tab using the most bytes when over the budget', async () => {
    const store = new TabStore(memoryArea(), { budgetBytes: 20_000 });
    const big = draft(false, { frameUrl: 'x'.repeat(3_000) });
    for (let i = 0; i < 5; i++) await store.append(1, big);
    await store.append(2, draft(false));
    for (let i = 0; i < 5; i++) await store.append(1, big);
    expect(store.bytesInUse).toBeLessThanOrEqual(20_000);
    expect((await store.entries(2)).length).toBe(1);
    expect((await store.meta(1))?.dropped).toBeGreaterThan(0);
  });

  it('counts what it drops for space apart from the per-tab limit, and tells which tabs lost entries once per task', async () => {
    const told: number[] = [];
    const store = new TabStore(memoryArea(), { budgetBytes: 20_000, maxEntriesPerTab: 3, onDropped: (tabId) => told.push(tabId) });
    for (let i = 0; i < 5; i++) await store.append(2, draft(false));
    await Promise.resolve();
    expect({ dropped: (await store.meta(2))?.dropped, forSpace: (await store.meta(2))?.droppedForSpace, told }).toEqual({
      dropped: 2,
      forSpace: undefined,
      told: [2, 2],
    });
    told.length = 0;
    const big = draft(false, { frameUrl: 'x'.repeat(6_000) });
    for (let i = 0; i < 3; i++) await store.append(1, big);
    // The fourth big entry cannot fit beside the three others: tab 1 (the largest) loses its oldest.
    await store.append(1, big);
    await Promise.resolve();
    expect((await store.meta(1))?.droppedForSpace).toBeGreaterThan(0);
    expect(told).toContain(1);
    await store.clear(1);
    expect((await store.meta(1))?.droppedForSpace).toBeUndefined();
  });

  it('survives a quota error: trims, says so, and keeps working', async () => {
    const { area, inner } = recordingArea(30_000);
    const store = new TabStore(area, { budgetBytes: 10_000_000 });
    const big = draft(true, { frameUrl: 'y'.repeat(4_000) });
    for (let i = 0; i < 12; i++) {
      await store.append(1, big);
      await store.flush();
    }
    expect(store.storeNotices.join(' ')).toMatch(/Session storage was full/);
    const stored = Object.keys(await inner.get(null)).filter((k) => k.startsWith('entry:'));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored).toContain('entry:1:11');
    expect((await store.meta(1))?.dropped).toBeGreaterThan(0);
    expect((await store.meta(1))?.droppedForSpace).toBe((await store.meta(1))?.dropped);
  });

  it('makes room once for refusals of batches that were in flight together, and leaves no dropped entry behind', async () => {
    const { area, inner } = recordingArea(60_000);
    const store = new TabStore(area, { budgetBytes: 10_000_000 });
    await store.whenReady();
    const big = draft(false, { frameUrl: 'z'.repeat(4_000) });
    for (let i = 0; i < 11; i++) {
      await store.append(1, big);
      await store.flush();
    }
    expect(store.storeNotices).toEqual([]);
    // Four batches handed to the area before any refusal comes back (as in a burst).
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 4; i++) {
      void store.append(1, big);
      writes.push(store.flush());
    }
    await Promise.all(writes);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const refusals = store.storeNotices.filter((n) => /Session storage was full/.test(n));
    expect(refusals).toHaveLength(1);
    // One quarter made room for all four; the log keeps three quarters of what it held.
    const meta = (await store.meta(1))!;
    expect(meta.nextSeq - meta.firstSeq).toBeGreaterThanOrEqual(10);
    const keys = Object.keys(await inner.get(null)).filter((k) => k.startsWith('entry:'));
    expect(keys.sort()).toEqual(Array.from({ length: meta.nextSeq - meta.firstSeq }, (_, i) => `entry:1:${meta.firstSeq + i}`).sort());
  });

  it("clears a tab and frees a closed tab's keys", async () => {
    const { area, inner } = recordingArea();
    const store = new TabStore(area);
    await store.append(1, draft(true));
    await store.append(2, draft(true));
    await store.clear(1);
    expect(await store.entries(1)).toEqual([]);
    expect((await store.meta(1))?.pageFailures).toBe(0);
    await store.remove(2);
    await store.flush();
    const keys = Object.keys(await inner.get(null));
    expect(keys.filter((k) => k.includes(':2'))).toEqual([]);
    expect(await inner.get('index')).toEqual({ index: { tabIds: [1] } });
  });

  it('stores hostile strings as data', async () => {
    const store = new TabStore(memoryArea());
    const hostile = '<img src=x onerror=alert(1)>\u0000\ud800"__proto__';
    await store.append(1, draft(false, { initiator: hostile, frameUrl: hostile }));
    const [entry] = await new TabStore((store as unknown as { area: SessionArea }).area).entries(1);
    expect(entry?.initiator).toBe(hostile);
  });
});

describe('utf8Length', () => {
  it('counts bytes as UTF-8 does', () => {
    for (const text of ['abc', 'é', '€', '😀', 'a\u00ffb']) expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
  });
});
