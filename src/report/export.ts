/**
 * The one entry point of every export (service worker, panel, popup, tests). Pure: the same report
 * gives byte-identical output, so exports can be golden-tested and diffed between runs.
 */
import type { ExportFormat, ExportResult } from '../shared/messages';
import type { Report } from '../shared/report';
import { buildHar } from './har';
import { orderedEntries, renderMarkdown } from './markdown';
import { redactReport } from './redact';

export interface ExportOptions {
  /** Keep cookies, credentials and secret-looking URL parameters. Off unless the user asks. */
  includeSecrets?: boolean;
  /** The browser to name when the report does not (the report's own value wins). */
  browser?: { name: string; version: string } | null;
  /** The time the export stands for (ISO string or epoch ms); defaults to the report's generatedAt. */
  now?: string | number;
}

export const EXPORT_MIME_TYPES: Record<ExportFormat, string> = {
  markdown: 'text/markdown;charset=utf-8',
  json: 'application/json;charset=utf-8',
  har: 'application/json;charset=utf-8',
};

const EXTENSIONS: Record<ExportFormat, string> = { markdown: 'md', json: 'json', har: 'har' };

function isoTime(value: string | number): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}

/** A filename safe on every OS: `cors-doctor-<host>-<time>.<ext>`. */
export function exportFilename(report: Report, format: ExportFormat, time: string): string {
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
  return `cors-doctor-${safeHost}-${safeTime}.${EXTENSIONS[format]}`;
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
      text = redactor.text(renderMarkdown(visible, { browser: visible.browser, time, redacted: redactor.enabled }));
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
