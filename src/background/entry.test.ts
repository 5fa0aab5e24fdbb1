import { describe, expect, it } from 'vitest';
import { judgeExchange } from '../engine/index';
import type { ObservedExchange } from '../engine/types';
import type { ClosedExchange } from './assembler';
import { buildEntryDraft, expandEntry, type StoredEntry, toStoredDraft } from './entry';

const PAGE = 'http://127.0.0.1:4000';

describe('expandEntry', () => {
  it('judges a stored partial entry again as partial: the verdict read back is the one stored', () => {
    // Sent to a local address, its response lost at a worker stop: whole, this would be a Local Network Access block.
    const exchange: ObservedExchange = {
      initiator: PAGE,
      request: { url: 'http://localhost:5000/data', method: 'GET', type: 'xmlhttprequest', headers: [{ name: 'Origin', value: PAGE }] },
      preflight: null,
      redirects: [],
      response: null,
      outcome: { kind: 'error', error: 'net::ERR_FAILED' },
      partial: true,
    };
    const closed: ClosedExchange = { requestId: '1', tabId: 3, frameId: 0, startTime: 10, endTime: 20, exchange };
    const verdict = judgeExchange(exchange);
    const stored: StoredEntry = { ...toStoredDraft(buildEntryDraft(closed, verdict, null)), id: 'e1', pageId: 1 };
    expect(stored.verdict).toMatchObject({ summaryOnly: true, kind: 'network-error', rule: null });
    const expanded = expandEntry(stored, judgeExchange);
    expect(expanded.verdict.explanation).toBe(verdict.explanation);
    expect(expanded.verdict.evidence).toEqual(verdict.evidence);
  });
});
