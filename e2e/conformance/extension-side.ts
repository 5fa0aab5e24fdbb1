/**
 * CORS Doctor's side of the comparison: its report for the test tab, entries grouped by the URL
 * the page asked for.
 */
import type { ExtensionBrowser } from '../harness';
import type { Report, ReportEntry } from '../../src/shared/report';
import { normalizeUrl } from './chromium-oracle';

export async function readReport(browser: ExtensionBrowser, tabId: number): Promise<Report> {
  return browser.sendMessage<Report>({ type: 'getReport', tabId });
}

export async function clearReport(browser: ExtensionBrowser, tabId: number): Promise<void> {
  await browser.sendMessage({ type: 'clearTab', tabId });
}

/** A preflight that surfaced as an entry of its own (it should be folded into its request's entry). */
function isStandalonePreflight(entry: ReportEntry): boolean {
  return entry.request.method === 'OPTIONS' && (entry.request.headers ?? []).some((header) => header.name.toLowerCase() === 'access-control-request-method');
}

/** Entries keyed by the normalized first URL, oldest first. */
export function entriesByUrl(report: Report): Map<string, ReportEntry[]> {
  const byUrl = new Map<string, ReportEntry[]>();
  for (const entry of report.entries) {
    if (isStandalonePreflight(entry)) continue;
    const url = normalizeUrl(entry.request.url);
    byUrl.set(url, [...(byUrl.get(url) ?? []), entry]);
  }
  for (const list of byUrl.values()) list.sort((a, b) => a.time - b.time);
  return byUrl;
}

/** The exchange as the extension captured it, trimmed to what an engine owner needs to reproduce. */
export function capturedExchange(entry: ReportEntry): unknown {
  return {
    initiator: entry.initiator,
    request: entry.request,
    preflight: entry.preflight,
    redirects: entry.redirects,
    response: entry.response,
    error: entry.error,
    fromCache: entry.fromCache,
    partial: entry.partial ?? false,
  };
}
