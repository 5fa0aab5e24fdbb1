/**
 * Header lists: lookups that keep wire order and duplicates, and the byte helpers for header
 * names and values. Two lookups, because a header can appear on several lines and the two
 * questions differ: combinedHeaderValue is what the Fetch standard and Chromium's CORS checks read
 * (every line joined); firstHeaderValue is the first line as sent, for a header whose first line is
 * what counts. Names are compared ASCII case-insensitively; pass them lower-cased.
 */
import type { HeaderLine, HeaderList } from './types';

/** A header list with no lines, shared: nothing appends to it. */
export const EMPTY_HEADERS: HeaderList = Object.freeze([]) as HeaderList;

/** HTTP tab or space: https://fetch.spec.whatwg.org/#http-tab-or-space */
function isHttpTabOrSpace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Removes leading and trailing HTTP tab-or-space bytes, as Chromium's header parser does. */
export function trimHttpTabOrSpace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpTabOrSpace(value.charCodeAt(start))) start++;
  while (end > start && isHttpTabOrSpace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

// Header names repeat across requests; remembering their lower-case form keeps the hot path allocation-free.
const LOWERCASE_CACHE = new Map<string, string>();
const LOWERCASE_CACHE_LIMIT = 2048;

export function asciiLowercase(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x41 && code <= 0x5a) {
      if (value.length > 64) return value.toLowerCase();
      let lower = LOWERCASE_CACHE.get(value);
      if (lower === undefined) {
        if (LOWERCASE_CACHE.size >= LOWERCASE_CACHE_LIMIT) LOWERCASE_CACHE.clear();
        lower = value.toLowerCase();
        LOWERCASE_CACHE.set(value, lower);
      }
      return lower;
    }
  }
  return value;
}

/** Compares a header name with a lower-case name without allocating in the common case. */
export function headerNameIs(name: string, lowerName: string): boolean {
  if (name.length !== lowerName.length) return false;
  if (name === lowerName) return true;
  return asciiLowercase(name) === lowerName;
}

/**
 * The combined value: every line of the name, each trimmed of HTTP tab or space, joined with ", "
 * in wire order; null when there is no line. The Fetch standard's "get"
 * (https://fetch.spec.whatwg.org/#concept-header-list-get) and Chromium's
 * HttpResponseHeaders::GetNormalizedHeader: what the CORS checks compare, so two
 * `Access-Control-Allow-Origin` lines never match one origin.
 */
export function combinedHeaderValue(headers: HeaderList, lowerName: string): string | null {
  let combined: string | null = null;
  for (let i = 0; i < headers.length; i++) {
    const line = headers[i] as HeaderLine;
    if (!headerNameIs(line.name, lowerName)) continue;
    const value = trimHttpTabOrSpace(line.value);
    combined = combined === null ? value : `${combined}, ${value}`;
  }
  return combined;
}

/** How many lines of the name the list has (Firefox counts `Access-Control-Allow-Origin` lines). */
export function countHeaderLines(headers: HeaderList, lowerName: string): number {
  let count = 0;
  for (let i = 0; i < headers.length; i++) if (headerNameIs((headers[i] as HeaderLine).name, lowerName)) count++;
  return count;
}

/**
 * The first line's value, as sent (not trimmed); null when there is no line. For a header only the
 * browser sets once (`Location`, `Sec-Fetch-Mode`), or when later lines do not matter.
 */
export function firstHeaderValue(headers: HeaderList | null | undefined, lowerName: string): string | null {
  if (!headers) return null;
  for (let i = 0; i < headers.length; i++) {
    const line = headers[i] as HeaderLine;
    if (headerNameIs(line.name, lowerName)) return line.value;
  }
  return null;
}

/** Every line of the name, in wire order. */
export function headerLinesNamed(headers: HeaderList, lowerName: string): HeaderLine[] {
  return headers.filter((line) => headerNameIs(line.name, lowerName));
}
