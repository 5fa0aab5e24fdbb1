/**
 * The session area with every value stored as its JSON text. chrome.storage.session converts an
 * object value field by field in the worker (V8 value to the browser's value type), and that
 * conversion was the largest part of the worker's time per request (docs/performance.md); one
 * string converts at once, and JSON.stringify is far cheaper than that conversion. Values read back
 * are parsed; a value that is not JSON text (written by a version before this one) is returned as it is.
 */
import type { SessionArea } from '../platform/session-area';

export function jsonArea(area: SessionArea): SessionArea {
  return {
    async get(keys) {
      const stored = await area.get(keys);
      const values: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(stored)) values[key] = fromStored(value);
      return values;
    },
    set(items) {
      const encoded: Record<string, string> = {};
      for (const [key, value] of Object.entries(items)) encoded[key] = JSON.stringify(value) ?? 'null';
      return area.set(encoded);
    },
    remove: (keys) => area.remove(keys),
    ...(area.getKeys ? { getKeys: () => area.getKeys!() } : {}),
  };
}

/** A stored value: JSON text parsed, anything else as it is. */
export function fromStored(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
