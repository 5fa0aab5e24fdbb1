/**
 * The ticket-ready Markdown export: what a web developer pastes into the server team's tracker.
 * It must stand on its own: which request, what the browser checked, what the server answered,
 * how to fix it, and commands to reproduce it without a browser.
 */
import type { HeaderList } from '../engine/types';
import type { Report, ReportEntry } from '../shared/report';
import { curlReproductions, type CurlReproduction } from './curl';
import { REDACTED } from './redact';

export interface MarkdownContext {
  browser: { name: string; version: string } | null;
  /** ISO time the export stands for. */
  time: string;
  redacted: boolean;
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

export function failuresByRule(entries: readonly ReportEntry[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    if (!entry.verdict.blocked) continue;
    const rule = entry.verdict.rule ?? 'Unknown';
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

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
    out.push(`Preflight request to ${code(preflight.url)}:`, '');
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

function fixSection(entry: ReportEntry): string[] {
  const fix = entry.verdict.fix;
  if (!fix) return [];
  const out = ['#### Fix', '', `**${oneLine(fix.summary)}**`, ''];
  if (fix.details.trim()) out.push(fix.details.trim(), '');
  for (const snippet of fix.snippets.slice(0, 2)) {
    out.push(`${snippet.label}:`, '', fenced(snippet.code.replace(/\s+$/, ''), snippet.language), '');
  }
  if (fix.traps.length > 0) {
    out.push('Watch out:', '');
    for (const trap of fix.traps) out.push(`- ${oneLine(trap)}`);
    out.push('');
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

function failureSection(entry: ReportEntry, index: number, redacted: boolean): string[] {
  const verdict = entry.verdict;
  const rule = verdict.rule ?? 'Unknown';
  const method = entry.request.method.toUpperCase();
  const where = verdict.stage ? STAGE_WORDS[verdict.stage] ?? verdict.stage : 'the exchange';
  const parameter = verdict.failedParameter ? ` (failed parameter: ${code(verdict.failedParameter)})` : '';
  const out = [
    `### ${index}. ${code(rule)}: ${oneLine(verdict.title)}`,
    '',
    `- **Request:** ${code(`${method} ${entry.request.url}`)}`,
    `- **From origin:** ${entry.initiator === null ? 'unknown' : code(entry.initiator)}`,
    `- **Time:** ${isoFromEpochMs(entry.time)}`,
    `- **What failed:** ${firstSentence(verdict.explanation)}`,
    `- **Rule:** ${code(rule)}, checked on ${where}${parameter}`,
    '',
  ];
  if (firstSentence(verdict.explanation) !== oneLine(verdict.explanation)) out.push('**Why:**', '', verdict.explanation.trim(), '');
  if (entry.partial) {
    out.push('> The extension did not see every event of this request (for example, its service worker restarted while it was in flight): some headers may be missing below.', '');
  }
  if (verdict.chromeMessage) out.push('Chromium console message:', '', fenced(verdict.chromeMessage.trim()), '');
  if (verdict.confidence === 'inferred' && verdict.evidence.length > 0) {
    out.push('Inferred from:', '');
    for (const evidence of verdict.evidence) out.push(`- ${oneLine(evidence)}`);
    out.push('');
  }
  out.push(...headersSection(entry));
  out.push(...fixSection(entry));
  out.push(...curlSection(curlReproductions(entry), redacted));
  if (verdict.specUrl) out.push(`Specification: ${verdict.specUrl}`, '');
  return out;
}

function pageLabel(report: Report): string {
  const url = report.tab.url ? code(report.tab.url) : 'unknown page';
  return report.tab.title ? `${url} (${oneLine(report.tab.title)})` : url;
}

export function renderMarkdown(report: Report, context: MarkdownContext): string {
  const entries = orderedEntries(report.entries);
  const failures = entries.filter((entry) => entry.verdict.blocked);
  const browser = report.browser ?? context.browser;
  const byRule = failuresByRule(entries);
  const out: string[] = [
    `# CORS Doctor report: ${failures.length} CORS ${failures.length === 1 ? 'failure' : 'failures'}`,
    '',
    `- **Page:** ${pageLabel(report)}`,
    `- **Browser:** ${browser ? `${browser.name} ${browser.version}` : 'unknown'}`,
    `- **Extension:** ${report.tool.name} ${report.tool.version}`,
    `- **Time:** ${context.time}`,
    `- **Cross-origin requests captured:** ${entries.length}${report.dropped > 0 ? ` (${report.dropped} older ones dropped)` : ''}`,
    `- **Blocked by CORS:** ${failures.length}`,
    '',
  ];
  if (byRule.length > 0) {
    out.push('| Rule | Failures |', '| --- | ---: |');
    for (const [rule, count] of byRule) out.push(`| ${code(rule).replace(/\|/g, '\\|')} | ${count} |`);
    out.push('');
  }
  for (const notice of report.notices ?? []) out.push(`> ${oneLine(notice)}`, '');
  if (context.redacted) {
    out.push(
      `Cookies, credentials and secret-looking URL parameters are shown as ${code(REDACTED)}.`,
      '',
    );
  }
  if (failures.length === 0) {
    out.push('No request was blocked by CORS.', '');
  } else {
    out.push('## Failures', '');
    failures.forEach((entry, index) => out.push(...failureSection(entry, index + 1, context.redacted)));
  }
  return `${out.join('\n').trimEnd()}\n`;
}
