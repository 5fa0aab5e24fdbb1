/** The panel: toolbar, rule counts, the request list and the detail pane side by side. */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { REPORT_EXPORT_FORMATS, reportExportFormat } from '../report/formats';
import type { ExportFormat } from '../shared/messages';
import type { ConnectionStatus } from './connection';
import { watchSummary, type TabWatch } from '../shared/watch';
import type { ReportEntry } from '../shared/report';
import { DetailPane, type EntryCopy } from './DetailPane';
import { RequestList } from './RequestList';
import { deriveView, focus, moveFocus, select, setFilterText, setMode, setPreserveLog, toggleRuleFilter, type PanelState, type PanelStore } from './store';

export interface PanelActions {
  clear(): Promise<void>;
  /** Null when the panel already is a tab. */
  openInTab: (() => Promise<void>) | null;
  exportReport(format: ExportFormat, includeSecrets: boolean): Promise<void>;
  copy(text: string): Promise<void>;
  /** One exchange's ticket or curl to the clipboard, redacted unless `includeSecrets`. */
  copyEntry(kind: EntryCopy, entry: ReportEntry, includeSecrets: boolean): Promise<void>;
  /** Shows a HAR file's diagnosis instead of the live tab; null where the panel does not offer it (inside DevTools). */
  openHar?: ((file: File) => Promise<void>) | null;
  /** What the worker watches for this tab (full capture or only counted), shown in the status bar. */
  loadWatch?: () => Promise<TabWatch>;
}

/** What the panel shows when it is not the live log of a tab. */
export interface HarSource {
  kind: 'har';
  name: string;
  /** What the HAR cannot show, and how it was read (the report's notices). */
  notices: readonly string[];
}

export interface AppProps {
  tabId: number;
  store: PanelStore;
  actions: PanelActions;
  connectionStatus: ConnectionStatus;
  /** Set once a HAR file was opened: the list shows its exchanges, and nothing is live. */
  source?: HarSource | null;
  /** A message from outside the app for the status bar, e.g. why a dropped file could not be opened. */
  statusMessage?: string;
}

function useStoreState(store: PanelStore): PanelState {
  const [state, setState] = useState(store.get());
  useEffect(() => {
    setState(store.get());
    return store.subscribe(setState);
  }, [store]);
  return state;
}

const SPLIT_STORAGE_KEY = 'cors-doctor.listWidthPercent';

