/**
 * Opening a HAR in the panel: the file is read and judged in this page by the same importer the
 * CLI uses (src/har/import.ts), so nothing leaves the machine and no request is made.
 */
import { importHar } from '../har/import';
import type { Report } from '../shared/report';
import type { HarSource } from './App';

/** Files larger than this are refused rather than freezing the panel (DevTools HARs with bodies get big). */
export const MAX_HAR_BYTES = 200 * 1024 * 1024;

export async function readHarFile(file: File, tool: { name: string; version: string }): Promise<{ report: Report; source: HarSource }> {
  if (file.size > MAX_HAR_BYTES)
    throw new Error(
      `it is ${Math.round(file.size / 1024 / 1024)} MB; the panel opens HAR files up to ${MAX_HAR_BYTES / 1024 / 1024} MB (cors-doctor har reads any size)`,
    );
  const { report } = importHar(await file.text(), { source: file.name, tool });
  return { report, source: { kind: 'har', name: file.name, notices: report.notices ?? [] } };
}

/** The first file of a drop that looks like a HAR (by name or type), or the only file dropped. */
export function harFileOf(files: FileList | null | undefined): File | null {
  if (!files || files.length === 0) return null;
  for (const file of files) if (/\.har$/i.test(file.name) || file.type === 'application/json') return file;
  return files.length === 1 ? files[0]! : null;
}
