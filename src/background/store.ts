/**
 * The per-tab log of entries, persisted incrementally so that a service-worker restart loses nothing.
 *
 * Layout in the session area (one key per entry, so an append writes one entry and one small meta,
 * never the whole log):
 *   `index`            { tabIds }                       which tabs have data
 *   `tab:<id>`         TabMeta                          counters, page, bytes of the stored entries
 *   `entry:<id>:<seq>` StoredEntry                      seq runs from meta.firstSeq to meta.nextSeq - 1
 *
 * The same area holds the worker's restart state (restart.ts: `preflights`, `flights`,
 * `flight:<reqId>`, `session`, `journal:*`, `activity:*`). Both write through one batched store
 * (batched-store.ts), so one call per task carries everything that task changed.
 */
// The storage quota counts UTF-8 bytes: the engine's count (the one the safelist limits use).
import { byteLength } from '../engine/http';
import { BatchedStore, type SessionArea } from './batched-store';
import { WORKER_LOG, withFrame } from './attribution';
import type { StoredDraft, StoredEntry } from './entry';

export type { SessionArea };

export interface TabMeta {
  tabId: number;
  firstSeq: number;
  nextSeq: number;
  /** Entries dropped because the log was full (count or storage quota). */
  dropped: number;
  pageId: number;
  pageUrl: string | null;
  /** CORS failures on the current page, dropped entries included: what the badge shows. */
  pageFailures: number;
  /** UTF-8 size of the stored entries. */
  bytes: number;
  /**
   * Requests an earlier worker saw start whose end never reached any worker (Chromium discarded
   * the event when it stopped the worker), counted once their state was given up.
   */
  missingAtStop?: number;
  /**
   * When the worker was stopped by force while the tab was busy (from its last event to the next
   * worker's start), newest last, at most MAX_STOP_WINDOWS: requests made then may be missing.
   */
  stopWindows?: Array<{ from: number; to: number }>;
  /** The extension's first start in the browser session, when the tab was already loading then. */
  startedAfterLoad?: number;
  /** The iframe documents of the current page, by frame id, newest last (attribution.ts): their requests' frameUrl. */
  frames?: Array<[number, string]>;
  /** The worker log's next seq when this tab's log was last cleared: worker entries before it are no longer shown here. */
  workerLogFrom?: number;
  /**
   * Of `dropped`, the entries dropped to keep the log of all tabs within its storage budget, or
   * to make room after the area refused a write for its quota (not for the per-tab count).
   */
  droppedForSpace?: number;
}

const MAX_STOP_WINDOWS = 10;

export interface StoreOptions {
  maxEntriesPerTab?: number;
  /** Bytes of entries kept across all tabs: well inside chrome.storage.session's 10 MB. */
  budgetBytes?: number;
  /**
   * How long staged writes wait to be handed to the area together: 0 writes once per task (a
   * microtask after it). More batches a burst into fewer calls, each costing a round trip to the
   * browser process, and widens what a forced stop can lose to that many milliseconds.
   */
  flushDelayMs?: number;
  /**
   * Called once per task for each tab whose log lost entries in it (its `dropped` and notices
   * changed), so that open panels can be told.
   */
  onDropped?(tabId: number): void;
}

/** A draft with the UTF-8 size of its JSON, for a caller that had to measure it anyway. */
export interface MeasuredDraft {
  draft: StoredDraft;
  bytes: number;
}

export function measureDraft(draft: StoredDraft): MeasuredDraft {
  return { draft, bytes: byteLength(JSON.stringify(draft)) };
}

export interface AppendResult {
  entry: StoredEntry;
  meta: Readonly<TabMeta>;
}

const INDEX_KEY = 'index';
const metaKey = (tabId: number) => `tab:${tabId}`;
const entryKey = (tabId: number, seq: number) => `entry:${tabId}:${seq}`;

export const DEFAULT_MAX_ENTRIES_PER_TAB = 1000;
export const DEFAULT_BUDGET_BYTES = 7 * 1024 * 1024;

