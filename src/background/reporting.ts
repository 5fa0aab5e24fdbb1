/**
 * Report building: a tab's entries (expanded from what the store keeps), its counters and the
 * notices that say what the log may be missing, in the report contract (src/shared/report.ts)
 * that the popup, the panel's snapshot and the exports read.
 */
import type { Report, ReportEntry, ReportSummary } from '../shared/report';
import { expandEntry, type Judge } from './entry';
import type { TabStore } from './store';

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
  const [stored, meta, tab] = await Promise.all([store.entries(tabId), store.meta(tabId), parts.getTab(tabId).catch(() => null)]);
  const entries = stored.map((entry) => expandEntry(entry, parts.judge));
  const notices = [...store.storeNotices];
  const mayBeMissing = parts.inheritedOpenIn(tabId) + (meta?.missingAtStop ?? 0);
  if (mayBeMissing > 0) notices.push(mayBeMissingNotice(mayBeMissing));
  for (const window of meta?.stopWindows ?? []) notices.push(stopWindowNotice(window));
  if (meta?.startedAfterLoad) notices.push(startedAfterLoadNotice(meta.startedAfterLoad));
  const report: Report = {
    schemaVersion: 1,
    tool: parts.tool,
    generatedAt: new Date(parts.now()).toISOString(),
    browser: parts.browserInfo,
    tab: { id: tabId, url: tab?.url ?? meta?.pageUrl ?? null, title: tab?.title ?? null },
    currentPageId: meta?.pageId ?? 1,
    dropped: meta?.dropped ?? 0,
    summary: summarize(entries),
    entries,
  };
  if (notices.length > 0) report.notices = notices;
  // What a report shows is in storage before anyone sees it.
  await store.flush();
  return report;
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
