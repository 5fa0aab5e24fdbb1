/**
 * The panel's data layer: the entries of one tab as the worker reports them, the user's filters
 * and selection, and what the list shows. Pure TypeScript (no DOM, no browser API) so that every
 * rule of what is shown is unit-tested; the components only read `deriveView`.
 */
import type { PortMessage } from '../shared/messages';
import type { ReportEntry } from '../shared/report';
import { hasWarnings, isFailure, plainText, ruleKeyOf } from './format';

/** `warnings`: only entries with a warning (hazards on what passed, and warnings on failures). */
/** `workers`: only the requests of the tab's service and shared workers (entries with fromWorker). */
export type ViewMode = 'failures' | 'all' | 'warnings' | 'workers';

export interface PanelState {
  /** Entries by id, in arrival order; an update replaces the value and keeps the position. */
  readonly entries: ReadonlyMap<string, ReportEntry>;
  readonly currentPageId: number;
  readonly preserveLog: boolean;
  readonly mode: ViewMode;
  readonly filterText: string;
  /** A rule key (see `ruleKeyOf`) the list is narrowed to, or null. */
  readonly ruleFilter: string | null;
  /** The row the keyboard cursor is on. */
  readonly focusedId: string | null;
  /** The row whose details are open. */
  readonly selectedId: string | null;
  /** Entries dropped by the worker because the tab's log was full. */
  readonly dropped: number;
  /** Sentences about the log itself (entries that may be missing, storage full), from the worker's snapshot and updates. */
  readonly notices: readonly string[];
}

export function initialState(overrides: Partial<PanelState> = {}): PanelState {
  return {
    entries: new Map(),
    currentPageId: 0,
    preserveLog: false,
    mode: 'failures',
    filterText: '',
    ruleFilter: null,
    focusedId: null,
    selectedId: null,
    dropped: 0,
    notices: [],
    ...overrides,
  };
}

export function applyPortMessage(state: PanelState, message: PortMessage): PanelState {
  switch (message.type) {
    case 'snapshot': {
      const entries = new Map(message.report.entries.map((entry) => [entry.id, entry]));
      return keepSelectionValid({
        ...state,
        entries,
        currentPageId: message.report.currentPageId,
        dropped: message.report.dropped,
        notices: message.report.notices ?? [],
      });
    }
    case 'entry': {
      const entries = new Map(state.entries);
      entries.set(message.entry.id, message.entry);
      return { ...state, entries };
    }
    case 'log':
      return { ...state, dropped: message.dropped, notices: message.notices };
    case 'navigated':
      return keepSelectionValid({ ...state, currentPageId: message.currentPageId });
    case 'cleared':
      return { ...state, entries: new Map(), focusedId: null, selectedId: null, dropped: 0, notices: [] };
  }
}

/** Adds many entries at once (one map copy instead of one per entry). */
export function applyEntries(state: PanelState, entries: readonly ReportEntry[]): PanelState {
  const next = new Map(state.entries);
  for (const entry of entries) next.set(entry.id, entry);
  return { ...state, entries: next };
}

export function setPreserveLog(state: PanelState, preserveLog: boolean): PanelState {
  return keepSelectionValid({ ...state, preserveLog });
}

export function setMode(state: PanelState, mode: ViewMode): PanelState {
  return { ...state, mode };
}

export function setFilterText(state: PanelState, filterText: string): PanelState {
  return { ...state, filterText };
}

/** Clicking the active rule again clears it. */
export function toggleRuleFilter(state: PanelState, ruleKey: string): PanelState {
  return { ...state, ruleFilter: state.ruleFilter === ruleKey ? null : ruleKey };
}

export function select(state: PanelState, id: string | null): PanelState {
  return { ...state, selectedId: id, focusedId: id ?? state.focusedId };
}

export function focus(state: PanelState, id: string | null): PanelState {
  return { ...state, focusedId: id };
}

/** Moves the keyboard cursor through the visible rows; `delta` may be ±1, a page, or ±Infinity. */
export function moveFocus(state: PanelState, rows: readonly ReportEntry[], delta: number): PanelState {
  if (rows.length === 0) return state;
  const current = state.focusedId === null ? -1 : rows.findIndex((row) => row.id === state.focusedId);
  let index: number;
  if (current === -1) index = delta < 0 ? rows.length - 1 : 0;
  else index = Math.min(rows.length - 1, Math.max(0, current + (Number.isFinite(delta) ? delta : Math.sign(delta) * rows.length)));
  return { ...state, focusedId: rows[index]!.id };
}

/**
 * Entries of earlier pages stay in the log only while "Preserve log" is on. A worker's stay: a
 * service or shared worker outlives the page that started it.
 */
export function isOnShownPage(state: PanelState, entry: ReportEntry): boolean {
  return state.preserveLog || entry.fromWorker === true || entry.pageId === state.currentPageId;
}

