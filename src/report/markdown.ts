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
import type { Fix, FixSnippet, HeaderList } from '../engine/types';
import { browserOfReport, browserStatements, failureName, type ShownBrowser } from '../shared/browser-names';
import type { Report, ReportEntry } from '../shared/report';
import { curlReproductions, type CurlReproduction } from './curl';
import { REDACTED } from './redact';

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

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function firstSentence(text: string): string {
  const flat = oneLine(text);
  const match = /^(.+?[.!?])(\s|$)/.exec(flat);
  return match ? match[1]! : flat;
}

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}

function plural(count: number, one: string, many = `${one}s`): string {
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

/** Entries in a stable order: by start time, then id. */
export function orderedEntries(entries: readonly ReportEntry[]): ReportEntry[] {
  return [...entries].sort((a, b) => (a.time - b.time || 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function failuresByRule(entries: readonly ReportEntry[], browser: ShownBrowser = 'chromium'): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    if (!entry.verdict.blocked) continue;
    const rule = failureName(entry.verdict, browser) ?? 'Unknown';
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

// ---------------------------------------------------------------- grouping

/** The URL without its query and fragment: what "the same endpoint" means. */
export function endpointOf(url: string): string {
  return url.replace(/[?#].*$/s, '');
}

/** The endpoint as a person names it: host and path, no scheme. */
function endpointLabel(method: string, url: string): string {
  return `${method.toUpperCase()} ${endpointOf(url).replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')}`;
}

/** Identical failures: same method and endpoint, same rule at the same stage, same values checked. */
function groupKey(entry: ReportEntry): string {
  const { verdict } = entry;
  return JSON.stringify([
    entry.request.method.toUpperCase(),
    endpointOf(entry.request.url),
    verdict.rule,
    verdict.stage,
    verdict.failedParameter,
    verdict.observed.map((o) => [o.field, o.expected, o.actual]),
    entry.initiator,
  ]);
}

export interface FailureGroup {
  /** The first failure of the group: its explanation, headers and fix stand for all. */
  first: ReportEntry;
  entries: ReportEntry[];
}

/** Failures grouped, the most frequent first, then by first occurrence. */
export function groupFailures(entries: readonly ReportEntry[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const entry of orderedEntries(entries)) {
    if (!entry.verdict.blocked) continue;
    const key = groupKey(entry);
    const group = groups.get(key);
    if (group) group.entries.push(entry);
    else groups.set(key, { first: entry, entries: [entry] });
  }
  return [...groups.values()].sort((a, b) => b.entries.length - a.entries.length || a.first.time - b.first.time || (a.first.id < b.first.id ? -1 : 1));
}

// ---------------------------------------------------------------- one failure section

const STAGE_WORDS: Record<string, string> = {
  preflight: 'the preflight (OPTIONS) response',
  redirect: 'a redirect of the request',
  response: 'the response',
  request: 'the request itself',
};

const ALWAYS_RELEVANT_REQUEST = ['origin', 'cookie', 'authorization', 'content-type'];
const ALWAYS_RELEVANT_RESPONSE = ['vary', 'location', 'set-cookie'];

function relevantNames(entry: ReportEntry): Set<string> {
  const names = new Set<string>();
  for (const observation of entry.verdict.observed) names.add(observation.field.toLowerCase());
  const requested = entry.preflight?.request.headers.find((h) => h.name.toLowerCase() === 'access-control-request-headers');
  for (const name of requested?.value.split(',') ?? []) if (name.trim()) names.add(name.trim().toLowerCase());
  for (const reason of entry.verdict.preflightReasons) if (reason.kind !== 'method') names.add(reason.name.toLowerCase());
  return names;
}

function excerpt(headers: HeaderList | null, always: readonly string[], relevant: Set<string>): HeaderList {
  if (headers === null) return [];
  return headers.filter((h) => {
    const lower = h.name.toLowerCase();
    return lower.startsWith('access-control-') || always.includes(lower) || relevant.has(lower);
  });
}

function headerBlock(firstLine: string, headers: HeaderList): string {
  const lines = [firstLine, ...headers.map((h) => `${h.name}: ${h.value}`)];
  return fenced(lines.join('\n'), 'http');
}

function headersSection(entry: ReportEntry): string[] {
  const relevant = relevantNames(entry);
  const out: string[] = ['#### Headers (excerpt)', ''];
  const method = entry.request.method.toUpperCase();
  if (entry.preflight) {
    const preflight = entry.preflight;
    out.push('Preflight request:', '');
    out.push(headerBlock(`OPTIONS ${preflight.url}`, excerpt(preflight.request.headers, ['origin'], new Set())), '');
    if (preflight.response) {
      out.push('Preflight response:', '');
      out.push(headerBlock(`HTTP ${preflight.response.status}`, excerpt(preflight.response.headers, ALWAYS_RELEVANT_RESPONSE, relevant)), '');
    } else {
      out.push(`Preflight response: none${preflight.error ? ` (${code(preflight.error)})` : ''}.`, '');
    }
  }
  if (entry.request.headers) {
    out.push('Actual request:', '');
    out.push(headerBlock(`${method} ${entry.request.url}`, excerpt(entry.request.headers, ALWAYS_RELEVANT_REQUEST, relevant)), '');
  } else {
    out.push('Actual request: not sent by the browser.', '');
  }
  entry.redirects.forEach((hop, index) => {
    out.push(`Redirect ${index + 1} from ${code(hop.url)}:`, '');
    out.push(headerBlock(`HTTP ${hop.status}`, excerpt(hop.headers, ALWAYS_RELEVANT_RESPONSE, relevant)), '');
  });
  if (entry.response) {
    out.push('Response:', '');
    out.push(headerBlock(`HTTP ${entry.response.status}`, excerpt(entry.response.headers, ALWAYS_RELEVANT_RESPONSE, relevant)), '');
  } else if (entry.request.headers) {
    out.push(`Response: none reached the page${entry.error ? ` (${code(entry.error)})` : ''}.`, '');
  }
  return out;
}

/** The snippet of the stack the user picked, or the first one. */
export function pickSnippet(fix: Fix, stack: string | undefined): FixSnippet | undefined {
  return fix.snippets.find((snippet) => snippet.stack === stack) ?? fix.snippets[0];
}

function fixSection(fix: Fix, stack: string | undefined, withSnippet: boolean): string[] {
  const out = ['#### Fix', '', `**${oneLine(fix.summary)}**`, ''];
  if (fix.details.trim()) out.push(fix.details.trim(), '');
  const snippet = withSnippet ? pickSnippet(fix, stack) : undefined;
  if (snippet) {
    out.push(`${snippet.label}:`, '', fenced(snippet.code.replace(/\s+$/, ''), snippet.language), '');
    // The other stacks by short name ("Express (cors)" is "Express"); their snippets are one click away in the panel.
    const others = fix.snippets.filter((s) => s !== snippet).map((s) => s.label.replace(/\s*\(.*\)$/, ''));
    if (others.length > 0) out.push(`Other stacks (${others.join(', ')}): the Fix tabs of the CORS panel, or CORS Doctor's docs/rules.md.`, '');
  }
  return out;
}

function curlSection(reproductions: readonly CurlReproduction[], redacted: boolean): string[] {
  const out = ['#### Reproduce with curl', ''];
  for (const reproduction of reproductions) {
    out.push(`${reproduction.label}:`, '');
    for (const note of reproduction.notes) out.push(`> ${oneLine(note)}`, '');
    out.push(fenced(reproduction.command, 'sh'), '');
  }
  if (redacted && reproductions.some((r) => r.command.includes(REDACTED))) {
    out.push(`Values shown as ${code(REDACTED)} were removed from this report; put real ones back to reproduce an authenticated request.`, '');
  }
  return out;
}

function causeSection(entry: ReportEntry): string[] {
  const cause = entry.verdict.cause;
  if (!cause) return [];
  const out = [`> **Likely cause: ${oneLine(cause.title)}.** ${oneLine(cause.summary)}`];
  for (const item of cause.evidence) out.push(`> - ${oneLine(item)}`);
  out.push('');
  return out;
}

function warningsSection(entry: ReportEntry): string[] {
  const warnings = entry.verdict.warnings;
  if (warnings.length === 0) return [];
  const out = ['Warnings:', ''];
  for (const warning of warnings) {
    const severity = warning.severity ? `**${warning.severity}** ` : '';
    const title = warning.title ? `${oneLine(warning.title)}: ` : '';
    out.push(`- ${severity}${code(warning.code)} ${title}${oneLine(warning.message)}`);
  }
  out.push('');
  return out;
}

function observedTable(entry: ReportEntry): string[] {
  const observed = entry.verdict.observed;
  if (observed.length === 0) return [];
  const out = ['| Checked | Expected | Actual |', '| --- | --- | --- |'];
  for (const o of observed) out.push(`| ${cell(code(o.field))} | ${cell(code(o.expected))} | ${o.actual === null ? '(absent)' : cell(code(o.actual))} |`);
  out.push('');
  return out;
}

/** How much of a failure group a section shows; the budget picks the richest that fits. */
export type Detail = 'full' | 'no-occurrences' | 'no-headers' | 'compact';
const DETAILS: readonly Detail[] = ['full', 'no-occurrences', 'no-headers', 'compact'];

/** Occurrences listed in full detail; the rest are counted. */
const MAX_LISTED_OCCURRENCES = 10;

function occurrencesSection(group: FailureGroup): string[] {
  if (group.entries.length < 2) return [];
  const out = [`Seen ${group.entries.length} times:`, ''];
  for (const entry of group.entries.slice(0, MAX_LISTED_OCCURRENCES)) out.push(`- ${isoFromEpochMs(entry.time)} ${code(`${entry.request.method.toUpperCase()} ${entry.request.url}`)}`);
  const more = group.entries.length - MAX_LISTED_OCCURRENCES;
  if (more > 0) out.push(`- … ${plural(more, 'more failure')} of the same kind (every one is in the JSON and HAR exports)`);
  out.push('');
  return out;
}

export interface SectionOptions {
  stack: string | undefined;
  redacted: boolean;
  /** The browser the report was recorded in: its names and console text come first. */
  browser: ShownBrowser;
}

function timeRange(group: FailureGroup): string {
  const first = isoFromEpochMs(group.first.time);
  if (group.entries.length === 1) return first;
  const last = isoFromEpochMs(group.entries[group.entries.length - 1]!.time);
  return `${first} to ${last}`;
}

/** Who made the request, when it was not the top-level page itself: an iframe's document, or a worker. */
function madeBy(entry: ReportEntry): string[] {
  if (entry.fromWorker) return ['- **Made by:** a service worker or shared worker of that origin'];
  if (entry.frameId > 0) return [`- **From frame:** ${entry.frameUrl === null ? 'an iframe (URL unknown)' : code(entry.frameUrl)}`];
  return [];
}

/** The name a failure goes by in the browser that saw it (see browser-names.ts), or the net error of a failure that is not a CORS block. */
function ruleNameOf(entry: ReportEntry, browser: ShownBrowser): string {
  return failureName(entry.verdict, browser) ?? entry.verdict.networkError ?? entry.error ?? 'Unknown';
}

export function failureSection(group: FailureGroup, heading: string, detail: Detail, options: SectionOptions): string[] {
  const entry = group.first;
  const verdict = entry.verdict;
  const rule = ruleNameOf(entry, options.browser);
  const method = entry.request.method.toUpperCase();
  const count = group.entries.length;
  const where = verdict.stage ? STAGE_WORDS[verdict.stage] ?? verdict.stage : 'the exchange';
  const parameter = verdict.failedParameter ? ` (failed parameter: ${code(verdict.failedParameter)})` : '';
  const out = [`${heading} ${code(rule)}: ${oneLine(verdict.title)}${count > 1 ? ` (×${count})` : ''}`, ''];
  out.push(...causeSection(entry));
  out.push(
    `- **Request:** ${code(`${method} ${entry.request.url}`)}${count > 1 ? ` and ${count - 1} more like it` : ''}`,
    `- **From origin:** ${entry.initiator === null ? 'unknown' : code(entry.initiator)}`,
    ...madeBy(entry),
    `- **Time:** ${timeRange(group)}`,
    `- **What failed:** ${firstSentence(verdict.explanation)}`,
    `- **Rule:** ${code(rule)}, checked on ${where}${parameter}`,
  );
  if (detail === 'compact') {
    if (verdict.fix) out.push(`- **Fix:** ${oneLine(verdict.fix.summary)}`);
    out.push('');
    return out;
  }
  out.push('');
  // "What failed" gave the first sentence; the rest of the explanation follows once.
  const rest = oneLine(verdict.explanation).slice(firstSentence(verdict.explanation).length).trim();
  if (rest) out.push(`**Why:** ${rest}`, '');
  out.push(...observedTable(entry));
  if (entry.partial) {
    out.push('> The extension did not see every event of this request (for example, its service worker restarted while it was in flight): some headers may be missing below.', '');
  }
  if (options.browser === 'firefox') {
    // Firefox's own console text first, then what Chromium would say about the same exchange.
    for (const statement of browserStatements(verdict, 'firefox')) {
      const label = statement.browser === 'Firefox' ? 'Firefox console message' : 'Chromium would say';
      out.push(`${label}${statement.name ? ` (${code(statement.name)})` : ''}:`, '', fenced(statement.message.trim()), '');
    }
  } else if (verdict.chromeMessage) out.push('Chromium console message:', '', fenced(verdict.chromeMessage.trim()), '');
  if (verdict.confidence === 'inferred' && verdict.evidence.length > 0) {
    out.push('Inferred from:', '');
    for (const evidence of verdict.evidence) out.push(`- ${oneLine(evidence)}`);
    out.push('');
  }
  out.push(...warningsSection(entry));
  if (detail === 'full') out.push(...occurrencesSection(group));
  if (detail !== 'no-headers') out.push(...headersSection(entry));
  if (verdict.fix) out.push(...fixSection(verdict.fix, options.stack, true));
  if (detail !== 'no-headers') out.push(...curlSection(curlReproductions(entry), options.redacted));
  if (verdict.specUrl) out.push(`Specification: ${verdict.specUrl}`, '');
  return out;
}

/** The traps of the given fixes, each once, in order of first appearance. */
function watchOutSection(groups: readonly FailureGroup[]): string[] {
  const traps: string[] = [];
  for (const group of groups) {
    for (const trap of group.first.verdict.fix?.traps ?? []) {
      const line = oneLine(trap);
      if (!traps.includes(line)) traps.push(line);
    }
  }
  if (traps.length === 0) return [];
  return ['## Watch out', '', ...traps.map((trap) => `- ${trap}`), ''];
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
    const byRule = failuresByRule(hidden.flatMap((group) => group.entries), browser);
    const rules = byRule.slice(0, 8).map(([rule, n]) => `${code(rule)} ×${n}`);
    if (byRule.length > 8) rules.push(`${plural(byRule.length - 8, 'more rule')}`);
    notes.push(`${plural(count, 'more failure')} in ${plural(hidden.length, 'more kind')} (${rules.join(', ')})`);
  }
  if (notes.length === 0) return [];
  return ['## Left out', '', `To keep this report under ${budget.toLocaleString('en-US')} characters, it leaves out ${notes.join('; ')}. The JSON and HAR exports hold every failure in full.`, ''];
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
  const sizes = groups.map((_, index) => Object.fromEntries(DETAILS.map((detail) => [detail, () => size(section(index, detail))])) as Record<Detail, () => number>);
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
