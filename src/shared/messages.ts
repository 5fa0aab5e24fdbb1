/**
 * The message API between the service worker and its clients (panel, popup, tests).
 * A product contract: see docs/api.md.
 */
import type { Report, ReportEntry } from './report';

export type ExportFormat = 'markdown' | 'json' | 'har';

export type Request =
  | { type: 'getReport'; tabId: number }
  | { type: 'clearTab'; tabId: number }
  /** `stack`: the server stack id whose fix snippet the Markdown shows (the one picked last); default: each fix's first snippet. */
  | { type: 'exportReport'; tabId: number; format: ExportFormat; includeSecrets?: boolean; stack?: string };

export interface ExportResult {
  filename: string;
  mimeType: string;
  text: string;
}

/** Name of the long-lived port a panel opens with `browser.runtime.connect({ name })`. */
export const PANEL_PORT_NAME = 'cors-doctor-panel';

/** Panel → worker, first message on the port. */
export interface SubscribeMessage {
  type: 'subscribe';
  tabId: number;
}

/** Worker → panel. */
export type PortMessage =
  | { type: 'snapshot'; report: Report }
  | { type: 'entry'; entry: ReportEntry }
  /** The tab's log lost entries (full, or trimmed for storage): its dropped count and notices now. */
  | { type: 'log'; dropped: number; notices: string[] }
  | { type: 'navigated'; currentPageId: number; url: string | null }
  | { type: 'cleared' };
