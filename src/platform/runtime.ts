/** Small runtime helpers the polyfill does not cover. */

/**
 * Reads `runtime.lastError`, which marks it as handled: Chromium logs "Unchecked runtime.lastError"
 * for a port that disconnected with an error nobody read (e.g. no worker listening yet).
 */
export function acknowledgeLastError(): void {
  void (globalThis as { chrome?: { runtime?: { lastError?: unknown } } }).chrome?.runtime?.lastError;
}
