/**
 * Whose names a failure is shown under. A report recorded in Firefox leads with Firefox's reason
 * key (`CORSMissingAllowOrigin`, as in Firefox's console and MDN's error pages) and its console
 * text; one recorded in Chromium with Chromium's `Network.CorsError` name. Both say what the other
 * browser would say. The verdict keeps both (`rule`, `firefox`): only the order changes.
 */
import type { Verdict } from '../engine/types';
import type { Report } from './report';

export type ShownBrowser = 'chromium' | 'firefox';

/** The browser the report was recorded in (Chromium when it does not say). */
export function browserOfReport(report: Pick<Report, 'browser'>): ShownBrowser {
  return report.browser?.name === 'Firefox' ? 'firefox' : 'chromium';
}

/** The failure's name in the browser that saw it: Firefox's reason key there, else Chromium's rule. */
export function failureName(verdict: Pick<Verdict, 'rule' | 'firefox'>, browser: ShownBrowser): string | null {
  if (browser === 'firefox') return verdict.firefox?.key ?? verdict.rule;
  return verdict.rule;
}

export interface BrowserStatement {
  browser: 'Chromium' | 'Firefox';
  /** Chromium's CorsError name or Firefox's reason key. */
  name: string | null;
  /** The console text. */
  message: string;
}

/** What each browser's console says about the failure, the browser that saw it first. */
export function browserStatements(verdict: Pick<Verdict, 'rule' | 'firefox' | 'chromeMessage'>, browser: ShownBrowser): BrowserStatement[] {
  const chromium: BrowserStatement | null = verdict.chromeMessage ? { browser: 'Chromium', name: verdict.rule, message: verdict.chromeMessage } : null;
  const firefox: BrowserStatement | null = verdict.firefox ? { browser: 'Firefox', name: verdict.firefox.key, message: verdict.firefox.message } : null;
  const ordered = browser === 'firefox' ? [firefox, chromium] : [chromium, firefox];
  return ordered.filter((statement): statement is BrowserStatement => statement !== null);
}
