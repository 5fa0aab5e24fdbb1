/** The part of chrome.storage.session the worker uses (a type only: importing it loads nothing). */
export interface SessionArea {
  get(keys: string | string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
  /** Every key (chrome.storage.session.getKeys, Chromium 130+); without it the store reads everything once. */
  getKeys?(): Promise<string[]>;
}
