/**
 * A key-value layer over the session area that batches writes per task: everything staged is
 * handed to the area in one call at the end of the task that staged it (a microtask). A write
 * handed to the browser survives a worker stop; a timer does not, so by default none stands
 * between a change and its write (docs/reliability.md). The tab log (store.ts) and the restart
 * state (restart.ts) stage into the same instance, so one call carries what one event taught.
 */
import type { SessionArea } from '../platform/session-area';

export type { SessionArea };

export interface BatchedStoreOptions {
  /**
   * How long staged writes wait to be handed to the area together: 0 writes once per task (a
   * microtask after it). More batches a burst into fewer calls, each costing a round trip to the
   * browser process, and widens what a forced stop can lose to that many milliseconds.
   */
  flushDelayMs?: number;
  /**
   * Called when the area refused a write for its quota, before the write is tried again: the owner
   * of the bulk of the data frees room by removing keys (which then leave the retried write).
   */
  onQuotaExceeded?(): void;
  /**
   * Whether a key of a refused batch is still wanted when it is written again: making room may
   * have dropped it, and its removal may already have been written (it would stay behind).
   */
  stillWanted?(key: string): boolean;
}

/** At most this many notices are kept, oldest dropped first. */
const MAX_NOTICES = 20;

export class BatchedStore {
  private readonly pendingSet = new Map<string, unknown>();
  private readonly pendingRemove = new Set<string>();
  private flushQueued = false;
  private readonly flushDelayMs: number;
  private readonly onQuotaExceeded: () => void;
  private readonly stillWanted: (key: string) => boolean;
  private readonly sentences: string[] = [];
  /** Numbers the batches handed to the area, in order. */
  private batchSeq = 0;
  /**
   * The last batch issued before room was last made for a quota refusal: a refusal of that batch
   * or an earlier one came before the room was made, so it is written again without making more.
   * Batches are issued without waiting for each other, so in a burst several meet a full area at
   * once; each making room would shrink the log by a quarter per batch in flight.
   */
  private roomMadeAfter = 0;

  constructor(
    readonly area: SessionArea,
    options: BatchedStoreOptions = {},
  ) {
    this.flushDelayMs = options.flushDelayMs ?? 0;
    this.onQuotaExceeded = options.onQuotaExceeded ?? (() => {});
    this.stillWanted = options.stillWanted ?? (() => true);
  }

  /** Whether this task staged a write not yet handed to the area (one more key then rides in that call). */
  get writesStaged(): boolean {
    return this.flushQueued;
  }

  /** Sentences about storage itself (storage full, write failed), newest last. */
  get notices(): readonly string[] {
    return this.sentences;
  }

  /** Reads several keys straight from the area; a failed read is an empty result. */
  async readKeys(keys: string[]): Promise<Record<string, unknown>> {
    try {
      return await this.area.get(keys);
    } catch {
      return {};
    }
  }

  /** The keys in the area that start with `prefix`. */
  async listKeys(prefix: string): Promise<string[]> {
    const keys = this.area.getKeys ? await this.area.getKeys() : Object.keys(await this.area.get(null));
    return keys.filter((key) => key.startsWith(prefix));
  }

  /**
   * Writes the key with the next batch. A function is called when the batch is written, so a
   * value that changes several times in one task is computed and written once.
   */
  set(key: string, value: unknown): void {
    this.pendingRemove.delete(key);
    this.pendingSet.set(key, value);
    this.scheduleFlush();
  }

  /** Removes the key with the next batch. */
  remove(key: string): void {
    this.pendingSet.delete(key);
    this.pendingRemove.add(key);
    this.scheduleFlush();
  }

  /** Hands every staged change to the storage area now; resolves when the area has them. */
  async flush(): Promise<void> {
    this.flushQueued = false;
    if (this.pendingRemove.size === 0 && this.pendingSet.size === 0) return;
    const removals = [...this.pendingRemove];
    const items = this.takeStagedItems();
    this.pendingRemove.clear();
    const writes: Promise<unknown>[] = [];
    // Issued without waiting for earlier flushes: the area applies calls in order, and a call made
    // before the worker stops is applied even if the worker never sees it resolve.
    if (removals.length > 0) writes.push(this.area.remove(removals).catch((error) => this.writeFailed(error, null)));
    if (Object.keys(items).length > 0) {
      const batch = ++this.batchSeq;
      writes.push(this.area.set(items).catch((error) => this.writeFailed(error, items, batch)));
    }
    await Promise.all(writes);
  }

  /** Records a sentence for the report (once in a row) and the console. */
  notice(sentence: string): void {
    console.warn(`CORS Doctor: ${sentence}`);
    if (this.sentences.at(-1) !== sentence) this.sentences.push(sentence);
    if (this.sentences.length > MAX_NOTICES) this.sentences.shift();
  }

  /** The staged values, functions called, and the staging emptied. */
  private takeStagedItems(): Record<string, unknown> {
    const items: Record<string, unknown> = {};
    for (const [key, value] of this.pendingSet) items[key] = typeof value === 'function' ? (value as () => unknown)() : value;
    this.pendingSet.clear();
    return items;
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    if (this.flushDelayMs > 0) setTimeout(() => void this.flushIfQueued(), this.flushDelayMs);
    else queueMicrotask(() => void this.flushIfQueued());
  }

  /** A scheduled flush finds nothing to do when an explicit one came first. */
  private flushIfQueued(): Promise<void> | void {
    if (this.flushQueued) return this.flush();
  }

  /**
   * A write failed. On a quota error the owner frees room first (onQuotaExceeded), then what is
   * still wanted is written again. Never throws: the data stays in memory and a notice says so.
   */
  private async writeFailed(error: unknown, items: Record<string, unknown> | null, batch = 0): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    if (!items || !/quota/i.test(message)) {
      this.notice(`Could not save the log to session storage (${message}); entries since then may be lost if the service worker restarts.`);
      return;
    }
    if (batch > this.roomMadeAfter) {
      this.onQuotaExceeded();
      this.roomMadeAfter = this.batchSeq;
    }
    const retry: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(items)) if (!this.pendingRemove.has(key) && this.stillWanted(key)) retry[key] = value;
    Object.assign(retry, this.takeStagedItems());
    const removals = [...this.pendingRemove];
    this.pendingRemove.clear();
    try {
      if (removals.length > 0) await this.area.remove(removals);
      await this.area.set(retry);
    } catch (again) {
      this.notice(`Session storage is still full after trimming (${again instanceof Error ? again.message : String(again)}); the log is kept in memory only.`);
    }
  }
}