/** Polls what is watched for the tab, while the panel shows the live tab. */
function useWatch(loadWatch: (() => Promise<TabWatch>) | undefined, live: boolean): TabWatch | null {
  const [watch, setWatch] = useState<TabWatch | null>(null);
  useEffect(() => {
    if (!loadWatch || !live) return;
    let stopped = false;
    const refresh = () =>
      loadWatch().then(
        (value) => !stopped && setWatch(value),
        () => {},
      );
    void refresh();
    const timer = setInterval(refresh, WATCH_REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [loadWatch, live]);
  return watch;
}

const WATCH_REFRESH_MS = 2_000;

export function App({ tabId, store, actions, connectionStatus, source = null, statusMessage = '' }: AppProps) {
  const watch = useWatch(actions.loadWatch, source === null);
  const state = useStoreState(store);
  const view = useMemo(() => deriveView(state), [state]);
  const [exportStatus, setExportStatus] = useState('');
  const [includeSecrets, setIncludeSecrets] = useState(false);

  async function runExport(format: ExportFormat) {
    setExportStatus('');
    try {
      await actions.exportReport(format, includeSecrets);
      const info = reportExportFormat(format);
      setExportStatus(info.delivery === 'clipboard' ? `${info.name} copied` : 'Download started');
    } catch (error) {
      setExportStatus(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function openHarFile(file: File | undefined) {
    if (!file || !actions.openHar) return;
    setExportStatus('');
    try {
      await actions.openHar(file);
    } catch (error) {
      setExportStatus(`Could not open ${file.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const emptyMessage =
    state.entries.size === 0 && source
      ? `${source.name} has no cross-origin CORS requests.`
      : state.entries.size === 0
        ? 'No cross-origin requests yet. Reload the page or trigger the request to record it.'
        : state.mode === 'failures' && view.failures === 0
          ? `No failures: ${view.total} cross-origin request${view.total === 1 ? '' : 's'} passed. Switch to All to see them.`
          : state.mode === 'warnings' && view.warned === 0
            ? 'No warnings: nothing risky seen on the requests of this page.'
            : 'No request matches the filter.';

  return (
    <div class="panel">
      <div class="toolbar" role="toolbar" aria-label="Request log">
        <button type="button" class="tool-button" aria-label="Clear" title="Clear the log of this tab" onClick={() => void actions.clear()}>
          <span aria-hidden="true" class="icon-clear" />
          Clear
        </button>
        <label class="tool-check" title="Keep entries across page loads">
          <input type="checkbox" checked={state.preserveLog} onChange={(e) => store.update((s) => setPreserveLog(s, e.currentTarget.checked))} />
          Preserve log
        </label>
        <span class="tool-divider" aria-hidden="true" />
        <input
          class="filter-input"
          type="search"
          placeholder="Filter URL, rule, header"
          aria-label="Filter by URL, rule or header name"
          value={state.filterText}
          onInput={(e) => store.update((s) => setFilterText(s, e.currentTarget.value))}
        />
        <div class="segmented" role="radiogroup" aria-label="Show">
          {/* "Workers" appears once the tab's service or shared workers made a request (or while it is picked). */}
          {(['failures', 'warnings', 'all', 'workers'] as const)
            .filter((mode) => mode !== 'workers' || view.workers > 0 || state.mode === 'workers')
            .map((mode) => (
              <button
                key={mode}
                type="button"
                role="radio"
                aria-checked={state.mode === mode}
                class={state.mode === mode ? 'segment is-active' : 'segment'}
                onClick={() => store.update((s) => setMode(s, mode))}
              >
                {mode === 'failures'
                  ? `Failures (${view.failures})`
                  : mode === 'warnings'
                    ? `Warnings (${view.warned})`
                    : mode === 'workers'
                      ? `Workers (${view.workers})`
                      : `All (${view.total})`}
              </button>
            ))}
        </div>
        <span class="tool-spacer" />
        <div class="export-group" role="group" aria-label="Export">
          {REPORT_EXPORT_FORMATS.map((format) => (
            <button type="button" key={format.id} class="tool-button" onClick={() => void runExport(format.id)}>
              {format.label}
            </button>
          ))}
          <label class="tool-check" title="Cookies, Authorization and other credentials are redacted unless this is on">
            <input type="checkbox" checked={includeSecrets} onChange={(e) => setIncludeSecrets(e.currentTarget.checked)} />
            Include secrets
          </label>
        </div>
        {actions.openHar && (
          <>
            <span class="tool-divider" aria-hidden="true" />
            <label
              class="tool-button open-har"
              title="Diagnose a HAR file from Chrome or Firefox DevTools (or drop one on the panel); nothing is sent anywhere"
            >
              <input
                type="file"
                accept=".har,application/json"
                class="visually-hidden"
                aria-label="Open HAR file"
                onChange={(e) => {
                  const input = e.currentTarget;
                  void openHarFile(input.files?.[0]).finally(() => (input.value = ''));
                }}
              />
              Open HAR
            </label>
          </>
        )}
        {actions.openInTab && (
          <>
            <span class="tool-divider" aria-hidden="true" />
            <button type="button" class="tool-button" title="Open this panel in a browser tab" onClick={() => void actions.openInTab?.()}>
              Open in tab
            </button>
          </>
        )}
      </div>

      {source && (
        <div class="har-notices" role="note" aria-label="About this HAR">
          <strong>{source.name}</strong>
          <ul>
            {source.notices.map((notice) => (
              <li key={notice}>{notice}</li>
            ))}
          </ul>
        </div>
      )}

      {view.ruleCounts.length > 0 && (
        <div class="rule-bar" role="group" aria-label="Failures per rule">
          {view.ruleCounts.map((rule) => (
            <button
              key={rule.key}
              type="button"
              class={state.ruleFilter === rule.key ? 'rule-chip is-active' : 'rule-chip'}
              aria-pressed={state.ruleFilter === rule.key}
              title={`${rule.title}: show only these`}
              onClick={() => store.update((s) => toggleRuleFilter(s, rule.key))}
            >
              <span class="rule-chip-name">{rule.key}</span>
              <span class="rule-chip-count">{rule.count}</span>
            </button>
          ))}
        </div>
      )}

      <SplitView
        list={
          <RequestList
            rows={view.rows}
            focusedId={state.focusedId}
            selectedId={state.selectedId}
            emptyMessage={emptyMessage}
            onFocusRow={(id) => store.update((s) => focus(s, id))}
            onOpenRow={(id) => store.update((s) => select(s, id))}
            onMove={(delta) => store.update((s) => moveFocus(s, view.rows, delta))}
          />
        }
        detail={
          view.selected ? (
            <DetailPane
              key={view.selected.id}
              entry={view.selected}
              copy={actions.copy}
              copyEntry={(kind, entry) => actions.copyEntry(kind, entry, includeSecrets)}
            />
          ) : (
            <div class="detail-empty">Select a request (click, or arrows and Enter) to see why it was blocked and how to fix the server.</div>
          )
        }
      />

      {state.notices.length > 0 && (
        <ul class="log-notices" role="alert" data-testid="log-notices">
          {state.notices.map((notice) => (
            <li key={notice}>{notice}</li>
          ))}
        </ul>
      )}

      <div class="status-bar" role="status" aria-live="polite">
        <span>
          {view.rows.length} shown · {view.total} request{view.total === 1 ? '' : 's'} · {view.failures} failure{view.failures === 1 ? '' : 's'}
          {state.dropped > 0 && ` · ${state.dropped} dropped (log full)`}
        </span>
        <span>{exportStatus || statusMessage}</span>
        {!source && watch && (
          <span class={`watch-line ${watch.watched ? '' : 'is-waiting'}`} data-testid="panel-watch" data-watched={watch.watched}>
            {watchSummary(watch)}
            {!watch.watched && watch.suspected > 0 && ` ${watch.suspected} suspected: switch watching on in the toolbar popup and reload.`}
          </span>
        )}
        {source ? (
          <span class="connection">HAR file · {source.name} · offline</span>
        ) : (
          <span class={connectionStatus === 'connected' ? 'connection' : 'connection is-waiting'}>
            tab {tabId} · {connectionStatus === 'connected' ? 'live' : connectionStatus === 'connecting' ? 'connecting…' : 'reconnecting…'}
          </span>
        )}
      </div>
    </div>
  );
}

function SplitView({ list, detail }: { list: ComponentChildren; detail: ComponentChildren }) {
  const [listPercent, setListPercent] = useState(() => {
    const saved = Number(localStorage.getItem(SPLIT_STORAGE_KEY));
    return saved >= 15 && saved <= 85 ? saved : 50;
  });
  const containerRef = useRef<HTMLDivElement>(null);

  function commit(percent: number) {
    const clamped = Math.min(85, Math.max(15, percent));
    setListPercent(clamped);
    localStorage.setItem(SPLIT_STORAGE_KEY, String(Math.round(clamped)));
  }

  function onPointerDown(event: PointerEvent) {
    const container = containerRef.current;
    if (!container) return;
    const handle = event.currentTarget as HTMLElement;
    handle.setPointerCapture(event.pointerId);
    const bounds = container.getBoundingClientRect();
    const onMove = (move: PointerEvent) => commit(((move.clientX - bounds.left) / bounds.width) * 100);
    const onUp = () => {
      handle.removeEventListener('pointermove', onMove);
      handle.removeEventListener('pointerup', onUp);
    };
    handle.addEventListener('pointermove', onMove);
    handle.addEventListener('pointerup', onUp);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'ArrowLeft') commit(listPercent - 5);
    else if (event.key === 'ArrowRight') commit(listPercent + 5);
    else return;
    event.preventDefault();
  }

  return (
    <div class="split" ref={containerRef} style={{ gridTemplateColumns: `${listPercent}% 5px minmax(0, 1fr)` }}>
      <div class="split-list">{list}</div>
      <div
        class="split-handle"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the list and the details"
        aria-valuemin={15}
        aria-valuemax={85}
        aria-valuenow={Math.round(listPercent)}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
      />
      <div class="split-detail">{detail}</div>
    </div>
  );
}