export class TabStore {
  readonly maxEntriesPerTab: number;
  /** Lowered after a quota error: the estimate missed something, so aim lower from then on. */
  budgetBytes: number;
  private readonly metas = new Map<number, TabMeta>();
  /**
   * Size of each stored entry, from firstSeq on, in memory only: writing it with every meta would
   * grow each write with the log. A woken worker assumes the average until the old entries go.
   */
  private readonly sizes = new Map<number, number[]>();
  /** Entries held in memory, by tab then seq: everything appended since wake plus what was loaded. */
  private readonly cached = new Map<number, Map<number, StoredEntry>>();
  /** Tabs whose stored entries have all been loaded into `cached`. */
  private readonly fullyLoaded = new Set<number>();
  private loaded = false;
  private readonly ready: Promise<void>;
  private totalBytes = 0;
  /** The batched key-value layer the log writes through; the worker's restart state shares it. */
  readonly storage: BatchedStore;
  private readonly onDropped: (tabId: number) => void;
  /** Tabs that lost entries in this task, told to onDropped at its end. */
  private readonly droppedIn = new Set<number>();

  constructor(
    private readonly area: SessionArea,
    options: StoreOptions = {},
  ) {
    this.maxEntriesPerTab = options.maxEntriesPerTab ?? DEFAULT_MAX_ENTRIES_PER_TAB;
    this.budgetBytes = options.budgetBytes ?? DEFAULT_BUDGET_BYTES;
    this.onDropped = options.onDropped ?? (() => {});
    this.storage = new BatchedStore(area, {
      ...(options.flushDelayMs === undefined ? {} : { flushDelayMs: options.flushDelayMs }),
      onQuotaExceeded: () => this.quotaExceeded(),
      stillWanted: (key) => this.stillWanted(key),
    });
    this.ready = this.loadMetas();
  }

  /** Resolves once the metas are loaded (after a wake); every public method waits for it. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  get bytesInUse(): number {
    return this.totalBytes;
  }

  /** Sentences about the log itself (storage full, write failed), newest last. */
  get storeNotices(): readonly string[] {
    return this.storage.notices;
  }

  tabIds(): number[] {
    return [...this.metas.keys()];
  }

  async meta(tabId: number): Promise<Readonly<TabMeta> | null> {
    await this.ready;
    return this.metas.get(tabId) ?? null;
  }

  /** Adds an entry; `draft` may be built from the tab's meta (its page URL) once that is loaded. */
  async append(tabId: number, draft: StoredDraft | ((meta: Readonly<TabMeta>) => MeasuredDraft)): Promise<AppendResult> {
    if (!this.loaded) await this.ready;
    return this.appendLoaded(tabId, typeof draft === 'function' ? draft(this.metaFor(tabId)) : measureDraft(draft));
  }

  /** A new top-level page in the tab: the badge count restarts; entries keep their pageId. */
  async navigate(tabId: number, url: string | null): Promise<Readonly<TabMeta>> {
    if (!this.loaded) await this.ready;
    const meta = this.metaFor(tabId);
    meta.pageId += 1;
    meta.pageUrl = url;
    meta.pageFailures = 0;
    delete meta.frames;
    this.stage(metaKey(tabId), meta);
    return meta;
  }

  /** An iframe of the tab's page loaded a document: its requests name that URL. */
  async frameLoaded(tabId: number, frameId: number, url: string): Promise<void> {
    if (!this.loaded) await this.ready;
    const meta = this.metaFor(tabId);
    meta.frames = withFrame(meta.frames, frameId, url);
    this.stage(metaKey(tabId), meta);
  }

  /** Counts requests of the tab that went missing because the browser stopped the worker while they ran. */
  async addMissingAtStop(tabId: number, count: number): Promise<void> {
    if (!this.loaded) await this.ready;
    const meta = this.metaFor(tabId);
    meta.missingAtStop = (meta.missingAtStop ?? 0) + count;
    this.stage(metaKey(tabId), meta);
  }

  /** Records that the tab was already loading when the extension first started in this browser session. */
  async addStartedAfter(tabId: number, startedAt: number): Promise<void> {
    if (!this.loaded) await this.ready;
    const meta = this.metaFor(tabId);
    meta.startedAfterLoad = startedAt;
    this.stage(metaKey(tabId), meta);
  }

  /** Records a forced stop while the tab was busy. */
  async addStopWindow(tabId: number, window: { from: number; to: number }): Promise<void> {
    if (!this.loaded) await this.ready;
    const meta = this.metaFor(tabId);
    meta.stopWindows = [...(meta.stopWindows ?? []), window].slice(-MAX_STOP_WINDOWS);
    this.stage(metaKey(tabId), meta);
  }

