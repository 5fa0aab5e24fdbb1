import { describe, expect, it } from 'vitest';
import { fixtureReport } from '../../test-support/report-fixtures';
import { exportEntry, exportReport } from './export';
import { ENTRY_EXPORT_FORMATS, isReportExportFormat, REPORT_EXPORT_FORMATS, reportExportFormat } from './formats';

describe('export format registry', () => {
  it('every report format exports with the MIME type and extension its entry names', () => {
    const report = fixtureReport();
    expect(REPORT_EXPORT_FORMATS.map((format) => format.id)).toEqual(['markdown', 'json', 'har']);
    for (const format of REPORT_EXPORT_FORMATS) {
      const result = exportReport(report, format.id);
      expect(result.mimeType).toBe(format.mimeType);
      expect(result.filename.endsWith(`.${format.extension}`)).toBe(true);
    }
  });

  it('every entry format exports one entry with its MIME type and extension', () => {
    const report = fixtureReport();
    const entry = report.entries.find((candidate) => candidate.verdict.blocked)!;
    for (const format of Object.values(ENTRY_EXPORT_FORMATS)) {
      const result = exportEntry(format.id, report, entry);
      expect(result.mimeType).toBe(format.mimeType);
      expect(result.filename.endsWith(`.${format.extension}`)).toBe(true);
    }
  });

  it('knows which names are report formats and refuses the rest', () => {
    expect(isReportExportFormat('har')).toBe(true);
    expect(isReportExportFormat('ticket')).toBe(false);
    expect(isReportExportFormat('toString')).toBe(false);
    expect(reportExportFormat('markdown').delivery).toBe('clipboard');
    expect(() => reportExportFormat('pdf' as never)).toThrow(/Unknown export format/);
  });
});
