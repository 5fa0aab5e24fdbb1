/**
 * The worker's one header module: webRequest's headers turned into the engine's lines, and the
 * lookups the capture side needs. Every lookup here reads the FIRST line of a name, as sent: the
 * assembler only asks whether a header is there (Origin, Access-Control-Allow-Origin) or reads one
 * the browser sets once (Location, Sec-Fetch-Mode, Access-Control-Request-Method). The combined
 * value of every line, which the CORS checks compare, is the engine's business (it judges; this
 * only captures). Names are passed lower-cased.
 */
import type { HeaderLine } from '../engine/types';

/** A header as webRequest delivers it: `binaryValue` replaces `value` when the bytes are not UTF-8. */
export interface RawHeader {
  name: string;
  value?: string;
  binaryValue?: ArrayLike<number>;
}

/**
 * Turns webRequest headers into wire-ordered lines. Bytes that are not UTF-8 are kept one char per
 * byte (isomorphic decoding, as the Fetch standard reads header bytes), so nothing is lost or guessed.
 */
export function toHeaderLines(raw: readonly RawHeader[] | undefined | null): HeaderLine[] {
  if (!raw) return [];
  const lines: HeaderLine[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const header = raw[i]!;
    lines[i] = { name: String(header.name ?? ''), value: headerValue(header) };
  }
  return lines;
}

function headerValue(header: RawHeader): string {
  if (typeof header.value === 'string') return header.value;
  const bytes = header.binaryValue;
  if (!bytes) return '';
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]! & 0xff);
  return text;
}

/** The first line's value of a header, as sent (the engine's lookup; names compare ASCII case-insensitively), or null. */
export { firstHeaderValue } from '../engine/headers';

/** The same for webRequest's raw headers, without converting the whole list first. */
export function firstRawHeaderValue(raw: readonly RawHeader[] | undefined, lowerCaseName: string): string | null {
  if (!raw) return null;
  for (const header of raw) {
    if (header.name.length === lowerCaseName.length && header.name.toLowerCase() === lowerCaseName) {
      return headerValue(header);
    }
  }
  return null;
}
