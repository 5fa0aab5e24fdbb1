/**
 * The request list: a grid that renders only the rows in view (fixed row height), so ten thousand
 * entries cost what forty do. Keyboard focus stays on the grid; the cursor row is announced through
 * aria-activedescendant.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ReportEntry } from '../shared/report';
import { failureName } from '../shared/browser-names';
import {
  formatClockTime,
  formatDuration,
  formatStatus,
  formatType,
  isFailure,
  PANEL_BROWSER,
  requestHost,
  requestName,
  topWarningSeverity,
  verdictLabel,
} from './format';

export const ROW_HEIGHT = 20;
const OVERSCAN_ROWS = 8;

export interface RequestListProps {
  rows: readonly ReportEntry[];
  focusedId: string | null;
  selectedId: string | null;
  onFocusRow(id: string): void;
  onOpenRow(id: string): void;
  onMove(delta: number): void;
  emptyMessage: string;
}

export function rowDomId(id: string): string {
  return `request-row-${id}`;
}

export function RequestList({ rows, focusedId, selectedId, onFocusRow, onOpenRow, onMove, emptyMessage }: RequestListProps) {
  const viewportRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(600);

  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    if (!viewport) return;
    setViewportHeight(viewport.clientHeight);
    const observer = new ResizeObserver(() => setViewportHeight(viewport.clientHeight));
    observer.observe(viewport);
    return () => observer.disconnect();
  }, []);

  const focusedIndex = focusedId === null ? -1 : rows.findIndex((row) => row.id === focusedId);

  // Keep the cursor row in view as the keyboard moves it.
  useEffect(() => {
    const viewport = viewportRef.current;
    if (!viewport || focusedIndex < 0) return;
    const top = focusedIndex * ROW_HEIGHT;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
    setScrollTop(viewport.scrollTop);
  }, [focusedIndex]);

  const pageRows = Math.max(1, Math.floor(viewportHeight / ROW_HEIGHT) - 1);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN_ROWS);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewportHeight) / ROW_HEIGHT) + OVERSCAN_ROWS);
  const visible = rows.slice(first, last);

  function onKeyDown(event: KeyboardEvent) {
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: pageRows,
      PageUp: -pageRows,
      Home: -Infinity,
      End: Infinity,
    };
    const delta = moves[event.key];
    if (delta !== undefined) {
      event.preventDefault();
      onMove(delta);
    } else if ((event.key === 'Enter' || event.key === ' ') && focusedId !== null) {
      event.preventDefault();
      onOpenRow(focusedId);
    }
  }

  return (
    <div
      class="request-list"
      role="grid"
      aria-label="Cross-origin requests"
      aria-rowcount={rows.length + 1}
      aria-colcount={6}
      aria-activedescendant={focusedIndex >= 0 ? rowDomId(focusedId!) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div class="list-row list-header" role="row" aria-rowindex={1}>
        <span role="columnheader" class="cell-method">
          Method
        </span>
        <span role="columnheader" class="cell-url">
          Name
        </span>
        <span role="columnheader" class="cell-status">
          Status
        </span>
        <span role="columnheader" class="cell-verdict">
          Verdict
        </span>
        <span role="columnheader" class="cell-type">
          Type
        </span>
        <span role="columnheader" class="cell-time">
          Time
        </span>
      </div>
      <div class="list-viewport" ref={viewportRef} onScroll={(event) => setScrollTop((event.currentTarget as HTMLDivElement).scrollTop)}>
        {rows.length === 0 ? (
          <div class="list-empty">{emptyMessage}</div>
        ) : (
          <div class="list-spacer" style={{ height: `${rows.length * ROW_HEIGHT}px` }}>
            <div class="list-window" style={{ transform: `translateY(${first * ROW_HEIGHT}px)` }}>
              {visible.map((entry, offset) => (
                <RequestRow
                  key={entry.id}
                  entry={entry}
                  rowIndex={first + offset}
                  focused={entry.id === focusedId}
                  selected={entry.id === selectedId}
                  onClick={() => onOpenRow(entry.id)}
                  onMouseDown={() => onFocusRow(entry.id)}
                />
              ))}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

interface RequestRowProps {
  entry: ReportEntry;
  rowIndex: number;
  focused: boolean;
  selected: boolean;
  onClick(): void;
  onMouseDown(): void;
}

function RequestRow({ entry, rowIndex, focused, selected, onClick, onMouseDown }: RequestRowProps) {
  const failed = isFailure(entry);
  const classes = ['list-row', failed ? (entry.verdict.blocked ? 'is-blocked' : 'is-network-error') : 'is-passed'];
  if (focused) classes.push('is-focused');
  if (selected) classes.push('is-selected');
  const warning = topWarningSeverity(entry);
  if (warning) classes.push('has-warnings');
  const verdict = verdictLabel(entry);
  const name = failureName(entry.verdict, PANEL_BROWSER);
  return (
    <div
      id={rowDomId(entry.id)}
      class={classes.join(' ')}
      role="row"
      aria-rowindex={rowIndex + 2}
      aria-selected={selected}
      onClick={onClick}
      onMouseDown={onMouseDown}
    >
      <span role="gridcell" class="cell-method">
        {entry.request.method}
      </span>
      <span role="gridcell" class="cell-url" title={entry.request.url}>
        <span class="url-name">{requestName(entry.request.url)}</span>
        <span class="url-host">{requestHost(entry.request.url)}</span>
        <MadeByChip entry={entry} />
      </span>
      <span role="gridcell" class="cell-status">
        {formatStatus(entry)}
      </span>
      <span role="gridcell" class="cell-verdict" title={name ? `${name}: ${verdict}` : verdict}>
        {warning && <WarningMarker severity={warning} count={entry.verdict.warnings.length} />}
        {verdict}
      </span>
      <span role="gridcell" class="cell-type">
        {formatType(entry.request.type)}
      </span>
      <span role="gridcell" class="cell-time" title={`took ${formatDuration(entry.endTime - entry.time)}`}>
        {formatClockTime(entry.time)}
      </span>
    </div>
  );
}

/** Who made the request when it was not the page itself: an iframe (its URL on hover) or a worker. */
function MadeByChip({ entry }: { entry: ReportEntry }) {
  if (entry.fromWorker) {
    return (
      <span class="made-by is-worker" title={`Made by a service worker or shared worker of ${entry.initiator ?? 'this origin'}`}>
        worker
      </span>
    );
  }
  if (entry.frameId <= 0) return null;
  return (
    <span class="made-by is-frame" title={`Made by the iframe ${entry.frameUrl ?? '(URL unknown)'}`}>
      frame
    </span>
  );
}

/** The row's warning marker: a severity-coloured sign, announced with the count and severity. */
function WarningMarker({ severity, count }: { severity: 'high' | 'medium' | 'low'; count: number }) {
  const label = `${count} warning${count === 1 ? '' : 's'}, ${severity} severity`;
  return (
    <span class={`warning-marker is-${severity}`} role="img" aria-label={label} title={label}>
      !
    </span>
  );
}
