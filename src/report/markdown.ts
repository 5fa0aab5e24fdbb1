/**
 * The ticket-ready Markdown export: what a web developer pastes into the server team's tracker.
 * It is written for people: a short summary first (what failed, how often, where), then one section
 * per kind of failure (identical failures are grouped, with their count and times), one fix in the
 * stack the user picked, the "watch out" notes once, and commands to reproduce it without a browser.
 *
 * It must fit where it is pasted: GitHub refuses an issue body over 65,536 characters and Jira Cloud
 * a description over 32,767. A report of any size stays within REPORT_BUDGET characters: the least
 * important parts go first (occurrence lists, then header excerpts and curl of the later sections,
 * then whole sections of the rarest failures), and a closing note says what was left out. The full
 * detail stays in the JSON and the HAR exports.
 *
 * The text is rendered from the redacted report; nothing here sweeps the finished text for secrets,
 * so the tool's own sentences are never rewritten by redaction.
 */
import { browserOfReport, failureName, type ShownBrowser } from '../shared/browser-names';
import type { Report, ReportEntry } from '../shared/report';
import { endpointLabel, type FailureGroup, failuresByRule, groupFailures, orderedEntries } from './failure-groups';
import { DETAILS, type Detail, failureSection, MAX_LISTED_OCCURRENCES, ruleNameOf, type SectionOptions, watchOutSection } from './failure-section';
import { cell, code, isoFromEpochMs, oneLine, plural } from './markdown-text';
import { REDACTED } from './redact';

// The sections, the grouping and the text helpers were written here first; their names stay importable from here.
export { endpointOf, type FailureGroup, failuresByRule, groupFailures, orderedEntries } from './failure-groups';
export { type Detail, failureSection, pickSnippet, type SectionOptions } from './failure-section';
export { code, fenced, isoFromEpochMs } from './markdown-text';

/** Under Jira Cloud's 32,767-character description limit, with room for a line the reporter adds. */
export const REPORT_BUDGET = 32_000;
/** One failure's ticket ("Copy as ticket" in the panel). */
export const TICKET_BUDGET = 6_000;

export interface MarkdownContext {
  browser: { name: string; version: string } | null;
  /** ISO time the export stands for. */
  time: string;
  redacted: boolean;
  /** The stack id whose fix snippet to show; the first snippet when absent or not offered. */
  stack?: string | undefined;
  /** Characters the report may take (default REPORT_BUDGET). */
  budget?: number;
}

// ---------------------------------------------------------------- the report

