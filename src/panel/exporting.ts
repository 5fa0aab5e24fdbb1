/**
 * Hands an export the worker built to the page-side helpers, as its format's registry entry says
 * (src/report/formats.ts): Markdown goes to the clipboard, JSON and HAR become downloads (the
 * worker has no URL.createObjectURL, so files are made here).
 */
import { deliverExport } from '../report/download';
import { reportExportFormat } from '../report/formats';
import type { ExportFormat, ExportResult } from '../shared/messages';

export async function saveExport(format: ExportFormat, result: ExportResult): Promise<void> {
  await deliverExport(reportExportFormat(format), result);
}
