/**
 * From a closed exchange to a stored report entry: judge it (never losing the exchange when the
 * engine throws on hostile input), and cap what could blow the storage quota, saying what was cut.
 */
import { couldNotJudgeVerdict } from '../engine/could-not-judge';
import type { HeaderLine, ObservedExchange, Verdict } from '../engine/types';
import type { ReportEntry, Truncation } from '../shared/report';
import type { ClosedExchange } from './assembler';

export type Judge = (exchange: ObservedExchange) => Verdict;

export interface EntryLimits {
  /** Longest header value kept, in UTF-16 units. */
  maxHeaderValue: number;
  /** Most header lines kept per list. */
  maxHeaderLines: number;
  /** Longest URL or other string kept. */
  maxString: number;
}

export const DEFAULT_ENTRY_LIMITS: EntryLimits = { maxHeaderValue: 4096, maxHeaderLines: 200, maxString: 8192 };

/** The entry without what only the store knows (id, page). */
export type EntryDraft = Omit<ReportEntry, 'id' | 'pageId'>;

/**
 * What the store keeps of a verdict: the fields the badge, the summary and a quick look need. The
 * rest (explanation, observed values, fix snippets: most of an entry's bytes) is recomputed on read
 * from the stored exchange, which the engine judges deterministically.
 */
export type VerdictSummary = Pick<Verdict, 'kind' | 'blocked' | 'rule' | 'failedParameter' | 'stage' | 'hopIndex' | 'title' | 'confidence'> & {
  summaryOnly: true;
};

/** An entry as stored: its verdict whole when anything was cut (re-judging would differ), else summarised. */
export type StoredEntry = Omit<ReportEntry, 'verdict'> & { verdict: Verdict | VerdictSummary };
export type StoredDraft = Omit<StoredEntry, 'id' | 'pageId'>;

export function summarizeVerdict(verdict: Verdict): VerdictSummary {
  return {
    kind: verdict.kind,
    blocked: verdict.blocked,
    rule: verdict.rule,
    failedParameter: verdict.failedParameter,
    stage: verdict.stage,
    hopIndex: verdict.hopIndex,
    title: verdict.title,
    confidence: verdict.confidence,
    summaryOnly: true,
  };
}

function isSummary(verdict: Verdict | VerdictSummary): verdict is VerdictSummary {
  return (verdict as VerdictSummary).summaryOnly === true;
}

/** The stored form of an entry built with `buildEntryDraft`. */
export function toStoredDraft(draft: EntryDraft): StoredDraft {
  if (draft.truncated && draft.truncated.length > 0) return draft;
  return { ...draft, verdict: summarizeVerdict(draft.verdict) };
}

/** The engine's input, back from a stored entry. */
export function exchangeOfEntry(entry: StoredEntry): ObservedExchange {
  return {
    initiator: entry.initiator,
    request: entry.request,
    preflight: entry.preflight,
    redirects: entry.redirects,
    response: entry.response,
    outcome: entry.error === null ? { kind: 'completed' } : { kind: 'error', error: entry.error },
    fromCache: entry.fromCache,
    ...(entry.context ? { context: entry.context } : {}),
    ...(entry.credentialsBeforeRedirect ? { credentialsBeforeRedirect: entry.credentialsBeforeRedirect } : {}),
    ...(entry.partial ? { partial: true } : {}),
  };
}

/**
 * The report entry of a stored one: a summarised verdict is judged again. Should the engine ever
 * disagree with what was stored (it is deterministic, so only a bug would do that), the stored
 * fields win, so the badge, the summary and the entry never contradict each other.
 */
export function expandEntry(entry: StoredEntry, judge: Judge): ReportEntry {
  const stored = entry.verdict;
  if (!isSummary(stored)) return entry as ReportEntry;
  const { summaryOnly: _, ...summary } = stored;
  const verdict = judgeSafely(judge, exchangeOfEntry(entry));
  return { ...entry, verdict: { ...verdict, ...summary } };
}

export function judgeSafely(judge: Judge, exchange: ObservedExchange): Verdict {
  try {
    return judge(exchange);
  } catch (error) {
    // The engine's one "could not judge" verdict: what the browser did, never a CORS block.
    return couldNotJudgeVerdict(exchange, error);
  }
}

