/**
 * The small Markdown text helpers every part of the ticket export uses: code spans and fences that
 * no backtick in a header value can break, table cells, one-line flattening, counted nouns and a
 * time stamp that never throws. They are apart so that the failure sections and the report around
 * them share one definition of "safe to paste", and so the HAR export can take the time stamp
 * without the report layout.
 */
/** A fenced block that no run of backticks inside `body` can close. */
export function fenced(body: string, language = ''): string {
  const longestRun = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${body}\n${fence}`;
}

/** An inline code span that holds any text, backticks included, on one line. */
export function code(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');
  const longestRun = Math.max(0, ...[...oneLine.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longestRun + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') || oneLine.startsWith(' ') ? ' ' : '';
  return `${ticks}${pad}${oneLine}${pad}${ticks}`;
}

export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

export function firstSentence(text: string): string {
  const flat = oneLine(text);
  const match = /^(.+?[.!?])(\s|$)/.exec(flat);
  return match ? match[1]! : flat;
}

/** A table cell: one line, pipes escaped. */
export function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * ISO 8601 for an epoch-milliseconds value. A corrupt time (NaN, out of range) must not make a
 * whole export throw: it becomes the epoch, which reads as obviously wrong.
 */
export function isoFromEpochMs(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}
