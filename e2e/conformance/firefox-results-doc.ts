/**
 * The Firefox section of docs/conformance.md, written by e2e/conformance/firefox-conformance.e2e.ts
 * between two markers, so the Chromium suite's rewrite of the file keeps it (results-doc.ts) and
 * this suite's rewrite keeps the Chromium part. Deterministic: no dates, ports named {page}, {api}.
 */
import type { FirefoxVerdict } from './firefox-oracle';
import type { Scenario } from './scenario';

export const FIREFOX_SECTION_START = '<!-- firefox-conformance:start -->';
export const FIREFOX_SECTION_END = '<!-- firefox-conformance:end -->';

export interface FirefoxComparison {
  scenario: Scenario;
  step: number;
  firefox: FirefoxVerdict;
  /** The add-on's verdict in Firefox's terms; outcome null when its report has no entry. */
  extension: { outcome: FirefoxVerdict['outcome'] | 'not-cors' | null; key: string | null };
  /** Why Firefox's console cannot judge it (or misreports it), when left out. */
  exclusion: string | null;
  captured: unknown;
}

/** Same class (blocked by CORS / network error / passed) and, where Firefox names one, the same key. */
export function agreesWithFirefox(c: FirefoxComparison): boolean {
  const extension = c.extension.outcome === 'not-cors' ? 'pass' : c.extension.outcome;
  if (extension !== c.firefox.outcome) return false;
  return c.firefox.outcome !== 'cors' || c.extension.key === c.firefox.key;
}

const code = (text: string) => '`' + text.replaceAll('`', "'") + '`';
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const percent = (part: number, whole: number) => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(part === whole ? 0 : 1)}%`);

export function renderFirefoxSection(input: { firefoxVersion: string; origins: Record<string, string>; comparisons: readonly FirefoxComparison[] }): string {
  const included = input.comparisons.filter((c) => !c.exclusion);
  const agreeing = included.filter(agreesWithFirefox);
  const lines: string[] = [FIREFOX_SECTION_START, '', '## Firefox', ''];
  lines.push(
    `The same corpus, run in ${input.firefoxVersion} with the Firefox add-on installed (tools/firefox.ts). Firefox's verdict is its ` +
      `web console's ${code('Cross-Origin Request Blocked')} line for the request (the reason key parsed from the en-US ${code('(Reason: …)')}); ` +
      `CORS Doctor's is the entry in its report, judged with Firefox's rules. A request agrees when both say blocked by CORS, a network error ` +
      `or passed, and for a block name the same Firefox reason key.`,
  );
  lines.push('');
  lines.push(
    `**Firefox agreement: ${agreeing.length} of ${included.length} requests (${percent(agreeing.length, included.length)})**` +
      (input.comparisons.length > included.length ? `, plus ${input.comparisons.length - included.length} excluded (see below).` : '.'),
  );
  lines.push('');
  lines.push('| Firefox verdict | Requests | Agree | Firefox agreement |');
  lines.push('|---|---:|---:|---:|');
  const buckets = new Map<string, FirefoxComparison[]>();
  for (const c of included) {
    const bucket =
      c.firefox.outcome === 'cors'
        ? (c.firefox.key ?? 'cors')
        : c.firefox.outcome === 'network-error'
          ? 'network error (CORSDidNotSucceed)'
          : c.firefox.outcome;
    buckets.set(bucket, [...(buckets.get(bucket) ?? []), c]);
  }
  for (const bucket of [...buckets.keys()].sort()) {
    const rows = buckets.get(bucket)!;
    const agreed = rows.filter(agreesWithFirefox).length;
    lines.push(`| ${bucket.startsWith('CORS') ? code(bucket) : bucket} | ${rows.length} | ${agreed} | ${percent(agreed, rows.length)} |`);
  }
  lines.push(`| **all** | **${included.length}** | **${agreeing.length}** | **${percent(agreeing.length, included.length)}** |`);
  lines.push('');
  const disagreements = included.filter((c) => !agreesWithFirefox(c));
  lines.push('### Firefox disagreements', '');
  if (!disagreements.length) lines.push('None.');
  else {
    lines.push('| Scenario | Step | Firefox | CORS Doctor |', '|---|---:|---|---|');
    for (const c of disagreements) {
      lines.push(
        `| ${code(c.scenario.id)} | ${c.step + 1} | ${cell(c.firefox.outcome === 'cors' ? `${c.firefox.key}` : c.firefox.outcome)} | ${cell(c.extension.outcome === null ? 'no report entry' : `${c.extension.outcome}${c.extension.key ? ` ${c.extension.key}` : ''}`)} |`,
      );
    }
  }
  lines.push('');
  const excluded = input.comparisons.filter((c) => c.exclusion);
  lines.push('### Excluded from the Firefox comparison', '');
  if (!excluded.length) lines.push('None.');
  else {
    lines.push('| Scenario | Step | Firefox | Why |', '|---|---:|---|---|');
    for (const c of excluded)
      lines.push(
        `| ${code(c.scenario.id)} | ${c.step + 1} | ${cell(c.firefox.outcome === 'cors' ? `${c.firefox.key}` : c.firefox.outcome)} | ${cell(c.exclusion!)} |`,
      );
  }
  lines.push('', FIREFOX_SECTION_END, '');
  let text = lines.join('\n');
  for (const [name, origin] of Object.entries(input.origins)) text = text.replaceAll(origin, `{${name}}`);
  return text;
}

/** `doc` with its Firefox section replaced by `section` (appended when it has none). */
export function spliceFirefoxSection(doc: string, section: string): string {
  const start = doc.indexOf(FIREFOX_SECTION_START);
  const end = doc.indexOf(FIREFOX_SECTION_END);
  if (start === -1 || end === -1) return `${doc.replace(/\n*$/, '\n\n')}${section}`;
  return `${doc.slice(0, start)}${section}${doc.slice(end + FIREFOX_SECTION_END.length).replace(/^\n+/, '')}`;
}

/** The Firefox section of an existing doc, or '' (results-doc.ts keeps it when the Chromium suite rewrites the file). */
export function firefoxSectionOf(doc: string): string {
  const start = doc.indexOf(FIREFOX_SECTION_START);
  const end = doc.indexOf(FIREFOX_SECTION_END);
  return start === -1 || end === -1 ? '' : `${doc.slice(start, end + FIREFOX_SECTION_END.length)}\n`;
}
