/**
 * docs/conformance.md, written by the conformance suite. Deterministic: no dates or timings, rows in
 * a fixed order, so the file changes only when the results (or the corpus, or a browser) change.
 * Its Firefox columns come from the recorded Firefox run (firefox-results-doc.ts) and the Firefox
 * exclusions (firefox-exclusions.ts), so they follow both on every run of the Chromium suite.
 */
import { chromiumBucket, describeChromium, describeExtension, excludesScenario, type StepComparison } from './compare';
import { firefoxExclusionOf } from './firefox-exclusions';
import {
  agreesWithFirefox,
  describeAddonInFirefox,
  describeFirefox,
  firefoxResultIndex,
  type FirefoxRequestResult,
  type FirefoxResults,
} from './firefox-results-doc';

export interface ResultsDocInput {
  chromiumVersion: string;
  /** The lab's origins: their ports change from run to run, so the file names them {page}, {api}, {api2}. */
  origins: { page: string; api: string; api2: string };
  seed: number;
  scenarioCount: number;
  /** Rule names the corpus must produce in Chromium. */
  requiredRules: readonly string[];
  comparisons: readonly StepComparison[];
  /** The recorded Firefox run of the same corpus (firefox-results.json); null leaves the Firefox columns out. */
  firefox: FirefoxResults | null;
}

/** A request of the Firefox run with the reason it is left out of the comparison, if it is. */
interface FirefoxRow {
  result: FirefoxRequestResult;
  exclusion: string | null;
}

const percent = (part: number, whole: number) => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(part === whole ? 0 : 1)}%`);
const code = (text: string) => '`' + text.replaceAll('`', "'") + '`';
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function agrees(comparison: StepComparison): boolean {
  return comparison.chromium !== null && comparison.extension !== null && comparison.disagreements.length === 0;
}

function compared(comparisons: readonly StepComparison[]): StepComparison[] {
  return comparisons.filter((c) => !excludesScenario(c.exclusion));
}

