/**
 * A session area in a Map. It calls no browser API, so unit tests import it without the
 * WebExtension polyfill (which refuses to load outside an extension).
 */
import type { SessionArea } from './session-area';

/** A session area in a Map, for browsers without storage.session and for tests. */
export function memoryArea(): SessionArea {
  const data = new Map<string, unknown>();
  const keysOf = (keys: string | string[] | null) => (keys === null ? [...data.keys()] : typeof keys === 'string' ? [keys] : keys);
  return {
    async get(keys) {
      const result: Record<string, unknown> = {};
      for (const key of keysOf(keys)) if (data.has(key)) result[key] = structuredClone(data.get(key));
      return result;
    },
    async set(items) {
      for (const [key, value] of Object.entries(items)) data.set(key, structuredClone(value));
    },
    async getKeys() {
      return [...data.keys()];
    },
    async remove(keys) {
      for (const key of typeof keys === 'string' ? [keys] : keys) data.delete(key);
    },
  };
}