function pageLabel(report: Report): string {
  const url = report.tab.url ? code(report.tab.url) : 'unknown page';
  return report.tab.title ? `${url} (${oneLine(report.tab.title)})` : url;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** Rows of the summary table; more kinds than this are counted in one line. */
const MAX_SUMMARY_ROWS = 15;

function summarySection(failures: readonly ReportEntry[], groups: readonly FailureGroup[], total: number, browser: ShownBrowser): string[] {
  const hosts = new Set(failures.map((entry) => hostOf(entry.request.url)));
  const endpoints = new Set(failures.map((entry) => endpointLabel(entry.request.method, entry.request.url)));
  // A reduce, not Math.min(...): a tab's log can hold more entries than a call has arguments.
  const first = isoFromEpochMs(failures.reduce((min, e) => Math.min(min, e.time), Infinity));
  const last = isoFromEpochMs(failures.reduce((max, e) => Math.max(max, e.time), -Infinity));
  const out = [
    `**${failures.length} of ${plural(total, 'cross-origin request')} ${failures.length === 1 ? 'was' : 'were'} blocked by CORS**, ` +
      `${plural(groups.length, 'kind')} of failure on ${plural(endpoints.size, 'endpoint')} of ${plural(hosts.size, 'host')}` +
      `${failures.length > 1 ? `, from ${first} to ${last}` : `, at ${first}`}.`,
    '',
    '| # | Rule | What failed | Endpoint | Count |',
    '| ---: | --- | --- | --- | ---: |',
  ];
  groups.slice(0, MAX_SUMMARY_ROWS).forEach((group, index) => {
    const entry = group.first;
    out.push(
      `| ${index + 1} | ${cell(code(failureName(entry.verdict, browser) ?? 'Unknown'))} | ${cell(entry.verdict.title)} | ${cell(code(endpointLabel(entry.request.method, entry.request.url)))} | ${group.entries.length} |`,
    );
  });
  const hidden = groups.slice(MAX_SUMMARY_ROWS);
  if (hidden.length > 0) {
    const count = hidden.reduce((sum, group) => sum + group.entries.length, 0);
    out.push(`| | | ${plural(hidden.length, 'more kind')} of failure | | ${count} |`);
  }
  out.push('');
  return out;
}

function headerLines(report: Report, context: MarkdownContext, entries: readonly ReportEntry[], failures: number): string[] {
  const browser = report.browser ?? context.browser;
  return [
    `- **Page:** ${pageLabel(report)}`,
    `- **Browser:** ${browser ? `${browser.name} ${browser.version}` : 'unknown'}`,
    `- **Extension:** ${report.tool.name} ${report.tool.version}`,
    `- **Time:** ${context.time}`,
    `- **Cross-origin requests captured:** ${entries.length}${report.dropped > 0 ? ` (${report.dropped} older ones dropped)` : ''}`,
    `- **Blocked by CORS:** ${failures}`,
    '',
  ];
}

function redactionLine(context: MarkdownContext): string[] {
  return context.redacted ? [`Cookies, credentials and secret-looking URL parameters are shown as ${code(REDACTED)}.`, ''] : [];
}

function size(lines: readonly string[]): number {
  return lines.reduce((sum, line) => sum + line.length + 1, 0);
}

interface Layout {
  details: Detail[];
  /** Groups from this index on are not shown. */
  shown: number;
}

/** The share of the budget compact sections may take before the first ones get their fix and curl. */
const COMPACT_SHARE = 0.6;

/**
 * The richest rendering that fits: first as many groups as fit in their compact form within
 * COMPACT_SHARE of the room (the rarest are left out), then, in order, each shown group upgraded to
 * the richest detail the rest allows. A reader gets the first kinds in full and the next ones named.
 */
function layOut(sizes: ReadonlyArray<Record<Detail, () => number>>, available: (shown: number) => number): Layout {
  let shown = 0;
  let used = 0;
  while (shown < sizes.length && used + sizes[shown]!.compact() <= available(shown + 1) * COMPACT_SHARE) used += sizes[shown++]!.compact();
  const details: Detail[] = Array.from({ length: shown }, () => 'compact');
  const limit = available(shown);
  for (let index = 0; index < shown && used < limit; index++) {
    for (const detail of DETAILS) {
      const extra = sizes[index]![detail]() - sizes[index]!.compact();
      if (used + extra <= limit) {
        details[index] = detail;
        used += extra;
        break;
      }
    }
  }
  return { details, shown };
}

function leftOutNote(groups: readonly FailureGroup[], layout: Layout, budget: number, browser: ShownBrowser): string[] {
  const notes: string[] = [];
  let unlisted = 0;
  const trimmed: number[] = [];
  layout.details.forEach((detail, index) => {
    const group = groups[index]!;
    if (detail === 'full') unlisted += Math.max(0, group.entries.length - MAX_LISTED_OCCURRENCES);
    else {
      if (group.entries.length > 1) unlisted += group.entries.length;
      if (detail === 'no-headers' || detail === 'compact') trimmed.push(index + 1);
    }
  });
  if (unlisted > 0) notes.push(`the times and URLs of ${plural(unlisted, 'more failure')} of the same kinds as those shown`);
  if (trimmed.length > 0) notes.push(`the header excerpts and curl commands of ${trimmed.length === 1 ? 'section' : 'sections'} ${ranges(trimmed)}`);
  const hidden = groups.slice(layout.shown);
  if (hidden.length > 0) {
    const count = hidden.reduce((sum, group) => sum + group.entries.length, 0);
    const byRule = failuresByRule(
      hidden.flatMap((group) => group.entries),
      browser,
    );
    const rules = byRule.slice(0, 8).map(([rule, n]) => `${code(rule)} ×${n}`);
    if (byRule.length > 8) rules.push(`${plural(byRule.length - 8, 'more rule')}`);
    notes.push(`${plural(count, 'more failure')} in ${plural(hidden.length, 'more kind')} (${rules.join(', ')})`);
  }
  if (notes.length === 0) return [];
  return [
    '## Left out',
    '',
    `To keep this report under ${budget.toLocaleString('en-US')} characters, it leaves out ${notes.join('; ')}. The JSON and HAR exports hold every failure in full.`,
    '',
  ];
}

/** "1–3, 5" for [1, 2, 3, 5]. */
function ranges(numbers: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    parts.push(j === i ? String(numbers[i]) : `${numbers[i]}–${numbers[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** The last resort for a single value so long that even the compact form overflows: cut, and say so. */
function hardLimit(text: string, budget: number): string {
  if (text.length <= budget) return text;
  const note = '\n\n(The rest was cut to fit; the JSON and HAR exports hold everything.)\n';
  const cut = text.slice(0, budget - note.length);
  // An unclosed fence would swallow the note: close it.
  const fences = cut.match(/^`{3,}/gm) ?? [];
  const closing = fences.length % 2 === 1 ? `\n${fences[fences.length - 1]}` : '';
  return `${cut.slice(0, budget - note.length - closing.length)}${closing}${note}`;
}

export function renderMarkdown(report: Report, context: MarkdownContext): string {
  const budget = context.budget ?? REPORT_BUDGET;
  const entries = orderedEntries(report.entries);
  const failures = entries.filter((entry) => entry.verdict.blocked);
  const groups = groupFailures(failures);
  const head: string[] = [`# CORS Doctor report: ${plural(failures.length, 'CORS failure')}`, ''];
  if (failures.length > 0) head.push(...summarySection(failures, groups, entries.length, browserOfReport(report)));
  head.push(...headerLines(report, context, entries, failures.length));
  for (const notice of report.notices ?? []) head.push(`> ${oneLine(notice)}`, '');
  head.push(...redactionLine(context));
  if (failures.length === 0) return hardLimit(`${[...head, 'No request was blocked by CORS.'].join('\n').trimEnd()}\n`, budget);

  const options: SectionOptions = { stack: context.stack, redacted: context.redacted, browser: browserOfReport(report) };
  // Each section is rendered at a detail level only when the layout asks for its size.
  const rendered = new Map<string, string[]>();
  const section = (index: number, detail: Detail): string[] => {
    const key = `${index}:${detail}`;
    let lines = rendered.get(key);
    if (lines === undefined) rendered.set(key, (lines = failureSection(groups[index]!, `### ${index + 1}.`, detail, options)));
    return lines;
  };
  const sizes = groups.map(
    (_, index) => Object.fromEntries(DETAILS.map((detail) => [detail, () => size(section(index, detail))])) as Record<Detail, () => number>,
  );
  // What surrounds the sections: the summary, the watch-out notes of the shown fixes, and room for the left-out note.
  const LEFT_OUT_ROOM = 1_200;
  const fixed = size(head) + size(['## Failures', '']);
  const available = (shown: number) => budget - fixed - size(watchOutSection(groups.slice(0, shown))) - LEFT_OUT_ROOM;
  const layout = layOut(sizes, available);
  const out = [...head, '## Failures', ''];
  layout.details.forEach((detail, index) => out.push(...section(index, detail)));
  out.push(...watchOutSection(groups.slice(0, layout.shown)));
  out.push(...leftOutNote(groups, layout, budget, options.browser));
  return hardLimit(`${out.join('\n').trimEnd()}\n`, budget);
}

/**
 * One failure as a ticket of its own ("Copy as ticket"): that failure alone, with its fix in the
 * picked stack, its traps and its curl, under TICKET_BUDGET characters.
 */
export function renderTicket(report: Report, entry: ReportEntry, context: MarkdownContext): string {
  const budget = context.budget ?? TICKET_BUDGET;
  const browser = report.browser ?? context.browser;
  const group: FailureGroup = { first: entry, entries: [entry] };
  const shown = browserOfReport(report);
  const rule = ruleNameOf(entry, shown);
  const head = [
    `# ${entry.verdict.blocked ? 'CORS' : 'Request failed'}: ${code(rule)} on ${code(endpointLabel(entry.request.method, entry.request.url))}`,
    '',
    `- **Page:** ${pageLabel(report)}`,
    `- **Browser:** ${browser ? `${browser.name} ${browser.version}` : 'unknown'} · ${report.tool.name} ${report.tool.version}`,
    '',
    ...redactionLine(context),
  ];
  const options: SectionOptions = { stack: context.stack, redacted: context.redacted, browser: shown };
  const traps = entry.verdict.fix?.traps.length ? ['Watch out:', '', ...entry.verdict.fix.traps.map((trap) => `- ${oneLine(trap)}`), ''] : [];
  let body: string[] = [];
  for (const detail of DETAILS) {
    body = failureSection(group, '##', detail, options);
    if (size(head) + size(body) + size(traps) <= budget) break;
  }
  const withTraps = size(head) + size(body) + size(traps) <= budget ? traps : [];
  return hardLimit(`${[...head, ...body, ...withTraps].join('\n').trimEnd()}\n`, budget);
}