export function buildEntryDraft(closed: ClosedExchange, verdict: Verdict, frameUrl: string | null, limits: EntryLimits = DEFAULT_ENTRY_LIMITS): EntryDraft {
  const { exchange } = closed;
  const truncated: Truncation[] = [];
  const cutString = (value: string, path: string, max = limits.maxString): string => {
    if (value.length <= max) return value;
    truncated.push({ path, originalLength: value.length });
    return value.slice(0, max);
  };
  const cutHeaders = (lines: readonly HeaderLine[], path: string): HeaderLine[] => {
    const kept = lines.length > limits.maxHeaderLines ? lines.slice(0, limits.maxHeaderLines) : lines;
    if (kept !== lines) truncated.push({ path, originalLength: lines.length });
    return kept.map((line, i) => ({
      name: cutString(line.name, `${path}[${i}].name`, limits.maxHeaderValue),
      value: cutString(line.value, `${path}[${i}].value`, limits.maxHeaderValue),
    }));
  };
  const draft: EntryDraft = {
    time: closed.startTime,
    endTime: closed.endTime,
    frameId: closed.frameId,
    frameUrl: frameUrl === null ? null : cutString(frameUrl, 'frameUrl'),
    initiator: exchange.initiator === null ? null : cutString(exchange.initiator, 'initiator'),
    request: {
      url: cutString(exchange.request.url, 'request.url'),
      method: cutString(exchange.request.method, 'request.method', 64),
      type: exchange.request.type,
      headers: exchange.request.headers ? cutHeaders(exchange.request.headers, 'request.headers') : null,
    },
    preflight: exchange.preflight
      ? {
          url: cutString(exchange.preflight.url, 'preflight.url'),
          request: { headers: cutHeaders(exchange.preflight.request.headers, 'preflight.request.headers') },
          response: exchange.preflight.response
            ? {
                status: exchange.preflight.response.status,
                headers: cutHeaders(exchange.preflight.response.headers, 'preflight.response.headers'),
              }
            : null,
          redirectedTo: exchange.preflight.redirectedTo == null ? null : cutString(exchange.preflight.redirectedTo, 'preflight.redirectedTo'),
          error: exchange.preflight.error,
        }
      : null,
    redirects: exchange.redirects.map((hop, i) => ({
      url: cutString(hop.url, `redirects[${i}].url`),
      status: hop.status,
      location: cutString(hop.location, `redirects[${i}].location`),
      headers: cutHeaders(hop.headers, `redirects[${i}].headers`),
    })),
    response: exchange.response ? { status: exchange.response.status, headers: cutHeaders(exchange.response.headers, 'response.headers') } : null,
    error: exchange.outcome.kind === 'error' ? exchange.outcome.error : null,
    fromCache: exchange.fromCache ?? false,
    ...(exchange.context ? { context: exchange.context } : {}),
    ...(exchange.credentialsBeforeRedirect ? { credentialsBeforeRedirect: exchange.credentialsBeforeRedirect } : {}),
    partial: exchange.partial === true,
    verdict: capVerdict(verdict, limits, truncated),
    truncated,
  };
  return draft;
}

/**
 * The verdict quotes observed values (a 1 MB Allow-Origin would be quoted whole): cap its strings
 * too. Almost no verdict has a string that long, and copying every one of them was a visible part
 * of the worker's time per request: a verdict with nothing to cut is kept as it is.
 */
function capVerdict(verdict: Verdict, limits: EntryLimits, truncated: Truncation[]): Verdict {
  if (!hasLongerString(verdict, limits.maxString)) return verdict;
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') {
      if (value.length <= limits.maxString) return value;
      truncated.push({ path, originalLength: value.length });
      return value.slice(0, limits.maxString);
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`));
    if (value && typeof value === 'object') {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) copy[key] = walk(item, `${path}.${key}`);
      return copy;
    }
    return value;
  };
  return walk(verdict, 'verdict') as Verdict;
}

function hasLongerString(value: unknown, max: number): boolean {
  if (typeof value === 'string') return value.length > max;
  if (Array.isArray(value)) return value.some((item) => hasLongerString(item, max));
  if (value && typeof value === 'object') {
    for (const key in value) if (hasLongerString((value as Record<string, unknown>)[key], max)) return true;
  }
  return false;
}
