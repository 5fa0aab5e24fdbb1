/**
 * Page-side delivery of an export (panel and popup). The service worker has no DOM and no
 * URL.createObjectURL, so files and clipboard writes are made in the page that asked for them.
 */
import type { ExportResult } from '../shared/messages';
import type { ExportFormatInfo } from './formats';

/** Chromium reads a blob URL when the download starts, not at click time; give it a generous moment. */
const REVOKE_AFTER_MS = 60_000;

export function saveExportedFile(result: ExportResult): void {
  const blob = new Blob([result.text], { type: result.mimeType });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = result.filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  }
}

/** Hands the export to the user the way its format says: the clipboard or a download. */
export async function deliverExport(format: Pick<ExportFormatInfo, 'delivery'>, result: ExportResult): Promise<void> {
  if (format.delivery === 'clipboard') await copyExportedText(result);
  else saveExportedFile(result);
}

/**
 * The async Clipboard API needs a focused document, which a DevTools panel or a popup that just lost
 * focus may not be; the legacy copy command works from a user gesture in those cases.
 */
export async function copyExportedText(result: ExportResult): Promise<void> {
  try {
    await navigator.clipboard.writeText(result.text);
    return;
  } catch (clipboardError) {
    if (!copyWithSelection(result.text)) {
      throw clipboardError instanceof Error ? clipboardError : new Error('Could not copy to the clipboard');
    }
  }
}

function copyWithSelection(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.top = '-1000px';
  area.style.opacity = '0';
  document.body.append(area);
  const previousFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  try {
    area.select();
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
    previousFocus?.focus();
  }
}
