import { describe, expect, it } from 'vitest';
import { fromStored, jsonArea } from './json-area';
import { memoryArea } from './memory-area';

describe('jsonArea', () => {
  it('stores each value as its JSON text and reads it back as it was', async () => {
    const raw = memoryArea();
    const area = jsonArea(raw);
    const entry = { id: '9-0', headers: [{ name: 'X', value: '"quoted" \u2028 é' }], partial: false, n: 1.5, none: null };
    await area.set({ 'entry:9:0': entry, flights: [1, 2] });
    expect(typeof (await raw.get('entry:9:0'))['entry:9:0']).toBe('string');
    expect(await area.get(['entry:9:0', 'flights'])).toEqual({ 'entry:9:0': entry, flights: [1, 2] });
    await area.remove('flights');
    expect(Object.keys(await area.get(null))).toEqual(['entry:9:0']);
  });

  it('reads a value an earlier version stored as an object, or as text that is not JSON, as it is', async () => {
    const raw = memoryArea();
    await raw.set({ old: { tabIds: [1] }, text: 'not json' });
    expect(await jsonArea(raw).get(null)).toEqual({ old: { tabIds: [1] }, text: 'not json' });
    expect(fromStored('[1]')).toEqual([1]);
  });
});
