/**
 * What the popup shows of a report: the current page's failures, counted like the toolbar badge
 * counts them, so that the number in the popup is the number on the icon.
 */
import { browserOfReport, failureName } from '../shared/browser-names';
import type { Report, ReportEntry } from '../shared/report';

export interface PopupSummary {
  failures: number;
  total: number;
  /** [rule, count], most frequent first, then by name. */
  byRule: Array<[string, number]>;
  /** The newest failures first. */
  latest: ReportEntry[];
}

export const LATEST_FAILURES_SHOWN = 5;

export function summarize(report: Report, latestCount = LATEST_FAILURES_SHOWN): PopupSummary {
  const onPage = report.entries.filter((entry) => entry.pageId === report.currentPageId);
  const failures = onPage.filter((entry) => entry.verdict.blocked);
  const counts = new Map<string, number>();
  // Named as the browser that recorded them names them (Firefox's reason keys in Firefox).
  const browser = browserOfReport(report);
  for (const entry of failures) {
    const rule = failureName(entry.verdict, browser) ?? 'Unknown';
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
  }
  const byRule = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const latest = [...failures].sort((a, b) => b.time - a.time || (a.id < b.id ? 1 : -1)).slice(0, latestCount);
  return { failures: failures.length, total: onPage.length, byRule, latest };
}

/** "3 CORS failures", "1 CORS failure", "No CORS failures". */
export function failureHeadline(count: number): string {
  if (count === 0) return 'No CORS failures';
  return `${count} CORS ${count === 1 ? 'failure' : 'failures'}`;
}

/** A URL shortened for a 360px popup, keeping the host and the end of the path. */
export function shortUrl(url: string, max = 64): string {
  let display = url;
  try {
    const parsed = new URL(url);
    display = `${parsed.host}${parsed.pathname}${parsed.search}`;
  } catch {
    // Not a URL the parser knows: show it as is.
  }
  if (display.length <= max) return display;
  const head = Math.ceil((max - 1) / 2);
  return `${display.slice(0, head)}…${display.slice(display.length - (max - 1 - head))}`;
}
