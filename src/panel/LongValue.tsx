/**
 * A network value that may be very long (a 64 KB header, a URL carrying a whole document): the
 * first PREVIEW_CHARS are shown, then a visible marker with how much more there is, and a
 * "Show full value" button that reveals the rest on demand. The value stays a text node in every
 * state: nothing here builds markup from it.
 *
 * A value the worker itself cut to fit the storage quota (ReportEntry.truncated) cannot be shown
 * whole: the marker then says how long it was, so nobody mistakes the stored part for the value.
 */
import { useState } from 'preact/hooks';
import type { ReportEntry } from '../shared/report';

/** Characters (UTF-16 units) shown before the marker. */
export const PREVIEW_CHARS = 2048;

const count = new Intl.NumberFormat('en-US');

export interface LongValueProps {
  value: string;
  /** The value's length before the worker cut it for storage (from ReportEntry.truncated), if it did. */
  originalLength?: number | undefined;
  /** Shown in the button's accessible name, e.g. the header's name. */
  label?: string | undefined;
}

export function LongValue({ value, originalLength, label }: LongValueProps) {
  const [expanded, setExpanded] = useState(false);
  const cutForStorage = originalLength !== undefined && originalLength > value.length;
  const long = value.length > PREVIEW_CHARS;
  if (!long && !cutForStorage) return <>{value}</>;
  const shown = long && !expanded ? previewOf(value) : value;
  const hidden = value.length - shown.length;
  const what = label ? ` of ${label}` : '';
  return (
    <span class="long-value">
      {shown}
      {hidden > 0 && <span class="long-value-marker">{`… ${count.format(hidden)} more ${hidden === 1 ? 'character' : 'characters'}`}</span>}
      {cutForStorage && <span class="long-value-marker">{` (stored cut to ${count.format(value.length)} of ${count.format(originalLength)} characters)`}</span>}
      {long && (
        <button
          type="button"
          class="long-value-toggle"
          aria-expanded={expanded}
          aria-label={expanded ? `Show less${what}` : `Show full value${what}`}
          onClick={() => setExpanded(!expanded)}
        >
          {expanded ? 'Show less' : 'Show full value'}
        </button>
      )}
    </span>
  );
}

/** The first PREVIEW_CHARS units, never ending on half of a surrogate pair. */
export function previewOf(value: string): string {
  let end = Math.min(PREVIEW_CHARS, value.length);
  const last = value.charCodeAt(end - 1);
  if (end < value.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return value.slice(0, end);
}

/** The length a value had before the worker cut it for storage, by its report path (e.g. `response.headers[3].value`). */
export function storedLengthOf(entry: ReportEntry, path: string): number | undefined {
  return entry.truncated?.find((cut) => cut.path === path)?.originalLength;
}
