/**
 * Recording: a closed exchange becomes a stored entry. It gets the tab's history (earlier
 * preflights, echoed origins), is judged, is fitted within the entry size limit, appended to the
 * tab log, and then repaints the badge (when blocked) and goes to the tab's panels.
 */
import type { Verdict } from '../engine/types';
import type { PortMessage } from '../shared/messages';
import type { ClosedExchange } from './assembler';
import type { BadgeController } from './badge';
import { buildEntryDraft, DEFAULT_ENTRY_LIMITS, judgeSafely, toStoredDraft, type EntryLimits, type Judge } from './entry';
import { measureDraft, type MeasuredDraft, type TabStore } from './store';
import type { TabMemory } from './tab-memory';

/** An entry bigger than this after the usual caps is cut again with the tight limits. */
const MAX_ENTRY_BYTES = 64 * 1024;
const TIGHT_ENTRY_LIMITS: EntryLimits = { maxHeaderValue: 512, maxHeaderLines: 64, maxString: 1024 };

export interface RecorderParts {
  store: TabStore;
  badge: BadgeController;
  judge: Judge;
  tabMemory: TabMemory;
  /** Tabs that closed: their late events are dropped. */
  closedTabs: ReadonlySet<number>;
  publish(tabId: number, message: PortMessage): void;
}

export async function record(parts: RecorderParts, observed: ClosedExchange): Promise<void> {
  if (parts.closedTabs.has(observed.tabId)) return;
  const context = parts.tabMemory.contextFor(observed.tabId, observed.exchange, observed.startTime);
  parts.tabMemory.observe(observed.tabId, observed.exchange, observed.startTime);
  const closed = context ? { ...observed, exchange: { ...observed.exchange, context } } : observed;
  const verdict = judgeSafely(parts.judge, closed.exchange);
  // Not-CORS requests are not recorded, except those with a warning (a no-cors fetch whose opaque response the code cannot read).
  if (verdict.kind === 'not-cors' && verdict.warnings.length === 0) return;
  try {
    let fullVerdict = verdict;
    const { entry, meta } = await parts.store.append(closed.tabId, (meta) => {
      const fitted = fitEntry(closed, verdict, closed.frameId === 0 ? meta.pageUrl : null);
      fullVerdict = fitted.verdict;
      return fitted.measured;
    });
    if (entry.verdict.blocked) parts.badge.show(closed.tabId, meta.pageFailures);
    parts.publish(closed.tabId, { type: 'entry', entry: { ...entry, verdict: fullVerdict } });
  } catch (error) {
    console.warn('CORS Doctor: could not record an exchange', error);
  }
}

/** The entry as stored, within MAX_ENTRY_BYTES, and its verdict whole (capped like the stored one would be). */
export function fitEntry(closed: ClosedExchange, verdict: Verdict, frameUrl: string | null): { measured: MeasuredDraft; verdict: Verdict } {
  const draft = buildEntryDraft(closed, verdict, frameUrl, DEFAULT_ENTRY_LIMITS);
  const measured = measureDraft(toStoredDraft(draft));
  if (measured.bytes <= MAX_ENTRY_BYTES) return { measured, verdict: draft.verdict };
  const tight = buildEntryDraft(closed, verdict, frameUrl, TIGHT_ENTRY_LIMITS);
  return { measured: measureDraft(toStoredDraft(tight)), verdict: tight.verdict };
}
