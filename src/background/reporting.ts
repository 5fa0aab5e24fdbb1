/**
 * Report building: a tab's entries (expanded from what the store keeps), its counters and the
 * notices that say what the log may be missing, in the report contract (src/shared/report.ts)
 * that the popup, the panel's snapshot and the exports read.
 */
import type { Report, ReportEntry, ReportSummary } from '../shared/report';
import { expandEntry, type Judge } from './entry';
import { seqOfEntryId, tabOrigins, WORKER_LOG } from './attribution';
import type { TabMeta, TabStore } from './store';

export interface ReportParts {
  store: TabStore;
  judge: Judge;
  getTab(tabId: number): Promise<{ url?: string | undefined; title?: string | undefined } | null>;
  tool: { name: string; version: string };
  browserInfo: { name: string; version: string } | null;
  now: () => number;
  /** Requests an earlier worker left open in the tab that are still open (restart.ts). */
  inheritedOpenIn(tabId: number): number;
}

export async function buildReport(parts: ReportParts, tabId: number): Promise<Report> {
  const { store } = parts;
  const [stored, meta, tab] = await Promise.all([store.entries(tabId), store.meta(tabId), tabId === WORKER_LOG ? null : parts.getTab(tabId).catch(() => null)]);
  const own = stored.map((entry) => expandEntry(entry, parts.judge));
  const currentPageId = meta?.pageId ?? 1;
  const entries =
    tabId === WORKER_LOG
      ? own.map((entry): ReportEntry => ({ ...entry, fromWorker: true }))
      : mergeByTime(own, await workerEntriesOf(parts, meta, tab?.url ?? null, currentPageId));
  const notices = logNotices(parts, tabId, meta);
  const report: Report = {
    schemaVersion: 1,
    tool: parts.tool,
    generatedAt: new Date(parts.now()).toISOString(),
    browser: parts.browserInfo,
    tab: { id: tabId, url: tab?.url ?? meta?.pageUrl ?? null, title: tab?.title ?? null },
    currentPageId,
    dropped: meta?.dropped ?? 0,
    summary: summarize(entries),
    entries,
  };
  if (notices.length > 0) report.notices = notices;
  // What a report shows is in storage before anyone sees it.
  await store.flush();
  return report;
}

/**
 * The entries of service and shared workers of the tab's origins (its page's, its frames'), from
 * the worker log, since the tab's log was last cleared. Workers outlive pages: they are shown on
 * the current page.
 */
async function workerEntriesOf(parts: ReportParts, meta: Readonly<TabMeta> | null, tabUrl: string | null, currentPageId: number): Promise<ReportEntry[]> {
  const origins = tabOrigins(meta, tabUrl);
  if (origins.size === 0) return [];
  const from = meta?.workerLogFrom ?? 0;
  const stored = await parts.store.entries(WORKER_LOG);
  return stored
    .filter((entry) => entry.initiator !== null && origins.has(entry.initiator) && seqOfEntryId(entry.id) >= from)
    .map((entry) => workerEntryFor(expandEntry(entry, parts.judge), currentPageId));
}

/** A worker log entry as a tab's report shows it. */
export function workerEntryFor(entry: ReportEntry, currentPageId: number): ReportEntry {
  return { ...entry, fromWorker: true, pageId: currentPageId };
}

/** The tab's own entries in their order, each worker entry placed before the first own entry that started after it. */
function mergeByTime(own: ReportEntry[], workers: ReportEntry[]): ReportEntry[] {
  if (workers.length === 0) return own;
  const merged: ReportEntry[] = [];
  let next = 0;
  for (const entry of own) {
    while (next < workers.length && workers[next]!.time < entry.time) merged.push(workers[next++]!);
    merged.push(entry);
  }
  return merged.concat(workers.slice(next));
}

/** What the tab's log may be missing, and why: the report's `notices`, shown by the panel and the popup. */
export function logNotices(parts: Pick<ReportParts, 'store' | 'inheritedOpenIn'>, tabId: number, meta: Readonly<TabMeta> | null): string[] {
  const notices = [...parts.store.storeNotices];
  if (meta?.droppedForSpace) notices.push(droppedForSpaceNotice(meta.droppedForSpace));
  const mayBeMissing = parts.inheritedOpenIn(tabId) + (meta?.missingAtStop ?? 0);
  if (mayBeMissing > 0) notices.push(mayBeMissingNotice(mayBeMissing));
  for (const window of meta?.stopWindows ?? []) notices.push(stopWindowNotice(window));
  if (meta?.startedAfterLoad) notices.push(startedAfterLoadNotice(meta.startedAfterLoad));
  return notices;
}

/** The notice for a tab whose oldest entries went to keep the log of all tabs within session storage. */
export function droppedForSpaceNotice(count: number): string {
  return `${count} older ${count === 1 ? 'entry was' : 'entries were'} dropped to keep the log within the browser's session storage (all tabs share it): clear the log or close unused tabs to keep more.`;
}

/** The per-tab notice shown in the report, the panel and the popup. */
export function mayBeMissingNotice(count: number): string {
  return `${count} ${count === 1 ? 'request' : 'requests'} may be missing: the browser stopped the extension while ${count === 1 ? 'it' : 'they'} ran.`;
}

/** The notice for a tab that was loading before the extension's first start in the session. */
export function startedAfterLoadNotice(startedAt: number): string {
  return `Requests made before ${new Date(startedAt).toISOString().slice(11, 23)} UTC may be missing: CORS Doctor started after this tab had begun loading.`;
}

/** The notice for a forced stop while the tab was busy: Chromium may have discarded events we never saw. */
export function stopWindowNotice(window: { from: number; to: number }): string {
  const time = (ms: number) => `${new Date(ms).toISOString().slice(11, 23)} UTC`;
  return `Requests made between ${time(window.from)} and ${time(window.to)} may be missing: the browser stopped the extension while they ran.`;
}

export function summarize(entries: readonly ReportEntry[]): ReportSummary {
  const byRule: Record<string, number> = {};
  let failures = 0;
  for (const entry of entries) {
    if (!entry.verdict.blocked) continue;
    failures += 1;
    const rule = entry.verdict.rule ?? 'Unknown';
    byRule[rule] = (byRule[rule] ?? 0) + 1;
  }
  return { total: entries.length, failures, byRule };
}
