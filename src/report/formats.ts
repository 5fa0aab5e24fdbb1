/**
 * The export formats, in one registry: what each is called on its button, its MIME type and file
 * extension, and how it reaches the user (clipboard or download). The export code (export.ts)
 * reads the MIME types and extensions from here, the popup and the panel draw their buttons and
 * deliver the result from here, so a new format is one entry here plus its renderer in export.ts.
 *
 * Two scopes: a report format exports a whole tab (the worker builds it on `exportReport`, and the
 * panel renders it itself for an opened HAR); an entry format exports one exchange, from the
 * panel's detail pane.
 */
import type { ExportFormat } from '../shared/messages';

/** Formats of one entry (the panel's detail pane). */
export type EntryExportFormat = 'ticket' | 'curl';

export interface ExportFormatInfo<Id extends string = ExportFormat | EntryExportFormat> {
  id: Id;
  /** The format's name in status lines ("Markdown copied"). */
  name: string;
  /** The button's text. */
  label: string;
  /** The button's tooltip, where the label needs one. */
  title?: string;
  mimeType: string;
  /** The file name's extension, without the dot. */
  extension: string;
  /** Text goes to the clipboard; a file is downloaded. */
  delivery: 'clipboard' | 'download';
}

/** Whole-report formats, in the order their buttons appear. */
export const REPORT_EXPORT_FORMATS = [
  { id: 'markdown', name: 'Markdown', label: 'Copy Markdown', mimeType: 'text/markdown;charset=utf-8', extension: 'md', delivery: 'clipboard' },
  { id: 'json', name: 'JSON', label: 'Download JSON', mimeType: 'application/json;charset=utf-8', extension: 'json', delivery: 'download' },
  { id: 'har', name: 'HAR', label: 'Download HAR', mimeType: 'application/json;charset=utf-8', extension: 'har', delivery: 'download' },
] as const satisfies readonly ExportFormatInfo<ExportFormat>[];

/** One-entry formats of the panel's detail pane. */
export const ENTRY_EXPORT_FORMATS = {
  ticket: {
    id: 'ticket',
    name: 'Ticket',
    label: 'Copy as ticket',
    title: 'This failure alone as Markdown for a bug ticket',
    mimeType: 'text/markdown;charset=utf-8',
    extension: 'md',
    delivery: 'clipboard',
  },
  curl: {
    id: 'curl',
    name: 'curl',
    label: 'Copy curl',
    title: 'curl commands that reproduce it: the preflight, then the request',
    mimeType: 'text/x-shellscript;charset=utf-8',
    extension: 'sh',
    delivery: 'clipboard',
  },
} as const satisfies { [Id in EntryExportFormat]: ExportFormatInfo<Id> };

/** The registry entry of a whole-report format. */
export function reportExportFormat(id: ExportFormat): ExportFormatInfo<ExportFormat> {
  const info = REPORT_EXPORT_FORMATS.find((format) => format.id === id);
  if (!info) throw new Error(`Unknown export format: ${String(id)}`);
  return info;
}

/** Whether `value` names a whole-report format (a message from another context is not trusted). */
export function isReportExportFormat(value: unknown): value is ExportFormat {
  return REPORT_EXPORT_FORMATS.some((format) => format.id === value);
}