  /** Empties the tab's log (the page and its counter of ids carry on). */
  async clear(tabId: number): Promise<void> {
    await this.ready;
    const meta = this.metas.get(tabId);
    if (!meta) return;
    for (let seq = meta.firstSeq; seq < meta.nextSeq; seq++) this.unstage(entryKey(tabId, seq));
    this.totalBytes -= meta.bytes;
    meta.firstSeq = meta.nextSeq;
    this.sizes.set(tabId, []);
    meta.bytes = 0;
    meta.dropped = 0;
    meta.pageFailures = 0;
    meta.missingAtStop = 0;
    meta.stopWindows = [];
    delete meta.startedAfterLoad;
    // The workers' entries shown so far go with the rest of the tab's log (the worker log keeps them).
    meta.workerLogFrom = this.metas.get(WORKER_LOG)?.nextSeq ?? 0;
    delete meta.droppedForSpace;
    this.cached.delete(tabId);
    this.fullyLoaded.add(tabId);
    this.stage(metaKey(tabId), meta);
  }

  /** Frees everything the tab had (the tab closed). */
  async remove(tabId: number): Promise<void> {
    await this.ready;
    const meta = this.metas.get(tabId);
    if (!meta) return;
    for (let seq = meta.firstSeq; seq < meta.nextSeq; seq++) this.unstage(entryKey(tabId, seq));
    this.unstage(metaKey(tabId));
    this.totalBytes -= meta.bytes;
    this.metas.delete(tabId);
    this.sizes.delete(tabId);
    this.cached.delete(tabId);
    this.fullyLoaded.delete(tabId);
    this.stage(INDEX_KEY, { tabIds: this.tabIds() });
  }

  /** The tab's entries, oldest first, loading them from storage the first time. */
  async entries(tabId: number): Promise<StoredEntry[]> {
    await this.ready;
    const meta = this.metas.get(tabId);
    if (!meta) return [];
    if (!this.fullyLoaded.has(tabId)) {
      const cache = this.cacheFor(tabId);
      const missing: string[] = [];
      for (let seq = meta.firstSeq; seq < meta.nextSeq; seq++) if (!cache.has(seq)) missing.push(entryKey(tabId, seq));
      if (missing.length > 0) {
        const stored = await this.area.get(missing);
        for (const [key, value] of Object.entries(stored)) {
          const seq = Number(key.slice(key.lastIndexOf(':') + 1));
          // Appends or drops may have happened while reading: keep only what is still in range.
          if (seq >= meta.firstSeq && seq < meta.nextSeq && !cache.has(seq)) cache.set(seq, value as StoredEntry);
        }
      }
      this.fullyLoaded.add(tabId);
    }
    const cache = this.cached.get(tabId);
    if (!cache) return [];
    const list: StoredEntry[] = [];
    for (let seq = meta.firstSeq; seq < meta.nextSeq; seq++) {
      const entry = cache.get(seq);
      if (entry) list.push(entry);
    }
    return list;
  }

  /** Hands every staged change to the storage area now; resolves when the area has them. */
  flush(): Promise<void> {
    return this.storage.flush();
  }

  private appendLoaded(tabId: number, { draft, bytes }: MeasuredDraft): AppendResult {
    const meta = this.metaFor(tabId);
    const seq = meta.nextSeq++;
    const id = `${tabId}-${seq}`;
    const entry: StoredEntry = { ...draft, id, pageId: meta.pageId };
    if (entry.verdict.blocked) meta.pageFailures += 1;
    // The entry's JSON is the draft's with these two members appended (they come last in the
    // spread), so its size follows from the draft's without serialising the entry a second time.
    const size = bytes + byteLength(`,"id":${JSON.stringify(id)},"pageId":${meta.pageId}`);
    this.sizesFor(meta).push(size);
    meta.bytes += size;
    this.totalBytes += size;
    this.cacheFor(tabId).set(seq, entry);
    this.stage(entryKey(tabId, seq), entry);
    while (meta.nextSeq - meta.firstSeq > this.maxEntriesPerTab) this.dropOldest(meta);
    this.trimToBudget(this.budgetBytes);
    this.stage(metaKey(tabId), meta);
    return { entry, meta };
  }

  private metaFor(tabId: number): TabMeta {
    let meta = this.metas.get(tabId);
    if (!meta) {
      meta = { tabId, firstSeq: 0, nextSeq: 0, dropped: 0, pageId: 1, pageUrl: null, pageFailures: 0, bytes: 0 };
      this.metas.set(tabId, meta);
      this.fullyLoaded.add(tabId);
      this.stage(INDEX_KEY, { tabIds: this.tabIds() });
    }
    return meta;
  }

