/**
 * Firefox's own verdicts: the "Cross-Origin Request Blocked" lines of its web console. Over WebDriver
 * BiDi they arrive as `log.entryAdded` JavaScript-error entries, which puppeteer-core hands to
 * `page.on('pageerror')` (not `'console'`). One line per block, plus a second
 * `(Reason: CORS request did not succeed)` after a failed preflight. The texts are localized: the
 * profile must be en-US. Each line names the URL whose response failed (a redirect hop, or the
 * URL a preflight went to), so a scenario's lines are found by its tag in the URL.
 */
import type { Page } from 'puppeteer-core';
import { parseFirefoxBlockMessage, type FirefoxReasonKey, type ParsedFirefoxMessage } from '../../src/engine/firefox/reasons';

export interface FirefoxConsoleLine extends ParsedFirefoxMessage {
  text: string;
  /** Arrival order. */
  sequence: number;
}

/** What Firefox said about one request. */
export interface FirefoxVerdict {
  /**
   * `cors`: blocked with a CORS reason; `network-error`: only "CORS request did not succeed" (the
   * request failed below CORS, or Firefox refused it without a CORS reason); `pass`: no line and
   * the page got its response; `silent`: the page's request failed and the console said nothing
   * (Firefox refused it before any CORS check: its console cannot judge it).
   */
  outcome: 'pass' | 'cors' | 'network-error' | 'silent';
  key: FirefoxReasonKey | null;
  /** The console line of the deciding reason. */
  message: string | null;
  /** Every key Firefox printed for the request, in order. */
  keys: FirefoxReasonKey[];
}

export interface FirefoxOracle {
  /** Lines whose URL carries `tag` (a scenario's tag, hop tags included), in arrival order. */
  linesFor(tag: string): FirefoxConsoleLine[];
  /** Every parsed line so far. */
  all(): FirefoxConsoleLine[];
  /** Texts of console errors that were not CORS lines (for a report of unexpected output). */
  others(): string[];
  /** Resolves once no new line arrived for `quietMs` (lines trail the page's own promise). */
  settle(quietMs?: number): Promise<void>;
  stop(): void;
}

/** Whether `url` belongs to the scenario tagged `tag` (its hops are `tag.hopN`). */
export function urlHasTag(url: string, tag: string): boolean {
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    // Keep the raw URL.
  }
  const at = decoded.indexOf(tag);
  if (at === -1) return false;
  const next = decoded.charAt(at + tag.length);
  return next === '' || next === '?' || next === '#' || next === '/' || decoded.startsWith('.hop', at + tag.length);
}

export function recordFirefoxOracle(page: Page): FirefoxOracle {
  const lines: FirefoxConsoleLine[] = [];
  const others: string[] = [];
  let last = Date.now();
  const onError = (error: unknown) => {
    const text = error instanceof Error ? error.message : String(error);
    last = Date.now();
    const parsed = parseFirefoxBlockMessage(text);
    if (parsed) lines.push({ ...parsed, text, sequence: lines.length });
    else others.push(text);
  };
  page.on('pageerror', onError);
  return {
    linesFor: (tag) => lines.filter((line) => urlHasTag(line.url, tag)),
    all: () => [...lines],
    others: () => [...others],
    settle: async (quietMs = 600) => {
      // Console lines carry no "last one" marker and trail the page's promise: wait for a quiet
      // spell of quietMs, counted from the later of now and the last line.
      const since = Date.now();
      while (Date.now() - Math.max(last, since) < quietMs) await new Promise((resolve) => setTimeout(resolve, quietMs / 6));
    },
    stop: () => {
      page.off('pageerror', onError);
    },
  };
}

/** Firefox's verdict from the lines it printed for one request. */
export function firefoxVerdictOf(lines: readonly FirefoxConsoleLine[], pageOk = true): FirefoxVerdict {
  const keys = lines.map((line) => line.key);
  const deciding = lines.find((line) => line.key !== 'CORSDidNotSucceed');
  if (deciding) return { outcome: 'cors', key: deciding.key, message: deciding.text, keys };
  const didNotSucceed = lines[0];
  if (didNotSucceed) return { outcome: 'network-error', key: didNotSucceed.key, message: didNotSucceed.text, keys };
  return { outcome: pageOk ? 'pass' : 'silent', key: null, message: null, keys };
}
