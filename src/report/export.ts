/**
 * The one entry point of every export (service worker, panel, popup, tests). Pure: the same report
 * gives byte-identical output, so exports can be golden-tested and diffed between runs.
 */
import type { ExportFormat, ExportResult } from '../shared/messages';
import type { Report, ReportEntry } from '../shared/report';
import { curlReproductions } from './curl';
import { buildHar } from './har';
import { orderedEntries, renderMarkdown, renderTicket } from './markdown';
import { ENTRY_EXPORT_FORMATS, REPORT_EXPORT_FORMATS, reportExportFormat, type EntryExportFormat } from './formats';
import { redactReport, REDACTED } from './redact';

export interface ExportOptions {
  /** Keep cookies, credentials and secret-looking URL parameters. Off unless the user asks. */
  includeSecrets?: boolean;
  /** The browser to name when the report does not (the report's own value wins). */
  browser?: { name: string; version: string } | null;
  /** The time the export stands for (ISO string or epoch ms); defaults to the report's generatedAt. */
  now?: string | number;
  /** The stack id whose fix snippet the Markdown shows (the one the user picked last); default: the first snippet. */
  stack?: string;
}

/** Each report format's MIME type, from the format registry (formats.ts). */
export const EXPORT_MIME_TYPES = Object.fromEntries(REPORT_EXPORT_FORMATS.map((format) => [format.id, format.mimeType])) as Record<ExportFormat, string>;

function isoTime(value: string | number): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}

/** A filename safe on every OS: `cors-doctor-<host>-<time>.<ext>`; `format` is a report format or an extension. */
export function exportFilename(report: Report, format: ExportFormat | { extension: string }, time: string): string {
  let host = 'tab';
  if (report.tab.url) {
    try {
      host = new URL(report.tab.url).host || 'tab';
    } catch {
      // An unparsable tab URL (about:blank, a view-source:) just gets the generic name.
    }
  }
  const safeHost = host.replace(/[^a-z0-9.-]+/gi, '-').replace(/^-+|-+$/g, '') || 'tab';
  const safeTime = time.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const extension = typeof format === 'string' ? reportExportFormat(format).extension : format.extension;
  return `cors-doctor-${safeHost}-${safeTime}.${extension}`;
}

export function exportReport(report: Report, format: ExportFormat, options: ExportOptions = {}): ExportResult {
  const time = isoTime(options.now ?? report.generatedAt);
  const withBrowser: Report = {
    ...report,
    browser: report.browser ?? options.browser ?? null,
    entries: orderedEntries(report.entries),
  };
  const { report: visible, redactor } = redactReport(withBrowser, { includeSecrets: options.includeSecrets });
  let text: string;
  switch (format) {
    case 'markdown':
      // Rendered from the redacted report; the finished text is not swept, so the tool's own words stay as written.
      text = renderMarkdown(visible, { browser: visible.browser, time, redacted: redactor.enabled, stack: options.stack });
      break;
    case 'json':
      text = `${JSON.stringify(visible, null, 2)}\n`;
      break;
    case 'har':
      text = `${JSON.stringify(buildHar(visible, withBrowser, redactor), null, 2)}\n`;
      break;
    default: {
      const unknown: never = format;
      throw new Error(`Unknown export format: ${String(unknown)}`);
    }
  }
  return { filename: exportFilename(report, format, time), mimeType: EXPORT_MIME_TYPES[format], text };
}

/** The report cut down to one entry, redacted as a whole export would be. */
function redactedEntry(report: Report, entry: ReportEntry, options: ExportOptions): { visible: Report; enabled: boolean } {
  const single: Report = { ...report, browser: report.browser ?? options.browser ?? null, entries: [entry] };
  const { report: visible, redactor } = redactReport(single, { includeSecrets: options.includeSecrets });
  return { visible, enabled: redactor.enabled };
}

/**
 * "Copy as ticket": one failure as Markdown of its own (under TICKET_BUDGET characters), redacted
 * unless `includeSecrets`. `report` gives the page, browser and tool lines; `entry` need not be in it.
 */
export function exportTicket(report: Report, entry: ReportEntry, options: ExportOptions = {}): ExportResult {
  const time = isoTime(options.now ?? report.generatedAt);
  const { visible, enabled } = redactedEntry(report, entry, options);
  const text = renderTicket(visible, visible.entries[0]!, { browser: visible.browser, time, redacted: enabled, stack: options.stack });
  const { ticket } = ENTRY_EXPORT_FORMATS;
  return { filename: exportFilename(report, ticket, time), mimeType: ticket.mimeType, text };
}

/**
 * "Copy curl": the minimal reproduction of one exchange, the preflight first, as one sh script.
 * Redacted unless `includeSecrets`; a redacted value then says so in a comment.
 */
export function exportCurl(report: Report, entry: ReportEntry, options: ExportOptions = {}): ExportResult {
  const time = isoTime(options.now ?? report.generatedAt);
  const { visible, enabled } = redactedEntry(report, entry, options);
  const reproductions = curlReproductions(visible.entries[0]!);
  const parts = reproductions.map((r) => [`# ${r.label}`, ...r.notes.map((note) => `# ${note.replace(/[\r\n]+/g, ' ')}`), r.command].join('\n'));
  if (enabled && reproductions.some((r) => r.command.includes(REDACTED))) {
    parts.push(`# Values shown as ${REDACTED} were removed; put real ones back to reproduce an authenticated request.`);
  }
  const { curl } = ENTRY_EXPORT_FORMATS;
  return { filename: exportFilename(report, curl, time), mimeType: curl.mimeType, text: `${parts.join('\n\n')}\n` };
}

/** One entry in an entry format of the registry (formats.ts): what the panel's detail pane copies. */
export function exportEntry(format: EntryExportFormat, report: Report, entry: ReportEntry, options: ExportOptions = {}): ExportResult {
  switch (format) {
    case 'ticket':
      return exportTicket(report, entry, options);
    case 'curl':
      return exportCurl(report, entry, options);
    default: {
      const unknown: never = format;
      throw new Error(`Unknown entry export format: ${String(unknown)}`);
    }
  }
}