  private sizesFor(meta: TabMeta): number[] {
    let sizes = this.sizes.get(meta.tabId);
    if (!sizes) {
      const count = meta.nextSeq - meta.firstSeq;
      sizes = new Array<number>(count).fill(count > 0 ? meta.bytes / count : 0);
      this.sizes.set(meta.tabId, sizes);
    }
    return sizes;
  }

  private cacheFor(tabId: number): Map<number, StoredEntry> {
    let cache = this.cached.get(tabId);
    if (!cache) this.cached.set(tabId, (cache = new Map()));
    return cache;
  }

  /** `forSpace`: for the storage budget or quota, not the per-tab count (the tab's notice says so). */
  private dropOldest(meta: TabMeta, forSpace = false): void {
    if (meta.firstSeq >= meta.nextSeq) return;
    const seq = meta.firstSeq++;
    const size = this.sizesFor(meta).shift() ?? 0;
    meta.bytes -= size;
    this.totalBytes -= size;
    meta.dropped += 1;
    if (forSpace) meta.droppedForSpace = (meta.droppedForSpace ?? 0) + 1;
    this.noteDropped(meta.tabId);
    this.cached.get(meta.tabId)?.delete(seq);
    this.unstage(entryKey(meta.tabId, seq));
    this.stage(metaKey(meta.tabId), meta);
  }

  /** Drops oldest entries, from the tab using the most bytes, until the total fits `limit`. */
  private trimToBudget(limit: number): number {
    let dropped = 0;
    while (this.totalBytes > limit) {
      let largest: TabMeta | null = null;
      for (const meta of this.metas.values()) {
        if (meta.bytes > 0 && (!largest || meta.bytes > largest.bytes)) largest = meta;
      }
      if (!largest) break;
      this.dropOldest(largest, true);
      dropped += 1;
    }
    return dropped;
  }

  /** An entry key is wanted while its seq is in its tab's range; the other keys are not the log's to judge. */
  private stillWanted(key: string): boolean {
    if (!key.startsWith('entry:')) return true;
    const [, tab, seq] = key.split(':');
    const meta = this.metas.get(Number(tab));
    return !!meta && Number(seq) >= meta.firstSeq && Number(seq) < meta.nextSeq;
  }

  private noteDropped(tabId: number): void {
    if (this.droppedIn.size === 0) {
      queueMicrotask(() => {
        const tabs = [...this.droppedIn];
        this.droppedIn.clear();
        for (const tab of tabs) this.onDropped(tab);
      });
    }
    this.droppedIn.add(tabId);
  }

  private stage(key: string, value: unknown): void {
    this.storage.set(key, value);
  }

  private unstage(key: string): void {
    this.storage.remove(key);
  }

  /**
   * The area refused a write for its quota: the estimate was wrong (other keys, encoding
   * overhead), so drop the oldest quarter of the bytes and aim lower from then on. The entries
   * stay in memory and the report says what happened.
   */
  private quotaExceeded(): void {
    this.budgetBytes = Math.min(this.budgetBytes, Math.floor(this.totalBytes * 0.75));
    const dropped = this.trimToBudget(this.budgetBytes);
    this.storage.notice(`Session storage was full: dropped the ${dropped} oldest entries to make room. Close unused tabs or clear the log to keep more.`);
  }

  private async loadMetas(): Promise<void> {
    try {
      const { [INDEX_KEY]: index } = await this.area.get(INDEX_KEY);
      const tabIds = isIndex(index) ? index.tabIds : [];
      if (tabIds.length > 0) {
        const stored = await this.area.get(tabIds.map(metaKey));
        for (const tabId of tabIds) {
          const meta = stored[metaKey(tabId)];
          if (!isMeta(meta)) continue;
          // A meta written during this wait (events arrived first) is newer: keep it.
          if (this.metas.has(tabId)) continue;
          this.metas.set(tabId, meta);
          this.totalBytes += meta.bytes;
        }
      }
    } catch (error) {
      this.storage.notice(`Could not read the saved log (${error instanceof Error ? error.message : String(error)}); starting empty.`);
    } finally {
      this.loaded = true;
    }
  }
}

function isIndex(value: unknown): value is { tabIds: number[] } {
  return !!value && typeof value === 'object' && Array.isArray((value as { tabIds?: unknown }).tabIds);
}

function isMeta(value: unknown): value is TabMeta {
  const meta = value as TabMeta | undefined;
  return !!meta && typeof meta.nextSeq === 'number' && typeof meta.firstSeq === 'number' && typeof meta.bytes === 'number';
}
