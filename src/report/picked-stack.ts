/**
 * The server stack the user picked last in the panel's fix tabs, for the exports' one fix snippet.
 * The panel remembers it in `chrome.storage.local` under `corsDoctor.preferredStack` (a stack id);
 * this only reads it. No choice yet, or storage unavailable: undefined, and each fix shows its first
 * snippet.
 */
import { browser } from '../platform/browser';

export const PREFERRED_STACK_KEY = 'corsDoctor.preferredStack';

export async function pickedStack(): Promise<string | undefined> {
  try {
    const stored = await browser.storage.local.get(PREFERRED_STACK_KEY);
    const value = stored[PREFERRED_STACK_KEY];
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}
