/**
 * Hands an export the worker built to the page-side helpers: Markdown goes to the clipboard, JSON
 * and HAR become downloads (the worker has no URL.createObjectURL, so files are made here).
 */
import { copyExportedText, saveExportedFile } from '../report/download';
import type { ExportFormat, ExportResult } from '../shared/messages';

export async function saveExport(format: ExportFormat, result: ExportResult): Promise<void> {
  if (format === 'markdown') await copyExportedText(result);
  else saveExportedFile(result);
}
