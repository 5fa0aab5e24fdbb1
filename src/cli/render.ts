/**
 * Plain-text output for a terminal or a CI log: the verdict as the panel's detail pane shows it
 * (rule, explanation, expected beside actual, what Chromium and Firefox say, the fix for the chosen
 * stack), and the wire steps of a `check`. No colour codes, so logs stay greppable.
 */
import { STACK_IDS } from '../engine/fixes';
import type { FixSnippet, HeaderLine, Verdict } from '../engine/types';
import type { BrowserFetchResult, Step } from './browser-fetch';

/** 'all', or one stack id ('express', 'nginx', ...). */
export type StackChoice = string;

/** The fix catalogue's stacks, in its display order: what --stack accepts besides `all`. */
export const KNOWN_STACKS: readonly string[] = STACK_IDS;

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : by + line))
    .join('\n');
}

/** Response header lines that decide CORS (and Location), in wire order. */
function corsResponseLines(headers: readonly HeaderLine[]): HeaderLine[] {
  return headers.filter((line) => /^(access-control-|vary$|location$)/i.test(line.name));
}

/** Request header lines worth reading in a CORS step: Origin, the preflight's asks, the page's own. */
function interestingRequestLines(step: Step, authorNames: ReadonlySet<string>): HeaderLine[] {
  return step.requestHeaders.filter((line) => {
    const lower = line.name.toLowerCase();
    return lower === 'origin' || lower.startsWith('access-control-request-') || authorNames.has(lower);
  });
}

export function renderSteps(result: BrowserFetchResult, authorHeaderNames: readonly string[]): string {
  const authorNames = new Set(authorHeaderNames.map((n) => n.toLowerCase()));
  const out: string[] = [];
  for (const step of result.steps) {
    out.push(`${step.method} ${step.url}`);
    for (const line of interestingRequestLines(step, authorNames)) out.push(`    ${line.name}: ${line.value}`);
    out.push(`  ← ${step.status}${step.statusText ? ` ${step.statusText}` : ''}${step.redirectTo ? ` → ${step.redirectTo}` : ''}`);
    const lines = corsResponseLines(step.responseHeaders);
    if (lines.length === 0) out.push('    (no Access-Control-* headers)');
    for (const line of lines) out.push(`    ${line.name}: ${line.value}`);
    out.push(
      step.check.passed
        ? '  ✓ passes the CORS checks'
        : `  ✗ ${step.check.rule ?? 'blocked'}${step.check.failedParameter ? ` (failedParameter "${step.check.failedParameter}")` : ''}`,
    );
    out.push('');
  }
  return out.join('\n');
}

export function renderPreflightDecision(result: BrowserFetchResult): string {
  if (!result.preflightNeeded) return 'Preflight: not needed (safelisted method and headers).';
  return ['Preflight: needed, because', ...result.preflightReasons.map((reason) => `  - ${reason.message}`)].join('\n');
}

function snippetsFor(verdict: Verdict, stack: StackChoice): FixSnippet[] {
  const snippets = verdict.fix?.snippets ?? [];
  return stack === 'all' ? snippets : snippets.filter((snippet) => snippet.stack === stack);
}

/** The verdict's full story, as the detail pane tells it. */
export function renderVerdict(verdict: Verdict, stack: StackChoice): string {
  const out: string[] = [];
  const head = verdict.blocked ? 'BLOCKED' : verdict.kind === 'network-error' ? 'NETWORK ERROR' : verdict.kind === 'not-cors' ? 'NOT CORS' : 'ALLOWED';
  out.push(`${head}${verdict.rule ? `  ${verdict.rule}` : ''}: ${verdict.title}${verdict.confidence === 'inferred' ? ' (inferred)' : ''}`);
  out.push('');
  out.push(indent(verdict.explanation, '  '));
  if (verdict.observed.length > 0) {
    out.push('', '  Expected vs actual:');
    const width = Math.max(...verdict.observed.map((o) => o.field.length));
    for (const observation of verdict.observed) {
      out.push(`    ${observation.field.padEnd(width)}  expected: ${observation.expected}`);
      out.push(`    ${' '.repeat(width)}  actual:   ${observation.actual ?? '(missing)'}`);
    }
  }
  if (verdict.chromeMessage) out.push('', '  Chromium says:', indent(verdict.chromeMessage, '    '));
  if (verdict.firefox) out.push('', `  Firefox says (${verdict.firefox.key}):`, indent(verdict.firefox.message, '    '));
  if (verdict.confidence === 'inferred' && verdict.evidence.length > 0) {
    out.push('', '  Inferred from:', ...verdict.evidence.map((line) => `    - ${line}`));
  }
  if (verdict.fix) {
    out.push('', `  Fix: ${verdict.fix.summary}`);
    if (verdict.fix.details) out.push(indent(verdict.fix.details, '    '));
    for (const snippet of snippetsFor(verdict, stack)) {
      out.push('', `  --- ${snippet.label} ---`, indent(snippet.code, '    '));
    }
    if (verdict.fix.traps.length > 0) out.push('', '  Traps:', ...verdict.fix.traps.map((trap) => `    - ${trap}`));
  }
  if (verdict.warnings.length > 0) out.push('', '  Warnings:', ...verdict.warnings.map((w) => `    - ${w.message}`));
  if (verdict.specUrl) out.push('', `  Spec: ${verdict.specUrl}`);
  return out.join('\n');
}

export function renderCheck(result: BrowserFetchResult, stack: StackChoice, authorHeaderNames: readonly string[]): string {
  return [renderPreflightDecision(result), '', renderSteps(result, authorHeaderNames), renderVerdict(result.verdict, stack), ''].join('\n');
}
