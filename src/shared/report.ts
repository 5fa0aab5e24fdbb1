/**
 * The report contract (schema version 1): what `getReport` returns, what the panel, the popup and
 * the exports read. docs/report.schema.json is its JSON Schema; keep the two in step.
 */
import type {
  CredentialsEvidenceHeader,
  ExchangeContext,
  HeaderList,
  ObservedPreflight,
  ObservedRedirect,
  ObservedResponse,
  ResourceType,
  Verdict,
} from '../engine/types';

export interface ReportEntry {
  /** Unique within the tab, stable across service-worker restarts. */
  id: string;
  /** Epoch milliseconds when the request started. */
  time: number;
  /** Epoch milliseconds when the exchange closed. */
  endTime: number;
  /** Sequence number of the page (top-level navigation) the request belongs to. */
  pageId: number;
  /** 0 for the tab's top-level document, a positive id for an iframe's, -1 for a worker's request (see fromWorker). */
  frameId: number;
  /** The URL of the document that made the request: the page for frame 0, the iframe's document for a subframe; null when unknown. */
  frameUrl: string | null;
  /**
   * Made by a service worker or a shared worker (Chromium gives their requests no tab: tabId -1), of
   * this tab's origin or of one of its frames'. Such entries are in the tab's report and its "Workers"
   * view, and do not count on the badge. A dedicated worker's requests belong to its document's frame.
   */
  fromWorker?: true;
  initiator: string | null;
  request: { url: string; method: string; type: ResourceType; headers: HeaderList | null };
  preflight: ObservedPreflight | null;
  redirects: ObservedRedirect[];
  response: ObservedResponse | null;
  error: string | null;
  fromCache: boolean;
  /** What the tab showed before that bears on this exchange (earlier preflight, echoed origins); absent when nothing did. */
  context?: ExchangeContext;
  /** Firefox only: a credentials header sent to an earlier URL of the chain and not to the last (ObservedExchange.credentialsBeforeRedirect). */
  credentialsBeforeRedirect?: CredentialsEvidenceHeader;
  verdict: Verdict;
  /**
   * True when the service worker restarted while the request was in flight and missed its first
   * events: request headers (and so credentials evidence) may be missing.
   */
  partial?: boolean;
  /** Values cut to keep the log inside the storage quota; empty or absent when nothing was cut. */
  truncated?: Truncation[];
}

/** One value that was cut: where it was (e.g. `response.headers[3].value`) and how long it was. */
export interface Truncation {
  path: string;
  /** Length before cutting: UTF-16 units for a string, lines for a header list. */
  originalLength: number;
}

export interface ReportSummary {
  total: number;
  failures: number;
  byRule: Record<string, number>;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: string; version: string };
  /** ISO 8601. */
  generatedAt: string;
  browser: { name: string; version: string } | null;
  tab: { id: number; url: string | null; title: string | null };
  /** The current page's sequence number: entries with another pageId came before the last navigation. */
  currentPageId: number;
  /** Entries dropped from this tab's log because it was full. */
  dropped: number;
  summary: ReportSummary;
  entries: ReportEntry[];
  /** Plain sentences about the log itself, e.g. that storage was full and old entries were dropped. */
  notices?: string[];
}