function ruleOrder(a: string, b: string): number {
  const rank = (name: string) => (name === 'pass' ? 2 : name === 'network error' ? 3 : name.startsWith('unseen') ? 4 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
}

export function renderResultsDoc(input: ResultsDocInput): string {
  return withoutPorts(renderWithPorts(input), input.origins);
}

/**
 * The text with the lab's origins named {page}, {api}, {api2}, and their ports named wherever a
 * scenario wrote one after another host or an upper-case scheme (`HTTP://127.0.0.1:{page port}`):
 * the ports change from run to run, the file must not.
 */
export function withoutPorts(text: string, origins: ResultsDocInput['origins']): string {
  let named = text;
  for (const [name, origin] of Object.entries(origins)) named = named.replaceAll(origin, `{${name}}`);
  for (const [name, origin] of Object.entries(origins)) {
    const port = new URL(origin).port;
    if (port) named = named.replace(new RegExp(`:${port}(?![0-9])`, 'g'), `:{${name} port}`);
  }
  return named;
}

const firefoxAgrees = (row: FirefoxRow) => agreesWithFirefox(row.result);

/** The Firefox cell of a scenario table: Firefox's verdict and whether the add-on agreed, or why it is excluded. */
function firefoxCell(row: FirefoxRow | undefined): string {
  if (!row) return 'not run in Firefox';
  const verdict = row.result.firefox.outcome === 'cors' ? code(describeFirefox(row.result.firefox)) : describeFirefox(row.result.firefox);
  if (row.exclusion) return cell(`${verdict}; excluded: ${row.exclusion}`);
  return cell(agreesWithFirefox(row.result) ? `${verdict}; CORS Doctor agrees` : `${verdict}; CORS Doctor says ${describeAddonInFirefox(row.result.addon)}`);
}

function chromiumCell(c: StepComparison): string {
  const verdict = cell(describeChromium(c.chromium));
  if (excludesScenario(c.exclusion)) return `${verdict}; excluded (see Excluded)`;
  if (c.exclusion) return `${verdict}; ${agrees(c) ? 'CORS Doctor agrees' : 'CORS Doctor differs'} (${c.exclusion.fields!.join(', ')} excluded)`;
  return agrees(c) ? `${verdict}; CORS Doctor agrees` : `${verdict}; CORS Doctor says ${cell(describeExtension(c.extension))}`;
}

function renderWithPorts(input: ResultsDocInput): string {
  const all = input.comparisons;
  const included = compared(all);
  const agreeing = included.filter(agrees);
  const firefox = input.firefox?.seed === input.seed ? input.firefox : null;
  const firefoxIndex = firefoxResultIndex(firefox);
  const firefoxRows: FirefoxRow[] = (firefox?.requests ?? []).map((result) => ({ result, exclusion: firefoxExclusionOf(result.scenario) }));
  const firefoxRowOf = (c: StepComparison): FirefoxRow | undefined => {
    const result = firefoxIndex.get(`${c.scenario.id}#${c.step}`);
    return result ? { result, exclusion: firefoxExclusionOf(result.scenario) } : undefined;
  };
  const firefoxIncluded = firefoxRows.filter((row) => !row.exclusion);
  const firefoxAgreeing = firefoxIncluded.filter(firefoxAgrees);
  const lines: string[] = [];
  lines.push(firefox ? '# Conformance with Chromium and Firefox' : '# Conformance with Chromium');
  lines.push('');
  lines.push(
    '<!-- Generated by e2e/conformance.e2e.ts (part of `npm test`), the Firefox columns from e2e/conformance/firefox-results.json ' +
      '(CORS_DOCTOR_FIREFOX_CORPUS=full e2e/conformance/firefox-conformance.e2e.ts). Do not edit by hand. -->',
  );
  lines.push('');
  lines.push(
    `CORS Doctor's verdicts compared, request by request, with Chromium's own. The corpus is generated ` +
      `(e2e/conformance/generator.ts, seed ${code('0x' + input.seed.toString(16))}): ${input.scenarioCount} scenarios, ` +
      `${all.length} requests, run in ${input.chromiumVersion} with the extension loaded. Chromium's verdict is ` +
      `${code('Network.loadingFailed.corsErrorStatus')} from the DevTools protocol; CORS Doctor's is the entry in its ` +
      `report (${code('getReport')}). A request agrees when both say the same on blocked or not, the rule name and ` +
      `${code('failedParameter')}, and a request Chromium did not block by CORS is not called a CORS block.`,
  );
  lines.push('');
  if (firefox) {
    lines.push(
      `The same corpus ran in ${firefox.firefoxVersion} with the Firefox add-on installed (tools/firefox.ts). Firefox's verdict is its ` +
        `web console's ${code('Cross-Origin Request Blocked')} line for the request (the reason key parsed from the en-US ${code('(Reason: …)')}); ` +
        `CORS Doctor's is the entry in its report, judged with Firefox's rules. A request agrees when both say blocked by CORS, a network error ` +
        `or passed, and for a block name the same Firefox reason key. Every scenario table below has a Firefox column.`,
    );
    lines.push('');
  }
  lines.push(
    `**Agreement${firefox ? ' with Chromium' : ''}: ${agreeing.length} of ${included.length} requests (${percent(agreeing.length, included.length)})**` +
      (all.length > included.length ? `, plus ${all.length - included.length} excluded (see below).` : '.'),
  );
  if (firefox) {
    lines.push('');
    lines.push(
      `**Agreement with Firefox: ${firefoxAgreeing.length} of ${firefoxIncluded.length} requests (${percent(firefoxAgreeing.length, firefoxIncluded.length)})**` +
        (firefoxRows.length > firefoxIncluded.length ? `, plus ${firefoxRows.length - firefoxIncluded.length} excluded (see below).` : '.'),
    );
  }
  lines.push('');

  lines.push('## By Chromium verdict');
  lines.push('');
  lines.push('| Chromium verdict | Requests | Agree | Agreement |');
  lines.push('|---|---:|---:|---:|');
  const buckets = new Map<string, StepComparison[]>();
  for (const comparison of included) {
    const bucket = chromiumBucket(comparison.chromium);
    buckets.set(bucket, [...(buckets.get(bucket) ?? []), comparison]);
  }
  for (const rule of input.requiredRules) if (!buckets.has(rule)) buckets.set(rule, []);
  for (const bucket of [...buckets.keys()].sort(ruleOrder)) {
    const rows = buckets.get(bucket)!;
    const agreed = rows.filter(agrees).length;
    const name = bucket === 'pass' || bucket === 'network error' || bucket.startsWith('unseen') ? bucket : code(bucket);
    lines.push(`| ${name} | ${rows.length} | ${agreed} | ${percent(agreed, rows.length)} |`);
  }
  lines.push(`| **all** | **${included.length}** | **${agreeing.length}** | **${percent(agreeing.length, included.length)}** |`);
  lines.push('');

  if (firefox) {
    lines.push('## By Firefox verdict');
    lines.push('');
    lines.push('| Firefox verdict | Requests | Agree | Agreement |');
    lines.push('|---|---:|---:|---:|');
    const firefoxBuckets = new Map<string, FirefoxRow[]>();
    for (const row of firefoxIncluded) {
      const bucket = describeFirefox(row.result.firefox);
      firefoxBuckets.set(bucket, [...(firefoxBuckets.get(bucket) ?? []), row]);
    }
    for (const bucket of [...firefoxBuckets.keys()].sort()) {
      const rows = firefoxBuckets.get(bucket)!;
      const agreed = rows.filter(firefoxAgrees).length;
      lines.push(`| ${bucket.startsWith('CORS') ? code(bucket) : bucket} | ${rows.length} | ${agreed} | ${percent(agreed, rows.length)} |`);
    }
    lines.push(`| **all** | **${firefoxIncluded.length}** | **${firefoxAgreeing.length}** | **${percent(firefoxAgreeing.length, firefoxIncluded.length)}** |`);
    lines.push('');
  }

  lines.push('## By scenario family');
  lines.push('');
  lines.push(firefox ? '| Family | Scenarios | Requests | Agree | Firefox requests | Firefox agree |' : '| Family | Scenarios | Requests | Agree |');
  lines.push(firefox ? '|---|---:|---:|---:|---:|---:|' : '|---|---:|---:|---:|');
  const families = new Map<string, StepComparison[]>();
  for (const comparison of included) families.set(comparison.scenario.family, [...(families.get(comparison.scenario.family) ?? []), comparison]);
  const familyOf = (id: string) => id.slice(0, id.indexOf('/'));
  for (const family of [...families.keys()].sort()) {
    const rows = families.get(family)!;
    const scenarios = new Set(rows.map((row) => row.scenario.id)).size;
    const inFirefox = firefoxIncluded.filter((row) => familyOf(row.result.scenario) === family);
    const firefoxCells = firefox ? ` ${inFirefox.length} | ${inFirefox.filter(firefoxAgrees).length} |` : '';
    lines.push(`| ${family} | ${scenarios} | ${rows.length} | ${rows.filter(agrees).length} |${firefoxCells}`);
  }
  lines.push('');

  const generatorErrors = all.filter((c) => c.generatorMismatch);
  if (generatorErrors.length) {
    lines.push('## Scenarios whose design Chromium contradicts');
    lines.push('');
    lines.push('The generator meant these to get another verdict: fix the generator, not the engine.');
    lines.push('');
    lines.push('| Scenario | Step | Mismatch |');
    lines.push('|---|---:|---|');
    for (const c of generatorErrors) lines.push(`| ${code(c.scenario.id)} | ${c.step + 1} | ${cell(c.generatorMismatch!)} |`);
    lines.push('');
  }

  const disagreements = included.filter((c) => !agrees(c));
  const firefoxColumn = (c: StepComparison) => (firefox ? ` ${firefoxCell(firefoxRowOf(c))} |` : '');
  const firefoxHeader = firefox ? ' Firefox |' : '';
  const firefoxRule = firefox ? '---|' : '';
  lines.push('## Disagreements');
  lines.push('');
  if (!disagreements.length) {
    lines.push(firefox ? 'With Chromium: none.' : 'None.');
  } else {
    lines.push(`| Scenario | Step | Chromium | CORS Doctor | Differs in |${firefoxHeader}`);
    lines.push(`|---|---:|---|---|---|${firefoxRule}`);
    for (const c of disagreements) {
      const fields = c.extension === null ? 'no report entry' : c.chromium === null ? 'Chromium saw nothing' : c.disagreements.join(', ');
      lines.push(
        `| ${code(c.scenario.id)} | ${c.step + 1} | ${cell(describeChromium(c.chromium))} | ${cell(describeExtension(c.extension))} | ${fields} |${firefoxColumn(c)}`,
      );
    }
  }
  if (firefox) {
    const firefoxDisagreements = firefoxIncluded.filter((row) => !firefoxAgrees(row));
    lines.push('');
    if (!firefoxDisagreements.length) lines.push('With Firefox: none.');
    else {
      lines.push('| Scenario | Step | Firefox | CORS Doctor in Firefox |', '|---|---:|---|---|');
      for (const { result } of firefoxDisagreements)
        lines.push(
          `| ${code(result.scenario)} | ${result.step + 1} | ${cell(describeFirefox(result.firefox))} | ${cell(describeAddonInFirefox(result.addon))} |`,
        );
    }
  }
  lines.push('');

  const excluded = all.filter((c) => c.exclusion);
  lines.push('## Excluded');
  lines.push('');
  if (!excluded.length) {
    lines.push('None.');
  } else {
    lines.push('Listed in e2e/conformance-exclusions.json: what an extension cannot observe. A field exclusion still compares the other fields.');
    lines.push('');
    lines.push(`| Scenario | Excluded | Chromium | CORS Doctor | Why it cannot be observed |${firefoxHeader}`);
    lines.push(`|---|---|---|---|---|${firefoxRule}`);
    for (const c of excluded) {
      const what = c.exclusion!.fields?.length ? c.exclusion!.fields.join(', ') : 'whole request';
      lines.push(
        `| ${code(c.scenario.id)} | ${what} | ${cell(describeChromium(c.chromium))} | ${cell(describeExtension(c.extension))} | ${cell(c.exclusion!.reason)} |${firefoxColumn(c)}`,
      );
    }
  }
  if (firefox) {
    const firefoxExcluded = firefoxRows.filter((row) => row.exclusion);
    lines.push('');
    lines.push("From the Firefox comparison (e2e/conformance/firefox-exclusions.ts): what Firefox's console cannot judge, or the add-on cannot see.");
    lines.push('');
    if (!firefoxExcluded.length) lines.push('None.');
    else {
      lines.push('| Scenario | Step | Firefox | CORS Doctor in Firefox | Why |', '|---|---:|---|---|---|');
      for (const { result, exclusion } of firefoxExcluded)
        lines.push(
          `| ${code(result.scenario)} | ${result.step + 1} | ${cell(describeFirefox(result.firefox))} | ${cell(describeAddonInFirefox(result.addon))} | ${cell(exclusion!)} |`,
        );
    }
  }
  lines.push('');
  const notRecorded = included.filter((c) => c.extension?.kind === 'not-cors' && c.captured === null);
  if (notRecorded.length) {
    lines.push(
      `${notRecorded.length} requests are not CORS-mode (images, classic scripts and stylesheets without ` +
        '`crossorigin`): CORS Doctor records no entry for them by design, which counts as its verdict "not CORS". (A no-cors `fetch()` is recorded, as not CORS, for its opaque-response warning.)',
    );
  }
  lines.push('');
  if (firefox) {
    lines.push('## Every request in both browsers');
    lines.push('');
    lines.push("Each cell: the browser's own verdict, then whether CORS Doctor agreed (Chromium: rule and failedParameter; Firefox: reason key).");
    lines.push('');
    lines.push('| Scenario | Step | Chromium | Firefox |');
    lines.push('|---|---:|---|---|');
    for (const c of all) lines.push(`| ${code(c.scenario.id)} | ${c.step + 1} | ${chromiumCell(c)} | ${firefoxCell(firefoxRowOf(c))} |`);
    lines.push('');
  }
  return lines.join('\n');
}
