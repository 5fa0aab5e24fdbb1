/** Pure formatting helpers for the panel: no DOM, no browser APIs, unit-tested. */
import type { HeaderList } from '../engine/types';
import { detectBrowser } from '../platform/browser-name';
import { failureName, type ShownBrowser } from '../shared/browser-names';
import type { ReportEntry } from '../shared/report';

/** The panel shows what this browser recorded: its names come first (Firefox's reason keys in Firefox). */
export const PANEL_BROWSER: ShownBrowser = detectBrowser();

/**
 * The Name column, as DevTools' Network panel shows it: the last path segment with the query
 * ("orders?page=2", "42", "api/" for a trailing slash), or the host for a bare origin.
 */
export function requestName(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const segments = parsed.pathname.split('/');
  const trailingSlash = segments.length > 2 && segments.at(-1) === '';
  const last = trailingSlash ? `${segments.at(-2)}/` : (segments.at(-1) ?? '');
  return `${last || parsed.host || url}${parsed.search}`;
}

/** The host (with a non-default port) shown beside the name; the scheme too when it is not http(s). */
export function requestHost(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '';
  }
}

export function truncateMiddle(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const keep = maxLength - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

/** Wall-clock time with milliseconds, as DevTools prints it in the console. */
export function formatClockTime(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** The status column: the HTTP status when a response arrived, else the reason there was none. */
export function formatStatus(entry: ReportEntry): string {
  if (entry.response) return String(entry.response.status);
  if (entry.preflight?.response && entry.verdict.stage === 'preflight') return `OPTIONS ${entry.preflight.response.status}`;
  if (entry.error) return entry.error.replace(/^net::/, '');
  return '(pending)';
}

export const TYPE_LABELS: Record<string, string> = {
  xmlhttprequest: 'fetch',
  main_frame: 'document',
  sub_frame: 'iframe',
  stylesheet: 'stylesheet',
  script: 'script',
  image: 'img',
  font: 'font',
  media: 'media',
  websocket: 'websocket',
  ping: 'ping',
  csp_report: 'csp',
  object: 'object',
  webbundle: 'webbundle',
  other: 'other',
};

export function formatType(type: string): string {
  return TYPE_LABELS[type] ?? type;
}

/** A failure for the list is anything that did not get through: a CORS block or a network error. */
export function isFailure(entry: ReportEntry): boolean {
  return entry.verdict.blocked || entry.verdict.kind === 'network-error';
}

/** Whether the engine raised any warning on the entry (hazards and cross-browser traps). */
export function hasWarnings(entry: ReportEntry): boolean {
  return (entry.verdict.warnings?.length ?? 0) > 0;
}

const SEVERITY_RANK = { high: 0, medium: 1, low: 2 } as const;

/** The most severe warning's severity, for the row marker; null without warnings. */
export function topWarningSeverity(entry: ReportEntry): 'high' | 'medium' | 'low' | null {
  let top: 'high' | 'medium' | 'low' | null = null;
  for (const warning of entry.verdict.warnings ?? []) {
    const severity = warning.severity ?? 'low';
    if (top === null || SEVERITY_RANK[severity] < SEVERITY_RANK[top]) top = severity;
  }
  return top;
}

/** The key a failure is counted and filtered under: this browser's name for it (see failureName), or the net error. */
export function ruleKeyOf(entry: ReportEntry, browser: ShownBrowser = PANEL_BROWSER): string | null {
  const { verdict } = entry;
  const name = failureName(verdict, browser);
  if (name) return name;
  if (verdict.kind === 'network-error') return verdict.networkError ?? entry.error ?? 'network error';
  return null;
}

export function verdictLabel(entry: ReportEntry): string {
  const { verdict } = entry;
  if (verdict.kind === 'passed') return plainText(verdict.title || 'Passed');
  if (verdict.kind === 'not-cors') return plainText(verdict.title || 'Not a CORS request');
  return plainText(verdict.title || verdict.rule || verdict.networkError || 'Failed');
}

/** Header names compared case-insensitively, as HTTP does. */
export function findHeader(headers: HeaderList | null | undefined, name: string): string | null {
  if (!headers) return null;
  const lower = name.toLowerCase();
  const values = headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
  return values.length ? values.join(', ') : null;
}

/** Names of the headers a verdict points at, lower-cased, for highlighting in the header tables. */
export function offendingHeaderNames(entry: ReportEntry): Set<string> {
  const names = new Set<string>();
  for (const observation of entry.verdict.observed) {
    if (/^[A-Za-z0-9-]+$/.test(observation.field) && observation.field.includes('-')) {
      names.add(observation.field.toLowerCase());
    }
  }
  const parameter = entry.verdict.failedParameter;
  if (entry.verdict.rule === 'HeaderDisallowedByPreflightResponse' && parameter) {
    names.add('access-control-allow-headers');
    names.add('access-control-request-headers');
  }
  if (entry.verdict.rule === 'MethodDisallowedByPreflightResponse') {
    names.add('access-control-allow-methods');
    names.add('access-control-request-method');
  }
  return names;
}

export interface TextRun {
  text: string;
  code: boolean;
}

/**
 * The engine marks header names and values in its prose with backticks, Markdown style. The panel
 * shows those runs in a code font; each run is still rendered as a text node, never parsed as markup.
 * An unpaired backtick stays literal.
 */
export function splitInlineCode(text: string): TextRun[] {
  const runs: TextRun[] = [];
  const pattern = /`([^`]+)`/g;
  let last = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match.index > last) runs.push({ text: text.slice(last, match.index), code: false });
    runs.push({ text: match[1]!, code: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) runs.push({ text: text.slice(last), code: false });
  return runs;
}

/** Prose without its backtick markers, for places that show plain text (list cells, tooltips). */
export function plainText(text: string): string {
  return splitInlineCode(text)
    .map((run) => run.text)
    .join('');
}
