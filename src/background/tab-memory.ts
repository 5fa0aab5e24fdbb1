/**
 * What a tab showed before, kept in memory for the engine's "beyond the block" notes (issue 16):
 * the last preflight answered for each page origin and URL (Chromium's preflight cache holds what
 * it allowed), and which page origins each server echoed back in `Access-Control-Allow-Origin`.
 * Bounded per tab; lost on a worker restart (the entries then say less, never something wrong).
 */
import type { ExchangeContext, ObservedExchange, ObservedPreflight } from '../engine/types';
import { firstHeaderValue } from './headers';
import { originOfUrl } from '../engine/index';

const MAX_PREFLIGHTS_PER_TAB = 500;
const MAX_SERVERS_PER_TAB = 200;
const MAX_ORIGINS_PER_SERVER = 20;

interface TabRecord {
  /** `initiator␠url` → the last successfully answered preflight. */
  preflights: Map<string, { time: number; preflight: ObservedPreflight }>;
  /** Server origin → page origins it echoed, oldest first. */
  echoed: Map<string, string[]>;
}

/** The first line's value, trimmed (what an echo of the page origin would be). */
function header(lines: readonly { name: string; value: string }[] | null | undefined, name: string): string | null {
  return firstHeaderValue(lines, name)?.trim() ?? null;
}

/** The server's origin, a key of the echoed origins; null for a URL with no origin of its own (opaque or unparsable). */
function originOf(url: string): string | null {
  const origin = originOfUrl(url);
  return origin === 'null' ? null : origin;
}

export class TabMemory {
  private readonly tabs = new Map<number, TabRecord>();

  /** The context for an exchange about to be judged, or null when the tab showed nothing relevant. */
  contextFor(tabId: number, exchange: ObservedExchange, requestTime: number): ExchangeContext | null {
    const record = this.tabs.get(tabId);
    if (!record) return null;
    const earlierPreflight = exchange.preflight === null ? (record.preflights.get(`${exchange.initiator} ${exchange.request.url}`) ?? null) : null;
    const server = originOf(exchange.redirects.at(-1)?.location ?? exchange.request.url);
    const own = header(exchange.request.headers, 'origin') ?? exchange.initiator;
    const echoedOrigins = server ? (record.echoed.get(server) ?? []).filter((origin) => origin !== own) : [];
    if (earlierPreflight === null && echoedOrigins.length === 0) return null;
    return { requestTime, earlierPreflight, echoedOrigins };
  }

  /** Remembers what this exchange shows for the ones after it. */
  observe(tabId: number, exchange: ObservedExchange, time: number): void {
    let record = this.tabs.get(tabId);
    const preflight = exchange.preflight;
    const answered = preflight?.response && preflight.response.status >= 200 && preflight.response.status < 300 && !preflight.redirectedTo;
    const response = exchange.response;
    const origin = header(exchange.request.headers, 'origin');
    const allowOrigin = response ? header(response.headers, 'access-control-allow-origin') : null;
    const echoed = origin !== null && origin !== 'null' && allowOrigin === origin;
    if (!answered && !echoed) return;
    if (!record) {
      record = { preflights: new Map(), echoed: new Map() };
      this.tabs.set(tabId, record);
    }
    if (answered) {
      const key = `${exchange.initiator} ${exchange.request.url}`;
      record.preflights.delete(key);
      record.preflights.set(key, { time, preflight: preflight! });
      if (record.preflights.size > MAX_PREFLIGHTS_PER_TAB) record.preflights.delete(record.preflights.keys().next().value!);
    }
    if (echoed) {
      const server = originOf(exchange.redirects.at(-1)?.location ?? exchange.request.url);
      if (server) {
        const list = record.echoed.get(server) ?? [];
        if (!list.includes(origin)) {
          list.push(origin);
          if (list.length > MAX_ORIGINS_PER_SERVER) list.shift();
        }
        record.echoed.delete(server);
        record.echoed.set(server, list);
        if (record.echoed.size > MAX_SERVERS_PER_TAB) record.echoed.delete(record.echoed.keys().next().value!);
      }
    }
  }

  forget(tabId: number): void {
    this.tabs.delete(tabId);
  }
}
