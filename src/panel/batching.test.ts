import { describe, expect, it } from 'vitest';
import type { PortMessage } from '../shared/messages';
import { createMessageBatcher } from './batching';
import { makeEntry, reportOf } from '../../test-support/panel-fixtures';

describe('port message batching', () => {
  it('applies a burst of entries once, and flushes them before any other message', () => {
    const log: string[] = [];
    const ticks: (() => void)[] = [];
    const batcher = createMessageBatcher(
      (entries) => log.push(`entries ${entries.map((e) => e.id).join(',')}`),
      (message: PortMessage) => log.push(message.type),
      (callback) => ticks.push(callback),
    );
    const [a, b, c] = [makeEntry({ id: 'a' }), makeEntry({ id: 'b' }), makeEntry({ id: 'c' })];
    batcher.deliver({ type: 'entry', entry: a });
    batcher.deliver({ type: 'entry', entry: b });
    expect(ticks).toHaveLength(1);
    expect(log).toEqual([]);
    batcher.deliver({ type: 'navigated', currentPageId: 2, url: null });
    expect(log).toEqual(['entries a,b', 'navigated']);
    ticks[0]!();
    batcher.deliver({ type: 'entry', entry: c });
    ticks[1]!();
    batcher.deliver({ type: 'snapshot', report: reportOf([]) });
    expect(log).toEqual(['entries a,b', 'navigated', 'entries c', 'snapshot']);
  });
});
