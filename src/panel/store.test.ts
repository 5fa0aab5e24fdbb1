import { describe, expect, it } from 'vitest';
import {
  applyEntries,
  applyPortMessage,
  deriveView,
  initialState,
  matchesFilterText,
  moveFocus,
  PanelStore,
  select,
  setFilterText,
  setMode,
  setPreserveLog,
  toggleRuleFilter,
} from './store';
import {
  headerDisallowedEntry,
  makeEntry,
  missingAllowOriginEntry,
  networkErrorEntry,
  reportOf,
  wildcardCredentialsEntry,
} from '../../test-support/panel-fixtures';

const ids = (entries: { id: string }[]) => entries.map((e) => e.id);

describe('panel store', () => {
  it('"warnings" shows only entries with a warning, failures first; warnings never count as failures', () => {
    const warn = (severity: 'high' | 'low') => ({ code: 'null-origin-allowed', message: 'm', severity, title: 't' });
    const pass = makeEntry();
    const warnedPass = makeEntry();
    warnedPass.verdict = { ...warnedPass.verdict, warnings: [warn('high')] };
    const warnedFailure = missingAllowOriginEntry();
    warnedFailure.verdict = { ...warnedFailure.verdict, warnings: [warn('low')] };
    const failure = headerDisallowedEntry();
    failure.verdict = { ...failure.verdict, warnings: [] };
    const state = setMode(applyPortMessage(initialState(), { type: 'snapshot', report: reportOf([pass, warnedPass, warnedFailure, failure]) }), 'warnings');
    const view = deriveView(state);
    expect(ids(view.rows)).toEqual([warnedFailure.id, warnedPass.id]);
    expect(view.warned).toBe(2);
    expect(view.failures).toBe(2);
    expect(deriveView(setMode(state, 'failures')).warned).toBe(2);
  });

  it('"workers" shows only the requests of service and shared workers, which stay across page loads', () => {
    const page = missingAllowOriginEntry();
    const worker = missingAllowOriginEntry({ frameId: -1, frameUrl: null, fromWorker: true });
    const state = setMode(applyPortMessage(initialState(), { type: 'snapshot', report: reportOf([page, worker]) }), 'workers');
    expect(ids(deriveView(state).rows)).toEqual([worker.id]);
    expect(deriveView(state).workers).toBe(1);
    expect(deriveView(setMode(state, 'all')).workers).toBe(1);
    const navigated = applyPortMessage(setMode(state, 'failures'), { type: 'navigated', currentPageId: 2, url: 'http://127.0.0.1/next' });
    expect(ids(deriveView(navigated).rows)).toEqual([worker.id]);
  });

  it('takes a snapshot as the whole truth and shows failures only by default', () => {
    const pass = makeEntry();
    const missing = missingAllowOriginEntry();
    const state = applyPortMessage(initialState({ selectedId: 'gone' }), { type: 'snapshot', report: reportOf([pass, missing]) });
    const view = deriveView(state);
    expect(ids(view.rows)).toEqual([missing.id]);
    expect(view.total).toBe(2);
    expect(view.failures).toBe(1);
    expect(state.selectedId).toBeNull();
  });

  it('lists failures first, then passes, each in arrival order, in "all" mode', () => {
    const [p1, f1, p2, f2] = [makeEntry(), missingAllowOriginEntry(), makeEntry(), headerDisallowedEntry()];
    const state = setMode(applyEntries(initialState({ currentPageId: 1 }), [p1!, f1!, p2!, f2!]), 'all');
    expect(ids(deriveView(state).rows)).toEqual([f1!.id, f2!.id, p1!.id, p2!.id]);
  });

  it('replaces an updated entry in place', () => {
    const entry = makeEntry();
    let state = applyPortMessage(initialState({ currentPageId: 1, mode: 'all' }), { type: 'entry', entry });
    const failed = missingAllowOriginEntry({ id: entry.id });
    state = applyPortMessage(state, { type: 'entry', entry: failed });
    expect(state.entries.size).toBe(1);
    expect(deriveView(state).rows[0]!.verdict.rule).toBe('MissingAllowOriginHeader');
  });

  it('hides earlier pages after a navigation unless the log is preserved', () => {
    const old = missingAllowOriginEntry({ pageId: 1 });
    let state = applyPortMessage(initialState(), { type: 'snapshot', report: reportOf([old]) });
    state = select(state, old.id);
    state = applyPortMessage(state, { type: 'navigated', currentPageId: 2, url: 'http://127.0.0.1:5500/next' });
    const fresh = headerDisallowedEntry({ pageId: 2 });
    state = applyPortMessage(state, { type: 'entry', entry: fresh });
    expect(ids(deriveView(state).rows)).toEqual([fresh.id]);
    expect(state.selectedId).toBeNull();
    state = setPreserveLog(state, true);
    expect(ids(deriveView(state).rows)).toEqual([old.id, fresh.id]);
  });

  it('keeps the selection across a navigation when the log is preserved', () => {
    const old = missingAllowOriginEntry({ pageId: 1 });
    let state = setPreserveLog(applyPortMessage(initialState(), { type: 'snapshot', report: reportOf([old]) }), true);
    state = applyPortMessage(select(state, old.id), { type: 'navigated', currentPageId: 2, url: null });
    expect(deriveView(state).selected?.id).toBe(old.id);
  });

  it('takes the dropped count and notices of a "log" update, keeping its entries', () => {
    const entry = missingAllowOriginEntry();
    let state = applyPortMessage(initialState(), { type: 'snapshot', report: reportOf([entry]) });
    state = applyPortMessage(state, { type: 'log', dropped: 7, notices: ['7 older entries were dropped'] });
    expect({ dropped: state.dropped, notices: state.notices, size: state.entries.size }).toEqual({
      dropped: 7,
      notices: ['7 older entries were dropped'],
      size: 1,
    });
  });

  it('forgets everything on "cleared"', () => {
    const entry = missingAllowOriginEntry();
    let state = select(applyPortMessage(initialState(), { type: 'snapshot', report: reportOf([entry]) }), entry.id);
    state = applyPortMessage(state, { type: 'cleared' });
    expect(state.entries.size).toBe(0);
    expect(state.selectedId).toBeNull();
    expect(deriveView(state).rows).toEqual([]);
  });

  it('counts failures per rule, most frequent first, ignoring the text filter', () => {
    const entries = [missingAllowOriginEntry(), missingAllowOriginEntry(), headerDisallowedEntry(), networkErrorEntry(), makeEntry()];
    const state = setFilterText(applyEntries(initialState({ currentPageId: 1 }), entries), 'nothing-matches');
    const view = deriveView(state);
    expect(view.ruleCounts.map((r) => [r.key, r.count])).toEqual([
      ['MissingAllowOriginHeader', 2],
      ['HeaderDisallowedByPreflightResponse', 1],
      ['net::ERR_CONNECTION_REFUSED', 1],
    ]);
    expect(view.rows).toEqual([]);
  });

  it('narrows to one rule, and a second click on it widens again', () => {
    const a = missingAllowOriginEntry();
    const b = headerDisallowedEntry();
    let state = toggleRuleFilter(applyEntries(initialState({ currentPageId: 1 }), [a, b]), 'HeaderDisallowedByPreflightResponse');
    expect(ids(deriveView(state).rows)).toEqual([b.id]);
    state = toggleRuleFilter(state, 'HeaderDisallowedByPreflightResponse');
    expect(ids(deriveView(state).rows)).toEqual([a.id, b.id]);
  });

  it('filters by URL, rule name, and header name, case-insensitively, all terms required', () => {
    const preflighted = headerDisallowedEntry();
    const missing = missingAllowOriginEntry();
    const credentialed = wildcardCredentialsEntry();
    expect(matchesFilterText(preflighted, 'X-API-KEY')).toBe(false); // only a header value, not a name
    expect(matchesFilterText(preflighted, 'access-control-request-headers')).toBe(true);
    expect(matchesFilterText(missing, 'missingallow')).toBe(true);
    expect(matchesFilterText(missing, '/no-acao')).toBe(true);
    expect(matchesFilterText(credentialed, 'cookie login-redirect')).toBe(true);
    expect(matchesFilterText(credentialed, 'cookie nginx')).toBe(false);
    const state = setFilterText(applyEntries(initialState({ currentPageId: 1 }), [preflighted, missing, credentialed]), 'cookie');
    expect(ids(deriveView(state).rows)).toEqual([credentialed.id]);
  });

  it('moves the keyboard cursor within the visible rows and stops at both ends', () => {
    const rows = [missingAllowOriginEntry(), headerDisallowedEntry(), wildcardCredentialsEntry()];
    let state = initialState();
    state = moveFocus(state, rows, 1);
    expect(state.focusedId).toBe(rows[0]!.id);
    state = moveFocus(moveFocus(moveFocus(state, rows, 1), rows, 1), rows, 1);
    expect(state.focusedId).toBe(rows[2]!.id);
    state = moveFocus(state, rows, -Infinity);
    expect(state.focusedId).toBe(rows[0]!.id);
    expect(moveFocus(initialState(), rows, -1).focusedId).toBe(rows[2]!.id);
    expect(moveFocus(state, [], 1)).toBe(state);
  });

  it('notifies subscribers once per real change', () => {
    const store = new PanelStore();
    const seen: number[] = [];
    const unsubscribe = store.subscribe((s) => seen.push(s.entries.size));
    store.update((s) => applyEntries(s, [makeEntry()]));
    store.update((s) => s);
    unsubscribe();
    store.update((s) => applyEntries(s, [makeEntry()]));
    expect(seen).toEqual([1]);
  });

  // Speed is measured by `npm run bench -- panel`, not asserted here.
  it('filters a view of 10,000 entries down to exactly the matching rows', () => {
    const entries = Array.from({ length: 10_000 }, (_, i) => (i % 3 ? makeEntry() : missingAllowOriginEntry()));
    const state = setMode(applyEntries(initialState({ currentPageId: 1 }), entries), 'all');
    const all = deriveView(state);
    expect(all.rows).toHaveLength(10_000);
    const byRule = deriveView(setFilterText(state, 'MissingAllowOriginHeader'));
    expect(byRule.rows).toHaveLength(entries.filter((e) => e.verdict.rule === 'MissingAllowOriginHeader').length);
    expect(byRule.rows.every((row) => row.verdict.rule === 'MissingAllowOriginHeader')).toBe(true);
  });
});
