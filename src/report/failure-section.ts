/**
 * One kind of failure as a Markdown section: the likely cause, what was checked, the console text,
 * the header excerpts, the fix in the picked stack and the curl that reproduces it, at one of four
 * detail levels. It is apart from the report-level document because both the full report (which
 * picks a detail level per section to fit its budget) and the single-failure ticket render it, and
 * because it is the part that grows with each new kind of evidence.
 */
import type { Fix, FixSnippet, HeaderList } from '../engine/types';
import { browserStatements, failureName, type ShownBrowser } from '../shared/browser-names';
import type { ReportEntry } from '../shared/report';
import { curlReproductions, type CurlReproduction } from './curl';
import type { FailureGroup } from './failure-groups';
import { cell, code, fenced, firstSentence, isoFromEpochMs, oneLine, plural } from './markdown-text';
import { REDACTED } from './redact';

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
export const DETAILS: readonly Detail[] = ['full', 'no-occurrences', 'no-headers', 'compact'];

/** Occurrences listed in full detail; the rest are counted. */
export const MAX_LISTED_OCCURRENCES = 10;

function occurrencesSection(group: FailureGroup): string[] {
  if (group.entries.length < 2) return [];
  const out = [`Seen ${group.entries.length} times:`, ''];
  for (const entry of group.entries.slice(0, MAX_LISTED_OCCURRENCES))
    out.push(`- ${isoFromEpochMs(entry.time)} ${code(`${entry.request.method.toUpperCase()} ${entry.request.url}`)}`);
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
export function ruleNameOf(entry: ReportEntry, browser: ShownBrowser): string {
  return failureName(entry.verdict, browser) ?? entry.verdict.networkError ?? entry.error ?? 'Unknown';
}

export function failureSection(group: FailureGroup, heading: string, detail: Detail, options: SectionOptions): string[] {
  const entry = group.first;
  const verdict = entry.verdict;
  const rule = ruleNameOf(entry, options.browser);
  const method = entry.request.method.toUpperCase();
  const count = group.entries.length;
  const where = verdict.stage ? (STAGE_WORDS[verdict.stage] ?? verdict.stage) : 'the exchange';
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
    out.push(
      '> The extension did not see every event of this request (for example, its service worker restarted while it was in flight): some headers may be missing below.',
      '',
    );
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
export function watchOutSection(groups: readonly FailureGroup[]): string[] {
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
