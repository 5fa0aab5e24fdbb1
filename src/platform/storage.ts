/** The storage area the worker persists to across restarts, and its in-memory stand-in. */
import { browser } from './browser';
import { memoryArea } from './memory-area';

import type { SessionArea } from './session-area';

export type { SessionArea };

/** chrome.storage.session where it exists (Chromium, Firefox 115+), else a map that lives as long as the worker. */
export function sessionArea(): SessionArea {
  const session = (browser.storage as unknown as { session?: SessionArea }).session;
  if (session) return session;
  return memoryArea();
}
