/**
 * The server stack the user picked last in a fix's tabs, remembered across panels, tabs and
 * browser restarts in chrome.storage.local under one key (a stack id such as "nginx"). The panel
 * opens fixes on it; the exports may show its snippet first.
 */
import { browser } from '../platform/browser';

export const PREFERRED_STACK_KEY = 'corsDoctor.preferredStack';

/** Null when nothing was picked yet, or when storage cannot be read (the fix then opens on its first snippet). */
export async function loadPreferredStack(): Promise<string | null> {
  try {
    const stored = await browser.storage.local.get(PREFERRED_STACK_KEY);
    const value = stored[PREFERRED_STACK_KEY];
    return typeof value === 'string' && value !== '' ? value : null;
  } catch {
    return null;
  }
}

/** The same, as the exports' `stack` option takes it: undefined for "no preference". */
export async function pickedStack(): Promise<string | undefined> {
  return (await loadPreferredStack()) ?? undefined;
}

export async function savePreferredStack(id: string): Promise<void> {
  await browser.storage.local.set({ [PREFERRED_STACK_KEY]: id });
}
