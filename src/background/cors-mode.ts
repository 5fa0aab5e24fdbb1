/**
 * Which cross-origin requests the capture keeps: those in CORS mode, told from the headers actually
 * sent or, when they were not seen, from the request's type, plus the no-cors fetch() the engine
 * warns about. It is apart from the assembler because it is a judgement about one request's
 * headers, made the same whatever the order of events.
 */
import { firstRawHeaderValue, type RawHeader } from './headers';

/** Types that are CORS-mode whenever they are cross-origin (fetch() can opt out, which onSendHeaders reveals). */
export const ALWAYS_CORS_TYPES = new Set(['xmlhttprequest', 'font']);

/**
 * CORS mode from the headers actually sent: Sec-Fetch-Mode says it outright where it is sent;
 * otherwise a cross-origin request carries Origin in CORS mode (and on no-cors POSTs, which are
 * rare outside navigations and are judged like CORS ones rather than lost).
 */
export function isCorsMode(raw: readonly RawHeader[] | undefined): boolean {
  const fetchMode = firstRawHeaderValue(raw, 'sec-fetch-mode');
  if (fetchMode !== null) return fetchMode === 'cors';
  return firstRawHeaderValue(raw, 'origin') !== null;
}

/**
 * A fetch() with `mode: 'no-cors'` (only fetch makes a no-cors request of type xmlhttprequest):
 * kept so the engine can warn that its opaque response is unreadable (issue 16).
 */
export function isNoCorsFetch(type: string, raw: readonly RawHeader[] | undefined): boolean {
  return type === 'xmlhttprequest' && firstRawHeaderValue(raw, 'sec-fetch-mode') === 'no-cors';
}
