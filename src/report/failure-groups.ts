/**
 * What makes two failures "the same kind": the stable order of entries, the endpoint (URL without
 * query or fragment), and the grouping key of method, endpoint, rule, stage and checked values. It is
 * apart from the rendering because the summary table, the failure sections and the left-out note
 * must agree on one grouping (and the HAR export on one order), and none of them should own it.
 */
import { failureName, type ShownBrowser } from '../shared/browser-names';
import type { ReportEntry } from '../shared/report';

/** Entries in a stable order: by start time, then id. */
export function orderedEntries(entries: readonly ReportEntry[]): ReportEntry[] {
  return [...entries].sort((a, b) => a.time - b.time || 0 || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function failuresByRule(entries: readonly ReportEntry[], browser: ShownBrowser = 'chromium'): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    if (!entry.verdict.blocked) continue;
    const rule = failureName(entry.verdict, browser) ?? 'Unknown';
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** The URL without its query and fragment: what "the same endpoint" means. */
export function endpointOf(url: string): string {
  return url.replace(/[?#].*$/s, '');
}

/** The endpoint as a person names it: host and path, no scheme. */
export function endpointLabel(method: string, url: string): string {
  return `${method.toUpperCase()} ${endpointOf(url).replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')}`;
}

/** Identical failures: same method and endpoint, same rule at the same stage, same values checked. */
function groupKey(entry: ReportEntry): string {
  const { verdict } = entry;
  return JSON.stringify([
    entry.request.method.toUpperCase(),
    endpointOf(entry.request.url),
    verdict.rule,
    verdict.stage,
    verdict.failedParameter,
    verdict.observed.map((o) => [o.field, o.expected, o.actual]),
    entry.initiator,
  ]);
}

export interface FailureGroup {
  /** The first failure of the group: its explanation, headers and fix stand for all. */
  first: ReportEntry;
  entries: ReportEntry[];
}

/** Failures grouped, the most frequent first, then by first occurrence. */
export function groupFailures(entries: readonly ReportEntry[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const entry of orderedEntries(entries)) {
    if (!entry.verdict.blocked) continue;
    const key = groupKey(entry);
    const group = groups.get(key);
    if (group) group.entries.push(entry);
    else groups.set(key, { first: entry, entries: [entry] });
  }
  return [...groups.values()].sort((a, b) => b.entries.length - a.entries.length || a.first.time - b.first.time || (a.first.id < b.first.id ? -1 : 1));
}