function keepSelectionValid(state: PanelState): PanelState {
  const shown = (id: string | null) => {
    if (id === null) return null;
    const entry = state.entries.get(id);
    return entry && isOnShownPage(state, entry) ? id : null;
  };
  return { ...state, selectedId: shown(state.selectedId), focusedId: shown(state.focusedId) };
}

// Built once per entry object: an update replaces the object, so the cache never goes stale.
const searchTextCache = new WeakMap<ReportEntry, string>();

/** Everything the text filter looks at: URLs (redirects too), rule, title, header names. */
export function searchTextOf(entry: ReportEntry): string {
  let text = searchTextCache.get(entry);
  if (text !== undefined) return text;
  const parts: string[] = [entry.request.url, entry.request.method, entry.request.type, entry.verdict.title];
  if (entry.verdict.rule) parts.push(entry.verdict.rule);
  if (entry.verdict.firefox) parts.push(entry.verdict.firefox.key);
  if (entry.verdict.networkError) parts.push(entry.verdict.networkError);
  if (entry.error) parts.push(entry.error);
  for (const redirect of entry.redirects) parts.push(redirect.url, redirect.location);
  const headerLists = [entry.request.headers, entry.response?.headers, entry.preflight?.request.headers, entry.preflight?.response?.headers];
  for (const list of headerLists) for (const header of list ?? []) parts.push(header.name);
  for (const observation of entry.verdict.observed) parts.push(observation.field);
  text = parts.join('\n').toLowerCase();
  searchTextCache.set(entry, text);
  return text;
}

/** Every whitespace-separated term must occur (case-insensitive). */
export function matchesFilterText(entry: ReportEntry, filterText: string): boolean {
  const terms = filterText.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const haystack = searchTextOf(entry);
  return terms.every((term) => haystack.includes(term));
}

export interface RuleCount {
  key: string;
  /** A human title for the chip: the verdict title of the first entry under this key. */
  title: string;
  count: number;
}

export interface PanelView {
  /** The rows the list shows, in order. */
  rows: ReportEntry[];
  /** Failures per rule on the shown page(s), most frequent first; ignores the text and rule filters so the chips stay put. */
  ruleCounts: RuleCount[];
  /** Entries on the shown page(s). */
  total: number;
  failures: number;
  /** Entries on the shown page(s) with at least one warning (never part of `failures` or the badge). */
  warned: number;
  /** Entries made by the tab's service or shared workers (the "Workers" view). */
  workers: number;
  selected: ReportEntry | null;
}

/**
 * What the list shows. Failures come first in both modes (then arrival order); "failures" mode
 * shows only them.
 */
export function deriveView(state: PanelState): PanelView {
  const failures: ReportEntry[] = [];
  const passes: ReportEntry[] = [];
  const counts = new Map<string, RuleCount>();
  let total = 0;
  let warned = 0;
  let workers = 0;
  const terms = state.filterText.toLowerCase().split(/\s+/).filter(Boolean);
  for (const entry of state.entries.values()) {
    if (!isOnShownPage(state, entry)) continue;
    total++;
    const withWarnings = hasWarnings(entry);
    if (withWarnings) warned++;
    if (entry.fromWorker) workers++;
    const failed = isFailure(entry);
    const ruleKey = failed ? ruleKeyOf(entry) : null;
    if (ruleKey !== null) {
      const count = counts.get(ruleKey);
      if (count) count.count++;
      else counts.set(ruleKey, { key: ruleKey, title: plainText(entry.verdict.title || ruleKey), count: 1 });
    }
    if (!failed && state.mode === 'failures') continue;
    if (!withWarnings && state.mode === 'warnings') continue;
    if (!entry.fromWorker && state.mode === 'workers') continue;
    if (state.ruleFilter !== null && ruleKey !== state.ruleFilter) continue;
    if (terms.length > 0) {
      const haystack = searchTextOf(entry);
      if (!terms.every((term) => haystack.includes(term))) continue;
    }
    (failed ? failures : passes).push(entry);
  }
  const ruleCounts = [...counts.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  const failureCount = ruleCounts.reduce((sum, rule) => sum + rule.count, 0);
  const selectedEntry = state.selectedId === null ? undefined : state.entries.get(state.selectedId);
  return {
    rows: failures.concat(passes),
    ruleCounts,
    total,
    failures: failureCount,
    warned,
    workers,
    selected: selectedEntry && isOnShownPage(state, selectedEntry) ? selectedEntry : null,
  };
}

/** A minimal observable holder for `PanelState`, so components and the port share one state. */
export class PanelStore {
  private state: PanelState;
  private readonly listeners = new Set<(state: PanelState) => void>();

  constructor(state: PanelState = initialState()) {
    this.state = state;
  }

  get(): PanelState {
    return this.state;
  }

  update(change: (state: PanelState) => PanelState): void {
    const next = change(this.state);
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener(next);
  }

  subscribe(listener: (state: PanelState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
