/** Which browser this is. Calls no WebExtension API, so the engine's tests and tools can import it. */

/** The browser engines CORS Doctor is built for. */
export type BrowserName = 'chromium' | 'firefox';

/**
 * Which browser this code runs in, from the user agent (the same signal `browserInfo` reports).
 * Firefox's agent says `Firefox/<version>`; every Chromium-based browser's says `Chrome/<version>`.
 * Anything else is treated as Chromium, the browser the extension was first built for.
 */
export function detectBrowser(userAgent: string = currentUserAgent()): BrowserName {
  return /\bFirefox\//.test(userAgent) ? 'firefox' : 'chromium';
}

/** The browser's name and version for reports, from the user agent. */
export function browserInfo(userAgent: string = currentUserAgent()): { name: string; version: string } | null {
  const firefox = /Firefox\/([\d.]+)/.exec(userAgent);
  if (firefox) return { name: 'Firefox', version: firefox[1]! };
  const chrome = /Chrome\/([\d.]+)/.exec(userAgent);
  if (chrome) return { name: 'Chromium', version: chrome[1]! };
  return null;
}

function currentUserAgent(): string {
  return typeof navigator === 'undefined' ? '' : navigator.userAgent;
}
