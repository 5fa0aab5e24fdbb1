/**
 * The forced-stop windows a report's notices name ("Requests made between HH:MM:SS.mmm UTC and …
 * UTC may be missing: the browser stopped the extension while they ran.", docs/reliability.md),
 * as epoch milliseconds of today (UTC), for tests that must tell Chromium's own losses at a stop
 * from the extension's.
 */
export interface StopWindow {
  from: number;
  to: number;
}

export function stopWindowsOf(notices: readonly string[] | undefined): StopWindow[] {
  const day = new Date().toISOString().slice(0, 11);
  return (notices ?? []).flatMap((notice) => {
    const match = /between (\S+) UTC and (\S+) UTC may be missing/.exec(notice);
    if (!match) return [];
    return [{ from: Date.parse(`${day}${match[1]}Z`), to: Date.parse(`${day}${match[2]}Z`) }];
  });
}

/**
 * Whether a request that lived from `start` to `end` had events while a window was open. Windows
 * start at the last delivered event's own time, so the request's end may sit just before one.
 */
export function overlapsStopWindow(windows: readonly StopWindow[], start: number, end: number): boolean {
  return windows.some((w) => start <= w.to + 1 && end >= w.from - 50);
}
